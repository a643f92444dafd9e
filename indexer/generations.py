"""Index generations and the atomic switch between them.

Layout of an index folder::

    index/
      CURRENT               the live generation's name: replaced atomically, read per request
      g-20261126T053012-1a2b/   a finished generation (manifest.json written last)
      g-20261120T101500-9f8e/   the previous one, kept as a fallback
      .build-.../           a build in progress (or one that was killed: removed later)

A build writes into a ``.build-*`` folder, fsyncs every file, renames it to ``g-*`` and then
replaces ``CURRENT``. A killed build therefore never touches the live generation; Whoosh itself
never fsyncs, so without this a crash could leave the only index unopenable.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import uuid
from pathlib import Path

__all__ = ["live_generation", "generations", "new_build_dir", "publish", "read_current"]

CURRENT = "CURRENT"
KEEP = 2  # the live generation and one fallback


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


def live_generation(root: Path) -> Path | None:
    name = read_current(root)
    return root / name if name else None


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
    for path in root.glob(".build-*"):
        try:
            pid = int(path.name.split("-")[1])
        except (IndexError, ValueError):
            pid = -1
        if pid == os.getpid() or (pid > 0 and _pid_alive(pid)):
            continue
        shutil.rmtree(path, ignore_errors=True)


def publish(root: Path, build_dir: Path) -> Path:
    """Make ``build_dir`` the live generation; keep one previous; return the new path."""
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%f")
    target = root / f"g-{stamp}-{uuid.uuid4().hex[:6]}"
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
    for old in generations(root)[KEEP:]:
        shutil.rmtree(old, ignore_errors=True)
    return target
