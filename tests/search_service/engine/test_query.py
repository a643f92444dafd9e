"""The query language, on a tiny corpus where the right answer is obvious."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from search_service.engine.errors import QueryError
from search_service.engine.live import Generation
from search_service.engine.params import SearchParams
from search_service.engine.search import search
from tests.builders import TINY_DOCS as DOCS
from tests.hostile import may_be_refused


def ids(generation: Generation, q: str) -> list[str]:
    return [h.id for h in search(generation, SearchParams(q=q, per_page=50)).hits]


def test_free_text_matches_any_word_and_ranks_documents_with_more_words_first(
        tiny: Generation) -> None:
    found = ids(tiny, "sepsis falls")
    assert set(found) == {"sepsis-screen", "falls-wards", "falls-sepsis"}
    assert found[0] == "falls-sepsis"


def test_phrase_needs_adjacent_words(tiny: Generation) -> None:
    assert ids(tiny, '"pressure ulcer"') == ["pressure-ulcer"]
    assert set(ids(tiny, "pressure ulcer")) == {"pressure-ulcer", "ulcer-pressure"}


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


@pytest.mark.parametrize("q", ["*", "*e*", "*sis", "s*", "se*", "a*b*"])
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


@pytest.mark.parametrize("q", ["sepsis~2", "sepsis^3", "body:[a TO z]"])
def test_unsupported_operators_are_explained(tiny: Generation, q: str) -> None:
    page = search(tiny, SearchParams(q=q))
    assert page.notices


def test_did_you_mean_for_a_misspelt_word(tiny: Generation) -> None:
    page = search(tiny, SearchParams(q="amputatons"))
    assert page.did_you_mean == "amputations"
    assert page.total == 0


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(exclude_categories=()), max_size=1000))
def test_no_query_string_raises_anything_but_a_bound(tiny: Generation, q: str) -> None:
    try:
        page = search(tiny, SearchParams(q=q, per_page=3))
    except QueryError:
        assert may_be_refused(q), q  # refused only when over a bound
        return
    assert len(page.hits) == min(page.total, 3)


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
    page = search(tiny, SearchParams(q="with amputatons"))
    assert page.did_you_mean == "with amputations"
