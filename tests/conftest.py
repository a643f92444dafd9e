"""Shared fixtures: a built index of the bundled corpus, small made-up corpora, the app."""

from __future__ import annotations

import copy
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

BASE_RECORD: dict[str, Any] = {
    "id": "placeholder",
    "title": "Evidence review changes the falls bundle",
    "summary": "A literature search helped a ward change its falls prevention bundle.",
    "challenge": "Falls on the ward were rising and the team wanted current evidence.",
    "lks_contribution": "The librarian searched MEDLINE and CINAHL and wrote a summary.",
    "outcome": "The bundle changed and falls fell.",
    "impact_types": ["improved_the_quality_of_patient_care"],
    "group_impacted": "nursing_and_midwifery",
    "sector": "acute",
    "region": "north_west",
    "organisation": "Testford Hospitals NHS Trust",
    "service_types": ["expert_literature_search"],
    "purpose": "service_redesign",
    "topics": ["falls"],
    "submitted_date": "2020-05-01",
    "consent": {"named": True, "internal": True, "external": True},
}


def make_record(**changes: Any) -> dict[str, Any]:
    """A valid record with ``changes`` applied (``id`` is required)."""
    record = copy.deepcopy(BASE_RECORD)
    record.update(changes)
    return record


def write_corpus(folder: Path, records: list[dict[str, Any]]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for record in records:
        (folder / f"{record['id']}.json").write_text(json.dumps(record), encoding="utf-8")
    return folder


@pytest.fixture(scope="session", autouse=True)
def workflow_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Every app a test makes without its own DATABASE_URL (and every server it starts) uses
    this session's SQLite file and secret key, never the checkout's instance folder."""
    url = f"sqlite:///{tmp_path_factory.mktemp('workflow-db') / 'workflow.sqlite'}"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("IMPACT_SEARCH_DATABASE_URL", url)
        patch.setenv("IMPACT_SEARCH_SECRET_KEY", "tests-only-secret-key")
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
