"""Publishing a generation, watched call by call: every file reaches the disk before the folder
is renamed into place, the rename before the pointer, and a killed build's leftovers go."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from indexer import generations as gen
from indexer.errors import DamagedGenerationError
from indexer.manifest import FORMAT_VERSION, Manifest, write_manifest

Event = tuple[str, str, str]


@pytest.fixture()
def recorded(monkeypatch: pytest.MonkeyPatch) -> list[Event]:
    """Every fsync (by the path of its descriptor), rename and replace, in order."""
    events: list[Event] = []
    real_fsync, real_rename, real_replace = os.fsync, os.rename, os.replace

    def fsync(fd: int) -> None:
        events.append(("fsync", os.readlink(f"/proc/self/fd/{fd}"), ""))
        real_fsync(fd)

    def rename(src: str | Path, dst: str | Path) -> None:
        events.append(("rename", str(src), str(dst)))
        real_rename(src, dst)

    def replace(src: str | Path, dst: str | Path) -> None:
        events.append(("replace", str(src), str(dst)))
        real_replace(src, dst)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "rename", rename)
    monkeypatch.setattr(os, "replace", replace)
    return events


def _build_dir(root: Path) -> Path:
    build = gen.new_build_dir(root)
    # A manifest that reads: publish keeps only fallbacks that open (read and verify).
    write_manifest(build, Manifest(format_version=FORMAT_VERSION, kind="cases",
                                   corpus_sha256="0" * 64, documents=1,
                                   built_at="2026-01-01T00:00:00+00:00", build_seconds=0.0))
    (build / "fulltext").mkdir()
    (build / "fulltext" / "seg.toc").write_bytes(b"\x00toc")
    (build / "fulltext" / "deeper").mkdir()
    (build / "fulltext" / "deeper" / "postings").write_bytes(b"p" * 10)
    return build


def test_every_file_is_fsynced_then_renamed_then_the_folder_then_the_pointer(
        tmp_path: Path, recorded: list[Event]) -> None:
    root = tmp_path / "index"
    build = _build_dir(root)
    target = gen.publish(root, build)

    kinds = [kind for kind, _, _ in recorded]
    rename_at = kinds.index("rename")
    before = {path for kind, path, _ in recorded[:rename_at]}
    assert set(kinds[:rename_at]) == {"fsync"}
    # every file and folder of the tree, by its name before the rename
    every_path = {str(build), *(str(build / p.relative_to(target)) for p in target.rglob("*"))}
    assert before == every_path
    assert str(build / gen.CHECKSUMS) in before  # the checksum list itself reaches the disk
    pointer = str(root / f".{gen.CURRENT}.{os.getpid()}.tmp")
    assert recorded[rename_at:] == [
        ("rename", str(build), str(target)),
        ("fsync", str(root), ""),  # the rename is durable before the pointer names it
        ("fsync", pointer, ""),
        ("replace", pointer, str(root / gen.CURRENT)),
        ("fsync", str(root), ""),  # and the switch itself
    ]
    assert gen.read_current(root) == target.name
    assert (root / gen.CURRENT).read_text(encoding="utf-8") == target.name + "\n"
    gen.verify(target)


def test_generation_names_sort_by_build_time(tmp_path: Path) -> None:
    root = tmp_path / "index"
    names = [gen.publish(root, _build_dir(root)).name for _ in range(2)]
    assert all(re.fullmatch(r"g-\d{8}T\d{12}-[0-9a-f]{6}", name) for name in names), names
    assert names == sorted(names)


def test_publish_keeps_the_new_generation_and_the_one_it_replaced(tmp_path: Path) -> None:
    root = tmp_path / "index"
    first = gen.publish(root, _build_dir(root))
    second = gen.publish(root, _build_dir(root))
    # a generation renamed into place by a killed build but never made live
    orphan = root / "g-99999999T000000000000-ffffff"
    orphan.mkdir()
    third = gen.publish(root, _build_dir(root))
    assert [g.name for g in gen.generations(root)] == [third.name, second.name]
    assert not first.exists() and not orphan.exists()


def test_the_replaced_generation_is_kept_over_a_newer_one_never_made_live(
        tmp_path: Path) -> None:
    root = tmp_path / "index"
    gen.publish(root, _build_dir(root))
    second = gen.publish(root, _build_dir(root))
    # a whole generation that a killed build renamed into place, newer by name, never live
    orphan = _build_dir(root)
    gen.write_checksums(orphan)
    orphan = orphan.rename(root / "g-99999999T000000000000-ffffff")
    third = gen.publish(root, _build_dir(root))
    assert [g.name for g in gen.generations(root)] == [third.name, second.name]


def test_a_damaged_previous_generation_gives_way_to_an_intact_older_one(
        tmp_path: Path) -> None:
    root = tmp_path / "index"
    first = gen.publish(root, _build_dir(root))
    second = gen.publish(root, _build_dir(root))
    (second / "fulltext" / "seg.toc").write_bytes(b"\x01toc")  # one byte changed
    third = gen.publish(root, _build_dir(root))
    assert [g.name for g in gen.generations(root)] == [third.name, first.name]


@pytest.fixture()
def other_build() -> Iterator[int]:
    """The pid of a live process standing in for a build still running elsewhere."""
    process = subprocess.Popen(["sleep", "60"])
    yield process.pid
    assert process.poll() is None, "the cleanup must never signal a live build"
    process.kill()
    process.wait()


def test_an_old_generation_that_cannot_be_removed_does_not_stop_the_switch(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "index"
    first = gen.publish(root, _build_dir(root))
    gen.publish(root, _build_dir(root))
    build = _build_dir(root)

    def unlink(path: str | Path, *args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(os, "unlink", unlink)  # publishing itself never deletes a file
    third = gen.publish(root, build)
    assert gen.read_current(root) == third.name
    assert first.exists()  # left for the next build to remove


def test_a_killed_builds_pointer_file_and_folder_are_removed(
        tmp_path: Path, other_build: int, monkeypatch: pytest.MonkeyPatch) -> None:
    signals: list[int] = []
    real_kill = os.kill

    def kill(pid: int, signal: int) -> None:
        signals.append(signal)
        real_kill(pid, signal)

    monkeypatch.setattr(os, "kill", kill)
    root = tmp_path / "index"
    root.mkdir()
    dead = 999_999_999  # above the kernel's pid_max: no such process
    leftovers = [root / f".{gen.CURRENT}.{dead}.tmp", root / f".build-{dead}-deadbeef",
                 root / ".build-nopid", root / f".{gen.CURRENT}.x.tmp",
                 root / ".build-0-0badc0de"]  # pid 0 is no process: os.kill(0) means "my group"
    leftovers[0].write_text("g-half\n")
    leftovers[1].mkdir()
    (leftovers[1] / "junk").write_text("half-written")
    leftovers[2].mkdir()
    leftovers[3].write_text("g-half\n")
    leftovers[4].mkdir()
    # a build still running in another live process, and this process's own files
    alive = other_build
    kept = [root / f".{gen.CURRENT}.{alive}.tmp", root / f".build-{alive}-cafef00d",
            root / f".{gen.CURRENT}.{os.getpid()}.tmp",
            root / ".build-1-c0ffee00"]  # pid 1, a container's first process, always runs
    kept[0].write_text("g-other\n")
    kept[1].mkdir()
    kept[2].write_text("g-mine\n")
    kept[3].mkdir()
    build = gen.new_build_dir(root)
    assert [p for p in leftovers if p.exists()] == []
    assert all(p.exists() for p in kept)
    assert build.parent == root and build.name.startswith(f".build-{os.getpid()}-")
    assert signals and set(signals) == {0}  # processes are only probed, never signalled


def test_a_build_of_another_user_is_left_alone(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    # os.kill(pid, 0) on another account's process raises PermissionError: it is alive.
    def kill(pid: int, signal: int) -> None:
        raise PermissionError(1, "Operation not permitted")

    (tmp_path / ".build-4242-abcdef01").mkdir()
    (tmp_path / f".{gen.CURRENT}.4242.tmp").write_text("g-x\n")
    monkeypatch.setattr(os, "kill", kill)
    gen.new_build_dir(tmp_path)
    assert (tmp_path / ".build-4242-abcdef01").is_dir()
    assert (tmp_path / f".{gen.CURRENT}.4242.tmp").is_file()


def test_a_link_named_like_a_leftover_build_is_never_followed(tmp_path: Path) -> None:
    # Removing a killed build's folder must not delete what a symbolic link points at; the
    # link is left in place and the new build goes on.
    precious = tmp_path / "elsewhere"
    precious.mkdir()
    (precious / "keep.txt").write_text("not the index's to delete")
    root = tmp_path / "index"
    root.mkdir()
    (root / ".build-999999999-1inked00").symlink_to(precious)
    build = gen.new_build_dir(root)
    assert build.is_dir()
    assert (precious / "keep.txt").read_text() == "not the index's to delete"


@pytest.fixture()
def far_east_clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The process's local time 14 hours ahead of UTC (a POSIX TZ rule: no tz database)."""
    monkeypatch.setenv("TZ", "ZZZ-14")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_generation_names_are_stamped_in_utc(tmp_path: Path, far_east_clock: None) -> None:
    # Local time would make names sort out of build order when the clocks go back or the
    # index moves to a server in another zone, and the newest generation is found by name.
    root = tmp_path / "index"
    before = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    name = gen.publish(root, _build_dir(root)).name
    after = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    stamp = dt.datetime.strptime(name.split("-")[1], "%Y%m%dT%H%M%S%f")
    assert before <= stamp <= after


