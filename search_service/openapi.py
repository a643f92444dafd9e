"""The OpenAPI 3.1 description of ``/api/v1``, served at ``/api/v1/openapi.json``.

Kept beside the views it describes; a test validates it and checks every route is in it.
"""

from __future__ import annotations

from typing import Any

from indexer.facets import FACETS
from search_service.engine.browse import MAX_SUGGEST_CHARS
from search_service.engine.insights import BREAKDOWNS, FIGURES
from search_service.engine.params import (
    MAX_FACET_VALUES,
    MAX_PER_PAGE,
    MAX_RESULTS,
    SORTS,
    YEAR_RANGE,
    Allowed,
)
from search_service.engine.query import MAX_QUERY_CHARS
from search_service.engine.similar import MAX_DRAFT_CHARS, MAX_K
from search_service.workflow import api_doc

__all__ = ["openapi_document"]


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _facet_parameters(allowed: Allowed) -> list[dict[str, Any]]:
    params = []
    for spec in FACETS:
        item: dict[str, Any] = {"type": "string"}
        if spec.vocabulary:
            item["enum"] = list(allowed[spec.name])
        params.append({
            "name": spec.name, "in": "query", "required": False, "explode": True,
            "description": f"{spec.title} filter; repeat for OR within the facet.",
            "schema": {"type": "array", "items": item, "maxItems": MAX_FACET_VALUES},
        })
    params += [
        {"name": "year_from", "in": "query", "schema": _YEAR},
        {"name": "year_to", "in": "query", "schema": _YEAR},
        {"name": "has_savings", "in": "query", "schema": {"type": "boolean"}},
    ]
    return params


_YEAR = {"type": "integer", "minimum": YEAR_RANGE[0], "maximum": YEAR_RANGE[1]}


def _json(schema: dict[str, Any], description: str = "OK") -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


_ERRORS = {str(code): _json(_ref("Error"), text) for code, text in (
    (400, "Invalid parameter or query over a bound"), (404, "Not found"),
    (413, "Request body too large"),
    (429, "Too many requests from this address: see Retry-After and RateLimit-* headers"),
    (503, "Index unavailable"))}

_KEY_LABEL = {"type": "object", "required": ["key", "label"],
              "properties": {"key": {"type": "string"}, "label": {"type": "string"}}}

_HIT_FIELDS: dict[str, Any] = {
    "id": {"type": "string"}, "title": {"type": "string"}, "summary": {"type": "string"},
    "url": {"type": "string"},
    "impact_types": {"type": "array", "items": _ref("KeyLabel")},
    "service_types": {"type": "array", "items": _ref("KeyLabel")},
    "region": _ref("KeyLabel"), "sector": _ref("KeyLabel"),
    "group_impacted": _ref("KeyLabel"), "organisation": _ref("KeyLabel"),
    "year": {"type": "integer"},
}

