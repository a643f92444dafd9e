"""The OpenAPI 3.1 description of ``/api/v1``, served at ``/api/v1/openapi.json``.

Kept beside the views it describes; a test validates it and checks every route is in it.
"""

from __future__ import annotations

from typing import Any

from indexer.facets import FACETS
from search_service.engine.browse import MAX_SUGGEST_CHARS
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
    "Hit": {"type": "object", "required": [*_HIT_FIELDS, "snippet", "score"],
            "properties": {**_HIT_FIELDS, "snippet": {
                "type": "string", "description": "HTML; only <mark> is markup"},
                "score": {"type": ["number", "null"]}}},
    "SearchResponse": {
        "type": "object",
        "required": ["query", "total", "hits", "facets", "notices", "took_ms"],
        "properties": {"query": {"type": "object"}, "total": {"type": "integer", "minimum": 0},
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
                            "quote": {"type": "object", "properties": {
                                "text": {"type": "string"}, "name": {"type": "string"},
                                "role": {"type": "string"},
                                "organisation": {"type": "string"}}},
                            "facets": {"type": "object"}}},
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

# The workflow (search_service/workflow/api.py): a submission's record uses the corpus
# schema's field names (corpus/schema.json); any subset while it is a draft.
_CHANGE_ERRORS = {str(code): _json(_ref("Error"), text) for code, text in (
    (400, "Invalid record (each problem in `problems`) or a missing CSRF token"),
    (401, "Not signed in: no session, or a bearer token that is not valid or revoked"),
    (403, "Signed in, but not allowed: the role, or someone else's submission"),
    (404, "No such submission"),
    (409, "Changed by someone else since your version, or the state does not allow it"),
    (413, "Request body too large"), (429, "Too many requests from this address"),
    (503, "The database needs `impact-search db upgrade`"))}
_SCHEMAS["Error"]["properties"]["problems"] = {
    "type": "array", "description": "For an invalid record: each field and what is wrong",
    "items": {"type": "object", "required": ["field", "reason"], "properties": {
        "field": {"type": "string"}, "reason": {"type": "string"}}}}
_CRITERIA = ("achievement", "impact", "library_role", "quantified", "named_champion")
_STATES = ["draft", "submitted", "changes_requested", "accepted", "published", "escalated",
           "withdrawn"]
_STAMP = {"type": ["string", "null"], "format": "date-time"}
_SCHEMAS.update({
    "Record": {"type": "object", "description": "Case study fields named as in the corpus "
               "schema (corpus/schema.json); id and submitted_date are set by the service."},
    "Submission": {"type": "object", "required": ["id", "state", "version", "record"],
                   "properties": {
                       "id": {"type": "integer"}, "case_id": {"type": ["string", "null"]},
                       "state": {"enum": _STATES}, "version": {"type": "integer"},
                       "round": {"type": "integer"}, "record": _ref("Record"),
                       "origins": {"type": "object", "description": "Fields filled from a "
                                   "document: read, inferred or missing"},
                       "created_at": _STAMP, "updated_at": _STAMP, "submitted_at": _STAMP,
                       "published_at": _STAMP, "url": {"type": "string"},
                       "public_url": {"type": ["string", "null"]},
                       "can_review": {"type": "boolean"},
                       "reviews": {"type": "array", "items": {"type": "object", "properties": {
                           "round": {"type": "integer"},
                           "decision": {"enum": ["accept", "escalate", "changes"]},
                           "criteria": {"type": "object"}, "comment": {"type": "string"},
                           "created_at": _STAMP}}}}},
    "Queue": {"type": "object", "required": ["submissions"], "properties": {
        "region": {"type": ["string", "null"]},
        "submissions": {"type": "array", "items": {"type": "object", "properties": {
            "id": {"type": "integer"}, "title": {"type": "string"},
            "region": {"type": ["string", "null"]},
            "organisation": {"type": ["string", "null"]}, "round": {"type": "integer"},
            "submitted_at": _STAMP, "url": {"type": "string"}}}}}},
    "Decision": {"type": "object", "required": ["decision", "criteria"], "properties": {
        "decision": {"enum": ["accept", "escalate", "changes"]},
        "criteria": {"type": "object", "required": list(_CRITERIA),
                     "additionalProperties": False,
                     "properties": {c: {"type": "boolean"} for c in _CRITERIA}},
        "comment": {"type": "string", "description": "Needed to request changes"}}},
})
_SUBMISSION_ID = {"name": "submission_id", "in": "path", "required": True,
                  "schema": {"type": "integer", "minimum": 1}}
