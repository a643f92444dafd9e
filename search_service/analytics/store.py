"""Search analytics as aggregated weekly counts in a small SQLite file, and nothing else.

What one search adds (:meth:`AnalyticsStore.record`), in its ISO week (``2026-W48``):

- ``searches`` +1, and ``zero_searches`` +1 when it found nothing;
- ``query`` +1 under its text (and ``zero_query`` +1 when it found nothing);
- ``filter`` +1 for each filter it used (``region=london``, ``has_savings``, ...);
- ``widget`` +1 under the embedding site's origin, when it came from the widget.

Nothing about who asked is stored: no address, no cookie, no time finer than the week, no
identifier of any kind, so each request counts once and two requests cannot be linked. A
query's text is what could identify someone (a patient's or a colleague's name typed into the
box), so it is never stored as typed until :data:`THRESHOLD` requests have asked it in the
same week: below that the row holds only a keyed hash (HMAC-SHA-256 under a random key of that
week), and the request that reaches the threshold writes the text. When a week is over, its
key and every row that never reached the threshold are deleted, so a query asked fewer than
five times leaves no trace that outlives its week. Reports show only rows with their text.

Everything is deleted :data:`RETENTION_MONTHS` months after its week ended. The clock is a
parameter, so tests can move time. Flask-free; the web layer reaches it through
:mod:`search_service.analytics`, and a later database can take its place behind the same
few methods (``record``, ``report``, ``purge``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
import sqlite3
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["AnalyticsStore", "SearchEvent", "Report", "Count", "THRESHOLD",
           "RETENTION_MONTHS", "iso_week", "week_start", "retention_cutoff", "MAX_KEYS",
           "normalise_query"]

THRESHOLD = 5  # distinct requests in one week before a query's text is stored or shown
RETENTION_MONTHS = 13
MAX_KEYS = 10_000  # distinct keys of one kind in one week; more are counted under "(other)"
MAX_QUERY_CHARS = 200
TEXT_KINDS = ("query", "zero_query")
OTHER = "(other)"

Clock = Callable[[], dt.datetime]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS counts (
    week TEXT NOT NULL,     -- ISO week, e.g. 2026-W48
    kind TEXT NOT NULL,     -- searches, zero_searches, query, zero_query, filter, widget
    key TEXT NOT NULL,      -- the filter, origin, or (for queries) a keyed hash
    count INTEGER NOT NULL,
    text TEXT,              -- a query's text, once THRESHOLD requests asked it that week
    PRIMARY KEY (week, kind, key)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS week_keys (week TEXT PRIMARY KEY, secret BLOB NOT NULL);
"""


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def iso_week(day: dt.date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def week_start(week: str) -> dt.date:
    """The Monday of an ISO week written ``2026-W48``."""
    return dt.date.fromisocalendar(int(week[:4]), int(week[6:]), 1)


def retention_cutoff(today: dt.date) -> dt.date:
    """The day :data:`RETENTION_MONTHS` months before ``today`` (clamped to a real day)."""
    months = today.year * 12 + today.month - 1 - RETENTION_MONTHS
    year, month = divmod(months, 12)
    month += 1
    for day in (today.day, 30, 29, 28):
        try:
            return dt.date(year, month, day)
        except ValueError:
            continue
    raise AssertionError("unreachable: every month has 28 days")


def normalise_query(text: str) -> str:
    """The form a query is counted under: case and spacing folded, bounded in length."""
    return " ".join(text.casefold().split())[:MAX_QUERY_CHARS]


@dataclass(frozen=True)
class SearchEvent:
    """One answered search, as much as analytics may know of it."""

    query: str
    total: int
    filters: tuple[str, ...] = ()
    widget_origin: str | None = None


@dataclass(frozen=True)
class Count:
    week: str
    kind: str
    label: str
    count: int


@dataclass
class Report:
    """What the admin page shows for a run of weeks (oldest first)."""

    weeks: list[str]
    searches: dict[str, int] = field(default_factory=dict)  # week -> count
    zero_searches: dict[str, int] = field(default_factory=dict)
    rows: list[Count] = field(default_factory=list)  # query, zero_query, filter, widget

    def totals(self, kind: str) -> list[tuple[str, int]]:
        """``kind``'s labels with their counts summed over the weeks, largest first."""
        summed: dict[str, int] = {}
        for row in self.rows:
            if row.kind == kind:
                summed[row.label] = summed.get(row.label, 0) + row.count
        return sorted(summed.items(), key=lambda item: (-item[1], item[0]))


class AnalyticsStore:
    """Weekly counts in SQLite (WAL, so several worker processes can write)."""

    def __init__(self, path: Path, clock: Clock = _utc_now) -> None:
        self.path = path
        self.clock = clock
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None
        self._sealed: str | None = None  # the week before which everything is sealed

    def _connect(self) -> sqlite3.Connection:
        if self._db is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(self.path, timeout=5, isolation_level=None,
                                 check_same_thread=False)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.executescript(_SCHEMA)
            self._db = db
        return self._db

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None

    def _week(self) -> str:
        return iso_week(self.clock().date())

    def _secret(self, db: sqlite3.Connection, week: str) -> bytes:
        db.execute("INSERT OR IGNORE INTO week_keys (week, secret) VALUES (?, ?)",
                   (week, secrets.token_bytes(32)))
        row = db.execute("SELECT secret FROM week_keys WHERE week = ?", (week,)).fetchone()
        return bytes(row[0])

    def _add(self, db: sqlite3.Connection, week: str, kind: str, key: str) -> int:
        """Add one to (week, kind, key); a new key past :data:`MAX_KEYS` counts as other."""
        found = db.execute("SELECT 1 FROM counts WHERE week = ? AND kind = ? AND key = ?",
                           (week, kind, key)).fetchone()
        if found is None:
            (keys,) = db.execute("SELECT COUNT(*) FROM counts WHERE week = ? AND kind = ?",
                                 (week, kind)).fetchone()
            if keys >= MAX_KEYS:
                key = OTHER
        (count,) = db.execute(
            "INSERT INTO counts (week, kind, key, count) VALUES (?, ?, ?, 1) "
            "ON CONFLICT (week, kind, key) DO UPDATE SET count = count + 1 RETURNING count",
            (week, kind, key)).fetchone()
        return int(count)

    def _add_query(self, db: sqlite3.Connection, week: str, kind: str, text: str,
                   secret: bytes) -> None:
        digest = hmac.new(secret, text.encode("utf-8"), hashlib.sha256).hexdigest()
        if self._add(db, week, kind, digest) >= THRESHOLD:
            db.execute("UPDATE counts SET text = ? WHERE week = ? AND kind = ? AND key = ? "
                       "AND text IS NULL", (text, week, kind, digest))

    def record(self, event: SearchEvent) -> None:
        """Count one answered search in the current week."""
        week = self._week()
        text = normalise_query(event.query)
        with self._lock:
            db = self._connect()
            self._seal(db, week)
            db.execute("BEGIN IMMEDIATE")
            try:
                self._add(db, week, "searches", "")
                if event.total == 0:
                    self._add(db, week, "zero_searches", "")
                if text:
                    secret = self._secret(db, week)
                    self._add_query(db, week, "query", text, secret)
                    if event.total == 0:
                        self._add_query(db, week, "zero_query", text, secret)
                for name in dict.fromkeys(event.filters):
                    self._add(db, week, "filter", name)
                if event.widget_origin:
                    self._add(db, week, "widget", event.widget_origin)
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise

    def _seal(self, db: sqlite3.Connection, week: str) -> None:
        """Once per week and process: drop past weeks' keys and below-threshold queries,
        and everything older than the retention period."""
        if self._sealed == week:
            return
        today = self.clock().date()
        cutoff = retention_cutoff(today)
        # A week is kept while any of its days is within the retention period.
        oldest_kept = iso_week(cutoff)
        db.execute("BEGIN IMMEDIATE")
        try:
            db.execute("DELETE FROM week_keys WHERE week < ?", (week,))
            db.execute("DELETE FROM counts WHERE week < ? AND kind IN ('query', 'zero_query') "
                       "AND text IS NULL", (week,))
            db.execute("DELETE FROM counts WHERE week < ?", (oldest_kept,))
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        self._sealed = week

    def purge(self) -> None:
        """Apply the week's sealing and the retention period now (recording does it too)."""
        with self._lock:
            self._sealed = None
            self._seal(self._connect(), self._week())

    def weeks(self, count: int) -> list[str]:
        """The last ``count`` ISO weeks up to this one, oldest first."""
        today = self.clock().date()
        return [iso_week(today - dt.timedelta(weeks=back)) for back in range(count - 1, -1, -1)]

    def report(self, weeks: int) -> Report:
        """The last ``weeks`` weeks: searches per week and every row whose text may be shown."""
        names = self.weeks(weeks)
        report = Report(names, {w: 0 for w in names}, {w: 0 for w in names})
        with self._lock:
            db = self._connect()
            self._seal(db, self._week())
            marks = ",".join("?" * len(names))
            rows: Iterable[tuple[str, str, str, int, str | None]] = db.execute(
                f"SELECT week, kind, key, count, text FROM counts WHERE week IN ({marks}) "
                "ORDER BY week, kind, count DESC, key", names).fetchall()
        for week, kind, key, count, text in rows:
            if kind == "searches":
                report.searches[week] = count
            elif kind == "zero_searches":
                report.zero_searches[week] = count
            elif kind in TEXT_KINDS:
                if text is not None and count >= THRESHOLD:
                    report.rows.append(Count(week, kind, text, count))
            else:
                report.rows.append(Count(week, kind, key, count))
        return report
