"""Under `serve --prod` a worker freezes its long-lived heap once per index generation, after
the response, and lets the previous generation go at the next switch."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from indexer.build import build_index
from search_service import create_app
from search_service.production import heap
from tests.builders import make_record


@pytest.fixture(autouse=True)
def _fresh_heap(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(heap, "_settled", None)
    yield
    gc.unfreeze()  # the rest of the session's garbage must stay collectable


def _get(client: Any, url: str) -> int:
    """The status of ``url``, with the answer closed as a WSGI server closes it."""
    answer = client.get(url)
    answer.close()
    return int(answer.status_code)


def _index(small_index: Callable[[list[dict[str, Any]]], Path]) -> Path:
    return small_index([make_record(id="a", title="Falls prevention on wards", topics=["falls"]),
                        make_record(id="b", title="Sepsis screening", topics=["sepsis"])])


def test_the_first_request_on_a_generation_settles_the_heap_after_answering(
        small_index: Callable[[list[dict[str, Any]]], Path]) -> None:
    root = _index(small_index)
    app = create_app({"TESTING": True, "INDEX_DIR": str(root), "PRODUCTION": True})
    gc.unfreeze()
    answer = app.test_client().get("/api/v1/search?q=falls")
    assert answer.status_code == 200 and answer.json["total"] >= 1  # type: ignore[index]
    assert heap.settled_generation() is None  # not while the answer is being sent
    answer.close()  # what the WSGI server does when it has sent it
    live = app.extensions["live_index"].current()
    assert heap.settled_generation() == live.name
    assert gc.get_freeze_count() > 0


def test_the_development_server_never_freezes(
        small_index: Callable[[list[dict[str, Any]]], Path]) -> None:
    app = create_app({"TESTING": True, "INDEX_DIR": str(_index(small_index))})
    gc.unfreeze()
    assert _get(app.test_client(), "/api/v1/search?q=falls") == 200
    assert heap.settled_generation() is None and gc.get_freeze_count() == 0


def test_a_rebuilt_index_is_settled_again_and_the_old_generation_freed(
        small_index: Callable[[list[dict[str, Any]]], Path], tmp_path: Path) -> None:
    gc.collect()
    root = _index(small_index)
    app = create_app({"TESTING": True, "INDEX_DIR": str(root), "PRODUCTION": True})
    client = app.test_client()
    assert _get(client, "/api/v1/search?q=falls") == 200
    first = app.extensions["live_index"].current()
    first.__dict__["back_reference"] = first  # a reference cycle, as index readers have
    old = weakref.ref(first)
    del first
    assert old() is not None  # frozen: no collection looks at it
    build_index(tmp_path / "cases", root)  # a rebuild publishes a new generation
    assert _get(client, "/api/v1/search?q=falls") == 200
    second = app.extensions["live_index"].current()
    assert heap.settled_generation() == second.name
    assert old() is None  # unfrozen and collected when the next generation was settled
