"""Search over the bundled corpus, checked against brute force over the raw records."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

import pytest

from indexer.analysis import analyze
from indexer.sources.corpus import load_vocabularies, organisation_key, public_record, publishable
from search_service.engine.live import Generation
from search_service.engine.params import MAX_RESULTS, Filters, SearchParams
from search_service.engine.search import search

Records = list[dict[str, Any]]
MULTI = {"impact_type": "impact_types", "service_type": "service_types"}
INDEXED = ("title", "summary", "challenge", "lks_contribution", "outcome", "patient_benefit",
           "organisation")


def facet_values(record: dict[str, Any], facet: str) -> list[str]:
    vocab = load_vocabularies()
    if facet in MULTI:
        return list(record[MULTI[facet]])
    if facet == "region":
        return [vocab.region_facet(record["region"])]
    if facet == "organisation":
        return [organisation_key(record["organisation"])]
    return [record[facet]]


def brute_matches(record: dict[str, Any], filters: Filters, skip: str | None = None) -> bool:
    year = int(record["submitted_date"][:4])
    if filters.year_from and year < filters.year_from:
        return False
    if filters.year_to and year > filters.year_to:
        return False
    savings = record.get("savings", {})
    if filters.has_savings and not (savings.get("money_gbp") or savings.get("staff_hours")):
        return False
    return all(set(facet_values(record, f)) & set(keys)
               for f, keys in filters.facets.items() if f != skip)


@pytest.fixture(scope="module")
def published(bundled_records: Records) -> Records:
    return [public_record(r) for r in publishable(bundled_records)]


def all_ids(generation: Generation, q: str, filters: Filters) -> set[str]:
    found: list[str] = []
    for page in range(1, MAX_RESULTS // 100 + 1):  # bounded: a short page fails, never hangs
        result = search(generation, SearchParams(q=q, filters=filters, per_page=100, page=page))
        found += [h.id for h in result.hits if not h.fields["related"]]
        if len(found) >= result.total or len(result.hits) < 100:
            break
    assert len(found) == len(set(found)) == result.total
    return set(found)


def text_matches(record: dict[str, Any], q: str) -> bool:
    """Brute force, without the index or the query parser: does any of the OR-ed words occur in
    the fields the index holds (title, summary, topics, narrative, quote, organisation)?"""
    if not q:
        return True
    quote = record.get("quote", {}).get("text", "")
    text = "\n".join([*(str(record.get(f, "")) for f in INDEXED), *record["topics"], quote])
    words = set(analyze(text))
    return any(set(analyze(part, query=True)) & words for part in q.split(" OR "))


FILTER_TABLE: list[dict[str, Any]] = [
    {},
    {"facets": {"region": ("north_west",)}},
    {"facets": {"region": ("north_west", "london")}},
    {"facets": {"impact_type": ("saved_money_or_contributed_to_financial_effectiveness",)}},
    {"facets": {"impact_type": ("carers_and_the_public", "productivity_and_efficiency"),
                "sector": ("acute", "primary_care")}},
    {"facets": {"service_type": ("clinical_librarian",), "region": ("midlands",)}},
    {"facets": {"group_impacted": ("nursing_and_midwifery",)}, "has_savings": True},
    {"year_from": 2019, "year_to": 2021},
    {"facets": {"sector": ("ambulance",)}, "year_from": 2020},
    {"facets": {"region": ("london",), "sector": ("mental_health",),
                "impact_type": ("reduced_risk_or_improved_safety",)}},
]


@pytest.mark.parametrize("q", ["", "falls", "evidence", "sepsis OR dementia"])
@pytest.mark.parametrize("spec", FILTER_TABLE)
def test_total_and_facet_counts_equal_brute_force(generation: Generation, published: Records,
                                                  q: str, spec: dict[str, Any]) -> None:
    filters = Filters(**spec)
    matched = [r for r in published if text_matches(r, q)]
    assert matched
    page = search(generation, SearchParams(q=q, filters=filters, per_page=100))
    expected_total = sum(brute_matches(r, filters) for r in matched)
    assert page.total == expected_total
    assert all_ids(generation, q, filters) == {r["id"] for r in matched
                                               if brute_matches(r, filters)}
    for facet, values in page.facets.items():
        expected = Counter(v for r in matched if brute_matches(r, filters, skip=facet)
                           for v in set(facet_values(r, facet)))
        got = {v["key"]: v["count"] for v in values}
        selected = set(filters.facets.get(facet, ()))
        assert {k: c for k, c in got.items() if c} == dict(expected), facet
        assert set(got) == set(expected) | selected, facet
        assert all(v["selected"] == (v["key"] in selected) for v in values)


def test_selected_value_is_listed_at_count_zero(generation: Generation) -> None:
    filters = Filters(facets={"sector": ("ambulance",), "region": ("london",)})
    page = search(generation, SearchParams(q="dementia delirium", filters=filters))
    assert page.total == 0
    sectors = {v["key"]: v for v in page.facets["sector"]}
    regions = {v["key"]: v for v in page.facets["region"]}
    assert (sectors["ambulance"]["selected"], sectors["ambulance"]["count"]) == (True, 0)
    assert (regions["london"]["selected"], regions["london"]["count"]) == (True, 0)


def test_empty_query_lists_everything_newest_first(generation: Generation,
                                                   published: Records) -> None:
    page = search(generation, SearchParams(per_page=100))
    assert page.total == len(published)
    dates = [dt.date.fromisoformat(r["submitted_date"]) for r in sorted(
        published, key=lambda r: r["submitted_date"], reverse=True)]
    years = [h.fields["year"] for h in page.hits]
    assert years == [d.year for d in dates[:100]]


@pytest.mark.parametrize("sort", ["newest", "oldest", "title"])
def test_sort_orders(generation: Generation, published: Records, sort: str) -> None:
    hits = search(generation, SearchParams(q="evidence", sort=sort, per_page=100)).hits
    by_id = {r["id"]: r for r in published}
    if sort == "title":
        titles = [by_id[h.id]["title"].casefold() for h in hits]
        assert titles == sorted(titles)
    else:
        dates = [by_id[h.id]["submitted_date"] for h in hits]
        assert dates == sorted(dates, reverse=(sort == "newest"))


def test_relevance_scores_descend_and_pages_do_not_overlap(generation: Generation) -> None:
    first = search(generation, SearchParams(q="falls older people", per_page=5))
    second = search(generation, SearchParams(q="falls older people", per_page=5, page=2))
    scores = [h.score for h in first.hits + second.hits]
    assert scores == sorted(scores, reverse=True)  # type: ignore[type-var]
    assert not {h.id for h in first.hits} & {h.id for h in second.hits}
    assert first.total == second.total


def test_relevance_with_filters_ranks_within_the_filter(generation: Generation) -> None:
    filters = Filters(facets={"region": ("north_west",)})
    page = search(generation, SearchParams(q="falls", filters=filters, per_page=100))
    matching = [h for h in page.hits if not h.fields["related"]]
    assert page.total == len(matching) > 0
    # Few matches: related case studies follow them, inside the filter too.
    assert page.related == len(page.hits) - page.total > 0
    assert all(h.fields["region"]["key"] == "north_west" for h in page.hits)


def test_snippets_highlight_query_terms(generation: Generation) -> None:
    page = search(generation, SearchParams(q="sepsis"))
    assert all("<mark>" in h.snippet for h in page.hits if not h.fields["related"])
    assert all("<mark>" not in h.summary for h in page.hits)


@pytest.mark.parametrize("q", ["pressure ulcer", "falls older people", "sepsis OR dementia",
                               "evidence review", "diab* foot", "care -home"])
def test_top_hits_do_not_depend_on_the_page_size(generation: Generation, q: str) -> None:
    # Whoosh 2.7.4's array union matcher dropped documents under a result limit.
    everything = [h.id for h in search(generation, SearchParams(q=q, per_page=100)).hits]
    for per_page in (1, 3, 7):
        page = search(generation, SearchParams(q=q, per_page=per_page))
        assert [h.id for h in page.hits] == everything[:per_page]
