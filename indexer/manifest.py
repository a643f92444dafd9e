"""The manifest: what an index generation is, and whether this code can read it.

It is written last, so a generation without one is an unfinished build. Opening an index whose
format version differs from ``FORMAT_VERSION`` raises :class:`IndexFormatError`, whose message
names the command that rebuilds it.
"""

from __future__ import annotations

import datetime as dt
import json
import platform
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from indexer.errors import IndexFormatError, IndexMissingError

__all__ = ["FORMAT_VERSION", "Manifest",
           "read_manifest", "write_manifest", "library_versions", "now_iso"]

# 2: did-you-mean words moved out of Whoosh into similarity/words.json
# 3: one-field BM25 impacts in impacts/ (issue 17); "=ED" no longer swallows "ed"
FORMAT_VERSION = 3
FILENAME = "manifest.json"
REBUILD = "impact-search index"


@dataclass
class Manifest:
    format_version: int
    kind: str  # "cases" or "generic"
    corpus_sha256: str
    documents: int
    built_at: str
    build_seconds: float
    parameters: dict[str, Any] = field(default_factory=dict)
    versions: dict[str, str] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)
    # Where the records came from, e.g. {"database_revision": 7} when built from the workflow
    # database (a node compares it with the database to know whether to rebuild).
    source: dict[str, Any] = field(default_factory=dict)


def library_versions() -> dict[str, str]:
    names = ["whoosh", "scikit-learn", "numpy", "scipy", "nltk"]
    versions = {"python": platform.python_version()}
    for name in names:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "unknown"
    return versions


def now_iso() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


def write_manifest(directory: Path, manifest: Manifest) -> None:
    (directory / FILENAME).write_text(json.dumps(asdict(manifest), indent=2), encoding="utf-8")


def read_manifest(directory: Path) -> Manifest:
    path = directory / FILENAME
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise IndexMissingError(
            f"{directory} has no {FILENAME}: it is not a finished index. Run `{REBUILD}`."
        ) from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise IndexFormatError(f"{path} is damaged ({exc}). Run `{REBUILD}` to rebuild.") from None
    version = data.get("format_version") if isinstance(data, dict) else None
    if version != FORMAT_VERSION:
        raise IndexFormatError(
            f"The index at {directory} has format version {version}; this version of "
            f"impact-search reads format {FORMAT_VERSION}. Run `{REBUILD}` to rebuild it."
        )
    known = {f for f in Manifest.__dataclass_fields__}
    return Manifest(**{k: v for k, v in data.items() if k in known})
