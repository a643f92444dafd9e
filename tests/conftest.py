"""Shared fixtures: a built index of the bundled corpus, small made-up corpora, the app."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from indexer.build import build_index
from indexer.paths import corpus_dir
from search_service import create_app
from search_service.engine.live import Generation, LiveIndex
from tests.builders import write_corpus


@pytest.fixture(scope="session", autouse=True)
def workflow_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Every app a test makes without its own DATABASE_URL (and every server it starts) uses
    this session's SQLite file, never the checkout's instance folder."""
    url = f"sqlite:///{tmp_path_factory.mktemp('workflow-db') / 'workflow.sqlite'}"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("IMPACT_SEARCH_DATABASE_URL", url)
        yield url


@pytest.fixture(scope="session")
def bundled_cases() -> Path:
    return corpus_dir() / "cases"


@pytest.fixture(scope="session")
def bundled_records(bundled_cases: Path) -> list[dict[str, Any]]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(bundled_cases.glob("*.json"))]


@pytest.fixture(scope="session")
def index_dir(tmp_path_factory: pytest.TempPathFactory, bundled_cases: Path) -> Path:
    """An index of the bundled corpus, built once for the session; tests must not change it."""
    root = tmp_path_factory.mktemp("index")
    build_index(bundled_cases, root)
    return root


@pytest.fixture(scope="session")
def generation(index_dir: Path) -> Iterator[Generation]:
    live = LiveIndex(index_dir)
    yield live.current()
    live.close()


@pytest.fixture()
def app(index_dir: Path) -> Flask:
    return create_app({"TESTING": True, "INDEX_DIR": str(index_dir)})


@pytest.fixture()
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture()
def small_index(tmp_path: Path) -> Callable[[list[dict[str, Any]]], Path]:
    """Build an index of the given records; returns the index folder."""

    def build(records: list[dict[str, Any]]) -> Path:
        cases = write_corpus(tmp_path / "cases", records)
        root = tmp_path / "index"
        build_index(cases, root)
        return root

    return build
