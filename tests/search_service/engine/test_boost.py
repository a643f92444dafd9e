"""``boost_*``: documents matching the boost facets first, then the rest, each group in the
order the plain search gives it, with nothing lost or repeated across pages."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from search_service.engine.errors import ParameterError
from search_service.engine.live import Generation
from search_service.engine.params import MAX_RESULTS, SearchParams
from search_service.engine.search import search
from tests.builders import vocabulary_keys

CASES = [
    ("falls", {"boost_region": ["north_west"]}, "relevance"),
    ("evidence", {"boost_region": ["london", "south_east"]}, "relevance"),
    ("", {"boost_impact_type": ["saved_money_or_contributed_to_financial_effectiveness"]},
     "newest"),
    ("librarian", {"boost_region": ["south_west"]}, "title"),
]


def _all_hits(generation: Generation, args: dict[str, list[str]], per_page: int) -> list[Any]:
    hits: list[Any] = []
    for page in range(1, MAX_RESULTS // per_page + 1):  # bounded: a short page fails, not hangs
        params = SearchParams.from_args({**args, "per_page": [str(per_page)],
                                         "page": [str(page)]},
                                        generation.columns.keys)
        found = search(generation, params)
        hits += found.hits
        if len(found.hits) < per_page:
            break
    assert len(hits) == found.total
    return hits


def _matches(hit: Any, boost: dict[str, list[str]]) -> bool:
    for name, keys in boost.items():
        facet = name.removeprefix("boost_")
        field = {"impact_type": "impact_types", "service_type": "service_types"}.get(facet, facet)
        value = hit.fields[field]
        values = {v["key"] for v in value} if isinstance(value, list) else {value["key"]}
        if not values & set(keys):
            return False
    return True


@pytest.mark.parametrize(("q", "boost", "sort"), CASES)
def test_boosted_first_then_the_rest_in_plain_order(generation: Generation, q: str,
                                                    boost: dict[str, list[str]],
                                                    sort: str) -> None:
    plain = _all_hits(generation, {"q": [q], "sort": [sort]}, 100)
    boosted = _all_hits(generation, {"q": [q], "sort": [sort], **boost}, 7)
    assert sorted(h.id for h in boosted) == sorted(h.id for h in plain)  # none lost or repeated
    flags = [h.fields["boosted"] for h in boosted]
    assert flags == sorted(flags, reverse=True)  # every boosted hit before every other
    assert flags == [_matches(h, boost) for h in boosted]  # the flag is the boost filter
    assert any(flags) and not all(flags), "each case must reach both groups"
    theirs = [h.id for h in plain if _matches(h, boost)]
    rest = [h.id for h in plain if not _matches(h, boost)]
    assert [h.id for h in boosted] == theirs + rest


def test_boost_combines_with_filters_and_counts(generation: Generation) -> None:
    args = {"q": ["care"], "sector": ["acute"], "boost_region": ["north_west"]}
    params = SearchParams.from_args(args, generation.columns.keys)
    page = search(generation, params)
    plain = search(generation, SearchParams.from_args({"q": ["care"], "sector": ["acute"]},
                                                      generation.columns.keys))
    assert page.total == plain.total
    assert page.facets == plain.facets
    assert all(h.fields["sector"]["key"] == "acute" for h in page.hits)
    assert page.boosted_total == sum(1 for h in _all_hits(generation, args, 50)
                                     if h.fields["boosted"])
    assert page.to_json()["query"]["boost"] == {"region": ["north_west"]}


def test_without_boost_the_response_shape_is_unchanged(generation: Generation) -> None:
    params = SearchParams.from_args({"q": ["falls"]}, generation.columns.keys)
    body = search(generation, params).to_json()
    assert "boosted_total" not in body and "boost" not in body["query"]
    assert all("boosted" not in hit for hit in body["hits"])


def test_unknown_boost_value_names_the_boost_parameter() -> None:
    with pytest.raises(ParameterError) as caught:
        SearchParams.from_args({"boost_region": ["atlantis"]}, vocabulary_keys())
    assert caught.value.parameter == "boost_region"
    assert "atlantis" in str(caught.value)


def test_api_reports_boost_errors_in_the_one_error_shape(client: FlaskClient) -> None:
    response = client.get("/api/v1/search?q=falls&boost_sector=nowhere")
    assert response.status_code == 400
    assert response.json == {"ok": False, "status": 400, "error": response.json["error"]}
    assert response.json["error"].startswith("boost_sector:")
