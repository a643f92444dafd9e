"""Schemathesis against /api/v1/openapi.json: every operation, a few hundred examples each.
No 500, every response (errors included) matches the documented schema, status code and
content type."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, settings
from schemathesis import checks

from search_service import create_app
from search_service.openapi import openapi_document
from tests.builders import vocabulary_keys

CHECKS = [checks.not_a_server_error, checks.response_schema_conformance,
          checks.status_code_conformance, checks.content_type_conformance]

# The document the service serves (checked below to be the same) drives the generation.
schema = schemathesis.openapi.from_dict(openapi_document(vocabulary_keys()))


@pytest.fixture(scope="module")
def api_app(index_dir: Path) -> Flask:
    return create_app({"TESTING": True, "INDEX_DIR": str(index_dir), "RATELIMIT_ENABLED": False})


def test_the_served_document_is_the_fuzzed_one(api_app: Flask) -> None:
    served = api_app.test_client().get("/api/v1/openapi.json").get_data(as_text=True)
    assert json.loads(served) == json.loads(json.dumps(openapi_document(vocabulary_keys())))


@schema.parametrize()
@settings(max_examples=200, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_openapi_document(case: schemathesis.Case, api_app: Flask) -> None:
    case.call_and_validate(app=api_app, checks=CHECKS)
