"""A rebuild never interrupts service: real gunicorn, concurrent clients, three rebuilds."""

from __future__ import annotations

import os
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from indexer.build import build_index
from indexer.generations import generations, read_current
from tests.builders import make_record, write_corpus
from tests.prodserver import ProdServer, impact_search

CLIENT_PATHS = (
    "/api/v1/search?q=falls",
    "/api/v1/search?q=sepsis&sector=acute",
    "/api/v1/cases/case-03",
    "/api/v1/cases/case-03/similar?k=3",
    "/api/v1/suggest?q=fal",
    "/api/v1/facets",
)


def corpus_records(extra: int) -> list[dict[str, Any]]:
    topics = ["falls", "sepsis", "delirium", "frailty", "discharge", "asthma"]
    records = [make_record(id=f"case-{i:02d}", title=f"{topics[i % 6].title()} evidence {i}",
                           summary=f"The library helped with {topics[i % 6]} on ward {i}.",
                           topics=[topics[i % 6]])
               for i in range(12)]
    # Each rebuild adds a record with a word no other generation has.
    records += [make_record(id=f"new-{n}", title=f"Marker zanzibarite{n} case")
                for n in range(1, extra + 1)]
    return records


@pytest.fixture()
def served(tmp_path: Path) -> Iterator[tuple[ProdServer, Path, Path]]:
    cases = write_corpus(tmp_path / "cases", corpus_records(0))
    root = tmp_path / "index"
    build_index(cases, root)
    server = ProdServer(root, tmp_path / "gunicorn.log", workers=2)
    yield server, cases, root
    server.stop()


def test_three_rebuilds_under_load_fail_no_request(
        served: tuple[ProdServer, Path, Path]) -> None:
    server, cases, root = served
    failures: list[str] = []
    answered = [0]
    stop = threading.Event()

    def client(offset: int) -> None:
        i = offset
        while not stop.is_set():
            path = CLIENT_PATHS[i % len(CLIENT_PATHS)]
            i += 1
            try:
                status, _headers, body = server.request(path)
            except OSError as exc:
                failures.append(f"{path}: {exc}")
                continue
            if status != 200:
                failures.append(f"{path}: {status} {body[:200]!r}")
            answered[0] += 1

    threads = [threading.Thread(target=client, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    try:
        for n in (1, 2, 3):
            write_corpus(cases, corpus_records(n))
            subprocess.run([impact_search(), "index", "--corpus", str(cases), "--index",
                            str(root), "--quiet"], check=True, capture_output=True)
            live = read_current(root)
            # Every worker checks CURRENT per request: the very next requests see the new one.
            for _ in range(6):
                assert server.get("/api/v1/health")["generation"] == live
                hits = server.get(f"/api/v1/search?q=zanzibarite{n}")["hits"]
                assert [h["id"] for h in hits if not h["related"]] == [f"new-{n}"]
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
    assert failures == []
    assert answered[0] > 50
    assert len(generations(root)) == 2  # the live one and one fallback


def open_files(pid: int) -> set[str]:
    found = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            found.add(os.readlink(fd))
        except OSError:
            continue
    return found


def test_index_is_opened_in_the_workers_not_the_master(
        served: tuple[ProdServer, Path, Path]) -> None:
    server, _cases, root = served
    for _ in range(6):
        server.get("/api/v1/search?q=falls")
    workers = [int(line.rsplit(" ", 1)[1]) for line in server.log().splitlines()
               if "Booting worker with pid:" in line]
    in_index = [[f for f in open_files(pid) if f.startswith(str(root))] for pid in workers]
    assert not [f for f in open_files(server.process.pid) if f.startswith(str(root))]
    assert any(in_index), "a worker that answered should hold the index open"


def test_metrics_add_up_over_workers(served: tuple[ProdServer, Path, Path]) -> None:
    server, _cases, root = served
    for _ in range(20):
        server.get("/api/v1/search?q=falls")
    text = server.request("/metrics")[2].decode()
    line = next(x for x in text.splitlines() if x.startswith(
        'impact_search_requests_total{method="GET",route="/api/v1/search",status="200"}'))
    assert float(line.split()[-1]) == 20  # summed over both worker processes
    assert f'generation="{read_current(root)}"' in text
    assert "impact_search_index_documents 12.0" in text
    assert 'impact_search_request_seconds_bucket{le="+Inf",route="/api/v1/search"} 20.0' in text
