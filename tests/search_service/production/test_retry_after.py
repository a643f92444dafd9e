"""Retry-After to the second, on a clock the test moves: a client told to wait 28 seconds when
the budget frees in 30 comes back too early and is refused again."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from search_service import create_app


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_retry_after_is_the_exact_wait(index_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    clock = Clock(1_000_000.0)
    monkeypatch.setattr(time, "time", clock)  # the limiter's storage and ours read this clock
    client = create_app({"TESTING": True, "INDEX_DIR": str(index_dir),
                         "RATELIMIT_SEARCH": "3/minute"}).test_client()
    first = client.get("/api/v1/search")
    assert (first.headers["RateLimit-Remaining"], first.headers["RateLimit-Reset"]) == ("2", "60")
    clock.now += 10
    assert client.get("/api/v1/search").headers["RateLimit-Reset"] == "50"
    assert client.get("/api/v1/search").status_code == 200

    clock.now += 20  # 30 s after the first request, which leaves the window at 60 s
    refused = client.get("/api/v1/search")
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "30"
    assert refused.headers["RateLimit-Reset"] == "30"
    assert refused.headers["RateLimit-Remaining"] == "0"
    assert refused.get_json()["error"].endswith("Try again in 30 seconds.")

    clock.now += 29.5  # half a second to go: round up, never tell a client to retry now
    assert client.get("/api/v1/search").headers["Retry-After"] == "1"
    clock.now += 1  # the first request has left the window
    allowed = client.get("/api/v1/search")
    assert allowed.status_code == 200
    assert "Retry-After" not in allowed.headers
