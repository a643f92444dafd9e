"""A damaged live generation: serve the previous one, say so in health, log the fix, no 500."""

from __future__ import annotations

import os
import shutil
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
                hits = server.get("/api/v1/search?q=delirium&per_page=50")["hits"]
                assert len(hits) == 6
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
        assert "impact-search index" in response.get_json()["error"]
    assert read_current(root) == live
