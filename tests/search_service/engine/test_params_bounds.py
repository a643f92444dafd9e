"""Request parameters at their edges: every bound is allowed exactly at the limit and refused one
past it, and the answer names the parameter. (A bound moved by one would otherwise pass.)"""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from indexer.build import build_index
from indexer.sources.corpus import load_vocabularies
from search_service import create_app
from search_service.engine.errors import ParameterError
from search_service.engine.params import Filters, SearchParams
from tests.builders import make_record, vocabulary_keys, write_corpus

SEARCH = "/api/v1/search"


def _error(response: Any) -> str:
    assert response.status_code == 400, response.get_data(as_text=True)
    return str(response.get_json()["error"])


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> FlaskClient:
    """The API over four case studies, one from 2019, two from 2020, one from 2021 (small, so
    that `make mutate` can run these tests for every mutant)."""
    base = tmp_path_factory.mktemp("params")
    records = [make_record(id=f"y{year}-{n}", submitted_date=f"{year}-06-01")
               for n, year in enumerate((2019, 2020, 2020, 2021))]
    build_index(write_corpus(base / "cases", records), base / "index")
    app = create_app({"TESTING": True, "INDEX_DIR": str(base / "index"),
                      "RATELIMIT_ENABLED": False})
    return app.test_client()


def test_a_one_year_filter_lists_exactly_that_years_case_studies(client: FlaskClient) -> None:
    response = client.get(SEARCH, query_string={"year_from": "2020", "year_to": "2020"})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["total"] == 2
    assert {h["id"] for h in body["hits"]} == {"y2020-1", "y2020-2"}
    assert (body["query"]["year_from"], body["query"]["year_to"]) == (2020, 2020)


def test_a_year_range_the_wrong_way_round_is_refused(client: FlaskClient) -> None:
    message = _error(client.get(SEARCH, query_string={"year_from": "2021", "year_to": "2020"}))
    assert message == "year_from: must not be after year_to"


def _forty_vocabulary_values() -> dict[str, list[str]]:
    # 11 impact types + 12 groups + 17 sectors: 40 values, all of them known.
    tables = load_vocabularies().tables
    chosen = {"impact_type": list(tables["impact_types"]),
              "group_impacted": list(tables["group_impacted"]),
              "sector": list(tables["sector"])}
    assert sum(map(len, chosen.values())) == 40
    return chosen


def test_forty_facet_values_are_allowed_and_forty_one_are_not(client: FlaskClient) -> None:
    forty = _forty_vocabulary_values()
    assert client.get(SEARCH, query_string=forty).status_code == 200
    message = _error(client.get(SEARCH, query_string={**forty, "region": ["london"]}))
    # The facet at which the count passes 40 is named (the facets are read in a fixed order).
    assert message == "group_impacted: at most 40 facet values in one request; remove some filters"


def test_a_repeated_facet_value_counts_once_towards_the_bound() -> None:
    forty = _forty_vocabulary_values()
    forty["sector"] = forty["sector"] + ["acute"]  # "acute" again: still 40 distinct values
    filters = Filters.from_args(forty, vocabulary_keys())
    assert filters.facets["sector"].count("acute") == 1


@pytest.mark.parametrize(("page", "per_page"), [("10", "100"), ("1000", "1"), ("20", "50")])
def test_the_deepest_allowed_page_is_result_1000(client: FlaskClient, page: str,
                                                 per_page: str) -> None:
    response = client.get(SEARCH, query_string={"page": page, "per_page": per_page})
    assert response.status_code == 200
    assert response.get_json()["query"]["page"] == int(page)


BEYOND = "page: results beyond the first 1000 are not shown; narrow the search with filters"


@pytest.mark.parametrize(("page", "per_page", "expected"), [
    ("11", "100", BEYOND), ("21", "50", BEYOND), ("1001", "1", "page: must be between 1 and 1000"),
])
def test_one_page_past_result_1000_is_refused(client: FlaskClient, page: str, per_page: str,
                                              expected: str) -> None:
    assert _error(client.get(SEARCH, query_string={"page": page, "per_page": per_page})) == expected


