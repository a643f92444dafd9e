"""Rate-limit counts shared by the workers of one machine, in a SQLite file, without Redis.

``impact-search serve --prod`` runs several worker processes. With ``memory://`` each keeps its
own counts, so five workers would allow five times the documented limit. This storage plugs
into the ``limits`` library under the ``sqlite://`` scheme (``sqlite:///path/counts.sqlite``)
and implements the moving window the limiter uses: one row per counted request, counted
inside one ``BEGIN IMMEDIATE`` transaction so that two workers never both take the last place.

Counts are not precious: the file lives in the server's run folder, is written without fsync
(``synchronous=OFF``) and starts empty with each server. A lock held longer than
``BUSY_SECONDS`` raises, and the limiter lets the request through (see ``ratelimit``).
"""

from __future__ import annotations

import random
import sqlite3
import threading
import time
from typing import Any

from limits.storage import MovingWindowSupport, Storage

__all__ = ["SqliteStorage", "BUSY_SECONDS"]

BUSY_SECONDS = 0.25
_SCHEMA = """
CREATE TABLE IF NOT EXISTS hits (key TEXT NOT NULL, at REAL NOT NULL, expires REAL NOT NULL);
CREATE INDEX IF NOT EXISTS hits_key_at ON hits (key, at);
CREATE INDEX IF NOT EXISTS hits_expires ON hits (expires);
"""


class SqliteStorage(Storage, MovingWindowSupport):
    """A moving-window counter in one SQLite file; one connection per thread."""

    STORAGE_SCHEME = ["sqlite"]

    def __init__(self, uri: str, wrap_exceptions: bool = False, **options: Any) -> None:
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self.path = uri.removeprefix("sqlite://")
        self._local = threading.local()

    @property
    def base_exceptions(self) -> type[Exception] | tuple[type[Exception], ...]:
        return sqlite3.Error

    def _db(self) -> sqlite3.Connection:
        db: sqlite3.Connection | None = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self.path, timeout=BUSY_SECONDS, isolation_level=None)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=OFF")
            db.executescript(_SCHEMA)
            self._local.db = db
        return db

    def acquire_entry(self, key: str, limit: int, expiry: int, amount: int = 1) -> bool:
        if amount > limit:
            return False
        db = self._db()
        now = time.time()
        db.execute("BEGIN IMMEDIATE")
        try:
            (count,) = db.execute("SELECT COUNT(*) FROM hits WHERE key = ? AND at > ?",
                                  (key, now - expiry)).fetchone()
            allowed = bool(count + amount <= limit)
            if allowed:
                db.executemany("INSERT INTO hits VALUES (?, ?, ?)",
                               [(key, now, now + expiry)] * amount)
            if random.random() < 0.01:  # now and then, forget what no window still counts
                db.execute("DELETE FROM hits WHERE expires < ?", (now,))
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        return allowed

    def get_moving_window(self, key: str, limit: int, expiry: int) -> tuple[float, int]:
        now = time.time()
        oldest, count = self._db().execute(
            "SELECT MIN(at), COUNT(*) FROM hits WHERE key = ? AND at > ?",
            (key, now - expiry)).fetchone()
        return (float(oldest), int(count)) if count else (now, 0)

    def clear(self, key: str) -> None:
        self._db().execute("DELETE FROM hits WHERE key = ?", (key,))

    def reset(self) -> int | None:
        return self._db().execute("DELETE FROM hits").rowcount

    def check(self) -> bool:
        try:
            self._db().execute("SELECT 1")
        except sqlite3.Error:
            return False
        return True

    # The fixed-window interface of ``limits``; the service uses only the moving window.
    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        raise NotImplementedError("sqlite:// supports the moving-window strategy only")

    def get(self, key: str) -> int:
        raise NotImplementedError("sqlite:// supports the moving-window strategy only")

    def get_expiry(self, key: str) -> float:
        raise NotImplementedError("sqlite:// supports the moving-window strategy only")
