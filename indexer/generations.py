"""Index generations and the atomic switch between them.

Layout of an index folder::

    index/
      CURRENT               the live generation's name: replaced atomically, read per request
      g-20261126T053012-1a2b/   a finished generation (manifest.json written last)
      g-20261120T101500-9f8e/   the previous one, kept as a fallback
      .build-.../           a build in progress (or one that was killed: removed later)

A build writes into a ``.build-*`` folder, records the SHA-256 of every file in
``checksums.sha256`` (``sha256sum -c`` format), fsyncs every file, renames it to ``g-*`` and then
replaces ``CURRENT``. A killed build therefore never touches the live generation; Whoosh itself
never fsyncs, so without this a crash could leave the only index unopenable. Readers call
:func:`verify` before opening a generation, so a truncated or flipped byte anywhere (including
Whoosh's pickled table of contents) is caught before any of it is parsed.

Only folders this module created (``g-*`` under the configured index folder, with a
``checksums.sha256`` written at build time) are ever opened.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import shutil
import uuid
from pathlib import Path

from indexer.errors import DamagedGenerationError

__all__ = ["generations", "new_build_dir", "publish", "read_current",
           "verify", "CHECKSUMS", "fsync_tree", "write_checksums"]

CURRENT = "CURRENT"
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


def publish(root: Path, build_dir: Path) -> Path:
    """Make ``build_dir`` the live generation; keep one previous; return the new path."""
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
    # Keep exactly the new live generation and the one it replaced. A generation that a killed
    # build renamed into place but never made live is newer than the previous one by name, so
    # "newest two" would keep it and delete the real fallback.
    for old in generations(root):
        if old.name not in (target.name, previous):
            shutil.rmtree(old, ignore_errors=True)
    return target
