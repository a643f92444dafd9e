"""A damaged live generation: serve the previous one, say so in health, log the fix, no 500."""

from __future__ import annotations

import os
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from indexer.build import build_index
from indexer.generations import CURRENT, read_current
from search_service import create_app
from search_service.engine.live import LiveIndex
from tests.builders import make_record, write_corpus
from tests.prodserver import ProdServer


def damage(path: Path, how: str) -> None:
    data = path.read_bytes()
    if how == "truncate":
        path.write_bytes(data[: len(data) // 2])
    elif how == "flip":
        middle = len(data) // 2
        path.write_bytes(data[:middle] + bytes([data[middle] ^ 0x01]) + data[middle + 1:])
    else:  # "empty": what a crash before Whoosh's unsynced write reached the disk leaves
        path.write_bytes(b"")


def point_at(root: Path, name: str) -> None:
    tmp = root / ".CURRENT.test.tmp"
    tmp.write_text(name + "\n", encoding="utf-8")
    os.replace(tmp, root / CURRENT)


@pytest.fixture()
def two_generations(tmp_path: Path) -> tuple[Path, str, str]:
    records = [make_record(id=f"case-{i}", title=f"Delirium screening {i}") for i in range(6)]
    cases = write_corpus(tmp_path / "cases", records)
    root = tmp_path / "index"
    first = build_index(cases, root).generation.name
    second = build_index(cases, root).generation.name
    return root, first, second


@pytest.fixture()
def server(two_generations: tuple[Path, str, str], tmp_path: Path) -> Iterator[ProdServer]:
    server = ProdServer(two_generations[0], tmp_path / "gunicorn.log", workers=2)
    yield server
    server.stop()


def test_each_damaged_file_falls_back_to_the_previous_generation(
        two_generations: tuple[Path, str, str], server: ProdServer) -> None:
    root, _first, live = two_generations
    # Every file with content (Whoosh's empty MAIN_WRITELOCK has no bytes to damage).
    files = sorted(p.relative_to(root / live) for p in (root / live).rglob("*")
                   if p.is_file() and p.stat().st_size > 0)
    assert len(files) >= 9  # Whoosh's TOC and segment, similarity, store, facets, manifest...
    for n, relative in enumerate(files):
        for how in ("truncate", "flip"):
            # A later generation that is a damaged copy of the live one becomes CURRENT.
            damaged = f"g-99999999T{n:06d}-{how}"
            shutil.copytree(root / live, root / damaged)
            damage(root / damaged / relative, how)
            point_at(root, damaged)
            for _ in range(4):  # both workers, several requests each: never a 500
                health = server.get("/api/v1/health")
                assert health["status"] == "degraded", (relative, how)
                assert health["generation"] == live
                assert damaged in health["reason"] and "impact-search index" in health["reason"]
                found = server.get("/api/v1/search?q=delirium&per_page=50")
                assert found["total"] == 6 and len(found["hits"]) == 6 + found["related"]
            point_at(root, live)
            assert server.get("/api/v1/health")["status"] == "ok"
            shutil.rmtree(root / damaged)
    assert f"rebuild with `impact-search index --index {root}`" in server.log()
    assert '"status": 500' not in server.log()


@pytest.mark.parametrize("how", ["truncate", "flip", "empty"])
@pytest.mark.parametrize("part", ["fulltext/_MAIN_1.toc", "records.sqlite", "manifest.json",
                                  "checksums.sha256", "similarity/matrix.npz"])
def test_fresh_worker_opens_the_previous_generation(
        two_generations: tuple[Path, str, str], part: str, how: str) -> None:
    root, first, live = two_generations
    damage(root / live / part, how)
    index = LiveIndex(root)
    assert index.current().name == first
    assert index.degraded is not None and live in index.degraded
    index.close()


def test_no_openable_generation_is_a_503_with_the_command(
        two_generations: tuple[Path, str, str]) -> None:
    root, first, live = two_generations
    for name in (first, live):
        damage(root / name / "records.sqlite", "truncate")
    client: FlaskClient = create_app({"TESTING": True, "INDEX_DIR": str(root)}).test_client()
    for _ in range(3):
        response = client.get("/api/v1/search?q=delirium")
        assert response.status_code == 503
        error = response.get_json()["error"]
        assert "impact-search index" in error
        assert str(root) not in error and "Error" not in error  # those go to the log
    assert read_current(root) == live


def test_damage_after_open_moves_every_worker_to_the_fallback(
        two_generations: tuple[Path, str, str], server: ProdServer) -> None:
    root, first, live = two_generations
    for _ in range(6):  # both workers open the live generation
        assert server.get("/api/v1/search?q=delirium")["total"] == 6
    damage(root / live / "records.sqlite", "flip")  # in place, after it was opened
    statuses = [server.request("/api/v1/search?q=delirium&per_page=50")[0] for _ in range(10)]
    assert 500 not in statuses
    for _ in range(8):  # whichever worker answers: the same, consistent report
        health = server.get("/api/v1/health")
        assert (health["status"], health["generation"]) == ("degraded", first)
        assert live in health["reason"] and "impact-search index" in health["reason"]
        assert str(root) not in health["reason"]
    hits = server.get("/api/v1/search?q=delirium&per_page=50")["hits"]
    assert len(hits) == 6


def test_a_failing_request_re_verifies_and_switches(
        two_generations: tuple[Path, str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    root, first, live = two_generations
    app = create_app({"TESTING": True, "INDEX_DIR": str(root)})
    client = app.test_client()
    assert client.get("/api/v1/cases/case-3").status_code == 200
    store = root / live / "records.sqlite"
    stat = store.stat()
    damage(store, "flip")
    os.utime(store, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # bit rot: same size and time
    # SQLite has the pages cached; a read that reaches the disk fails like this.
    opened = app.extensions["live_index"].current()

    def malformed(*_args: object) -> None:
        raise sqlite3.DatabaseError("database disk image is malformed")

    monkeypatch.setattr(opened.store, "get_many", malformed)
    assert client.get("/api/v1/health").get_json()["status"] == "ok"  # not due yet
    response = client.get("/api/v1/cases/case-3")
    assert response.status_code == 503
    assert "found damaged" in response.get_json()["error"]
    assert client.get("/api/v1/cases/case-3").status_code == 200
    health = client.get("/api/v1/health").get_json()
    assert (health["status"], health["generation"]) == ("degraded", first)


def test_an_unreadable_index_folder_keeps_serving_what_is_open(
        two_generations: tuple[Path, str, str]) -> None:
    root, _first, live = two_generations
    client = create_app({"TESTING": True, "INDEX_DIR": str(root)}).test_client()
    assert client.get("/api/v1/search?q=delirium").status_code == 200
    pointer = root / CURRENT
    pointer.rename(root / "CURRENT.saved")
    pointer.mkdir()  # reading CURRENT now fails with an OSError, as an unreadable folder does
    try:
        for _ in range(3):
            assert client.get("/api/v1/search?q=delirium").status_code == 200
        health = client.get("/api/v1/health").get_json()
        assert health["status"] == "degraded" and health["generation"] == live
        assert "cannot be read" in health["reason"] and str(root) not in health["reason"]
        fresh = create_app({"TESTING": True, "INDEX_DIR": str(root)}).test_client()
        response = fresh.get("/api/v1/search?q=delirium")
        assert response.status_code == 503
        body = response.get_json()["error"]
        assert "impact-search index" in body and str(root) not in body and "Error" not in body
    finally:
        pointer.rmdir()
        (root / "CURRENT.saved").rename(pointer)
    assert client.get("/api/v1/health").get_json()["status"] == "ok"


def test_health_re_verifies_on_a_schedule(two_generations: tuple[Path, str, str]) -> None:
    root, first, live = two_generations
    index = LiveIndex(root, verify_every=0)  # every check re-verifies
    assert index.check().name == live and index.degraded is None
    store = root / live / "similarity" / "matrix.npz"
    stat = store.stat()
    damage(store, "flip")
    os.utime(store, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # bit rot: same size and time
    assert index.check().name == first
    assert index.degraded is not None and "damaged" in index.degraded
    index.close()
