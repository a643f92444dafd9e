"""Fixtures for the card tests: an index of made-up case studies built to stress a card
(the longest fields the schema allows, a quote without consent to name, no quote at all)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from indexer.build import build_index
from search_service import create_app
from search_service.engine import browse
from search_service.engine.live import Generation, LiveIndex
from tests.builders import make_record, write_corpus
from tests.search_service.cards.records import CARD_RECORDS


@pytest.fixture(scope="session")
def cards_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("cards")
    cases = write_corpus(root / "cases", [make_record(**r) for r in CARD_RECORDS])
    build_index(cases, root / "index")
    return root / "index"


@pytest.fixture(scope="session")
def cards_generation(cards_index: Path) -> Iterator[Generation]:
    live = LiveIndex(cards_index)
    yield live.current()
    live.close()


@pytest.fixture(scope="session")
def case_json(cards_generation: Generation) -> Any:
    def get(case_id: str) -> dict[str, Any]:
        return browse.lookup(cards_generation, case_id).to_json()

    return get


@pytest.fixture()
def cards_app(cards_index: Path, tmp_path: Path) -> Flask:
    return create_app({"TESTING": True, "INDEX_DIR": str(cards_index),
                       "PUBLIC_URL": "https://impact.example.nhs.uk",
                       "SECRET_KEY": "test key", "RATELIMIT_ENABLED": False})
