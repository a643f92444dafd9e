"""CORS and HTTP caching on the read API (search_service/cors.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from indexer.build import build_index
from search_service import create_app
from tests.builders import make_record

HOST = "https://library.example-trust.nhs.uk"
READS = ["/api/v1/search?q=falls", "/api/v1/facets", "/api/v1/suggest?q=fal",
         "/api/v1/openapi.json"]


def make_client(index_dir: Path, **config: Any) -> FlaskClient:
    return create_app({"TESTING": True, "INDEX_DIR": str(index_dir), **config}).test_client()


@pytest.mark.parametrize("url", READS)
def test_any_origin_may_read_without_credentials(client: FlaskClient, url: str) -> None:
    response = client.get(url, headers={"Origin": HOST})
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response.headers


def test_an_origin_list_allows_only_its_origins(index_dir: Path) -> None:
    client = make_client(index_dir, CORS_ORIGINS=f"{HOST} https://other.nhs.uk")
    allowed = client.get("/api/v1/search?q=falls", headers={"Origin": HOST})
    assert allowed.headers["Access-Control-Allow-Origin"] == HOST
    assert "Origin" in allowed.headers["Vary"]
    refused = client.get("/api/v1/search?q=falls", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in refused.headers
    assert "Origin" in refused.headers["Vary"]


def test_preflight_allows_get_only(client: FlaskClient) -> None:
    response = client.options("/api/v1/search", headers={
        "Origin": HOST, "Access-Control-Request-Method": "GET"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.headers["Access-Control-Allow-Methods"] == "GET, HEAD"


def test_errors_also_carry_cors_so_the_widget_can_read_them(client: FlaskClient) -> None:
    response = client.get("/api/v1/search?sort=sideways", headers={"Origin": HOST})
    assert response.status_code == 400
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "ETag" not in response.headers  # an error is not a cacheable answer


def test_etag_and_max_age_then_304(index_dir: Path) -> None:
    client = make_client(index_dir, CACHE_MAX_AGE=123)
    first = client.get("/api/v1/search?q=falls")
    etag = first.headers["ETag"]
    assert etag.startswith('W/"g-')
    assert first.headers["Cache-Control"] == "public, max-age=123"
    again = client.get("/api/v1/search?q=falls", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.data == b""
    assert again.headers["ETag"] == etag
    other = client.get("/api/v1/search?q=falls", headers={"If-None-Match": 'W/"g-old-0.1.0"'})
    assert other.status_code == 200


def test_a_new_generation_changes_the_etag(small_index: Callable[[list[dict[str, Any]]], Path],
                                           tmp_path: Path) -> None:
    root = small_index([make_record(id="one"), make_record(id="two", title="Sepsis")])
    client = make_client(root)
    before = client.get("/api/v1/search?q=falls").headers["ETag"]
    build_index(tmp_path / "cases", root)  # publishes a new generation in the same folder
    response = client.get("/api/v1/search?q=falls", headers={"If-None-Match": before})
    assert response.status_code == 200
    assert response.headers["ETag"] != before


def test_health_is_never_cached(client: FlaskClient) -> None:
    response = client.get("/api/v1/health")
    assert response.headers["Cache-Control"] == "no-store"
    assert "ETag" not in response.headers