_SCHEMAS: dict[str, Any] = {
    "Error": {"type": "object", "required": ["ok", "status", "error"],
              "properties": {"ok": {"const": False}, "status": {"type": "integer"},
                             "error": {"type": "string"}}},
    "KeyLabel": _KEY_LABEL,
    "FacetValue": {"type": "object", "required": ["key", "label", "count", "selected"],
                   "properties": {"key": {"type": "string"}, "label": {"type": "string"},
                                  "count": {"type": "integer", "minimum": 0},
                                  "selected": {"type": "boolean"}}},
    "Facets": {"type": "object", "additionalProperties": {
        "type": "array", "items": _ref("FacetValue")}},
    "Hit": {"type": "object", "required": [*_HIT_FIELDS, "snippet", "score", "related"],
            "properties": {**_HIT_FIELDS, "snippet": {
                "type": "string", "description": "HTML; only <mark> is markup"},
                "score": {"type": ["number", "null"]},
                "related": {"type": "boolean", "description":
                            "true: the case study does not contain the query's words but is "
                            "related to the best matches (shown after fewer than 10 matches)"}}},
    "Correction": {"type": "object", "required": ["original", "corrected"], "description":
                   "The query had a misspelt word that no case study contains; the results "
                   "are for the corrected query. Repeat with exact=true for the words as typed.",
                   "properties": {"original": {"type": "string"},
                                  "corrected": {"type": "string"}}},
    "SearchResponse": {
        "type": "object",
        "required": ["query", "total", "related", "hits", "facets", "notices", "correction",
                     "took_ms"],
        "properties": {"query": {"type": "object"}, "total": {
            "type": "integer", "minimum": 0,
            "description": "case studies that match the query (and filters)"},
                       "related": {"type": "integer", "minimum": 0, "description":
                                   "related case studies listed after the matches"},
                       "correction": {"oneOf": [_ref("Correction"), {"type": "null"}]},
                       "hits": {"type": "array", "items": _ref("Hit")},
                       "facets": _ref("Facets"),
                       "notices": {"type": "array", "items": {"type": "string"}},
                       "did_you_mean": {"type": ["string", "null"]},
                       "took_ms": {"type": "number"}}},
    "Reasons": {"type": "object", "required": ["terms", "shared"], "properties": {
        "terms": {"type": "array", "items": {"type": "string"}},
        "shared": {"type": "array", "items": {
            "type": "object", "required": ["facet", "key", "label"],
            "properties": {"facet": {"type": "string"}, "key": {"type": "string"},
                           "label": {"type": "string"}}}}}},
    "SimilarHit": {"type": "object", "required": [*_HIT_FIELDS, "score", "reasons"],
                   "properties": {**_HIT_FIELDS, "score": {"type": "number"},
                                  "reasons": _ref("Reasons")}},
    "SimilarResponse": {"type": "object", "required": ["source", "k", "hits", "took_ms"],
                        "properties": {"source": {"type": ["string", "null"]},
                                       "k": {"type": "integer"}, "query": {"type": "object"},
                                       "hits": {"type": "array", "items": _ref("SimilarHit")},
                                       "took_ms": {"type": "number"}}},
    "Case": {"type": "object", "required": ["id", "title", "summary", "url", "facets"],
             "description": "The public record: a quoted person's name only with consent.",
             "properties": {"id": {"type": "string"}, "title": {"type": "string"},
                            "summary": {"type": "string"}, "url": {"type": "string"},
                            "document": {"type": "string", "description": (
                                "The file an imported case study was read from; only "
                                "with consent to name people (a file name may name one).")},
                            "quote": {"type": "object", "properties": {
                                "text": {"type": "string"}, "name": {"type": "string"},
                                "role": {"type": "string"},
                                "organisation": {"type": "string"}}},
                            "facets": {"type": "object"},
                            "cards": _ref("CaseCards")}},
    "CaseCards": {"type": "object", "required": ["alt_text", "hashtag", "downloads"],
                  "description": "The case's impact cards and the alt text to post with them.",
                  "properties": {"alt_text": {"type": "string"}, "hashtag": {"type": "string"},
                                 "downloads": {"type": "array", "items": {
                                     "type": "object",
                                     "required": ["format", "name", "url", "media_type"],
                                     "properties": {"format": {"type": "string"},
                                                    "name": {"type": "string"},
                                                    "url": {"type": "string"},
                                                    "media_type": {"type": "string"},
                                                    "description": {"type": "string"}}}}}},
    "FacetsResponse": {"type": "object", "required": ["total", "facets"],
                       "properties": {"total": {"type": "integer"}, "facets": _ref("Facets")}},
    "SuggestResponse": {"type": "object", "required": ["q", "suggestions", "did_you_mean"],
                        "properties": {"q": {"type": "string"},
                                       "suggestions": {"type": "array", "items": {
                                           "type": "object", "required": ["text", "kind"],
                                           "properties": {"text": {"type": "string"},
                                                          "kind": {"type": "string"},
                                                          "key": {"type": ["string", "null"]}}}},
                                       "did_you_mean": {"type": ["string", "null"]}}},
    "Health": {"type": "object", "required": ["ok", "status", "documents", "generation"],
               "properties": {"ok": {"type": "boolean"},
                              "status": {"enum": ["ok", "degraded"]},
                              "documents": {"type": "integer"},
                              "generation": {"type": "string"},
                              "built_at": {"type": "string"},
                              "format_version": {"type": "integer"},
                              "reason": {"type": "string"}}},
    "DraftRequest": {"type": "object", "required": ["text"], "properties": {
        "text": {"type": "string", "minLength": 1, "maxLength": MAX_DRAFT_CHARS},
        "k": {"type": "integer", "minimum": 1, "maximum": MAX_K},
        "filters": {"type": "object", "additionalProperties": {
            "type": "array", "items": {"type": "string"}}}}},
}

# Impact insights (/api/v1/insights): totals and breakdowns of a whole search.
_COUNT = {"type": "integer", "minimum": 0}
_AMOUNT = {"type": "number", "minimum": 0}
_SCHEMAS.update({
    "Figure": {"type": "object", "required": ["sum", "reported"],
               "description": "A saving summed over the case studies that report it.",
               "properties": {"sum": _AMOUNT, "reported": _COUNT}},
    "Bucket": {"type": "object", "required": ["key", "label", "count", "money_gbp",
                                              "staff_hours"],
               "properties": {"key": {"type": "string"}, "label": {"type": "string"},
                              "count": _COUNT, "money_gbp": _AMOUNT, "staff_hours": _AMOUNT}},
    "Leader": {"type": "object", "required": ["id", "title", "url", "organisation", "year",
                                              "value"],
               "properties": {"id": {"type": "string"}, "title": {"type": "string"},
                              "url": {"type": "string"}, "organisation": {"type": "string"},
                              "year": {"type": "integer"}, "value": _AMOUNT}},
    "InsightsResponse": {
        "type": "object",
        "required": ["query", "total", "figures", "breakdowns", "largest", "notices",
                     "took_ms"],
        "properties": {
            "query": {"type": "object"}, "total": _COUNT,
            "figures": {"type": "object", "required": list(FIGURES),
                        "properties": {name: _ref("Figure") for name in FIGURES}},
            "breakdowns": {"type": "object", "required": list(BREAKDOWNS),
                           "properties": {name: {"type": "array", "items": _ref("Bucket")}
                                          for name in BREAKDOWNS}},
            "largest": {"type": "object", "required": list(FIGURES),
                        "properties": {name: {"type": "array", "items": _ref("Leader")}
                                       for name in FIGURES}},
            "notices": {"type": "array", "items": {"type": "string"}},
            "took_ms": {"type": "number"}}},
})

