"""Generations under damage and races: an intact fallback is always kept, a missing CURRENT
still serves, and two builds into one folder take turns (a forced interleaving)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from indexer.build import build_index
from indexer.errors import BuildLockedError
from indexer.generations import CURRENT, LOCK, build_lock, generations, read_current
from search_service.engine.live import LiveIndex
from tests.builders import make_record, write_corpus


def flip(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))


@pytest.fixture()
def cases(tmp_path: Path) -> Path:
    return write_corpus(tmp_path / "cases", [make_record(id=f"case-{i}") for i in range(4)])


def test_a_rebuild_after_damage_keeps_the_intact_generation(cases: Path, tmp_path: Path) -> None:
    root = tmp_path / "index"
    first = build_index(cases, root).generation.name
    damaged = build_index(cases, root).generation.name
    flip(root / damaged / "records.sqlite")
    third = build_index(cases, root).generation.name
    # Before: the damaged generation it replaced was kept as the fallback and the intact one
    # deleted.
    assert [g.name for g in generations(root)] == [third, first]


def test_without_current_the_newest_intact_generation_is_served(cases: Path,
                                                               tmp_path: Path) -> None:
    root = tmp_path / "index"
    older = build_index(cases, root).generation.name
    newer = build_index(cases, root).generation.name
    (root / CURRENT).unlink()
    index = LiveIndex(root)
    assert index.current().name == newer
    assert index.degraded is not None and "CURRENT pointer is missing" in index.degraded
    assert str(root) not in index.degraded
    flip(root / newer / "manifest.json")
    assert LiveIndex(root).current().name == older
    # The next build keeps an intact fallback (before: it deleted both old generations).
    latest = build_index(cases, root).generation.name
    assert [g.name for g in generations(root)] == [latest, older]
    index.close()


def test_two_builds_into_one_folder_take_turns(cases: Path, tmp_path: Path) -> None:
    root = tmp_path / "index"
    build_index(cases, root)
    first_is_writing = threading.Event()
    second_is_waiting = threading.Event()
    results: dict[str, str] = {}
    errors: list[BaseException] = []

    def hold(total: int) -> object:
        def step(_n: int) -> None:
            first_is_writing.set()
            # The first build stays in the middle of writing until the second one waits.
            assert second_is_waiting.wait(timeout=60)
        return step

    def first() -> None:
        try:
            results["first"] = build_index(cases, root, progress_factory=hold).generation.name
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    def second() -> None:
        assert first_is_writing.wait(timeout=60)
        try:
            results["second"] = build_index(
                cases, root, on_wait=lambda holder: second_is_waiting.set()).generation.name
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert second_is_waiting.is_set()
    # The second build started after the first published, so it is the live one, and the
    # first is its fallback: CURRENT names a folder that exists.
    assert read_current(root) == results["second"]
    assert [g.name for g in generations(root)] == [results["second"], results["first"]]
    assert not list(root.glob(".build-*"))


def test_a_build_told_not_to_wait_says_who_holds_the_lock(cases: Path, tmp_path: Path) -> None:
    root = tmp_path / "index"
    with build_lock(root):
        with pytest.raises(BuildLockedError, match=r"Another `impact-search index` \(pid \d+\)"):
            build_index(cases, root, wait=False)
    assert (root / LOCK).exists() and read_current(root) is None
    build_index(cases, root, wait=False)  # released with the holder
