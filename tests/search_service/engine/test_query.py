"""The query language, on a tiny corpus where the right answer is obvious."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from search_service.engine.correction import Correction
from search_service.engine.errors import QueryError
from search_service.engine.live import Generation
from search_service.engine.params import SearchParams
from search_service.engine.search import search
from tests.builders import TINY_DOCS as DOCS
from tests.hostile import may_be_refused


def ids(generation: Generation, q: str) -> list[str]:
    """The case studies that match ``q`` (related results after few matches left out)."""
    return [h.id for h in search(generation, SearchParams(q=q, per_page=50)).hits
            if not h.fields["related"]]


def test_related_results_follow_few_matches_and_are_marked(tiny: Generation) -> None:
    page = search(tiny, SearchParams(q="sepsis falls", per_page=50))
    flags = [h.fields["related"] for h in page.hits]
    assert page.total == 3 and flags[:3] == [False] * 3
    assert page.related == len(flags) - 3 > 0 and all(flags[3:])
    # Operators say exactly what to match: no related results for them.
    assert search(tiny, SearchParams(q='"pressure ulcer"', per_page=50)).related == 0
    assert search(tiny, SearchParams(q="falls AND sepsis", per_page=50)).related == 0


def test_free_text_matches_any_word_and_ranks_documents_with_more_words_first(
        tiny: Generation) -> None:
    found = ids(tiny, "sepsis falls")
    assert set(found) == {"sepsis-screen", "falls-wards", "falls-sepsis"}
    assert found[0] == "falls-sepsis"


def test_phrase_needs_adjacent_words(tiny: Generation) -> None:
    assert ids(tiny, '"pressure ulcer"') == ["pressure-ulcer"]
    # Free words match any word, "pressure" inside "blood pressure" (falls-wards) too.
    assert set(ids(tiny, "pressure ulcer")) == {"pressure-ulcer", "ulcer-pressure", "falls-wards"}


def test_exclusion(tiny: Generation) -> None:
    assert set(ids(tiny, "falls -sepsis")) == {"falls-wards"}
    assert set(ids(tiny, "falls NOT sepsis")) == {"falls-wards"}
    assert "pressure-ulcer" not in ids(tiny, 'ulcer -"pressure ulcer"')


def test_and_or_with_brackets(tiny: Generation) -> None:
    assert ids(tiny, "falls AND sepsis") == ["falls-sepsis"]
    assert set(ids(tiny, "(falls AND sepsis) OR diabetes")) == {"falls-sepsis", "diabetes-foot"}


def test_field_queries(tiny: Generation) -> None:
    assert set(ids(tiny, "title:sepsis")) == {"sepsis-screen", "falls-sepsis"}
    assert ids(tiny, 'topics:"care homes"') == ["falls-sepsis"]
    assert set(ids(tiny, "organisation:testford")) == set(DOCS)


def test_prefix(tiny: Generation) -> None:
    assert ids(tiny, "diab*") == ["diabetes-foot"]


def test_acronyms_match_their_expansion(tiny: Generation) -> None:
    assert ids(tiny, "ED") == ids(tiny, "emergency department") == ["sepsis-screen"]


@pytest.mark.parametrize("q", ["*", "*e*", "*sis", "s*", "se*", "a*b*", "sep*sis*"])
def test_short_or_leading_wildcards_are_refused(tiny: Generation, q: str) -> None:
    with pytest.raises(QueryError, match="wildcard"):
        search(tiny, SearchParams(q=q))


@pytest.mark.parametrize(("q", "bound"), [
    ("x" * 501, "characters"),
    (" OR ".join(f"w{i}" for i in range(33)), "words"),
    ("(" * 9 + "falls" + ")" * 9, "nest"),
])
def test_queries_over_a_bound_say_which(tiny: Generation, q: str, bound: str) -> None:
    with pytest.raises(QueryError, match=bound):
        search(tiny, SearchParams(q=q))


@pytest.mark.parametrize("q", ["(falls", "falls)", "AND falls", "falls OR", 'title:"sepsis',
                               "NOT"])
def test_unreadable_syntax_falls_back_to_words_with_a_notice(tiny: Generation, q: str) -> None:
    page = search(tiny, SearchParams(q=q))
    assert page.notices
    words = q.replace("(", " ").replace(")", " ").replace('"', " ").replace("title:", "")
    if "falls" in words or "sepsis" in words:
        assert page.total > 0


FUZZY = "Fuzzy (~) and boost (^) operators are not supported: searched for 'sepsis'."
RANGES = "Ranges ([a TO z]) are not supported: searched for the words instead."
SEPSIS, ULCER = {"sepsis-screen", "falls-sepsis"}, {"pressure-ulcer", "ulcer-pressure"}


@pytest.mark.parametrize(("q", "notice", "ids"), [
    ("sepsis~2", FUZZY, SEPSIS), ("sepsis~0.8", FUZZY, SEPSIS), ("sepsis^3", FUZZY, SEPSIS),
    ("[sepsis TO ulcer]", RANGES, SEPSIS | ULCER), ("{sepsis TO ulcer}", RANGES, SEPSIS | ULCER),
])
def test_unsupported_operators_are_explained(tiny: Generation, q: str, notice: str,
                                             ids: set[str]) -> None:
    page = search(tiny, SearchParams(q=q, per_page=50))
    assert page.notices == [notice]
    assert {h.id for h in page.hits if not h.fields["related"]} == ids


@pytest.mark.parametrize("q", [
    "x" * 500,
    " OR ".join(f"w{i}" for i in range(32)),  # operators are not words
    " AND ".join(f"w{i}" for i in range(16)) + " NOT " + " ".join(f"v{i}" for i in range(16)),
    '"' + " ".join(f"w{i}" for i in range(32)) + '"',
    "(" * 8 + "falls" + ")" * 8,
    " ".join(f"(w{i})" for i in range(9)),  # brackets side by side do not nest
])
def test_a_query_exactly_at_a_bound_is_answered(tiny: Generation, q: str) -> None:
    search(tiny, SearchParams(q=q))  # no QueryError


def test_the_words_bound_counts_the_words_of_phrases_and_says_what_to_do(
        tiny: Generation) -> None:
    with pytest.raises(QueryError) as caught:
        search(tiny, SearchParams(q='"' + " ".join(f"w{i}" for i in range(33)) + '"'))
    assert str(caught.value) == ("The query has 33 words; the limit is 32. "
                                 "Use fewer, more specific words.")


def test_a_surely_misspelt_word_shows_the_corrected_results(tiny: Generation) -> None:
    page = search(tiny, SearchParams(q="amputatons"))
    assert page.correction is not None and page.correction.to_json() == {
        "original": "amputatons", "corrected": "amputations"}
    assert page.params.q == "amputatons" and page.did_you_mean is None
    assert [h.id for h in page.hits if not h.fields["related"]] == ["diabetes-foot"]
    assert page.notices[0] == ("Showing results for “amputations”. Search instead for "
                               "“amputatons”.")
    # One misspelt word among others is corrected too, and a swap of two letters is sure.
    assert search(tiny, SearchParams(q="sepsis nurces")).correction is not None
    assert search(tiny, SearchParams(q="spesis")).correction == Correction("spesis", "sepsis")


def test_exact_searches_the_words_as_typed_and_offers_did_you_mean(tiny: Generation) -> None:
    page = search(tiny, SearchParams(q="amputatons", exact=True))
    assert page.correction is None and page.total == 0
    assert page.did_you_mean == "amputations"


@pytest.mark.parametrize(("q", "meant"), [
    ("amputatons -falls", "amputations -falls"),  # the exclusion stays an exclusion
    ("title:amputatons OR sepsis", "title:amputations OR sepsis"),
    ('amputatons AND "falls clinic"', 'amputations AND "falls clinic"'),
])
def test_did_you_mean_keeps_the_query_as_typed_around_the_word(tiny: Generation, q: str,
                                                               meant: str) -> None:
    page = search(tiny, SearchParams(q=q, exact=True))
    assert page.did_you_mean == meant


@pytest.mark.parametrize("q", ['"amputatons"', "wards", "ulcer", "salt", "xqzkv"])
def test_never_corrected(tiny: Generation, q: str) -> None:
    # a quoted phrase, words the collection contains, an acronym, a word with nothing near
    page = search(tiny, SearchParams(q=q))
    assert page.correction is None


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(exclude_categories=()), max_size=1000))
def test_no_query_string_raises_anything_but_a_bound(tiny: Generation, q: str) -> None:
    try:
        page = search(tiny, SearchParams(q=q, per_page=3))
    except QueryError:
        assert may_be_refused(q), q  # refused only when over a bound
        return
    # Related case studies may follow fewer than 10 matches (and only then).
    assert len(page.hits) == min(page.total + page.related, 3)
    assert page.related == 0 or page.total < 10


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(['falls', 'sepsis', '(', ')', '"', 'AND', 'OR', 'NOT', '-',
                                 'title:', 'diab*', '*', '~2', 'ulcer', ':', '\ud800']),
                max_size=20))
def test_no_operator_soup_raises_anything_but_a_bound(tiny: Generation, parts: list[str]) -> None:
    q = " ".join(parts)
    try:
        page = search(tiny, SearchParams(q=q))
    except QueryError:
        assert may_be_refused(q), q
        return
    # words of the corpus, OR-ed (a dangling OR falls back to the words): always found
    if {"falls", "sepsis", "ulcer"} & set(parts) and set(parts) <= {"falls", "sepsis", "ulcer",
                                                                     "OR"}:
        assert page.total > 0, q




def test_stop_words_are_never_corrected(tiny: Generation) -> None:
    page = search(tiny, SearchParams(q="wiht amputatons"))
    assert page.correction == Correction("wiht amputatons", "wiht amputations")
    page = search(tiny, SearchParams(q="with amputatons", exact=True))
    assert page.did_you_mean == "with amputations"
