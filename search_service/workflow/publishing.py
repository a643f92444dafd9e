"""Publishing: every node's index follows the published set in the database.

The database keeps a *published revision* (+1 on each publication or withdrawal, in the same
transaction). Each index generation built from the database records the revision it was built
from in its manifest (``source.database_revision``). A node rebuilds when the two differ:

- on the node where a decision was made, straight after the commit (an ``after_commit`` hook);
- on every node, when its builder thread finds (woken by requests, at most every
  ``DATABASE_POLL_SECONDS``) that the database has moved on: so all nodes sharing one
  PostgreSQL serve the new generation. Requests never wait for the database for this.

Builds run on one background thread per process, after ``PUBLISH_DEBOUNCE_SECONDS`` without a
new publication, so a burst of decisions makes one generation. The index folder's build lock
(:func:`indexer.generations.build_lock`) lets one process of a node build at a time; the others
see ``CURRENT`` change. Requests
never wait: they answer from the live generation until the new one is switched in.

An index built from a folder (``impact-search index``) records no revision; it stands for the
bundled collection the database is seeded with (revision 0) until the first publication.
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from indexer.build import build_generation
from indexer.errors import BuildLockedError, IndexProblem
from indexer.generations import read_current
from indexer.manifest import read_manifest
from search_service.workflow.collection import database_revision, published_records
from search_service.workflow.db import Database

__all__ = ["Publisher", "index_revision", "needs_build", "MISSING", "FOLDER"]

log = logging.getLogger("impact_search.workflow.publish")
MISSING = -1  # no usable generation at all
FOLDER = -2  # a generation built from a folder, not from the database


def index_revision(root: Path) -> int:
    """The database revision the live generation was built from, or MISSING / FOLDER."""
    name = read_current(root)
    if name is None:
        return MISSING
    try:
        manifest = read_manifest(root / name)
    except IndexProblem:
        return MISSING
    revision = manifest.source.get("database_revision")
    return int(revision) if isinstance(revision, int) else FOLDER


def needs_build(database: int, index: int) -> bool:
    if index == FOLDER:
        return database != 0
    return index != database


class Publisher:
    """Keeps one process's index folder in step with the database."""

    def __init__(self, db: Database, root: Path, *, poll_seconds: float,
                 debounce_seconds: float) -> None:
        self.db = db
        self.root = root
        self.poll_seconds = poll_seconds
        self.debounce_seconds = debounce_seconds
        self._wanted = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._last_check = 0.0
        self._debounce_next = False
        self.last_error: str | None = None
        self.builds = 0
        event.listen(db.sessions, "after_commit", self._after_commit)

    def _after_commit(self, session: Session) -> None:
        if session.info.pop("published_changed", False):
            self.kick()

    def check(self) -> None:
        """Called after requests: at most every poll interval, have the builder thread
        compare the revisions. The request itself never touches the database for this."""
        now = time.monotonic()
        if now - self._last_check < self.poll_seconds:
            return
        self._last_check = now
        self._wake(debounce=False)

    def kick(self) -> None:
        """A publication was committed here: build soon, once the burst is over."""
        self._wake(debounce=True)

    def _wake(self, debounce: bool) -> None:
        with self._lock:
            self._debounce_next = self._debounce_next or debounce
            self._wanted.set()
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="impact-search-publisher",
                                                daemon=True)
                self._thread.start()

    def _debounce(self) -> None:
        # Wait until no publication has arrived for the debounce time (at most 5 times it),
        # so a burst of decisions becomes one build.
        deadline = time.monotonic() + 5 * self.debounce_seconds
        while time.monotonic() < deadline:
            self._wanted.clear()
            if not self._wanted.wait(self.debounce_seconds):
                return

    def _run(self) -> None:
        while True:
            with self._lock:  # decide to stop under the lock, so no wake-up is ever lost
                if not self._wanted.is_set():
                    self._thread = None
                    return
                debounce, self._debounce_next = self._debounce_next, False
            if debounce:
                self._debounce()
            self._wanted.clear()
            try:
                if not self.build_if_behind():
                    # Another process of this node holds the lock: look again shortly.
                    self._last_check = 0.0
            except Exception as exc:  # the search goes on; the next check tries again
                self.last_error = f"{type(exc).__name__}: {exc}"
                log.warning("could not bring the index up to the database: %s", self.last_error)

    def build_if_behind(self) -> bool:
        """Build a generation if the database has moved on; False if another process of this
        node is building into the index folder (its build lock). Safe to call directly (the
        CLI and tests do)."""
        with self.db.session() as session:
            revision = database_revision(session)
            if not needs_build(revision, index_revision(self.root)):
                return True  # the usual case: nothing written, no lock taken
            records = published_records(session)
        try:
            # Withdrawing the last published case study leaves nothing to publish: an empty
            # generation, or the withdrawn case study would stay in search.
            report = build_generation(records, self.root, wait=False, allow_empty=True,
                                      source={"database_revision": revision})
        except BuildLockedError:
            return False
        self.builds += 1
        self.last_error = None
        log.info("published revision %s: %s case studies -> %s", revision, report.documents,
                 report.generation.name)
        return True

    def wait_idle(self, timeout: float = 60.0) -> bool:
        """Wait for the builder thread to finish (tests, shutdown); False on timeout."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
            return not thread.is_alive()
        return True

    def status(self) -> dict[str, Any]:
        return {"builds": self.builds, "building": bool(self._thread and
                                                         self._thread.is_alive()),
                "index_revision": index_revision(self.root), "last_error": self.last_error}