def test_new_build_dir_creates_the_index_folder(tmp_path: Path) -> None:
    build = gen.new_build_dir(tmp_path / "a" / "b")
    assert build.is_dir() and build.parent == tmp_path / "a" / "b"
    assert gen.generations(tmp_path / "nowhere") == []
    assert gen.read_current(tmp_path / "a" / "b") is None


def test_an_empty_pointer_means_no_generation(tmp_path: Path) -> None:
    (tmp_path / gen.CURRENT).write_text("\n")
    assert gen.read_current(tmp_path) is None
    (tmp_path / gen.CURRENT).write_text("  g-1  \n")
    assert gen.read_current(tmp_path) == "g-1"


def test_generations_lists_only_finished_ones_newest_first(tmp_path: Path) -> None:
    for name in ("g-1", "g-3", "g-2", ".build-1-x", "other"):
        (tmp_path / name).mkdir()
    (tmp_path / "g-4").write_text("a file, not a generation")
    assert [p.name for p in gen.generations(tmp_path)] == ["g-3", "g-2", "g-1"]


@pytest.fixture()
def published(tmp_path: Path) -> Path:
    root = tmp_path / "index"
    return gen.publish(root, _build_dir(root))


def test_checksums_list_every_file_in_sha256sum_format(published: Path) -> None:
    lines = (published / gen.CHECKSUMS).read_text(encoding="utf-8").splitlines()
    names = [line.split("  ", 1)[1] for line in lines]
    assert names == ["fulltext/deeper/postings", "fulltext/seg.toc", "manifest.json"]
    digest = hashlib.sha256((published / "manifest.json").read_bytes()).hexdigest()
    assert lines[2] == f"{digest}  manifest.json"