_IF_MATCH = {"name": "If-Match", "in": "header", "required": False,
             "description": "The ETag of the version you changed (\"v3\"): 409 if it is no "
                            "longer the current one", "schema": {"type": "string"}}
_AUTH: list[dict[str, list[str]]] = [{"bearer": []}, {"session": []}]


def _workflow_paths() -> dict[str, Any]:
    one = _json(_ref("Submission"))
    body = {"required": True, "content": {"application/json": {"schema": _ref("Record")}}}
    return {
        "/api/v1/submissions": {"post": {
            "operationId": "createSubmission", "summary": "Start a draft", "security": _AUTH,
            "requestBody": body,
            "responses": {"201": _json(_ref("Submission"), "Created"), **_CHANGE_ERRORS}}},
        "/api/v1/submissions/{submission_id}": {
            "get": {"operationId": "getSubmission", "summary": "A submission, its state and "
                    "reviewers' comments (ETag: its version)", "security": _AUTH,
                    "parameters": [_SUBMISSION_ID],
                    "responses": {"200": one, **_CHANGE_ERRORS}},
            "patch": {"operationId": "changeSubmission", "summary": "Change a draft: a JSON "
                      "merge patch of the record (null removes a field)", "security": _AUTH,
                      "parameters": [_SUBMISSION_ID, {**_IF_MATCH, "required": True}],
                      "requestBody": body,
                      "responses": {"200": one, **_CHANGE_ERRORS, "428": _json(
                          _ref("Error"), "If-Match is required")}}},
        "/api/v1/submissions/{submission_id}/submit": {"post": {
            "operationId": "submitSubmission", "summary": "Submit for review: the record must "
            "be complete", "security": _AUTH, "parameters": [_SUBMISSION_ID, _IF_MATCH],
            "responses": {"200": one, **_CHANGE_ERRORS}}},
        "/api/v1/submissions/{submission_id}/withdraw": {"post": {
            "operationId": "withdrawSubmission", "summary": "Withdraw (a published one leaves "
            "search at the next index generation)", "security": _AUTH,
            "parameters": [_SUBMISSION_ID, _IF_MATCH],
            "responses": {"200": one, **_CHANGE_ERRORS}}},
        "/api/v1/reviews": {"get": {
            "operationId": "reviewQueue", "summary": "Submitted case studies waiting for this "
            "reviewer, oldest first", "security": _AUTH,
            "parameters": [{"name": "region", "in": "query", "schema": {"type": "string"}}],
            "responses": {"200": _json(_ref("Queue")), **_CHANGE_ERRORS}}},
        "/api/v1/reviews/{submission_id}": {"post": {
            "operationId": "decide", "summary": "A reviewer's decision on the checklist",
            "security": _AUTH, "parameters": [_SUBMISSION_ID],
            "requestBody": {"required": True, "content": {
                "application/json": {"schema": _ref("Decision")}}},
            "responses": {"200": one, **_CHANGE_ERRORS}}},
    }


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
        "/api/v1/health": {"get": {
            "operationId": "health", "summary": "Readiness: documents and index generation",
            "responses": {"200": _json(_ref("Health")), **_ERRORS}}},
        "/api/v1/openapi.json": {"get": {
            "operationId": "openapi", "summary": "This document",
            "responses": {"200": {"description": "OpenAPI 3.1 document"}}}},
    }
    paths.update(_workflow_paths())
    return {
        "openapi": "3.1.0",
        "info": {"title": "impact-search API", "version": "1.0.0",
                 "description": "Search NHS library and knowledge service impact case studies."},
        "paths": paths,
        "components": {"schemas": _SCHEMAS, "securitySchemes": {
            "bearer": {"type": "http", "scheme": "bearer", "description": "`impact-search "
                       "tokens create EMAIL`"},
            "session": {"type": "apiKey", "in": "cookie", "name": "impact_search_session",
                        "description": "The signed-in browser; changes also need the "
                                       "X-CSRF-Token header"}}},
    }
