"""Index generations and the atomic switch between them.

Layout of an index folder::

    index/
      CURRENT               the live generation's name: replaced atomically, read per request
      build.lock            held (flock) by the one build that may write here at a time
      g-20261126T053012-1a2b/   a finished generation (manifest.json written last)
      g-20261120T101500-9f8e/   the newest other generation that verifies: the fallback
      .build-.../           a build in progress (or one that was killed: removed later)

A build writes into a ``.build-*`` folder, records the SHA-256 of every file in
``checksums.sha256`` (``sha256sum -c`` format), fsyncs every file, renames it to ``g-*`` and then
replaces ``CURRENT``. A killed build therefore never touches the live generation; Whoosh itself
never fsyncs, so without this a crash could leave the only index unopenable. Readers call
:func:`verify` before opening a generation, so a truncated or flipped byte anywhere (including
Whoosh's pickled table of contents) is caught before any of it is parsed.

Builds into one folder take turns: :func:`build_lock` holds an exclusive ``flock`` on
``build.lock`` from the first file written to the last one removed, so two builds can never
delete each other's generation or point ``CURRENT`` at a removed one. ``publish`` keeps the new
generation and one fallback, the generation it replaces if that still verifies, else the
newest that does, so a damaged generation never pushes out an intact one.

Only folders this module created (``g-*`` under the configured index folder, with a
``checksums.sha256`` written at build time) are ever opened.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import os
import re
import shutil
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from indexer.errors import BuildLockedError, DamagedGenerationError, IndexProblem
from indexer.manifest import read_manifest

__all__ = ["generations", "new_build_dir", "publish", "read_current", "build_lock",
           "verify", "CHECKSUMS", "LOCK", "fsync_tree", "write_checksums"]

CURRENT = "CURRENT"
LOCK = "build.lock"
CHECKSUMS = "checksums.sha256"
_LINE = re.compile(r"([0-9a-f]{64})  (\S[^\n]*)")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _files(directory: Path) -> list[str]:
    return sorted(p.relative_to(directory).as_posix() for p in directory.rglob("*")
                  if p.is_file() and p.name != CHECKSUMS)


def write_checksums(directory: Path) -> None:
    lines = [f"{_sha256(directory / name)}  {name}\n" for name in _files(directory)]
    (directory / CHECKSUMS).write_text("".join(lines), encoding="utf-8")


def verify(directory: Path) -> None:
    """Raise :class:`DamagedGenerationError` unless every file matches its recorded SHA-256.

    The list is parsed strictly, so any changed byte in it is caught too.
    """
    try:
        text = (directory / CHECKSUMS).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DamagedGenerationError(f"{directory.name}: cannot read {CHECKSUMS} ({exc})") from None
    expected: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(keepends=True), start=1):
        match = _LINE.fullmatch(line.removesuffix("\n"))
        if match is None or not line.endswith("\n"):
            raise DamagedGenerationError(f"{directory.name}: {CHECKSUMS} line {number} is damaged")
        expected[match.group(2)] = match.group(1)
    found = _files(directory)
    if sorted(expected) != found:
        odd = sorted(set(expected) ^ set(found))
        raise DamagedGenerationError(f"{directory.name}: files missing or unexpected: "
                                     f"{', '.join(odd[:5])}")
    for name, digest in expected.items():
        if _sha256(directory / name) != digest:
            raise DamagedGenerationError(f"{directory.name}: {name} is damaged (checksum differs)")


def _fsync_path(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_tree(root: Path) -> None:
    for folder, _dirs, files in os.walk(root):
        for name in files:
            _fsync_path(Path(folder) / name)
        _fsync_path(Path(folder))


def read_current(root: Path) -> str | None:
    try:
        name = (root / CURRENT).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    return name or None


def generations(root: Path) -> list[Path]:
    """Finished generations, newest first."""
    if not root.is_dir():
        return []
    found = [p for p in root.iterdir() if p.is_dir() and p.name.startswith("g-")]
    return sorted(found, key=lambda p: p.name, reverse=True)


def new_build_dir(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    _remove_abandoned_builds(root)
    path = root / f".build-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    path.mkdir()
    return path


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _remove_abandoned_builds(root: Path) -> None:
    """Remove what a killed build left: its ``.build-*`` folder and its pointer temp file."""
    for path in [*root.glob(".build-*"), *root.glob(f".{CURRENT}.*.tmp")]:
        try:
            pid = int(path.name.split("-")[1] if path.is_dir() else path.name.split(".")[2])
        except (IndexError, ValueError):
            pid = -1
        if pid == os.getpid() or (pid > 0 and _pid_alive(pid)):
            continue
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)


@contextmanager
def build_lock(root: Path, *, wait: bool = True,
               on_wait: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold the index folder's build lock; wait for it (telling ``on_wait`` who holds it) or,
    with ``wait=False``, raise :class:`BuildLockedError`. The kernel releases it when the
    process ends, however it ends."""
    root.mkdir(parents=True, exist_ok=True)
    fd = os.open(root / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "unknown"
            if not wait:
                raise BuildLockedError(
                    f"Another `impact-search index` (pid {holder}) is building into {root}. "
                    "Wait for it to finish and run again, or leave out --no-wait to wait."
                ) from None
            if on_wait is not None:
                on_wait(holder)
            fcntl.flock(fd, fcntl.LOCK_EX)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        yield
    finally:
        os.close(fd)


def _usable(path: Path) -> bool:
    try:
        read_manifest(path)
        verify(path)
    except (IndexProblem, OSError):
        return False
    return True


def _prune(root: Path, keep: str, previous: str | None) -> None:
    """Keep ``keep`` and one fallback: ``previous`` if it is intact, else the newest that is.

    A generation that a killed build renamed into place but never made live is newer than the
    previous one by name, so the previous one is preferred while it verifies.
    """
    others = [g for g in generations(root) if g.name != keep]
    others.sort(key=lambda g: g.name != previous)  # stable: previous first, then newest
    fallback = next((g for g in others if _usable(g)), None)
    for old in others:
        if old != fallback:
            shutil.rmtree(old, ignore_errors=True)


def publish(root: Path, build_dir: Path) -> Path:
    """Make ``build_dir`` the live generation; keep one intact fallback; return the new path.

    The caller holds :func:`build_lock`."""
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%f")
    target = root / f"g-{stamp}-{uuid.uuid4().hex[:6]}"
    previous = read_current(root)
    write_checksums(build_dir)
    fsync_tree(build_dir)
    os.rename(build_dir, target)
    _fsync_path(root)
    pointer = root / f".{CURRENT}.{os.getpid()}.tmp"
    with open(pointer, "w", encoding="utf-8") as handle:
        handle.write(target.name + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(pointer, root / CURRENT)
    _fsync_path(root)
    _prune(root, target.name, previous)
    return target
