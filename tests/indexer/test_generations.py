from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from indexer import build as build_module
from indexer.build import build_index
from indexer.errors import IndexFormatError, IndexMissingError
from indexer.generations import generations, read_current
from indexer.manifest import FORMAT_VERSION
from search_service.engine.live import LiveIndex, open_generation
from tests.builders import make_record, write_corpus


def _build(tmp_path: Path, ids: list[str]) -> Path:
    cases = write_corpus(tmp_path / f"cases-{'-'.join(ids)}", [make_record(id=i) for i in ids])
    return build_index(cases, tmp_path / "index").generation


def test_manifest_records_what_was_built(tmp_path: Path) -> None:
    generation = _build(tmp_path, ["a", "b"])
    manifest = json.loads((generation / "manifest.json").read_text())
    assert manifest["format_version"] == FORMAT_VERSION and manifest["documents"] == 2
    assert len(manifest["corpus_sha256"]) == 64
    assert {"whoosh", "scikit-learn", "numpy", "scipy", "nltk", "python"} <= set(
        manifest["versions"])
    assert manifest["parameters"]["bm25"] and manifest["built_at"]


def test_another_format_version_says_how_to_rebuild(tmp_path: Path) -> None:
    generation = _build(tmp_path, ["a"])
    manifest = json.loads((generation / "manifest.json").read_text())
    manifest["format_version"] = 0
    (generation / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(IndexFormatError, match="Run `impact-search index` to rebuild"):
        open_generation(generation)
    with pytest.raises(IndexFormatError, match="impact-search index"):
        LiveIndex(tmp_path / "index").current()


def test_missing_index_says_which_command_builds_it(tmp_path: Path) -> None:
    with pytest.raises(IndexMissingError, match="impact-search index"):
        LiveIndex(tmp_path / "nothing").current()


def test_a_failed_build_leaves_the_live_index_untouched(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    first = _build(tmp_path, ["a"])

    def fail(*args: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(build_module, "build_suggestions", fail)
    with pytest.raises(RuntimeError):
        _build(tmp_path, ["a", "b"])
    assert read_current(tmp_path / "index") == first.name
    assert not list((tmp_path / "index").glob(".build-*"))
    assert LiveIndex(tmp_path / "index").current().manifest.documents == 1


def test_live_index_follows_a_rebuild_and_keeps_one_previous(tmp_path: Path) -> None:
    _build(tmp_path, ["a"])
    live = LiveIndex(tmp_path / "index")
    assert live.current().manifest.documents == 1
    _build(tmp_path, ["a", "b"])
    assert live.current().manifest.documents == 2
    third = _build(tmp_path, ["a", "b", "c"])
    assert live.current().manifest.documents == 3
    assert [g.name for g in generations(tmp_path / "index")][0] == third.name
    assert len(generations(tmp_path / "index")) == 2


def test_abandoned_build_folders_are_removed_by_the_next_build(tmp_path: Path) -> None:
    _build(tmp_path, ["a"])
    stale = tmp_path / "index" / ".build-999999999-deadbeef"
    stale.mkdir()
    (stale / "junk").write_text("half-written")
    _build(tmp_path, ["a", "b"])
    assert not stale.exists()
