"""Rate limits: a burst is stopped, a busy trust behind one address is not, budgets are
separate, and several gunicorn workers share one count through a real redis-server."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from search_service import create_app
from tests.prodserver import ProdServer


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


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture()
def redis_url(tmp_path: Path) -> Iterator[str]:
    binary = shutil.which("redis-server")
    if binary is None:
        if os.environ.get("CI"):
            pytest.fail("redis-server is not installed; .ci/run installs Debian's redis-server")
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    port = free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(tmp_path)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 20
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if time.monotonic() > deadline:
                process.kill()
                raise
            time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}/0"
    process.terminate()
    process.wait(timeout=10)


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
