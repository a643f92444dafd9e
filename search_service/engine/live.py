"""The open index a web worker reads, and how it follows rebuilds and survives damage.

Each worker opens the live generation lazily (after any fork) and keeps it. On each request
``current()`` reads the small ``CURRENT`` pointer file; when it names a new generation, the new
one is opened and swapped in, so a rebuild needs no restart. If the live generation cannot be
opened (a damaged file), the newest older generation that opens is served instead and
``degraded`` says why; the worker retries the live one when the pointer changes.

Damage can also come after a generation was opened (a disk error, a copy over a live file).
:meth:`LiveIndex.suspect` re-verifies the checksums after a request failed unexpectedly and
:meth:`LiveIndex.check` does so when a file's size or time changed or ``verify_every`` seconds
have passed (health calls it, so every worker reports the same). A generation found damaged
is never served again by this worker: the next request opens the fallback.

Without ``CURRENT`` the newest generation that opens is served; with an index folder that
cannot be read, the generation already open goes on being served. Both say so in
``degraded``. ``degraded`` is public (health shows it): generation names and what to run,
never a path or an exception's class; those go to the log.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from indexer.errors import (
    DamagedGenerationError,
    IndexFormatError,
    IndexMissingError,
    IndexProblem,
)
from indexer.facets import FacetColumns, load_columns
from indexer.fulltext import FullText, open_fulltext
from indexer.generations import generations, read_current, verify
from indexer.impacts import Impacts, load_impacts
from indexer.manifest import Manifest, read_manifest
from indexer.similarity import SimilarityIndex, load_similarity
from indexer.spelling import Speller, load_speller
from indexer.store import RecordStore
from indexer.suggest import load_suggestions
from search_service.engine.scoring import TextIndex

__all__ = ["Generation", "LiveIndex", "open_generation", "public_summary"]

log = logging.getLogger("impact_search.index")
REBUILD_HINT = "impact-search index"
RETRY_SECONDS = 5.0  # a generation that failed to open is not tried again sooner
SUSPECT_SECONDS = 10.0  # failing requests re-verify one generation at most this often
Signature = tuple[tuple[str, int, int], ...]


def _signature(path: Path) -> Signature:
    """Every file's name, size and modification time: cheap to compare on each check."""
    found = []
    for folder, _dirs, files in os.walk(path):
        for name in files:
            stat = os.stat(os.path.join(folder, name))
            found.append((os.path.join(folder, name), stat.st_size, stat.st_mtime_ns))
    return tuple(sorted(found))


def public_summary(error: BaseException) -> str:
    """What went wrong, for the public: no paths, no exception class names."""
    if isinstance(error, DamagedGenerationError):
        return "a file is damaged (its checksum differs)"
    if isinstance(error, IndexFormatError):
        return "it was built by another version of impact-search"
    if isinstance(error, IndexMissingError):
        return "it is not a finished index"
    if isinstance(error, OSError):
        return "a file cannot be read"
    return "it cannot be read"


@dataclass
class Generation:
    name: str
    path: Path
    manifest: Manifest
    fulltext: FullText
    impacts: Impacts
    similarity: SimilarityIndex
    columns: FacetColumns
    store: RecordStore
    suggestions: list[list[Any]]
    speller: Speller
    signature: Signature = field(default=(), compare=False)
    verified_at: float = field(default=0.0, compare=False)

    @property
    def texts(self) -> TextIndex:
        """What ranking reads: positions, BM25 impacts, TF-IDF rows."""
        return TextIndex(self.fulltext, self.impacts, self.similarity)

    def close(self) -> None:
        self.fulltext.close()
        self.store.close()