@pytest.mark.parametrize(("name", "value", "expected"), [
    ("per_page", "100", None), ("per_page", "101", "per_page: must be between 1 and 100"),
    ("per_page", "1", None), ("per_page", "0", "per_page: must be between 1 and 100"),
    ("page", "1", None), ("page", "0", "page: must be between 1 and 1000"),
    ("year_from", "1990", None), ("year_from", "1989", "year_from: must be between 1990 and 2100"),
    ("year_to", "2100", None), ("year_to", "2101", "year_to: must be between 1990 and 2100"),
    ("page", "two", "page: 'two' is not a whole number"),
])
def test_number_bounds_are_inclusive(client: FlaskClient, name: str, value: str,
                                     expected: str | None) -> None:
    response = client.get(SEARCH, query_string={name: value})
    if expected is None:
        assert response.status_code == 200
        assert response.get_json()["query"][name] == int(value)
    else:
        assert _error(response) == expected


@pytest.mark.parametrize("name", ["q", "sort", "page", "per_page", "year_from", "has_savings"])
def test_a_single_valued_parameter_given_twice_is_refused(client: FlaskClient, name: str) -> None:
    values = {"q": ["a", "b"], "sort": ["title", "newest"], "page": ["1", "2"],
              "per_page": ["5", "6"], "year_from": ["2019", "2020"],
              "has_savings": ["true", "false"]}[name]
    assert _error(client.get(SEARCH, query_string={name: values})) == f"{name}: give it once"


def test_the_same_value_once_is_fine(client: FlaskClient) -> None:
    assert client.get(SEARCH, query_string={"q": ["falls"], "sort": ["title"]}).status_code == 200


@pytest.mark.parametrize(("raw", "expected"), [
    ("true", True), ("1", True), ("on", True), ("TRUE", True), ("false", False), ("0", False),
    ("", False),
])
def test_has_savings_reads_the_usual_spellings(raw: str, expected: bool) -> None:
    assert Filters.from_args({"has_savings": [raw]}, vocabulary_keys()).has_savings is expected


def test_empty_facet_values_are_ignored_and_duplicates_kept_once() -> None:
    filters = Filters.from_args({"region": ["", "london", "london"]}, vocabulary_keys())
    assert filters.facets == {"region": ("london",)}
    assert Filters.from_args({"region": [""]}, vocabulary_keys()).facets == {}


def test_defaults_when_nothing_is_given() -> None:
    params = SearchParams.from_args({}, vocabulary_keys())
    assert (params.q, params.sort, params.page, params.per_page) == ("", "relevance", 1, 10)
    assert params.filters == Filters() and not params.filters.active
    assert params.echo() == {"q": "", "sort": "relevance", "page": 1, "per_page": 10,
                             "filters": {}, "year_from": None, "year_to": None,
                             "has_savings": False}


def test_the_echo_repeats_every_filter(client: FlaskClient) -> None:
    query = client.get(SEARCH, query_string={
        "q": "falls", "region": ["london", "north_west"], "year_from": "2018",
        "has_savings": "true", "sort": "newest", "boost_sector": "acute"}).get_json()["query"]
    assert query == {"q": "falls", "sort": "newest", "page": 1, "per_page": 10,
                     "filters": {"region": ["london", "north_west"]}, "year_from": 2018,
                     "year_to": None, "has_savings": True, "boost": {"sector": ["acute"]}}


@pytest.mark.parametrize(("filters", "expected"), [
    (None, Filters()),
    ({"region": "london", "has_savings": True}, Filters({"region": ("london",)},
                                                        has_savings=True)),
    ({"sector": ["acute", "ambulance"], "year_to": 2020},
     Filters({"sector": ("acute", "ambulance")}, year_to=2020)),
])
def test_draft_filters_from_json(filters: Any, expected: Filters) -> None:
    assert Filters.from_json(filters, vocabulary_keys()) == expected


def test_draft_filters_that_are_not_an_object_are_refused() -> None:
    with pytest.raises(ParameterError) as caught:
        Filters.from_json(["london"], vocabulary_keys())
    assert str(caught.value) == "filters: must be an object of facet -> list of keys"


def test_an_active_filter_is_any_one_condition() -> None:
    assert Filters(year_from=2020).active and Filters(year_to=2020).active
    assert Filters(has_savings=True).active and Filters({"region": ("london",)}).active
    assert not Filters().active