# The submission workflow (search_service/workflow/api_doc.py).
_SCHEMAS["Error"]["properties"]["problems"] = api_doc.ERROR_PROBLEMS
_SCHEMAS.update(api_doc.SCHEMAS)

_CASE_ID = {"name": "case_id", "in": "path", "required": True,
            "schema": {"type": "string", "maxLength": 200}}
_K = {"name": "k", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": MAX_K}}


def openapi_document(allowed: Allowed) -> dict[str, Any]:
    """The document for the served generation: facet enums are its vocabularies."""
    search_params = [
        {"name": "q", "in": "query", "description": "Query text (see /about for the syntax).",
         "schema": {"type": "string", "maxLength": MAX_QUERY_CHARS}},
        *_facet_parameters(allowed),
        {"name": "sort", "in": "query", "schema": {"enum": list(SORTS)}},
        {"name": "page", "in": "query",
         "schema": {"type": "integer", "minimum": 1, "maximum": MAX_RESULTS}},
        {"name": "per_page", "in": "query",
         "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE}},
        {"name": "exact", "in": "query", "schema": {"type": "boolean"},
         "description": "true: search the words as typed, never a spelling correction "
                        "(the \"Search instead for\" link)."},
    ]
    paths: dict[str, Any] = {
        "/api/v1/search": {"get": {
            "operationId": "search", "summary": "Faceted full-text search",
            "parameters": search_params,
            "responses": {"200": _json(_ref("SearchResponse")), **_ERRORS}}},
        "/api/v1/cases/{case_id}": {"get": {
            "operationId": "getCase", "summary": "One published case study",
            "parameters": [_CASE_ID],
            "responses": {"200": _json(_ref("Case")), **_ERRORS}}},
        "/api/v1/cases/{case_id}/similar": {"get": {
            "operationId": "similarToCase", "summary": "Case studies with similar impact",
            "parameters": [_CASE_ID, _K, *_facet_parameters(allowed)],
            "responses": {"200": _json(_ref("SimilarResponse")), **_ERRORS}}},
        "/api/v1/similar": {"post": {
            "operationId": "similarToDraft",
            "summary": "Published precedents for a draft (the draft is not stored)",
            "requestBody": {"required": True, "content": {
                "application/json": {"schema": _ref("DraftRequest")}}},
            "responses": {"200": _json(_ref("SimilarResponse")), **_ERRORS}}},
        "/api/v1/facets": {"get": {
            "operationId": "facets", "summary": "Every facet value with its count",
            "responses": {"200": _json(_ref("FacetsResponse")), **_ERRORS}}},
        "/api/v1/suggest": {"get": {
            "operationId": "suggest", "summary": "Completions and a did-you-mean",
            "parameters": [{"name": "q", "in": "query",
                            "schema": {"type": "string", "maxLength": MAX_SUGGEST_CHARS}}],
            "responses": {"200": _json(_ref("SuggestResponse")), **_ERRORS}}},
        "/api/v1/insights": {"get": {
            "operationId": "insights",
            "summary": "Totals and breakdowns of everything a search matches",
            "description": "Takes a search's parameters (page, per_page and sort are read "
                           "and ignored): the number of case studies, money and staff hours "
                           "saved with how many report each, breakdowns by facet and year, "
                           "and the case studies with the largest figures.",
            "parameters": search_params,
            "responses": {"200": _json(_ref("InsightsResponse")), **_ERRORS}}},
        "/api/v1/health": {"get": {
            "operationId": "health", "summary": "Readiness: documents and index generation",
            "responses": {"200": _json(_ref("Health")), **_ERRORS}}},
        "/api/v1/openapi.json": {"get": {
            "operationId": "openapi", "summary": "This document",
            "responses": {"200": {"description": "OpenAPI 3.1 document"}}}},
    }
    paths.update(api_doc.workflow_paths())  # the submission workflow's operations
    return {
        "openapi": "3.1.0",
        "info": {"title": "impact-search API", "version": "1.0.0",
                 "description": "Search NHS library and knowledge service impact case studies."},
        "paths": paths,
        "components": {"schemas": _SCHEMAS, "securitySchemes": api_doc.SECURITY_SCHEMES},
    }
