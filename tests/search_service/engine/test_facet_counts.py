"""Facet values on a corpus small enough to count by eye: the order people see (most case
studies first, then A to Z), the selected value at count zero, and each facet ignoring only its
own selection."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from indexer.facets import build_columns
from indexer.sources.corpus import load_vocabularies
from search_service.engine.live import Generation, LiveIndex
from search_service.engine.params import Filters, SearchParams
from search_service.engine.search import facet_counts, filter_mask, search
from tests.builders import make_record

Build = Callable[[list[dict[str, Any]]], Path]

# region (source key) and sector of each case study; all mention falls, two also sepsis
CASES = [
    ("nw-1", "north_west", "acute", "falls"), ("nw-2", "north_west", "acute", "falls"),
    ("nw-3", "north_west", "ambulance", "falls sepsis"),
    ("ldn-1", "london", "acute", "falls"), ("ldn-2", "london", "mental_health", "falls"),
    ("mid-1", "west_midlands", "acute", "falls sepsis"),
    ("mid-2", "east_midlands", "ambulance", "falls"),
    ("sw-1", "south_west", "mental_health", "falls"),
]


# several impact types per case study: nw-1, ldn-1, mid-2 have "saved"; nw-2, ldn-2, sw-1 "risk"
SAVED, RISK, CARE = ("saved_money_or_contributed_to_financial_effectiveness",
                     "reduced_risk_or_improved_safety", "improved_the_quality_of_patient_care")
IMPACTS = [[SAVED, CARE], [RISK], [CARE]]


@pytest.fixture()
def counted(small_index: Build) -> Any:
    records = [make_record(id=i, region=region, sector=sector, title=f"{words} case {i}",
                           submitted_date=f"20{10 + n}-03-01", impact_types=IMPACTS[n % 3])
               for n, (i, region, sector, words) in enumerate(CASES)]
    live = LiveIndex(small_index(records))
    yield live.current()
    live.close()


def facet(generation: Generation, name: str, **args: Any) -> list[tuple[str, int, bool]]:
    filters = Filters(**args)
    page = search(generation, SearchParams(q="falls", filters=filters))
    return [(v["label"], v["count"], v["selected"]) for v in page.facets[name]]


def test_values_are_listed_most_case_studies_first_then_a_to_z(counted: Generation) -> None:
    assert facet(counted, "region") == [
        ("North West", 3, False), ("London", 2, False), ("Midlands", 2, False),
        ("South West", 1, False)]
    assert facet(counted, "sector") == [
        ("Acute", 4, False), ("Ambulance", 2, False), ("Mental health", 2, False)]


def test_a_facet_ignores_its_own_selection_but_not_the_others(counted: Generation) -> None:
    # Choosing London leaves every region listed (to widen the choice) but narrows sectors.
    assert facet(counted, "region", facets={"region": ("london",)}) == [
        ("North West", 3, False), ("London", 2, True), ("Midlands", 2, False),
        ("South West", 1, False)]
    assert facet(counted, "sector", facets={"region": ("london",)}) == [
        ("Acute", 1, False), ("Mental health", 1, False)]


def test_a_selected_value_with_no_matches_is_listed_at_count_zero(counted: Generation) -> None:
    # Ambulance and London together match nothing; both stay listed, ticked, at zero.
    chosen = {"sector": ("ambulance",), "region": ("london",)}
    assert facet(counted, "region", facets=chosen) == [
        ("Midlands", 1, False), ("North West", 1, False), ("London", 0, True)]
    assert facet(counted, "sector", facets=chosen) == [
        ("Acute", 1, False), ("Mental health", 1, False), ("Ambulance", 0, True)]
    page = search(counted, SearchParams(q="falls", filters=Filters(facets=chosen)))
    assert page.total == 0 and page.hits == []


def test_years_and_savings_narrow_every_facet(counted: Generation) -> None:
    # submitted 2010 + position: nw-1 2010 ... sw-1 2017
    assert facet(counted, "region", year_from=2013, year_to=2014) == [
        ("London", 2, False)]
    assert facet(counted, "region", year_from=2015, year_to=2015) == [("Midlands", 1, False)]
    assert facet(counted, "region", year_to=2010) == [("North West", 1, False)]
    assert facet(counted, "region", has_savings=True) == []


def test_a_multi_valued_facet_filters_on_any_of_its_values(counted: Generation) -> None:
    def ids(**facets: tuple[str, ...]) -> set[str]:
        page = search(counted, SearchParams(q="falls", filters=Filters(facets=facets)))
        return {h.id for h in page.hits}

    assert ids(impact_type=(SAVED,)) == {"nw-1", "ldn-1", "mid-2"}
    assert ids(impact_type=(SAVED, RISK)) == {"nw-1", "ldn-1", "mid-2", "nw-2", "ldn-2", "sw-1"}
    assert ids(impact_type=(SAVED,), region=("london",)) == {"ldn-1"}
    assert facet(counted, "impact_type", facets={"region": ("north_west",)}) == [
        ("Improved the quality of patient care", 2, False),
        ("Reduced risk or improved safety", 1, False),
        ("Saved money or contributed to financial effectiveness", 1, False)]


def test_has_savings_counts_money_or_staff_hours(small_index: Build) -> None:
    records = [make_record(id="money", savings={"money_gbp": 1200}),
               make_record(id="hours", savings={"staff_hours": 30}),
               make_record(id="other", savings={"other": "fewer readmissions"}),
               make_record(id="none")]
    live = LiveIndex(small_index(records))
    page = search(live.current(), SearchParams(filters=Filters(has_savings=True)))
    live.close()
    assert {h.id for h in page.hits} == {"money", "hours"}


def test_sort_by_title_is_a_to_z_ignoring_case_then_by_id(small_index: Build) -> None:
    titles = {"c-id": "beta falls", "a-id": "Alpha falls", "d-id": "alpha falls",
              "b-id": "Gamma falls"}
    live = LiveIndex(small_index([make_record(id=i, title=t) for i, t in titles.items()]))
    page = search(live.current(), SearchParams(q="falls", sort="title"))
    live.close()
    assert [h.id for h in page.hits] == ["a-id", "d-id", "c-id", "b-id"]


def test_counts_follow_the_query_as_well_as_the_other_facets(counted: Generation) -> None:
    # "sepsis" matches nw-3 (ambulance) and mid-1 (acute); with London chosen, no sector is left
    page = search(counted, SearchParams(q="sepsis", filters=Filters({"region": ("london",)})))
    assert page.facets["sector"] == []
    assert [(v["label"], v["count"]) for v in page.facets["region"]] == [
        ("Midlands", 1), ("North West", 1), ("London", 0)]


def test_savings_and_years_apply_together(small_index: Build) -> None:
    records = [make_record(id=f"s{year}", submitted_date=f"{year}-01-01",
                           savings={"money_gbp": 100}) for year in (2018, 2019, 2020)]
    records.append(make_record(id="n2019", submitted_date="2019-01-01"))
    live = LiveIndex(small_index(records))
    filters = Filters(year_from=2019, year_to=2019, has_savings=True)
    page = search(live.current(), SearchParams(filters=filters))
    live.close()
    assert [h.id for h in page.hits] == ["s2019"]


def test_labels_of_facet_values(counted: Generation) -> None:
    assert counted.columns.label("region", "london") == "London"
    assert counted.columns.label("sector", "mental_health") == "Mental health"
    assert counted.columns.label("region", "atlantis") == "atlantis"


def test_newest_and_oldest_sort_by_the_submitted_date(counted: Generation) -> None:
    # submitted 2010 + position in CASES: nw-1 the oldest, sw-1 the newest
    order = [case[0] for case in CASES]
    for sort, expected in (("newest", order[::-1]), ("oldest", order)):
        page = search(counted, SearchParams(q="falls", sort=sort))
        assert [h.id for h in page.hits] == expected


def _imported_without(*fields: str) -> dict[str, Any]:
    """A record as an imported document may give it: some fields missing."""
    record = make_record(id="imported", title="Imported falls case")
    for name in fields:
        del record[name]
    return record


SINGLE = ("region", "sector", "group_impacted", "organisation")


def test_a_record_missing_a_value_counts_under_not_stated() -> None:
    records = [make_record(id="full", submitted_date="2019-06-01"),
               _imported_without("region", "sector", "group_impacted", "organisation",
                                 "submitted_date")]
    columns = build_columns(records, load_vocabularies())
    counts = facet_counts(columns, np.ones(2, dtype=bool), Filters())
    for name in SINGLE:
        assert {"key": "not_stated", "label": "Not stated", "count": 1,
                "selected": False} in counts[name], name
    assert filter_mask(columns, Filters(facets={"region": ("not_stated",)})).tolist() == [
        False, True]


def test_not_stated_is_offered_only_when_a_record_is_missing_the_value() -> None:
    columns = build_columns([make_record(id="full")], load_vocabularies())
    every = facet_counts(columns, np.ones(1, dtype=bool), Filters(), include_zero=True)
    assert [name for name in SINGLE if any(v["key"] == "not_stated" for v in every[name])] == []


def test_a_record_without_a_date_matches_no_year_filter() -> None:
    records = [make_record(id="dated", submitted_date="2019-06-01"),
               _imported_without("submitted_date")]
    columns = build_columns(records, load_vocabularies())
    for filters in (Filters(year_to=2020), Filters(year_from=1990),
                    Filters(year_from=1990, year_to=2100)):
        assert filter_mask(columns, filters).tolist() == [True, False], filters
    assert filter_mask(columns, Filters()).tolist() == [True, True]