@pytest.mark.parametrize(("args", "expected"), [
    ({"boost_region": ["atlantis"]}, "boost_region: unknown value 'atlantis'; see "
                                     "/api/v1/facets for the allowed values"),
    ({"boost_sector": ["acute", "acute", "ambulance"]}, None),
])
def test_boost_parameters_are_read_like_filters(args: dict[str, list[str]],
                                                expected: str | None) -> None:
    if expected is None:
        params = SearchParams.from_args(args, vocabulary_keys())
        assert params.boost == Filters({"sector": ("acute", "ambulance")})
        assert params.filters == Filters()
        return
    with pytest.raises(ParameterError) as caught:
        SearchParams.from_args(args, vocabulary_keys())
    assert (caught.value.parameter, str(caught.value)) == ("boost_region", expected)


def test_draft_filter_keys_are_matched_exactly() -> None:
    # Only JSON booleans are spelt in lower case; a key is never changed to fit.
    with pytest.raises(ParameterError, match="unknown value 'London'"):
        Filters.from_json({"region": "London"}, vocabulary_keys())


@pytest.mark.parametrize(("args", "expected"), [
    ({"sort": ["random"]}, "sort: use one of: relevance, newest, oldest, title"),
    ({"region": ["narnia"]},
     "region: unknown value 'narnia'; see /api/v1/facets for the allowed values"),
    ({"region": ["london", "narnia", "atlantis"]},
     "region: unknown value 'narnia'; see /api/v1/facets for the allowed values"),
    ({"sector": ["x" * 100]},
     f"sector: unknown value '{'x' * 80}'; see /api/v1/facets for the allowed values"),
    ({"boost_region": ["a: b"]},
     "boost_region: unknown value 'a: b'; see /api/v1/facets for the allowed values"),
])
def test_a_refused_value_is_named_in_the_message(args: dict[str, list[str]],
                                                 expected: str) -> None:
    with pytest.raises(ParameterError) as caught:
        SearchParams.from_args(args, vocabulary_keys())
    assert str(caught.value) == expected


def test_a_facet_the_generation_does_not_have_accepts_no_value() -> None:
    # An index built before a facet existed has no keys for it: every value is unknown.
    allowed = {k: v for k, v in vocabulary_keys().items() if k != "organisation"}
    with pytest.raises(ParameterError, match="^organisation: unknown value 'northmoor'"):
        Filters.from_args({"organisation": ["northmoor"]}, allowed)


@pytest.mark.parametrize(("args", "expected"), [
    ({"has_savings": ["maybe"]}, "has_savings: use true or false"),
    ({"per_page": ["x" * 60]}, f"per_page: '{'x' * 40}' is not a whole number"),
])
def test_a_malformed_value_says_what_to_send(args: dict[str, list[str]], expected: str) -> None:
    with pytest.raises(ParameterError) as caught:
        SearchParams.from_args(args, vocabulary_keys())
    assert str(caught.value) == expected


def test_empty_numbers_mean_the_default(client: FlaskClient) -> None:
    # The search form sends every field, empty ones included: ?q=falls&year_from=&page=
    response = client.get(SEARCH, query_string={"year_from": "", "year_to": "", "page": "",
                                                "per_page": ""})
    assert response.status_code == 200
    query = response.get_json()["query"]
    assert (query["year_from"], query["year_to"], query["page"], query["per_page"]) == (
        None, None, 1, 10)


@pytest.mark.parametrize("value", ["true", "TRUE", "1", "on", "On"])
def test_exact_is_switched_on_by_true_1_or_on_in_any_case(client: FlaskClient,
                                                          value: str) -> None:
    # "Search instead for ...": the words as typed; a misspelling is then not corrected.
    body = client.get(SEARCH, query_string={"q": "fals", "exact": value}).get_json()
    assert body["query"]["exact"] is True
    assert body["correction"] is None and body["total"] == 0
    assert body["did_you_mean"] == "falls"


@pytest.mark.parametrize("value", ["false", "FALSE", "0", ""])
def test_exact_is_off_by_default_and_by_false_or_0(client: FlaskClient, value: str) -> None:
    body = client.get(SEARCH, query_string={"q": "falls", "exact": value}).get_json()
    assert "exact" not in body["query"]


@pytest.mark.parametrize("value", ["yes", "2", "truee"])
def test_exact_with_another_value_is_refused_naming_it(client: FlaskClient, value: str) -> None:
    message = _error(client.get(SEARCH, query_string={"q": "falls", "exact": value}))
    assert message == "exact: use true or false"
