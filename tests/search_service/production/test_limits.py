"""Every bound on hostile input answers 400 or 413 in the one error shape, with a message
that names the bound."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from search_service import create_app
from tests.builders import make_record

SEARCH = "/api/v1/search"
ORG = "falls-bundle-evidence-review-northmoor"

CASES: list[tuple[str, dict[str, Any], str]] = [
    ("query length", {"q": "a" * 501}, "the limit is 500"),
    ("query of 1 MB", {"q": "sepsis " * 150_000}, "the limit is 500"),
    ("query terms", {"q": " ".join(["falls"] * 33)}, "the limit is 32"),
    ("OR of 1,023 terms", {"q": " OR ".join(f"w{i}" for i in range(1023))}, "the limit is"),
    ("bracket depth", {"q": "(" * 9 + "falls" + ")" * 9}, "the limit is 8"),
    ("1,000-deep brackets", {"q": "(" * 240 + "x" + ")" * 240}, "the limit is 8"),
    ("per_page", {"per_page": "101"}, "between 1 and 100"),
    ("page depth", {"page": "11", "per_page": "100"}, "beyond the first 1000"),
    ("facet values", {"organisation": [f"org-{i}" for i in range(41)]}, "at most 40"),
    ("bare star", {"q": "*"}, "at least 3 letters"),
    ("short prefix", {"q": "s*"}, "at least 3 letters"),
    ("infix wildcard", {"q": "*e*"}, "at least 3 letters"),
    ("suffix wildcard", {"q": "*sis"}, "at least 3 letters"),
]


def assert_error(response: Any, status: int, words: str) -> None:
    assert response.status_code == status
    body = response.get_json()
    assert body["ok"] is False and body["status"] == status
    assert words in body["error"]


@pytest.mark.parametrize("name,args,words", CASES, ids=[c[0] for c in CASES])
def test_search_bounds(client: FlaskClient, name: str, args: dict[str, Any], words: str) -> None:
    assert_error(client.get(SEARCH, query_string=args), 400, words)


def test_bounds_are_not_hit_by_ordinary_queries(client: FlaskClient) -> None:
    for q in [" ".join(["falls"] * 32), "(" * 8 + "falls" + ")" * 8, "fal*", "sepsis~2",
              "body:[a TO z]", "a" * 500, "falls AND", 'title:"" AND', '"a AND b" (']:
        assert client.get(SEARCH, query_string={"q": q}).status_code == 200, q


def test_wildcard_expansion_cap(small_index: Callable[[list[dict[str, Any]]], Path]) -> None:
    words = " ".join(f"zeb{chr(97 + i // 26)}{chr(97 + i % 26)}x" for i in range(150))
    root = small_index([make_record(id="many-words", outcome=words)])
    client = create_app({"TESTING": True, "INDEX_DIR": str(root)}).test_client()
    assert_error(client.get(SEARCH, query_string={"q": "zeb*"}), 400, "the limit is 100")
    assert client.get(SEARCH, query_string={"q": "zeba*"}).status_code == 200


def test_draft_length(client: FlaskClient) -> None:
    assert client.post("/api/v1/similar", json={"text": "falls " * 3333}).status_code == 200
    assert_error(client.post("/api/v1/similar", json={"text": "f" * 20_001}), 400,
                 "the limit is 20,000")


def test_body_size(client: FlaskClient) -> None:
    response = client.post("/api/v1/similar", data=b'{"text": "' + b"a" * 300_000 + b'"}',
                           content_type="application/json")
    assert_error(response, 413, "262,144 bytes")


def test_k_and_suggest_bounds(client: FlaskClient) -> None:
    assert_error(client.get(f"/api/v1/cases/{ORG}/similar?k=51"), 400, "between 1 and 50")
    assert_error(client.post("/api/v1/similar", json={"text": "falls", "k": 0}), 400,
                 "between 1 and 50")
    assert_error(client.get("/api/v1/suggest", query_string={"q": "a" * 101}), 400,
                 "at most 100")


def test_query_cost_bound(client: FlaskClient, monkeypatch: pytest.MonkeyPatch) -> None:
    from search_service.engine import ranking

    assert client.get(SEARCH, query_string={"q": '"falls prevention"'}).status_code == 200
    monkeypatch.setattr(ranking, "MAX_POSTINGS", 50)
    assert_error(client.get(SEARCH, query_string={"q": '"library evidence"'}), 400,
                 "the limit is 50")
    # plain words read stored scores: never refused, however common
    assert client.get(SEARCH, query_string={"q": "library evidence care"}).status_code == 200
    # phrases already read cost nothing more: the same phrase now answers
    assert client.get(SEARCH, query_string={"q": '"falls prevention"'}).status_code == 200


@pytest.mark.parametrize("body", [b"[" * 100_000 + b"]" * 100_000,
                                  b'{"text": ' + b"[" * 50_000 + b"]" * 50_000 + b"}"],
                         ids=["nested-array", "nested-field"])
def test_deeply_nested_json_is_a_400(client: FlaskClient, body: bytes) -> None:
    response = client.post("/api/v1/similar", data=body, content_type="application/json")
    assert_error(response, 400, "body")
