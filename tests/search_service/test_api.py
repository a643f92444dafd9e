from __future__ import annotations

import re
from typing import Any

import jsonschema
import pytest
from flask import Flask
from flask.testing import FlaskClient
from openapi_spec_validator import validate

from search_service.openapi import openapi_document
from tests.builders import vocabulary_keys


def _error(response: Any, status: int) -> str:
    assert response.status_code == status
    body = response.get_json()
    assert set(body) == {"ok", "status", "error"}
    assert body["ok"] is False and body["status"] == status
    assert isinstance(body["error"], str) and body["error"]
    return str(body["error"])


def test_search_response_shape(client: FlaskClient) -> None:
    body = client.get("/api/v1/search?q=falls&region=north_west&per_page=3").get_json()
    assert set(body) >= {"query", "total", "hits", "facets", "notices", "took_ms"}
    assert body["query"]["q"] == "falls"
    assert body["query"]["filters"] == {"region": ["north_west"]}
    hit = body["hits"][0]
    assert set(hit) >= {"id", "title", "summary", "snippet", "score", "url", "impact_types",
                        "region", "sector", "group_impacted", "organisation", "year"}
    assert hit["url"] == f"/cases/{hit['id']}"
    assert set(body["facets"]) == {"impact_type", "region", "sector", "group_impacted",
                                   "service_type", "organisation"}


def test_repeated_facet_parameters_or_within_a_facet(client: FlaskClient) -> None:
    one = client.get("/api/v1/search?region=london").get_json()["total"]
    two = client.get("/api/v1/search?region=north_west").get_json()["total"]
    both = client.get("/api/v1/search?region=london&region=north_west").get_json()["total"]
    assert both == one + two


@pytest.mark.parametrize(("query", "parameter"), [
    ("region=narnia", "region"), ("impact_type=saved_time", "impact_type"),
    ("per_page=1000", "per_page"), ("per_page=0", "per_page"), ("page=0", "page"),
    ("year_from=abc", "year_from"), ("sort=random", "sort"), ("has_savings=maybe", "has_savings"),
    ("year_from=2022&year_to=2020", "year_from"), ("page=500&per_page=100", "page"),
    ("organisation=not-a-trust", "organisation"), ("year_to=1800", "year_to"),
])
def test_invalid_parameters_get_400_naming_the_parameter(client: FlaskClient, query: str,
                                                         parameter: str) -> None:
    # Exactly the parameter: "page" is inside "per_page", so a substring check proves nothing.
    message = _error(client.get(f"/api/v1/search?{query}"), 400)
    assert message.split(": ", 1)[0] == parameter, message


@pytest.mark.parametrize(("query", "message"), [
    ("q=s*", "'s*': a wildcard needs at least 3 letters before the * and can only end a word "
             "(for example diab*)."),
    ("q=" + "x" * 501, "The query is 501 characters long; the limit is 500. Shorten it to the "
                       "words that matter."),
])
def test_a_query_over_a_bound_gets_400_saying_which(client: FlaskClient, query: str,
                                                    message: str) -> None:
    assert _error(client.get(f"/api/v1/search?{query}"), 400) == message


def test_case_and_not_found(client: FlaskClient) -> None:
    body = client.get("/api/v1/cases/falls-bundle-evidence-review-northmoor").get_json()
    assert body["id"] == "falls-bundle-evidence-review-northmoor"
    assert body["facets"]["region"]["key"] == "north_west"
    assert "consent" not in body
    _error(client.get("/api/v1/cases/no-such-case"), 404)
    _error(client.get("/api/v1/nowhere"), 404)


def test_similar_endpoints(client: FlaskClient) -> None:
    body = client.get("/api/v1/cases/falls-bundle-evidence-review-northmoor/similar?k=3")
    hits = body.get_json()["hits"]
    assert len(hits) == 3 and all(set(h["reasons"]) == {"terms", "shared"} for h in hits)
    draft = client.post("/api/v1/similar", json={"text": "sepsis screening in ED", "k": 2,
                                                   "filters": {"region": ["london"]}})
    assert draft.status_code == 200
    draft_hits = draft.get_json()["hits"]
    assert len(draft_hits) == 2  # London has screening case studies: none is a bug
    assert all(h["region"]["key"] == "london" for h in draft_hits)
    assert all(h["reasons"]["terms"] for h in draft_hits)  # each says which words it shares


