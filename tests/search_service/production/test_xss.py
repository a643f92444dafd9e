"""XSS, API side: payloads stay data in JSON; snippets (the only HTML the API returns) carry
no markup but <mark>."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from search_service import create_app
from tests.builders import make_record
from tests.hostile import MARKER, hostile_record

TAG = re.compile(r"<\s*/?\s*([a-zA-Z][^\s>/]*)")


@pytest.fixture()
def hostile_client(small_index: Callable[[list[dict[str, Any]]], Path]) -> FlaskClient:
    root = small_index([hostile_record(), make_record(id="plain-case")])
    return create_app({"TESTING": True, "INDEX_DIR": str(root)}).test_client()


def only_mark_tags(html: str) -> bool:
    return {t.lower() for t in TAG.findall(html)} <= {"mark"}


@pytest.mark.parametrize("q", [MARKER, "script", "onerror", "window", "svg", f'"{MARKER} title"',
                               "xss*", "title:script"])
def test_search_snippets_are_escaped(hostile_client: FlaskClient, q: str) -> None:
    response = hostile_client.get("/api/v1/search", query_string={"q": q})
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    hits = response.get_json()["hits"]
    assert [h["id"] for h in hits] == ["hostile-case"]
    snippet = hits[0]["snippet"]
    assert only_mark_tags(snippet), snippet
    assert "&lt;" in snippet  # the payload is shown as text, not dropped
    assert "<mark>" in snippet


def test_snippet_without_query_is_escaped_too(hostile_client: FlaskClient) -> None:
    for hit in hostile_client.get("/api/v1/search?sort=title").get_json()["hits"]:
        assert only_mark_tags(hit["snippet"]) and "<mark>" not in hit["snippet"]


def test_json_fields_are_the_stored_text_verbatim(hostile_client: FlaskClient) -> None:
    # JSON is data: consumers escape it (the pages via Jinja, the widget via textContent).
    record = hostile_record()
    case = hostile_client.get("/api/v1/cases/hostile-case").get_json()
    for name in ("title", "summary", "challenge", "outcome", "lks_contribution"):
        assert case[name] == record[name]
    assert case["quote"] == record["quote"]
    similar = hostile_client.get("/api/v1/cases/plain-case/similar").get_json()["hits"]
    assert similar[0]["title"] == record["title"]


def test_echoed_query_text_is_data_not_markup(hostile_client: FlaskClient) -> None:
    payload = "<script>alert(1)</script>"
    response = hostile_client.get("/api/v1/search", query_string={"q": payload})
    body = response.get_json()
    assert body["query"]["q"] == payload
    assert all(only_mark_tags(h["snippet"]) for h in body["hits"])
    suggest = hostile_client.get("/api/v1/suggest", query_string={"q": payload[:20]})
    assert suggest.get_json()["q"] == payload[:20]
    assert suggest.mimetype == "application/json"
