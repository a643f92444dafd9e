"""The open index a web worker reads, and how it follows rebuilds.

Each worker opens the live generation lazily (after any fork) and keeps it. On each request
``current()`` reads the small ``CURRENT`` pointer file; when it names a new generation, the new
one is opened and swapped in, so a rebuild needs no restart. If the live generation cannot be
opened (a damaged file), the newest older generation that opens is served instead and
``degraded`` says why; the worker retries the live one when the pointer changes.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from indexer.errors import IndexMissingError, IndexProblem
from indexer.facets import FacetColumns, load_columns
from indexer.fulltext import FullText, open_fulltext
from indexer.generations import generations, read_current, verify
from indexer.manifest import Manifest, read_manifest
from indexer.similarity import SimilarityIndex, load_similarity
from indexer.spelling import Speller, load_speller
from indexer.store import RecordStore
from indexer.suggest import load_suggestions

__all__ = ["Generation", "LiveIndex", "open_generation"]

log = logging.getLogger("impact_search.index")
REBUILD_HINT = "impact-search index"


@dataclass
class Generation:
    name: str
    path: Path
    manifest: Manifest
    fulltext: FullText
    similarity: SimilarityIndex
    columns: FacetColumns
    store: RecordStore
    suggestions: list[list[Any]]
    speller: Speller

    def close(self) -> None:
        self.fulltext.close()
        self.store.close()


def open_generation(path: Path) -> Generation:
    """Open every part of one generation; raises if any part is missing or damaged.

    The checksums are verified before anything but the JSON manifest is read, so nothing
    damaged (least of all Whoosh's pickled table of contents) is parsed.
    """
    manifest = read_manifest(path)  # JSON, safe to read first: an old format says so
    verify(path)
    fulltext = open_fulltext(path / "fulltext")
    try:
        generation = Generation(
            name=path.name,
            path=path,
            manifest=manifest,
            fulltext=fulltext,
            similarity=load_similarity(path / "similarity"),
            columns=load_columns(path),
            store=RecordStore(path),
            suggestions=load_suggestions(path),
            speller=load_speller(path / "similarity"),
        )
    except BaseException:
        fulltext.close()
        raise
    if len(generation.store) != manifest.documents or generation.columns.size != len(
        generation.store
    ):
        generation.close()
        raise IndexProblem(f"{path} is inconsistent; run `{REBUILD_HINT}`")
    return generation


class LiveIndex:
    """The generation this worker serves, refreshed when ``CURRENT`` changes."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._lock = threading.Lock()
        self._pointer: str | None = None
        self._generation: Generation | None = None
        self.degraded: str | None = None

    def current(self) -> Generation:
        pointer = read_current(self.root)
        generation = self._generation
        if generation is not None and pointer == self._pointer:
            return generation
        with self._lock:
            if self._generation is None or pointer != self._pointer:
                self._switch(pointer)
            assert self._generation is not None
            return self._generation

    def _switch(self, pointer: str | None) -> None:
        if pointer is None:
            raise IndexMissingError(
                f"No index at {self.root}. Run `{REBUILD_HINT} --index {self.root}` to build one."
            )
        try:
            fresh = open_generation(self.root / pointer)
            self.degraded = None
        except Exception as exc:  # any damage: fall back rather than fail every request
            fresh = self._fallback(pointer, exc)
        # The old generation is not closed here: a request on another thread may still be
        # reading it. It is released when the last reference goes.
        self._generation, self._pointer = fresh, pointer

    def _fallback(self, pointer: str, error: Exception) -> Generation:
        reason = (f"generation {pointer} could not be opened ({type(error).__name__}: {error}); "
                  f"rebuild with `{REBUILD_HINT} --index {self.root}`")
        log.error("%s", reason)
        if self._generation is not None and self._generation.name != pointer:
            self.degraded = f"{reason}; serving {self._generation.name}"
            return self._generation
        for candidate in generations(self.root):
            if candidate.name == pointer:
                continue
            try:
                older = open_generation(candidate)
            except Exception:  # noqa: S112 - try the next older one
                continue
            self.degraded = f"{reason}; serving {candidate.name}"
            return older
        # Keep the error's kind (format, missing, damaged) for callers that tell them apart.
        kind = type(error) if isinstance(error, IndexProblem) else IndexProblem
        raise kind(f"{reason}; no older generation opens either") from error

    def close(self) -> None:
        with self._lock:
            if self._generation is not None:
                self._generation.close()
            self._generation = None
            self._pointer = None
