"""The query language, on a tiny corpus where the right answer is obvious."""

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
from tests.builders import make_record, write_corpus

DOCS = {
    "sepsis-screen": ("Sepsis screening in the emergency department",
                      "Nurses screened for sepsis with NEWS2 in A&E.", ["sepsis"]),
    "falls-wards": ("Falls prevention on older people's wards",
                    "A falls bundle with lying and standing blood pressure.", ["falls"]),
    "falls-sepsis": ("Falls and sepsis in care homes",
                     "Care home staff learned to spot sepsis and prevent falls.", ["care homes"]),
    "pressure-ulcer": ("Pressure ulcer prevention",
                       "A pressure ulcer bundle for community nurses.", ["pressure ulcers"]),
    "ulcer-pressure": ("Leg ulcer clinic",
                       "An ulcer clinic relieved pressure on district nurses.", ["leg ulcers"]),
    "diabetes-foot": ("Diabetic foot service", "Diabetes podiatry reduced amputations.",
                      ["diabetic foot"]),
}


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Generation]:
    base = tmp_path_factory.mktemp("tiny")
    neutral = {"challenge": "The team asked the library for help.",
               "lks_contribution": "The librarian searched the literature.",
               "outcome": "The service changed."}
    records = [make_record(id=i, title=t, summary=s, topics=topics, **neutral)
               for i, (t, s, topics) in DOCS.items()]
    build_index(write_corpus(base / "cases", records), base / "index")
    live = LiveIndex(base / "index")
    yield live.current()
    live.close()


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
        return
    assert page.total >= 0


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(['falls', 'sepsis', '(', ')', '"', 'AND', 'OR', 'NOT', '-',
                                 'title:', 'diab*', '*', '~2', 'ulcer', ':', '\ud800']),
                max_size=20))
def test_no_operator_soup_raises_anything_but_a_bound(tiny: Generation, parts: list[str]) -> None:
    try:
        search(tiny, SearchParams(q=" ".join(parts)))
    except QueryError:
        pass




def test_stop_words_are_never_corrected(tiny: Generation) -> None:
    page = search(tiny, SearchParams(q="with amputatons"))
    assert page.did_you_mean == "with amputations"
