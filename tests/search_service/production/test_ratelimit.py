"""Rate limits: a burst is stopped, a busy trust behind one address is not, budgets are
separate, and several gunicorn workers share one count through a real redis-server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from search_service import create_app
from tests.prodserver import ProdServer
from tests.redisserver import RedisServer, free_port


def client_for(index_dir: Path, **config: object) -> FlaskClient:
    app = create_app({"TESTING": True, "INDEX_DIR": str(index_dir), **config})
    return app.test_client()


def test_busy_trust_behind_one_address_is_not_limited(index_dir: Path) -> None:
    # A busy minute for a trust's shared address: 100 searches (people paging and clicking
    # facets), 25 'similar' look-ups and 500 keystroke suggestions, all from one IP.
    client = client_for(index_dir)
    for i in range(100):
        assert client.get(f"/api/v1/search?q=falls&page={i % 5 + 1}").status_code == 200
    for _ in range(25):
        response = client.get("/api/v1/cases/falls-bundle-evidence-review-northmoor/similar")
        assert response.status_code == 200
    for _ in range(500):
        assert client.get("/api/v1/suggest?q=fal").status_code == 200


def test_a_burst_is_limited_with_retry_after_and_ratelimit_headers(index_dir: Path) -> None:
    client = client_for(index_dir)
    statuses = [client.get("/api/v1/search").status_code for _ in range(130)]
    assert statuses[:120] == [200] * 120
    assert set(statuses[120:]) == {429}
    response = client.get("/api/v1/search")
    body = response.get_json()
    assert body["ok"] is False and body["status"] == 429
    assert "Too many search requests" in body["error"] and "120 per minute" in body["error"]
    assert 1 <= int(response.headers["Retry-After"]) <= 60
    assert response.headers["RateLimit-Limit"] == "120"
    assert response.headers["RateLimit-Remaining"] == "0"
    assert response.headers["RateLimit-Policy"] == "120;w=60, 2000;w=3600"
    # Other budgets and other addresses are untouched.
    assert client.get("/api/v1/suggest?q=fal").status_code == 200
    other = client.get("/api/v1/search", environ_base={"REMOTE_ADDR": "10.0.0.2"})
    assert other.status_code == 200
    assert other.headers["RateLimit-Remaining"] == "119"


def test_similar_has_its_own_smaller_budget_shared_by_case_and_draft(index_dir: Path) -> None:
    client = client_for(index_dir, RATELIMIT_SIMILAR="3/minute")
    case = "/api/v1/cases/falls-bundle-evidence-review-northmoor/similar"
    assert client.get(case).status_code == 200
    assert client.post("/api/v1/similar", json={"text": "falls on wards"}).status_code == 200
    assert client.get(case).status_code == 200
    assert client.post("/api/v1/similar", json={"text": "falls"}).status_code == 429
    assert client.get("/api/v1/search?q=falls").status_code == 200


def test_behind_a_trusted_proxy_the_forwarded_address_counts(index_dir: Path) -> None:
    client = client_for(index_dir, TRUSTED_PROXIES=1, RATELIMIT_SUGGEST="2/minute")
    for address in ("192.0.2.1", "192.0.2.2"):
        for expected in (200, 200, 429):
            response = client.get("/api/v1/suggest?q=fal",
                                  headers={"X-Forwarded-For": address})
            assert response.status_code == expected


def test_unreachable_redis_lets_requests_through(index_dir: Path) -> None:
    client = client_for(index_dir, RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:{free_port()}/0")
    assert client.get("/api/v1/search?q=falls").status_code == 200


@pytest.fixture()
def redis_url(tmp_path: Path) -> Iterator[str]:
    server = RedisServer(tmp_path)
    yield server.url
    server.stop()


def test_workers_share_one_count_in_redis(index_dir: Path, redis_url: str,
                                          tmp_path: Path) -> None:
    server = ProdServer(index_dir, tmp_path / "gunicorn.log", workers=3, env={
        "IMPACT_SEARCH_RATELIMIT_ENABLED": "true",
        "IMPACT_SEARCH_RATELIMIT_STORAGE_URI": redis_url,
        "IMPACT_SEARCH_RATELIMIT_SEARCH": "10/minute",
    })
    try:
        # New connections spread over the three workers; with per-process counting they
        # would allow up to 30.
        answers = [server.request("/api/v1/search?q=falls") for _ in range(30)]
        pids = {line.split("]")[1] for line in server.log().splitlines()
                if "Booting worker" in line}
    finally:
        server.stop()
    statuses = [status for status, _headers, _body in answers]
    assert statuses.count(200) == 10 and statuses.count(429) == 20
    assert len(pids) == 3
    limited = answers[-1][1]
    assert int(limited["Retry-After"]) >= 1 and limited["RateLimit-Remaining"] == "0"


def test_workers_share_one_count_without_redis(index_dir: Path, tmp_path: Path) -> None:
    # The default store under serve --prod: a file in the server's run folder.
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    server = ProdServer(index_dir, tmp_path / "gunicorn.log", workers=3, env={
        "IMPACT_SEARCH_RATELIMIT_ENABLED": "true",
        "IMPACT_SEARCH_RATELIMIT_SEARCH": "10/minute",
        "TMPDIR": str(scratch),
    })
    try:
        answers = [server.request("/api/v1/search?q=falls") for _ in range(30)]
        assert [p.name for p in scratch.iterdir()][0].startswith("impact-search-run-")
    finally:
        server.stop()
    statuses = [status for status, _headers, _body in answers]
    assert statuses.count(200) == 10 and statuses.count(429) == 20
    assert "counts on its own" not in server.log()
    assert list(scratch.iterdir()) == []  # the run folder, metrics included, is removed
