"""Slow and idle clients against real gunicorn: they hold no worker, and gunicorn's own error
answers keep the service's JSON shape and security headers."""

from __future__ import annotations

import http.client
import json
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from search_service.production.server import startup_warnings
from search_service.production.worker import HEAD_SECONDS
from search_service.settings import defaults
from tests.prodserver import ProdServer

pytestmark = pytest.mark.slow


@pytest.fixture()
def server(index_dir: Path, tmp_path: Path) -> Iterator[ProdServer]:
    server = ProdServer(index_dir, tmp_path / "gunicorn.log", workers=2)
    yield server
    server.stop()


def connect(server: ProdServer) -> socket.socket:
    return socket.create_connection(("127.0.0.1", server.port), timeout=10)


def raw(server: ProdServer, request: bytes) -> tuple[int, dict[str, str], bytes]:
    with connect(server) as sock:
        sock.sendall(request)
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:])
    return int(lines[0].split()[1]), headers, body


def test_idle_and_trickling_clients_hold_no_worker(server: ProdServer) -> None:
    # 2 workers x 4 threads: 40 idle connections and 40 that send half a request line are
    # five times what it takes to occupy every thread (and 40 times every sync worker).
    idle = [connect(server) for _ in range(40)]
    trickling = [connect(server) for _ in range(40)]
    for sock in trickling:
        sock.sendall(b"GET /api/v1/search?q=falls HTTP/1.1\r\nHo")
    try:
        time.sleep(0.5)
        # Under sync workers each of these waited for gunicorn's 30 s timeout.
        for _ in range(20):
            status, _headers, _body = server.request("/api/v1/search?q=falls", timeout=3)
            assert status == 200
        # A head that does not complete is closed, freeing its file descriptor too.
        time.sleep(HEAD_SECONDS + 1.5)
        for sock in (*idle[:3], *trickling[:3]):
            assert sock.recv(100) == b""
    finally:
        for sock in (*idle, *trickling):
            sock.close()
    assert "Traceback" not in server.log()


def test_kept_alive_connections_answer_several_requests(server: ProdServer) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        for path in ("/api/v1/health", "/api/v1/search?q=falls", "/api/v1/health"):
            connection.request("GET", path)
            answer = connection.getresponse()
            assert answer.status == 200 and json.loads(answer.read())
        connection.request("POST", "/api/v1/similar", body=b'{"text": "falls", "k": 1}',
                           headers={"Content-Type": "application/json"})
        answer = connection.getresponse()
        assert answer.status == 200 and len(json.loads(answer.read())["hits"]) == 1
    finally:
        connection.close()


GUNICORN_ERRORS = [
    (b"GET /api/v1/search?q=" + b"a" * 9000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", 414,
     "at most 8,190 characters"),
    (b"GET / HTTP/1.1\r\nHost: x\r\n" + b"".join(b"X-%d: y\r\n" % i for i in range(60))
     + b"\r\n", 431, "at most 50 headers"),
    (b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 9000 + b"\r\n\r\n", 431, "8,190 bytes"),
    (b"NONSENSE\r\n\r\n", 400, "could not be read as HTTP"),
]


@pytest.mark.parametrize("request_bytes,status,words", GUNICORN_ERRORS,
                         ids=["414", "431-count", "431-size", "400"])
def test_gunicorns_own_errors_have_our_shape_and_headers(
        server: ProdServer, request_bytes: bytes, status: int, words: str) -> None:
    got, headers, body = raw(server, request_bytes)
    assert got == status
    answer = json.loads(body)
    assert answer["ok"] is False and answer["status"] == status and words in answer["error"]
    assert headers["Content-Type"] == "application/json"
    assert "default-src 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"


def chunked(body: bytes) -> bytes:
    parts = [body[i:i + 65536] for i in range(0, len(body), 65536)]
    return b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in parts) + b"0\r\n\r\n"


def test_a_chunked_body_over_the_limit_is_413(server: ProdServer) -> None:
    head = (b"POST /api/v1/similar HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n")
    big = json.dumps({"text": "a" * 300_000}).encode()
    status, _headers, body = raw(server, head + chunked(big))
    assert status == 413 and "262,144 bytes" in json.loads(body)["error"]
    small = json.dumps({"text": "falls on the ward", "k": 2}).encode()
    status, _headers, body = raw(server, head + chunked(small))
    assert status == 200 and len(json.loads(body)["hits"]) == 2


def test_memory_counts_with_several_workers_are_warned_about(index_dir: Path,
                                                             tmp_path: Path) -> None:
    server = ProdServer(index_dir, tmp_path / "gunicorn.log", workers=2,
                        env={"IMPACT_SEARCH_RATELIMIT_ENABLED": "true",
                             "IMPACT_SEARCH_RATELIMIT_STORAGE_URI": "memory://"})
    server.stop()
    assert "each of the 2 workers counts on its own" in server.log()


def test_startup_warnings() -> None:
    config = {**defaults(), "RATELIMIT_ENABLED": True, "SERVER_RUN_DIR": "/run/impact-search",
              "PUBLIC_URL": "https://impact-search.example.nhs.uk"}
    assert startup_warnings(config, "127.0.0.1", 5) == []
    assert startup_warnings(config, "localhost", 5) == []
    assert startup_warnings(config, "::1", 5) == []
    for host in ("0.0.0.0", "192.0.2.10", "::", "example.org"):
        (warning,) = startup_warnings(config, host, 5)
        assert "TRUSTED_PROXIES" in warning and "nginx" in warning
    assert startup_warnings({**config, "TRUSTED_PROXIES": 1}, "0.0.0.0", 5) == []
    (warning,) = startup_warnings({**config, "RATELIMIT_STORAGE_URI": "memory://"},
                                  "127.0.0.1", 5)
    assert "up to 5 times every limit" in warning
    assert startup_warnings({**config, "RATELIMIT_STORAGE_URI": "memory://"},
                            "127.0.0.1", 1) == []
    (warning,) = startup_warnings({**config, "PUBLIC_URL": ""}, "127.0.0.1", 5)
    assert "IMPACT_SEARCH_PUBLIC_URL" in warning and "YOUR-SERVICE-ADDRESS" in warning
