"""Fixtures of the engine tests: the tiny corpus (tests.builders.TINY_DOCS), indexed once."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from indexer.build import build_index
from search_service.engine.live import Generation, LiveIndex
from tests.builders import tiny_records, write_corpus


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Generation]:
    base = tmp_path_factory.mktemp("tiny")
    build_index(write_corpus(base / "cases", tiny_records()), base / "index")
    live = LiveIndex(base / "index")
    yield live.current()
    live.close()