def open_generation(path: Path) -> Generation:
    """Open every part of one generation; raises if any part is missing or damaged.

    The checksums are verified before anything but the JSON manifest is read, so nothing
    damaged (least of all Whoosh's pickled table of contents) is parsed.
    """
    manifest = read_manifest(path)  # JSON, safe to read first: an old format says so
    signature = _signature(path)
    verify(path)
    verified_at = time.monotonic()
    fulltext = open_fulltext(path / "fulltext")
    try:
        generation = Generation(
            name=path.name,
            path=path,
            manifest=manifest,
            fulltext=fulltext,
            impacts=load_impacts(path / "impacts"),
            similarity=load_similarity(path / "similarity"),
            columns=load_columns(path),
            store=RecordStore(path),
            suggestions=load_suggestions(path),
            speller=load_speller(path / "similarity"),
            signature=signature,
            verified_at=verified_at,
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

    def __init__(self, root: Path, verify_every: float = 300.0) -> None:
        self.root = root
        self.verify_every = verify_every
        self._lock = threading.Lock()
        self._pointer: str | None = None
        self._generation: Generation | None = None
        self._fallback_reason: str | None = None
        self._read_problem: str | None = None
        self._bad: set[str] = set()  # generations found damaged after they were opened
        self._failed: tuple[str | None, float, IndexProblem] | None = None
        self._suspected: dict[str, float] = {}  # generation -> when a failure last re-verified

    @property
    def degraded(self) -> str | None:
        """Why this worker does not serve what ``CURRENT`` names (public), or None."""
        return self._read_problem or self._fallback_reason

    def current(self) -> Generation:
        try:
            pointer = read_current(self.root)
        except OSError as exc:
            return self._unreadable(exc)
        if self._read_problem is not None:
            log.warning("the index folder %s can be read again", self.root)
            self._read_problem = None
        generation = self._generation
        if generation is not None and pointer == self._pointer:
            return generation
        with self._lock:
            if self._generation is None or pointer != self._pointer:
                self._switch(pointer)
            assert self._generation is not None
            return self._generation

    def _unreadable(self, error: OSError) -> Generation:
        generation = self._generation
        if self._read_problem is None:
            log.error("cannot read %s (%s); %s", self.root / "CURRENT", error,
                      f"serving {generation.name}, already open" if generation else
                      "nothing to serve")
        if generation is None:
            raise IndexProblem(f"the index folder cannot be read ({error}); make {self.root} "
                               "readable by the account that runs the service") from None
        self._read_problem = (f"the index folder cannot be read; serving {generation.name}, "
                              "which was already open, until it can")
        return generation

    def _switch(self, pointer: str | None) -> None:
        failed = self._failed
        if failed is not None and failed[0] == pointer and time.monotonic() < failed[1]:
            # Logged when it happened; not retried (and logged) on every request.
            raise failed[2].with_traceback(None)
        try:
            fresh = self._open(pointer)
        except IndexProblem as exc:
            self._failed = (pointer, time.monotonic() + RETRY_SECONDS, exc)
            raise
        self._failed = None
        # The old generation is not closed here: a request on another thread may still be
        # reading it. It is released when the last reference goes.
        self._generation, self._pointer = fresh, pointer

    def _open(self, pointer: str | None) -> Generation:
        if pointer is None:
            if not generations(self.root):
                raise IndexMissingError(f"No index at {self.root}. Run `{REBUILD_HINT} --index "
                                        f"{self.root}` to build one.")
            return self._fallback(None, IndexMissingError("CURRENT is missing"))
        if pointer in self._bad:
            return self._fallback(pointer, DamagedGenerationError(
                f"{pointer} was found damaged after it was opened"))
        try:
            fresh = open_generation(self.root / pointer)
        except Exception as exc:  # any damage: fall back rather than fail every request
            return self._fallback(pointer, exc)
        self._fallback_reason = None
        return fresh

    def _fallback(self, pointer: str | None, error: Exception) -> Generation:
        if pointer is None:
            detail = public = "the CURRENT pointer is missing"
        else:
            detail = f"generation {pointer} could not be opened ({type(error).__name__}: {error})"
            public = f"generation {pointer} could not be opened: {public_summary(error)}"
        log.error("%s; rebuild with `%s --index %s`", detail, REBUILD_HINT, self.root)
        hint = f"rebuild with `{REBUILD_HINT}`"
        current = self._generation
        if current is not None and current.name != pointer and current.name not in self._bad:
            self._fallback_reason = f"{public}; serving {current.name}; {hint}"
            return current
        for candidate in generations(self.root):
            if candidate.name == pointer or candidate.name in self._bad:
                continue
            try:
                older = open_generation(candidate)
            except Exception as exc:  # noqa: BLE001 - try the next older one
                log.error("fallback %s does not open either (%s)", candidate.name, exc)
                continue
            log.warning("serving %s instead", candidate.name)
            self._fallback_reason = f"{public}; serving {candidate.name}; {hint}"
            return older
        # Keep the error's kind (format, missing, damaged) for callers that tell them apart.
        kind = type(error) if isinstance(error, IndexProblem) else IndexProblem
        raise kind(f"{detail}; no older generation opens either; {hint} --index "
                   f"{self.root}") from error

    def suspect(self, generation: Generation) -> bool:
        """After a request on ``generation`` failed unexpectedly: is it damaged? If so this
        worker stops serving it (the next request opens the fallback) and says so.

        A bug that fails every request must not hash the whole index on each: one generation
        is re-verified for failures at most every ``SUSPECT_SECONDS``."""
        now = time.monotonic()
        if now - self._suspected.get(generation.name, -SUSPECT_SECONDS) < SUSPECT_SECONDS:
            return False
        self._suspected[generation.name] = now
        return self._verify(generation)

    def _verify(self, generation: Generation) -> bool:
        """True (and the generation dropped) if ``generation`` no longer verifies."""
        try:
            verify(generation.path)
        except (IndexProblem, OSError) as exc:
            log.error("generation %s was damaged after it was opened (%s); switching to the "
                      "fallback; rebuild with `%s --index %s`", generation.name, exc,
                      REBUILD_HINT, self.root)
            with self._lock:
                self._bad.add(generation.name)
                if self._generation is generation:
                    self._generation = None  # the next current() opens the fallback
                self._fallback_reason = (
                    f"generation {generation.name} was damaged after it was opened; "
                    f"rebuild with `{REBUILD_HINT}`")
            return True
        generation.verified_at = time.monotonic()
        try:
            generation.signature = _signature(generation.path)  # e.g. touched, but intact
        except OSError:
            pass
        return False

    def check(self) -> Generation:
        """The generation to report on, re-verified if its files changed or it is time to."""
        generation = self.current()
        try:
            changed = _signature(generation.path) != generation.signature
        except OSError:
            changed = True
        due = time.monotonic() - generation.verified_at >= self.verify_every
        if (changed or due) and self._verify(generation):
            generation = self.current()
        return generation

    def close(self) -> None:
        with self._lock:
            if self._generation is not None:
                self._generation.close()
            self._generation = None
            self._pointer = None
