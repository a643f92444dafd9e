"""A rate-limit store that stalls or dies costs each request at most a short, fixed wait, is
logged once (then once a minute), is counted in /metrics, and never touches health."""

from __future__ import annotations

import logging
import time
from pathlib import Path

import pytest

from search_service import create_app
from search_service.production import ratelimit
from tests.prodserver import ProdServer
from tests.redisserver import RedisServer, free_port

SEARCH = "/api/v1/search?q=falls"
OUTAGE = "rate-limit store (redis) unavailable"


def uncounted(server: ProdServer) -> float:
    text = server.request("/metrics", timeout=5)[2].decode()
    line = next(x for x in text.splitlines()
                if x.startswith("impact_search_ratelimit_uncounted_total"))
    return float(line.split()[-1])


@pytest.mark.slow
def test_a_paused_then_killed_redis_never_stops_the_service(index_dir: Path,
                                                            tmp_path: Path) -> None:
    redis = RedisServer(tmp_path)
    server = ProdServer(index_dir, tmp_path / "gunicorn.log", workers=2, env={
        "IMPACT_SEARCH_RATELIMIT_ENABLED": "true",
        "IMPACT_SEARCH_RATELIMIT_STORAGE_URI": redis.url,
    })
    try:
        status, headers, _body = server.request(SEARCH)
        assert (status, headers["RateLimit-Remaining"]) == (200, "119")
        redis.pause()  # SIGSTOP: the kernel still accepts connections; nothing ever answers
        # Before the fix each of these waited for gunicorn to kill the worker at 30 s.
        paused = [server.request(SEARCH, timeout=5) for _ in range(20)]
        health = server.request("/api/v1/health", timeout=2)
        assert [status for status, _h, _b in paused] == [200] * 20
        assert all("RateLimit-Remaining" not in headers for _s, headers, _b in paused)
        assert health[0] == 200
        assert uncounted(server) == 20
        redis.resume()
        time.sleep(ratelimit.STORE_RETRY_SECONDS + 0.5)
        answers = [server.request(SEARCH, timeout=5) for _ in range(4)]
        assert all("RateLimit-Remaining" in headers for _s, headers, _b in answers)
        redis.stop()  # now refused outright
        refused = [server.request(SEARCH, timeout=5)[0] for _ in range(100)]
        assert refused == [200] * 100
        assert uncounted(server) == 120
    finally:
        server.stop()
        redis.stop()
    log = server.log()
    # Once per worker for the pause, once per worker for the kill: never once per request.
    assert 2 <= log.count(OUTAGE) <= 4, log[-3000:]
    assert "Traceback" not in log
    assert "answering again" in log


def test_an_ongoing_outage_is_logged_once_a_minute(index_dir: Path,
                                                   monkeypatch: pytest.MonkeyPatch,
                                                   caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setattr(ratelimit, "STORE_RETRY_SECONDS", 0.0)  # ask the store every time
    client = create_app({"TESTING": True, "INDEX_DIR": str(index_dir),
                         "RATELIMIT_STORAGE_URI": f"redis://127.0.0.1:{free_port()}/0",
                         }).test_client()
    with caplog.at_level(logging.WARNING, logger="impact_search.ratelimit"):
        for _ in range(30):  # all within the minute
            assert client.get(SEARCH).status_code == 200
        assert [r.getMessage().startswith(OUTAGE) for r in caplog.records] == [True]
        assert caplog.records[0].exc_info is None  # one line, no traceback
        monkeypatch.setattr(ratelimit, "OUTAGE_LOG_SECONDS", 0.0)  # as if the minute had passed
        assert client.get(SEARCH).status_code == 200
    assert len(caplog.records) == 2


def test_storage_timeouts_bound_every_redis_call(index_dir: Path) -> None:
    app = create_app({"TESTING": True, "INDEX_DIR": str(index_dir),
                      "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0",
                      "RATELIMIT_STORAGE_TIMEOUT": 0.3})
    storage = app.extensions["rate_limiter"].storage
    kwargs = storage.storage.connection_pool.connection_kwargs
    assert kwargs["socket_timeout"] == kwargs["socket_connect_timeout"] == 0.3
    assert kwargs["retry"].get_retries() == 0