@pytest.mark.parametrize(("damage", "reason"), [
    (lambda g: (g / "manifest.json").write_text("{ }"), "manifest.json is damaged"),
    (lambda g: (g / "fulltext" / "seg.toc").unlink(), "files missing or unexpected: "
                                                      "fulltext/seg.toc"),
    (lambda g: (g / "extra").write_text("x"), "files missing or unexpected: extra"),
    (lambda g: (g / gen.CHECKSUMS).write_text(
        (g / gen.CHECKSUMS).read_text().replace("  ", " ", 1)), "line 1 is damaged"),
    (lambda g: (g / gen.CHECKSUMS).write_text(
        (g / gen.CHECKSUMS).read_text().rstrip("\n")), "line 3 is damaged"),
    (lambda g: (g / gen.CHECKSUMS).write_bytes(b"\xff\xfe"), "cannot read checksums.sha256"),
    (lambda g: (g / gen.CHECKSUMS).unlink(), "cannot read checksums.sha256"),
])
def test_any_damage_is_named(published: Path, damage: object, reason: str) -> None:
    damage(published)  # type: ignore[operator]
    with pytest.raises(DamagedGenerationError) as caught:
        gen.verify(published)
    assert str(caught.value).startswith(f"{published.name}: ")
    assert reason in str(caught.value)


def test_a_generation_missing_many_files_names_the_first_five(published: Path) -> None:
    for n in range(1, 8):
        (published / f"extra{n}").write_text("x")
    with pytest.raises(DamagedGenerationError) as caught:
        gen.verify(published)
    assert str(caught.value) == (f"{published.name}: files missing or unexpected: "
                                 "extra1, extra2, extra3, extra4, extra5")