@pytest.mark.parametrize(("payload", "parameter"), [
    ({"text": ""}, "text"), ({"k": 3}, "text"), ({"text": "x" * 20_001}, "text"),
    ({"text": "falls", "k": 0}, "k"), ({"text": "falls", "k": "5"}, "k"),
    ({"text": "falls", "filters": {"region": ["narnia"]}}, "region"),
    ({"text": "falls", "filters": "london"}, "filters"), ([1, 2], "body"),
])
def test_draft_errors(client: FlaskClient, payload: Any, parameter: str) -> None:
    assert parameter in _error(client.post("/api/v1/similar", json=payload), 400)


def test_draft_body_over_the_limit_is_413(client: FlaskClient, app: Flask) -> None:
    big = "x" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    _error(client.post("/api/v1/similar", data=big, content_type="application/json"), 413)


def test_wrong_method_is_405_in_the_same_shape(client: FlaskClient) -> None:
    response = client.post("/api/v1/search")
    _error(response, 405)
    assert "GET" in response.headers["Allow"]


def test_unexpected_failure_is_500_in_the_same_shape(client: FlaskClient, app: Flask,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from search_service.engine import browse

    def boom(*args: Any) -> Any:
        raise RuntimeError("bug")

    monkeypatch.setattr(browse, "facet_overview", boom)
    message = _error(client.get("/api/v1/facets"), 500)
    assert "bug" not in message


def test_facets_lists_every_vocabulary_value(client: FlaskClient) -> None:
    body = client.get("/api/v1/facets").get_json()
    assert len(body["facets"]["impact_type"]) == 11
    assert len(body["facets"]["region"]) == 7
    assert len(body["facets"]["sector"]) == 17
    assert sum(v["count"] for v in body["facets"]["region"]) == body["total"]


def test_suggest_completes_titles_topics_and_labels(client: FlaskClient) -> None:
    body = client.get("/api/v1/suggest?q=seps").get_json()
    assert body["suggestions"] and all(s["text"].lower().startswith("seps")
                                       for s in body["suggestions"])
    assert client.get("/api/v1/suggest?q=nort").get_json()["suggestions"][0]["kind"] in (
        "region", "title", "organisation", "topic")
    assert client.get("/api/v1/suggest?q=dementai").get_json()["did_you_mean"] == "dementia"


def test_health(client: FlaskClient) -> None:
    body = client.get("/api/v1/health").get_json()
    assert body["status"] == "ok" and body["documents"] > 0 and body["generation"]


def test_openapi_document_is_valid_and_describes_every_route(client: FlaskClient,
                                                             app: Flask) -> None:
    document = client.get("/api/v1/openapi.json").get_json()
    validate(document)
    routes = {re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", str(r.rule))
              for r in app.url_map.iter_rules() if str(r.rule).startswith("/api/v1/")}
    assert routes == set(document["paths"])


@pytest.mark.parametrize(("url", "schema"), [
    ("/api/v1/search?q=falls", "SearchResponse"), ("/api/v1/facets", "FacetsResponse"),
    ("/api/v1/suggest?q=fal", "SuggestResponse"), ("/api/v1/health", "Health"),
    ("/api/v1/cases/falls-bundle-evidence-review-northmoor", "Case"),
    ("/api/v1/cases/falls-bundle-evidence-review-northmoor/similar", "SimilarResponse"),
    ("/api/v1/search?per_page=0", "Error"),
    ("/api/v1/insights?q=falls&has_savings=true", "InsightsResponse"),
])
def test_responses_match_the_documented_schemas(client: FlaskClient, url: str,
                                                schema: str) -> None:
    components = openapi_document(vocabulary_keys())["components"]
    validator = jsonschema.Draft202012Validator(
        {"$ref": f"#/components/schemas/{schema}", "components": components})
    validator.validate(client.get(url).get_json())
