"""The analytics store: the threshold for showing a query, the end of a week, retention, and
what is (not) kept on disk. Time is a fake clock the tests move."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from search_service.analytics.store import (
    MAX_KEYS,
    RETENTION_MONTHS,
    THRESHOLD,
    AnalyticsStore,
    SearchEvent,
    iso_week,
    retention_cutoff,
    week_start,
)


class Clock:
    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


@pytest.fixture()
def clock() -> Clock:
    return Clock(dt.datetime(2026, 3, 4, 10, 0, tzinfo=dt.UTC))  # a Wednesday, 2026-W10


@pytest.fixture()
def store(tmp_path: Path, clock: Clock) -> AnalyticsStore:
    made = AnalyticsStore(tmp_path / "analytics.sqlite", clock=clock)
    yield made
    made.close()


def _shown(store: AnalyticsStore, kind: str = "query", weeks: int = 1) -> dict[str, int]:
    return dict(store.report(weeks).totals(kind))


def _file_text(store: AnalyticsStore) -> str:
    """Everything in the database file and its write-ahead log, as text."""
    return "".join(path.read_bytes().decode("latin-1")
                   for path in store.path.parent.glob(store.path.name + "*"))


def test_a_query_asked_four_times_is_never_shown_five_times_is(store: AnalyticsStore) -> None:
    for _ in range(THRESHOLD - 1):
        store.record(SearchEvent("Jane Smithson", total=3))
        store.record(SearchEvent("falls", total=3))
    assert _shown(store) == {}
    assert "jane smithson" not in _file_text(store)  # not even on disk
    store.record(SearchEvent("falls", total=3))
    assert _shown(store) == {"falls": THRESHOLD}
    assert store.report(1).searches[iso_week(store.clock().date())] == 2 * THRESHOLD - 1


def test_spelling_and_spacing_variants_count_as_one_query(store: AnalyticsStore) -> None:
    for text in ("Sepsis", "sepsis ", " SEPSIS", "sepsis", "Sepsis"):
        store.record(SearchEvent(text, total=1))
    assert _shown(store) == {"sepsis": 5}


def test_zero_result_queries_have_the_same_threshold(store: AnalyticsStore) -> None:
    for _ in range(THRESHOLD):
        store.record(SearchEvent("zzqq", total=0))
    for _ in range(THRESHOLD - 1):
        store.record(SearchEvent("rare name", total=0))
    assert _shown(store, "zero_query") == {"zzqq": THRESHOLD}
    week = iso_week(store.clock().date())
    assert store.report(1).zero_searches[week] == 2 * THRESHOLD - 1


def test_the_threshold_is_per_week(store: AnalyticsStore, clock: Clock) -> None:
    for _ in range(THRESHOLD - 1):
        store.record(SearchEvent("delirium", total=2))
    clock.advance(days=7)
    store.record(SearchEvent("delirium", total=2))
    assert _shown(store, weeks=2) == {}


def test_a_finished_week_keeps_no_trace_of_queries_below_the_threshold(
        store: AnalyticsStore, clock: Clock) -> None:
    for _ in range(THRESHOLD - 1):
        store.record(SearchEvent("Jane Smithson", total=1))
    with sqlite3.connect(store.path) as db:
        assert db.execute("SELECT COUNT(*) FROM counts WHERE kind = 'query'").fetchone() == (1,)
    clock.advance(days=7)
    store.purge()
    with sqlite3.connect(store.path) as db:
        assert db.execute("SELECT COUNT(*) FROM counts WHERE kind = 'query'").fetchone() == (0,)
        assert db.execute("SELECT week FROM week_keys").fetchall() == []
    db.close()


def test_filters_and_widget_sites_are_counted_without_a_threshold(
        store: AnalyticsStore) -> None:
    store.record(SearchEvent("", total=4, filters=("region=london", "has_savings")))
    store.record(SearchEvent("x", total=4, filters=("region=london",),
                             widget_origin="https://library.example.nhs.uk"))
    assert _shown(store, "filter") == {"region=london": 2, "has_savings": 1}
    assert _shown(store, "widget") == {"https://library.example.nhs.uk": 1}


def test_nothing_about_who_asked_is_stored(store: AnalyticsStore) -> None:
    store.record(SearchEvent("falls", total=1))
    with sqlite3.connect(store.path) as db:
        columns = {row[1] for table in ("counts", "week_keys")
                   for row in db.execute(f"PRAGMA table_info({table})")}
    db.close()
    assert columns == {"week", "kind", "key", "count", "text", "secret"}


def test_counts_are_kept_thirteen_months_then_deleted(store: AnalyticsStore,
                                                      clock: Clock) -> None:
    for _ in range(THRESHOLD):
        store.record(SearchEvent("falls", total=1, filters=("sector=acute",)))
    recorded = iso_week(clock().date())

    def weeks_on_disk() -> set[str]:
        with sqlite3.connect(store.path) as db:
            found = {row[0] for row in db.execute("SELECT DISTINCT week FROM counts")}
        db.close()
        return found

    clock.now = dt.datetime(2027, 3, 31, tzinfo=dt.UTC)  # 12 months and 4 weeks on
    store.purge()
    assert recorded in weeks_on_disk()
    assert _shown(store, weeks=57) == {"falls": THRESHOLD}
    clock.now = dt.datetime(2027, 4, 20, tzinfo=dt.UTC)  # past 13 months since its last day
    store.purge()
    assert recorded not in weeks_on_disk()
    assert _shown(store, "filter", weeks=57) == {}


def test_recording_applies_retention_without_a_purge_call(store: AnalyticsStore,
                                                          clock: Clock) -> None:
    store.record(SearchEvent("", total=1, filters=("sector=acute",)))
    old = iso_week(clock().date())
    clock.advance(days=31 * (RETENTION_MONTHS + 1))
    store.record(SearchEvent("", total=1))
    with sqlite3.connect(store.path) as db:
        assert db.execute("SELECT COUNT(*) FROM counts WHERE week = ?", (old,)).fetchone() == (0,)
    db.close()


@pytest.mark.parametrize(("today", "cutoff"), [
    (dt.date(2027, 4, 20), dt.date(2026, 3, 20)),
    (dt.date(2027, 3, 31), dt.date(2026, 2, 28)),  # no 31 February: the month's last day
    (dt.date(2028, 1, 5), dt.date(2026, 12, 5)),
])
def test_retention_cutoff_is_thirteen_calendar_months(today: dt.date, cutoff: dt.date) -> None:
    assert retention_cutoff(today) == cutoff


def test_iso_weeks(clock: Clock) -> None:
    assert iso_week(dt.date(2026, 3, 4)) == "2026-W10"
    assert iso_week(dt.date(2027, 1, 1)) == "2026-W53"  # ISO years differ from calendar years
    assert week_start("2026-W10") == dt.date(2026, 3, 2)


def test_report_weeks_end_with_this_week(store: AnalyticsStore) -> None:
    report = store.report(3)
    assert report.weeks == ["2026-W08", "2026-W09", "2026-W10"]
    assert report.searches == {"2026-W08": 0, "2026-W09": 0, "2026-W10": 0}


def test_distinct_keys_per_week_are_bounded(store: AnalyticsStore,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    from search_service.analytics import store as module

    monkeypatch.setattr(module, "MAX_KEYS", 3)
    for n in range(5):
        store.record(SearchEvent("", total=1, widget_origin=f"https://site{n}.example"))
    assert _shown(store, "widget") == {"https://site0.example": 1, "https://site1.example": 1,
                                       "https://site2.example": 1, "(other)": 2}
    assert MAX_KEYS >= 1000  # the real bound leaves room for every trust's site
