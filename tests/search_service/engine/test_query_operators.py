"""Operators as a person reads them, on the tiny corpus of test_query: an AND chain keeps its
exclusions, plain words never swallow AND's left operand, and ordinary queries (words of the
corpus, operators where they belong) are always answered, never refused."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indexer.build import build_index
from search_service.engine.errors import QueryError
from search_service.engine.live import Generation, LiveIndex
from search_service.engine.params import SearchParams
from search_service.engine.search import search
from tests.builders import TINY_DOCS as DOCS
from tests.builders import make_record, write_corpus


def found(generation: Generation, q: str) -> set[str]:
    page = search(generation, SearchParams(q=q, per_page=50))
    assert not page.notices, (q, page.notices)  # read as written, not as a fallback
    return {h.id for h in page.hits if not h.fields["related"]}  # matches, not related ones


@pytest.mark.parametrize("q", ["falls AND -sepsis", "falls AND NOT sepsis",
                               "-sepsis AND falls", "falls AND -sepsis AND -ulcer"])
def test_an_and_chain_keeps_its_exclusions(tiny: Generation, q: str) -> None:
    assert found(tiny, q) == {"falls-wards"}


def test_an_and_chain_with_two_exclusions_drops_both(tiny: Generation) -> None:
    assert found(tiny, "nurses AND -sepsis AND -ulcer") == set()
    assert found(tiny, "nurses AND -sepsis") == {"pressure-ulcer", "ulcer-pressure"}


def test_a_plain_word_before_an_and_stays_on_its_own(tiny: Generation) -> None:
    # "ulcer OR (falls AND sepsis)", never "(ulcer OR falls) AND sepsis".
    assert found(tiny, "ulcer falls AND sepsis") == {"pressure-ulcer", "ulcer-pressure",
                                                     "falls-sepsis"}
    assert found(tiny, "falls AND sepsis ulcer") == {"pressure-ulcer", "ulcer-pressure",
                                                     "falls-sepsis"}
    assert found(tiny, "diabetes ulcer falls AND sepsis") == {
        "pressure-ulcer", "ulcer-pressure", "falls-sepsis", "diabetes-foot"}


def test_exclusions_outside_a_chain_apply_to_the_whole_query(tiny: Generation) -> None:
    assert found(tiny, "falls ulcer -sepsis -leg") == {"falls-wards", "pressure-ulcer"}
    # falls-wards says "blood pressure": the words of an acronym's expansion still count.
    assert found(tiny, "(falls OR ulcer) -pressure") == {"falls-sepsis"}


def test_an_exclusion_alone_lists_everything_else(tiny: Generation) -> None:
    assert found(tiny, "-sepsis") == set(DOCS) - {"sepsis-screen", "falls-sepsis"}


def test_an_exclusion_inside_brackets_stays_inside(tiny: Generation) -> None:
    assert found(tiny, "(falls -sepsis) OR diabetes") == {"falls-wards", "diabetes-foot"}


@pytest.mark.parametrize("name", ["colour", "Colour"])
def test_an_unknown_field_is_searched_as_words_with_a_notice(tiny: Generation,
                                                             name: str) -> None:
    page = search(tiny, SearchParams(q=f"{name}:sepsis"))
    assert page.notices == [f"There is no field called {name!r}: searched for the words "
                            "instead. Fields you can name: title, topics, organisation."]
    assert {h.id for h in page.hits if not h.fields["related"]} == {"sepsis-screen",
                                                                     "falls-sepsis"}


def test_a_double_negative_includes(tiny: Generation) -> None:
    assert found(tiny, "falls AND NOT -sepsis") == {"falls-sepsis"}


def test_or_inside_brackets_then_and(tiny: Generation) -> None:
    assert found(tiny, "(ulcer OR diabetes) AND nurses") == {"pressure-ulcer", "ulcer-pressure"}
    assert found(tiny, 'sepsis AND "care homes"') == {"falls-sepsis"}
    assert found(tiny, "title:falls AND title:sepsis") == {"falls-sepsis"}


# Ordinary queries: words that occur in the corpus, joined by operators where they belong.
WORDS = ["sepsis", "falls", "ulcer", "pressure", "diabetes", "nurses", "clinic", "foot",
         "screening", "bundle", "care", "homes"]
WORD = st.sampled_from(WORDS)
TERM = st.one_of(WORD, WORD.map(lambda w: f'title:{w}'), WORD.map(lambda w: f"{w[:4]}*"),
                 st.tuples(WORD, WORD).map(lambda p: f'"{p[0]} {p[1]}"'))
CHAIN = st.lists(TERM, min_size=1, max_size=3).map(" AND ".join)
ORDINARY = st.lists(st.one_of(CHAIN, CHAIN.map(lambda c: f"({c})")), min_size=1,
                    max_size=4).flatmap(lambda parts: st.sampled_from([" ", " OR "]).map(
                        lambda sep: sep.join(parts)))


@settings(max_examples=150, deadline=None)
@given(ORDINARY)
def test_ordinary_queries_are_answered_without_a_fallback(tiny: Generation, q: str) -> None:
    page = search(tiny, SearchParams(q=q, per_page=50))
    assert page.notices == [], q


@settings(max_examples=100, deadline=None)
@given(st.lists(WORD, min_size=1, max_size=6).map(" ".join))
def test_any_word_of_the_corpus_finds_its_case_studies(tiny: Generation, q: str) -> None:
    page = search(tiny, SearchParams(q=q, per_page=50))
    assert page.total > 0 and page.hits and page.notices == [], q
    assert all(h.snippet for h in page.hits)


def _many_words(prefix: str, count: int) -> str:
    return " ".join(f"{prefix}{chr(97 + i // 26)}{chr(97 + i % 26)}x" for i in range(count))


@pytest.fixture(scope="module")
def wordy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Generation]:
    # exactly 100 words starting "quin", and one more that starts "qui" but not "quin"
    base = tmp_path_factory.mktemp("wordy")
    outcome = _many_words("quin", 100) + " quivvx"
    build_index(write_corpus(base / "cases", [make_record(id="wordy", outcome=outcome)]),
                base / "index")
    live = LiveIndex(base / "index")
    yield live.current()
    live.close()


def test_a_wildcard_may_expand_to_exactly_100_words(wordy: Generation) -> None:
    page = search(wordy, SearchParams(q="quin*"))
    assert page.total == 1


def test_a_wildcard_that_expands_to_101_words_is_refused(wordy: Generation) -> None:
    with pytest.raises(QueryError) as caught:
        search(wordy, SearchParams(q="qui*"))
    assert str(caught.value) == ("'qui*' matches 101 different words; the limit is 100. "
                                 "Type more letters before the *.")


def test_a_wildcard_needs_three_letters(wordy: Generation) -> None:
    with pytest.raises(QueryError) as caught:
        search(wordy, SearchParams(q="qu*"))
    assert str(caught.value) == ("'qu*': a wildcard needs at least 3 letters before the * and "
                                 "can only end a word (for example diab*).")


FALLBACK = ("We could not read the query's operators or brackets, so we searched for its "
            "words instead.")


@pytest.mark.parametrize(("q", "words"), [
    ("falls NOT AND sepsis", {"falls-wards", "falls-sepsis", "sepsis-screen"}),
    ("falls -OR sepsis", {"falls-wards", "falls-sepsis", "sepsis-screen"}),
    ("falls NOT )", {"falls-wards", "falls-sepsis"}),
])
def test_an_operator_or_bracket_after_not_is_unreadable_and_says_so(
        tiny: Generation, q: str, words: set[str]) -> None:
    page = search(tiny, SearchParams(q=q, per_page=50))
    assert page.notices == [FALLBACK]
    assert {h.id for h in page.hits if not h.fields["related"]} == words


def test_empty_brackets_add_nothing(tiny: Generation) -> None:
    assert found(tiny, "sepsis ()") == {"sepsis-screen", "falls-sepsis"}
    assert found(tiny, "() -sepsis") == set(DOCS) - {"sepsis-screen", "falls-sepsis"}


def test_a_quoted_phrase_after_a_field_is_searched_in_that_field(tiny: Generation) -> None:
    assert found(tiny, 'title:"pressure ulcer"') == {"pressure-ulcer"}
    # falls-wards says "blood pressure" in its text, not in its title
    assert found(tiny, 'title:"blood pressure"') == set()
    assert found(tiny, '"blood pressure"') == {"falls-wards"}


def test_a_field_takes_everything_after_its_colon(tiny: Generation) -> None:
    # title:ulcer:nurses is ulcer or nurses in the title; no title says nurses
    assert found(tiny, "title:ulcer:nurses") == {"pressure-ulcer", "ulcer-pressure"}


def test_a_word_ending_in_a_colon_is_just_the_word(tiny: Generation) -> None:
    # a heading pasted with its text is not a field
    assert found(tiny, "Outcome: fewer falls") == {"falls-wards", "falls-sepsis"}


def test_a_quoted_single_word_is_the_word(tiny: Generation) -> None:
    quoted, plain = (search(tiny, SearchParams(q=q, per_page=50)) for q in ('"sepsis"', "sepsis"))
    assert [h.id for h in quoted.hits] == [h.id for h in plain.hits]
    assert (quoted.total, quoted.related) == (plain.total, plain.related) == (2, 4)


@pytest.mark.parametrize(("q", "total"), [("sep*", 2), ("pre*", 4)])
def test_a_wildcard_lists_only_what_it_matches(tiny: Generation, q: str, total: int) -> None:
    # Related case studies follow a few matches of words people typed ("sepsis" gets 4), not
    # of a wildcard, whether it stands for one word of the corpus (sep*) or several (pre*).
    page = search(tiny, SearchParams(q=q, per_page=50))
    assert (page.total, page.related, len(page.hits)) == (total, 0, total)


@pytest.fixture(scope="module")
def departments(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Generation]:
    base = tmp_path_factory.mktemp("departments")
    records = [
        make_record(id="ed-handover", title="Faster ED handover",
                    summary="Ambulance handover times in ED fell.", topics=["handover"]),
        make_record(id="finance", title="Finance department savings",
                    summary="The finance department saved money on journals.",
                    topics=["finance"]),
        make_record(id="bulletin", title="A weekly current awareness bulletin",
                    summary="The library will send a bulletin every week.", topics=["alerts"]),
    ]
    build_index(write_corpus(base / "cases", records), base / "index")
    live = LiveIndex(base / "index")
    yield live.current()
    live.close()


def test_an_acronyms_expansion_still_meets_it_beside_an_operator(departments: Generation) -> None:
    # "emergency department" is ED however the query goes on, never any department
    assert found(departments, "emergency department -sepsis") == {"ed-handover"}
    assert found(departments, "(emergency department)") == {"ed-handover"}


def test_a_quoted_acronym_may_be_typed_in_lower_case(departments: Generation) -> None:
    assert found(departments, '"ed handover"') == {"ed-handover"}


def test_words_spelled_like_the_parsers_tokens_are_ordinary_words(tiny: Generation) -> None:
    assert found(tiny, "sepsis neg falls -ulcer") == {"sepsis-screen", "falls-sepsis",
                                                      "falls-wards"}
    assert found(tiny, "sepsis rp -falls") == {"sepsis-screen"}
    # after a phrase, where they are not read together with the words before them
    assert found(tiny, '"care homes" rp') == {"falls-sepsis"}
    assert found(tiny, '"care homes" neg sepsis') == {"falls-sepsis", "sepsis-screen"}


def test_a_misspelling_beside_an_operator_is_offered_a_correction(tiny: Generation) -> None:
    page = search(tiny, SearchParams(q="amputatons -falls", exact=True))
    assert page.did_you_mean is not None and page.did_you_mean.startswith("amputations")


def test_a_wildcard_that_matches_no_word_matches_no_case_study(tiny: Generation) -> None:
    # as an unknown word does; not dropped as a stop word is (that would list all the rest)
    assert found(tiny, "zzzq* -sepsis") == set()
    page = search(tiny, SearchParams(q="zzzq*"))
    assert (page.total, page.notices) == (0, [])
    assert found(tiny, "sepsis zzzq*") == {"sepsis-screen", "falls-sepsis"}


def test_the_words_found_are_marked_in_the_snippets(tiny: Generation) -> None:
    page = search(tiny, SearchParams(q="screening -falls"))
    assert [h.snippet for h in page.hits] == [
        "Nurses <mark>screened</mark> for sepsis with NEWS2 in A&amp;E."]


def test_a_negated_acronym_expansion_is_negated_whole(departments: Generation) -> None:
    # -emergency department excludes ED, and never turns "department" into a wanted word
    assert found(departments, "savings handover -emergency department") == {"finance"}


def test_an_acronym_may_be_typed_in_lower_case(departments: Generation) -> None:
    assert found(departments, "ed") == {"ed-handover"}
    assert found(departments, "ed -finance") == {"ed-handover"}


def test_exclusions_in_any_branch_of_an_or_apply_to_the_whole_query(tiny: Generation) -> None:
    assert found(tiny, "falls -sepsis OR ulcer") == {"falls-wards", "pressure-ulcer",
                                                     "ulcer-pressure"}


def test_a_query_of_only_common_words_lists_nothing_and_says_so(tiny: Generation) -> None:
    for q in ("the of and", "(the) OR of"):
        page = search(tiny, SearchParams(q=q))
        assert (page.total, page.hits) == (0, []), q
        assert page.notices[-1:] == [
            "The query has only very common words; try more specific ones."], q


def test_an_unclosed_quote_runs_to_the_end_and_says_so(tiny: Generation) -> None:
    page = search(tiny, SearchParams(q='"care homes', per_page=50))
    assert page.notices == ["A closing quotation mark was missing, so the phrase runs to "
                            "the end of the query."]
    assert {h.id for h in page.hits if not h.fields["related"]} == {"falls-sepsis"}


def test_a_one_word_acronym_is_also_the_ordinary_word_and_marked(
        departments: Generation) -> None:
    # "send" is SEND (special educational needs) and sending
    page = search(departments, SearchParams(q="send"))
    assert [(h.id, h.snippet) for h in page.hits if not h.fields["related"]] == [
        ("bulletin", "The library will <mark>send</mark> a bulletin every week.")]


def test_an_unreadable_query_still_searches_the_words_of_its_phrases(tiny: Generation) -> None:
    page = search(tiny, SearchParams(q='"care homes" OR', per_page=50))
    assert page.notices == [FALLBACK]
    assert {h.id for h in page.hits if not h.fields["related"]} == {"falls-sepsis"}


def test_an_unreadable_query_keeps_an_acronyms_expansion_whole(departments: Generation) -> None:
    page = search(departments, SearchParams(q="emergency department (", per_page=50))
    assert page.notices == [FALLBACK]
    assert {h.id for h in page.hits if not h.fields["related"]} == {"ed-handover"}
