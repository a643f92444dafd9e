"""A real ``impact-search serve --prod`` (gunicorn) on a free loopback port, for tests.

Not a fixture file: tests that need a server start one with the index, workers and settings
they need, and read its log (stderr, JSON access lines included) afterwards.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

LISTENING = re.compile(r"Listening at: http://127\.0\.0\.1:(\d+)")


def impact_search() -> str:
    """The installed ``impact-search`` command of this virtualenv."""
    return str(Path(sys.executable).parent / "impact-search")


class ProdServer:
    def __init__(self, index_dir: Path, log_path: Path, workers: int = 2,
                 env: dict[str, str] | None = None) -> None:
        self.log_path = log_path
        environment = {**os.environ, "IMPACT_SEARCH_RATELIMIT_ENABLED": "false",
                       "OPENBLAS_NUM_THREADS": "1", **(env or {})}
        environment.pop("PROMETHEUS_MULTIPROC_DIR", None)
        self._log = open(log_path, "w", encoding="utf-8")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [impact_search(), "serve", "--prod", "--index", str(index_dir),
             "--port", "0", "--workers", str(workers)],
            stdout=self._log, stderr=subprocess.STDOUT, env=environment,
        )
        self.port = self._wait_for_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._wait_until_ready()

    def _wait_for_port(self) -> int:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            found = LISTENING.search(self.log())
            if found:
                return int(found.group(1))
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited:\n{self.log()}")
            time.sleep(0.05)
        raise RuntimeError(f"gunicorn did not start:\n{self.log()}")

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                self.get("/api/v1/health")
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"gunicorn did not answer:\n{self.log()}")

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def request(self, path: str, data: Any = None, headers: dict[str, str] | None = None,
                timeout: float = 30) -> tuple[int, dict[str, str], bytes]:
        body = json.dumps(data).encode() if data is not None else None
        request = urllib.request.Request(self.url + path, data=body, headers={
            "Content-Type": "application/json", **(headers or {})})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()

    def get(self, path: str) -> Any:
        """The JSON body of a 200 answer; anything else raises."""
        status, _headers, body = self.request(path)
        if status != 200:
            raise AssertionError(f"GET {path} -> {status}: {body[:300]!r}")
        return json.loads(body)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()
