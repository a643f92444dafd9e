"""Insights against a brute-force sum over the raw corpus records, for a table of searches.

The reference never touches the index's columns: filters are applied to the raw JSON records
in plain Python (consent applied by hand), and for searches with words the matching ids come
from paging through the search itself, so a total here is checked against "the search it
summarises" and every sum against the records.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

import pytest

from indexer.sources.corpus import load_vocabularies, organisation_key
from search_service.engine.insights import BREAKDOWNS, LEADERS, insights
from search_service.engine.live import Generation
from search_service.engine.params import SearchParams
from search_service.engine.search import search

Record = dict[str, Any]

SEARCHES: list[dict[str, list[str]]] = [
    {},
    {"region": ["london"]},
    {"impact_type": ["saved_money_or_contributed_to_financial_effectiveness",
                     "productivity_and_efficiency"]},
    {"sector": ["acute"], "year_from": ["2019"], "year_to": ["2022"]},
    {"has_savings": ["true"], "service_type": ["clinical_librarian"]},
    {"group_impacted": ["nursing_and_midwifery"], "region": ["south_east", "london"]},
    {"organisation": ["northmoor-teaching-hospitals-nhs-foundation-trust"]},
    {"year_from": ["2026"]},
    {"q": ["falls"]},
    {"q": ["sepsis"], "region": ["north_west", "midlands"]},
    {"q": ['"business case"'], "has_savings": ["true"]},
    {"q": ["zzzqqqxx"]},
    {"q": ["falls"], "region": ["london"], "sort": ["title"], "page": ["2"]},
]


def _public(records: list[Record]) -> list[Record]:
    return [r for r in records if r["consent"]["external"] is True]


def _facet_values(record: Record, facet: str) -> list[str]:
    vocab = load_vocabularies()
    return {
        "impact_type": list(record["impact_types"]),
        "region": [vocab.region_facet(record["region"])],
        "sector": [record["sector"]],
        "group_impacted": [record["group_impacted"]],
        "service_type": list(record["service_types"]),
        "organisation": [organisation_key(record["organisation"])],
        "year": [record["submitted_date"][:4]],
    }[facet]


def _passes(record: Record, args: dict[str, list[str]]) -> bool:
    year = int(record["submitted_date"][:4])
    savings = record.get("savings") or {}
    for name, values in args.items():
        if name in ("q", "sort", "page"):
            continue
        if name == "year_from" and year < int(values[0]):
            return False
        if name == "year_to" and year > int(values[0]):
            return False
        if name == "has_savings" and not (savings.get("money_gbp") or savings.get("staff_hours")):
            return False
        if name not in ("year_from", "year_to", "has_savings") and not set(
                _facet_values(record, name)) & set(values):
            return False
    return True


def _ids_from_search(generation: Generation, args: dict[str, list[str]]) -> set[str]:
    found: set[str] = set()
    base = {k: v for k, v in args.items() if k not in ("page", "sort")}
    page = 1
    while True:
        params = SearchParams.from_args({**base, "per_page": ["100"], "page": [str(page)]},
                                        generation.columns.keys)
        result = search(generation, params)
        found |= {hit.id for hit in result.hits if not hit.fields["related"]}
        if page * 100 >= result.total:
            return found
        page += 1


def _expected(records: list[Record], generation: Generation,
              args: dict[str, list[str]]) -> list[Record]:
    chosen = [r for r in _public(records) if _passes(r, args)]
    if "q" in args:
        ids = _ids_from_search(generation, args)
        chosen = [r for r in chosen if r["id"] in ids]
        assert len(chosen) == len(ids)  # every hit is a public record that passes the filters
    return chosen


def _figure(record: Record, name: str) -> float:
    value = (record.get("savings") or {}).get(name)
    return float(value) if isinstance(value, (int, float)) and value > 0 else 0.0


@pytest.mark.parametrize("args", SEARCHES, ids=[str(a) for a in SEARCHES])
def test_totals_and_breakdowns_match_a_brute_force_sum(
        generation: Generation, bundled_records: list[Record], args: dict[str, list[str]]
) -> None:
    params = SearchParams.from_args(args, generation.columns.keys)
    result = insights(generation, params)
    chosen = _expected(bundled_records, generation, args)

    assert result.total == len(chosen) == search(generation, params).total
    for name in ("money_gbp", "staff_hours"):
        values = [_figure(r, name) for r in chosen]
        assert result.figures[name].total == pytest.approx(sum(values))
        assert result.figures[name].reported == sum(1 for v in values if v > 0)

    for facet in BREAKDOWNS:
        counts: Counter[str] = Counter()
        money: defaultdict[str, float] = defaultdict(float)
        for record in chosen:
            for value in _facet_values(record, facet):
                counts[value] += 1
                money[value] += _figure(record, "money_gbp")
        got = {b.key: (b.count, b.money_gbp) for b in result.breakdowns[facet] if b.count}
        assert got == {k: (n, pytest.approx(money[k])) for k, n in counts.items()}, facet


def test_the_whole_collection_leaves_out_records_without_consent_to_publish(
        generation: Generation, bundled_records: list[Record]) -> None:
    result = insights(generation, SearchParams())
    assert result.total == len(_public(bundled_records)) < len(bundled_records)


def test_years_run_from_first_to_last_with_gaps_as_zero(generation: Generation) -> None:
    params = SearchParams.from_args({"q": ["falls"]}, generation.columns.keys)
    years = insights(generation, params).breakdowns["year"]
    numbers = [int(b.key) for b in years]
    assert numbers == list(range(numbers[0], numbers[-1] + 1))
    assert sum(b.count for b in years) == search(generation, params).total


def test_largest_figures_are_the_largest(generation: Generation,
                                         bundled_records: list[Record]) -> None:
    result = insights(generation, SearchParams())
    for name in ("money_gbp", "staff_hours"):
        ranked = sorted((_figure(r, name) for r in _public(bundled_records)), reverse=True)
        leaders = result.largest[name]
        assert [leader.value for leader in leaders] == ranked[:LEADERS]
        assert all(leader.url == f"/cases/{leader.id}" for leader in leaders)


def test_json_has_the_shape_the_api_documents(generation: Generation) -> None:
    body = insights(generation, SearchParams.from_args(
        {"q": ["falls"], "page": ["2"]}, generation.columns.keys)).to_json()
    assert set(body) == {"query", "total", "figures", "breakdowns", "largest", "notices",
                         "took_ms"}
    assert "page" not in body["query"] and body["query"]["q"] == "falls"
    assert set(body["figures"]["money_gbp"]) == {"sum", "reported"}
    assert list(body["breakdowns"]) == list(BREAKDOWNS)
