"""The OpenAPI description of the workflow's JSON API (search_service/workflow/api.py), merged
into the one document by :mod:`search_service.openapi`. A submission's record uses the corpus
schema's field names (corpus/schema.json); any subset while it is a draft.
"""

from __future__ import annotations

from typing import Any

__all__ = ["SCHEMAS", "SECURITY_SCHEMES", "ERROR_PROBLEMS", "workflow_paths"]


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict[str, Any], description: str = "OK") -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


_CHANGE_ERRORS = {str(code): _json(_ref("Error"), text) for code, text in (
    (400, "Invalid record (each problem in `problems`) or a missing CSRF token"),
    (401, "Not signed in: no session, or a bearer token that is not valid or revoked"),
    (403, "Signed in, but not allowed: the role, or someone else's submission"),
    (404, "No such submission"),
    (409, "Changed by someone else since your version, or the state does not allow it"),
    (413, "Request body too large"), (429, "Too many requests from this address"),
    (503, "The database needs `impact-search db upgrade`"))}
# Added to the one Error schema: what is wrong with an invalid record.
ERROR_PROBLEMS: dict[str, Any] = {
    "type": "array", "description": "For an invalid record: each field and what is wrong",
    "items": {"type": "object", "required": ["field", "reason"], "properties": {
        "field": {"type": "string"}, "reason": {"type": "string"}}}}
_CRITERIA = ("achievement", "impact", "library_role", "quantified", "named_champion")
_STATES = ["draft", "submitted", "changes_requested", "accepted", "published", "escalated",
           "withdrawn"]
_STAMP = {"type": ["string", "null"], "format": "date-time"}
SCHEMAS: dict[str, Any] = {
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
}
_SUBMISSION_ID = {"name": "submission_id", "in": "path", "required": True,
                  "schema": {"type": "integer", "minimum": 1}}
_IF_MATCH = {"name": "If-Match", "in": "header", "required": False,
             "description": "The ETag of the version you changed (\"v3\"): 409 if it is no "
                            "longer the current one", "schema": {"type": "string"}}
_AUTH: list[dict[str, list[str]]] = [{"bearer": []}, {"session": []}]


def workflow_paths() -> dict[str, Any]:
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


SECURITY_SCHEMES: dict[str, Any] = {
    "bearer": {"type": "http", "scheme": "bearer",
               "description": "`impact-search tokens create EMAIL`"},
    "session": {"type": "apiKey", "in": "cookie", "name": "impact_search_session",
                "description": "The signed-in browser; changes also need the X-CSRF-Token "
                               "header"},
}
