"""Security headers on every response, HSTS only when configured, robots.txt."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask.testing import FlaskClient

from search_service import create_app

PATHS = ["/api/v1/search?q=falls", "/api/v1/health", "/api/v1/nowhere",
         "/api/v1/search?per_page=1000", "/robots.txt", "/metrics"]


@pytest.mark.parametrize("path", PATHS)
def test_every_response_has_the_headers(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    # Queries and drafts travel in URLs: no other site may be told them.
    assert response.headers["Referrer-Policy"] in ("same-origin", "no-referrer")
    assert "Strict-Transport-Security" not in response.headers  # off unless configured
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]


def test_post_errors_have_them_too(client: FlaskClient) -> None:
    response = client.post("/api/v1/similar", data=b"x" * (300 * 1024),
                           content_type="application/json")
    assert response.status_code == 413
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_hsts_when_configured(index_dir: Path) -> None:
    app = create_app({"TESTING": True, "INDEX_DIR": str(index_dir), "HSTS_MAX_AGE": 31536000})
    response = app.test_client().get("/api/v1/health")
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_a_page_policy_set_by_its_blueprint_wins(index_dir: Path) -> None:
    app = create_app({"TESTING": True, "INDEX_DIR": str(index_dir)})

    @app.get("/api/v1/own-policy")
    def own_policy() -> tuple[str, int, dict[str, str]]:
        return "", 204, {"Content-Security-Policy": "default-src 'self'"}

    response = app.test_client().get("/api/v1/own-policy")
    assert response.headers["Content-Security-Policy"] == "default-src 'self'"


def test_robots_keeps_crawlers_off_the_api_and_query_strings(client: FlaskClient) -> None:
    response = client.get("/robots.txt")
    assert response.status_code == 200 and response.mimetype == "text/plain"
    lines = response.get_data(as_text=True).splitlines()
    assert "User-agent: *" in lines
    assert {"Disallow: /api/", "Disallow: /*?", "Allow: /cases/"} <= set(lines)


def test_hooks_run_in_the_order_production_declares(index_dir: Path) -> None:
    """The order is written once, in search_service.production; the app must follow it."""
    from search_service.production import AFTER_REQUEST, BEFORE_REQUEST

    app = create_app({"TESTING": True, "INDEX_DIR": str(index_dir)})
    assert app.before_request_funcs[None] == list(BEFORE_REQUEST)
    # Flask runs after_request hooks last-registered first.
    assert list(reversed(app.after_request_funcs[None])) == list(AFTER_REQUEST)


def test_a_refused_request_still_gets_the_security_headers(index_dir: Path) -> None:
    app = create_app({"TESTING": True, "INDEX_DIR": str(index_dir),
                      "RATELIMIT_SUGGEST": "1/minute"})
    client = app.test_client()
    client.get("/api/v1/suggest?q=fa")
    refused = client.get("/api/v1/suggest?q=fa")
    assert refused.status_code == 429
    assert "default-src 'none'" in refused.headers["Content-Security-Policy"]
    assert refused.headers["Retry-After"]
    assert refused.headers["Access-Control-Allow-Origin"] == "*"
