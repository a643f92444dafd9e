"""The pages' links and labels: canonical URLs, pagination windows and vignette headlines."""

from __future__ import annotations

from typing import Any

import pytest

from search_service.engine.params import Filters, SearchParams
from search_service.engine.search import SearchPage
from search_service.page_models import headline, pagination, query_pairs, search_url
from tests.builders import vocabulary_keys


def test_search_urls_are_canonical_and_leave_out_defaults() -> None:
    params = SearchParams.from_args({"region": ["london"], "q": ["falls"], "sort": ["relevance"],
                                     "page": ["1"], "impact_type": ["productivity_and_efficiency"],
                                     "has_savings": ["on"]}, vocabulary_keys())
    assert query_pairs(params) == [("q", "falls"), ("impact_type", "productivity_and_efficiency"),
                                   ("region", "london"), ("has_savings", "true")]
    assert search_url(SearchParams()) == "/"
    again = SearchParams.from_args({k: [v] for k, v in query_pairs(params)},
                                   vocabulary_keys())
    assert again == params


@pytest.mark.parametrize(("current", "total", "numbers"), [
    (1, 25, [1, 2, 3]),
    (1, 95, [1, 2, None, 10]),
    (5, 95, [1, None, 4, 5, 6, None, 10]),
    (10, 95, [1, None, 9, 10]),
    (3, 95, [1, 2, 3, 4, None, 10]),
])
def test_pagination_shows_first_last_and_neighbours(current: int, total: int,
                                                    numbers: list[int | None]) -> None:
    page = SearchPage(SearchParams(q="x", page=current), total, [], {})
    result = pagination(page)
    assert result is not None
    items: list[dict[str, Any]] = result["items"]
    assert [None if i.get("ellipsis") else i["number"] for i in items] == numbers
    assert [i["number"] for i in items if i.get("current")] == [current]
    assert ("previous" in result) == (current > 1)
    assert ("next" in result) == (current * 10 < total)


def test_a_single_page_has_no_pagination() -> None:
    assert pagination(SearchPage(SearchParams(), 10, [], {})) is None
    assert pagination(SearchPage(SearchParams(filters=Filters(has_savings=True)), 0, [], {})) \
        is None


@pytest.mark.parametrize(("case", "expected"), [
    ({"savings": {"money_gbp": 14800}}, "£14,800 saved"),
    ({"savings": {"money_gbp": 1200.4, "staff_hours": 1500}},
     "£1,200 saved and 1,500 staff hours saved"),
    ({"savings": {"other": "40 sensor alarms not purchased"}}, "40 sensor alarms not purchased"),
    ({"outcome": "Falls fell by a third. The bundle changed."}, "Falls fell by a third."),
])
def test_headline_prefers_quantified_savings(case: dict[str, Any], expected: str) -> None:
    assert headline(case) == expected
