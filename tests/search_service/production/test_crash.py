"""Crash safety: SIGKILL the indexer at 20 random moments of a build, then check the service.

A helper process imports the indexer once and forks one child per build, so each kill hits a
real indexer process in the middle of real work without paying the import time 20 times.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from indexer.build import build_index
from indexer.generations import CURRENT, generations, read_current
from tests.builders import make_record, write_corpus
from tests.prodserver import ProdServer

HELPER = r"""
import os, sys, time
from pathlib import Path
from indexer.build import build_index
cases, root = Path(sys.argv[1]), Path(sys.argv[2])
print("ready", flush=True)
for line in sys.stdin:
    pid = os.fork()
    if pid == 0:
        build_index(cases, root)
        os._exit(0)
    print(pid, flush=True)
    started = time.perf_counter()
    _, status = os.waitpid(pid, 0)
    print(status, time.perf_counter() - started, flush=True)
"""


class Indexer:
    def __init__(self, cases: Path, root: Path) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", HELPER, str(cases), str(root)], text=True,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            env={**os.environ, "OPENBLAS_NUM_THREADS": "1"})
        assert self._line() == "ready"

    def _line(self) -> str:
        assert self.process.stdout is not None
        return self.process.stdout.readline().strip()

    def build(self, kill_after: float | None) -> tuple[bool, float]:
        """(killed, seconds): run one build, SIGKILLed after ``kill_after`` seconds."""
        assert self.process.stdin is not None
        self.process.stdin.write("go\n")
        self.process.stdin.flush()
        pid = int(self._line())
        if kill_after is not None:
            time.sleep(kill_after)
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        status, seconds = self._line().split()
        return os.WIFSIGNALED(int(status)), float(seconds)

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait(timeout=30)
        assert self.process.stdout is not None
        self.process.stdout.close()


@pytest.fixture()
def setup(tmp_path: Path) -> Iterator[tuple[Indexer, ProdServer, Path]]:
    records = [make_record(id=f"case-{i:02d}", title=f"Sepsis screening evidence {i}",
                           topics=["sepsis"]) for i in range(10)]
    records.append(make_record(id="lymph-one", title="Lymphoedema clinic", topics=["lymphoedema"]))
    cases = write_corpus(tmp_path / "cases", records)
    root = tmp_path / "index"
    build_index(cases, root)
    indexer = Indexer(cases, root)
    server = ProdServer(root, tmp_path / "gunicorn.log", workers=2)
    yield indexer, server, root
    server.stop()
    indexer.close()


def test_sigkill_during_builds_never_breaks_the_served_index(
        setup: tuple[Indexer, ProdServer, Path]) -> None:
    indexer, server, root = setup
    rng = random.Random(20)
    duration = min(indexer.build(None)[1] for _ in range(2))
    kills = attempts = 0
    while kills < 20 and attempts < 80:  # a moment after the build ended is drawn again
        attempts += 1
        before = read_current(root)
        killed, seconds = indexer.build(rng.uniform(0, duration))
        kills += killed
        if not killed:
            duration = min(duration, seconds)
        live = read_current(root)
        if killed:
            # A kill after the pointer switch leaves the new generation live, which is as good;
            # anything before it leaves the previous one. Never a half-built one.
            assert live == before or live in {g.name for g in generations(root)}
        health = server.get("/api/v1/health")
        assert (health["status"], health["generation"]) == ("ok", live)
        hits = server.get("/api/v1/search?q=lymphoedema")["hits"]
        assert [h["id"] for h in hits if not h["related"]] == ["lymph-one"]
    assert kills == 20
    killed, _ = indexer.build(None)
    assert not killed
    names = sorted(p.name for p in root.iterdir())
    assert [n for n in names if n.startswith(".")] == []  # no temp dirs or pointer files left
    assert len(generations(root)) == 2
    assert server.get("/api/v1/health")["generation"] == read_current(root)
    assert (root / CURRENT).read_text().strip() in names
    json.loads((root / read_current(root) / "manifest.json").read_text())  # type: ignore[operator]
