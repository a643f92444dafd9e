from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indexer.analysis import analyze, default_pipeline, tokenize


@pytest.mark.parametrize(
    ("text", "token"),
    [("A&E was busy", "A&E"), ("COVID-19 wards", "COVID-19"), ("saved £12,000", "£12,000"),
     ("a 24/7 service", "24/7"), ("R&D approval", "R&D")],
)
def test_tokeniser_keeps_nhs_shapes_whole(text: str, token: str) -> None:
    assert token in [t for t, _, _ in tokenize(text)]


def test_hyphenated_words_split_unless_a_digit_follows() -> None:
    assert [t for t, _, _ in tokenize("falls-prevention COVID-19")] == [
        "falls", "prevention", "COVID-19"]


@pytest.mark.parametrize(
    ("uk", "us"),
    [("haemorrhage", "hemorrhage"), ("anaemia", "anemia"), ("paediatric", "pediatric"),
     ("oesophageal", "esophageal"), ("organisation", "organization"), ("programme", "program"),
     ("tumour", "tumor"), ("centre", "center"), ("anaesthetic", "anesthetic"),
     ("diarrhoea", "diarrhea"), ("oedema", "edema"), ("behaviour", "behavior"),
     ("prioritised", "prioritized"), ("analyse", "analyze"), ("ischaemic", "ischemic"),
     ("gynaecology", "gynecology"), ("orthopaedic", "orthopedic")],
)
def test_uk_and_us_spellings_meet(uk: str, us: str) -> None:
    assert analyze(uk) == analyze(us) != []


@pytest.mark.parametrize(("word", "stem"), [
    ("exercise", "exercis"), ("advise", "advis"), ("promise", "promis"),
    ("supervise", "supervis"), ("noise", "nois"),
])
def test_ise_words_that_are_not_the_suffix_are_left_alone(word: str, stem: str) -> None:
    # Snowball's own stem, written out: folded to "-ize" they would stem differently.
    assert analyze(word) == [stem]
    assert analyze(word) != analyze(word[:-3] + "ize")


@pytest.mark.parametrize(
    ("a", "b"),
    [("A&E", "emergency department"), ("ED", "accident and emergency"),
     ("COPD", "chronic obstructive pulmonary disease"), ("AKI", "acute kidney injury"),
     ("VTE", "venous thromboembolism"), ("MDT", "multidisciplinary team"),
     ("ICB", "integrated care board"), ("CQC", "Care Quality Commission"),
     ("MI", "myocardial infarction")],
)
def test_acronyms_and_expansions_are_one_term(a: str, b: str) -> None:
    assert analyze(a) == analyze(b)
    assert len(analyze(a)) == 1


def test_acronyms_match_whole_tokens_only() -> None:
    assert analyze("MI") != analyze("missed")
    assert analyze("MI")[0] not in analyze("we missed the dose in the minibus")


def test_case_sensitive_acronyms_need_capitals_in_documents_but_not_in_queries() -> None:
    nice = analyze("NICE")
    assert analyze("a nice outcome") != nice
    assert nice[0] not in analyze("a nice outcome")
    assert analyze("nice", query=True) == nice


def test_stop_words_dropped_and_plurals_stemmed() -> None:
    assert analyze("the falls of the patients") == analyze("fall patient")


def test_terms_keep_readable_surface_and_offsets() -> None:
    text = "Reduced A&E waits"
    terms = default_pipeline().terms(text)
    assert [(t.surface, text[t.start:t.end]) for t in terms] == [
        ("Reduced", "Reduced"), ("A&E", "A&E"), ("waits", "waits")]
    assert [t.pos for t in terms] == [0, 1, 2]


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=1000))
def test_any_unicode_analyses_without_error(text: str) -> None:
    for term in default_pipeline().terms(text):
        assert term.text
        assert 0 <= term.start < term.end <= len(text)


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.characters(categories=["Cs", "L", "Zs", "P"]), max_size=300))
def test_lone_surrogates_do_not_break_analysis(text: str) -> None:
    analyze(text)
    analyze(text, query=True)
