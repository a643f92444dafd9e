"""``/admin/analytics``: the counts for library managers, with charts and CSV.

Until accounts exist (then: the admin role) the page is served only when ``ANALYTICS_ENABLED``
is on (404 otherwise) and only to a private or loopback client address (403 otherwise). Behind
a reverse proxy that address is the proxy's unless ``TRUSTED_PROXIES`` is set, so a request
carrying ``X-Forwarded-For`` to an app that trusts no proxy is refused rather than taken for a
local one.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import ipaddress

from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    current_app,
    make_response,
    render_template,
    request,
)

from indexer.facets import FACETS, FacetColumns
from search_service.analytics.store import THRESHOLD, AnalyticsStore, Report, week_start
from search_service.charts import DOWNLOADS, Bar, Chart, ChartPanel, chart_panel
from search_service.current import get_generation
from search_service.engine.errors import ParameterError
from search_service.engine.exports import safe_cell
from search_service.insights import download

__all__ = ["bp", "init_app", "admin_charts", "private_client", "DEFAULT_WEEKS", "MAX_WEEKS"]

bp = Blueprint("analytics", __name__)

DEFAULT_WEEKS = 12
MAX_WEEKS = 57  # 13 months, the retention period
PERIODS = (4, 12, 26, 52)
TOP = 15  # bars in a chart of labels; the table beside it lists up to TABLE_ROWS
TABLE_ROWS = 100
# Kind -> (chart title, table heading of its labels).
KINDS = {
    "query": ("Most searched for", "Search words"),
    "zero_query": ("Searches that found nothing", "Search words"),
    "filter": ("Filters used", "Filter"),
    "widget": ("Widget searches by site", "Embedding site"),
}
_OTHER_FILTERS = {"year_from": "Year from", "year_to": "Year to",
                  "has_savings": "Has a quantified saving"}


def private_client() -> bool:
    """Is the client on a private or loopback address that this app can believe?"""
    if not current_app.config["TRUSTED_PROXIES"] and "X-Forwarded-For" in request.headers:
        return False
    try:
        address = ipaddress.ip_address(request.remote_addr or "")
    except ValueError:
        return False
    return address.is_private or address.is_loopback


def _store() -> AnalyticsStore:
    store: AnalyticsStore | None = current_app.extensions.get("analytics")
    if store is None:
        abort(404)
    if not private_client():
        abort(403, "Search analytics are shown only to private network addresses until "
                   "accounts exist; open this page from inside your network.")
    return store


def _weeks() -> int:
    raw = request.args.get("weeks", "") or str(DEFAULT_WEEKS)
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_WEEKS:
        raise ParameterError("weeks", f"a whole number from 1 to {MAX_WEEKS}")
    return int(raw)


def _filter_label(name: str, columns: FacetColumns) -> str:
    facet, _, key = name.partition("=")
    titles = {spec.name: spec.title for spec in FACETS}
    if key and facet in titles:
        return f"{titles[facet]}: {columns.label(facet, key)}"
    return _OTHER_FILTERS.get(name, name)


def _week_label(week: str) -> str:
    return f"{week} (from {week_start(week):%d %b %Y})"


def _labelled(report: Report, kind: str, columns: FacetColumns) -> list[tuple[str, int]]:
    totals = report.totals(kind)
    return [(_filter_label(label, columns), n) for label, n in totals] if kind == "filter" \
        else totals


def admin_charts(report: Report, columns: FacetColumns) -> dict[str, Chart]:
    """Searches per week, and the top labels of each kind over the report's weeks."""
    period = f"{len(report.weeks)} weeks to {report.weeks[-1]}"
    charts = {"searches": Chart(
        "searches", "Searches per week",
        f"Bar chart of searches in each of the {period}; the table gives those that found "
        "nothing too.", "Week", "Searches",
        [Bar(_week_label(w), report.searches[w], f"{report.searches[w]:,}")
         for w in report.weeks],
        (("Found nothing", [str(report.zero_searches[w]) for w in report.weeks]),),
        subtitle=period)}
    for kind, (title, heading) in KINDS.items():
        rows = _labelled(report, kind, columns)
        top = f" Most: {rows[0][0]}, {rows[0][1]:,}." if rows else " None yet."
        charts[kind.replace("_", "-")] = Chart(
            kind.replace("_", "-"), title,
            f"Bar chart of the {min(TOP, len(rows))} largest of {len(rows)}, over the "
            f"{period}.{top}", heading, "Requests",
            [Bar(label, n, f"{n:,}") for label, n in rows[:TOP]], subtitle=period)
    return charts


def _panels(report: Report, charts: dict[str, Chart], columns: FacetColumns,
            weeks: int) -> list[ChartPanel]:
    url = "/admin/analytics/charts/{name}.{{kind}}?weeks={weeks}"
    searches = charts["searches"]
    panels = [chart_panel(
        searches, url.format(name="searches", weeks=weeks),
        [("Week", False), ("Searches", True), ("Found nothing", True)],
        [[_week_label(w), f"{report.searches[w]:,}", f"{report.zero_searches[w]:,}"]
         for w in report.weeks])]
    for kind in KINDS:
        chart = charts[kind.replace("_", "-")]
        rows = [[label, f"{n:,}"] for label, n in _labelled(report, kind, columns)[:TABLE_ROWS]]
        panels.append(chart_panel(chart, url.format(name=chart.name, weeks=weeks),
                                  rows=rows))
    return panels


def _private(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


@bp.get("/admin/analytics")
def analytics_page() -> Response:
    store = _store()
    weeks = _weeks()
    report = store.report(weeks)
    columns = get_generation().columns
    charts = admin_charts(report, columns)
    return _private(make_response(render_template(
        "analytics/admin.html", report=report, weeks=weeks, periods=PERIODS,
        panels=_panels(report, charts, columns, weeks), threshold=THRESHOLD,
        total=sum(report.searches.values()), zero=sum(report.zero_searches.values()))))


@bp.get("/admin/analytics.csv")
def analytics_csv() -> Response:
    report = _store().report(_weeks())
    columns = get_generation().columns
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["week", "week_starts", "kind", "label", "count"])
    for week in report.weeks:
        start = week_start(week).isoformat()
        writer.writerow([week, start, "searches", "", report.searches[week]])
        writer.writerow([week, start, "zero_searches", "", report.zero_searches[week]])
    for row in report.rows:
        label = _filter_label(row.label, columns) if row.kind == "filter" else row.label
        writer.writerow([row.week, week_start(row.week).isoformat(), row.kind,
                         safe_cell(label), row.count])
    response = make_response(buffer.getvalue())
    response.headers["Content-Type"] = DOWNLOADS["csv"]
    stamp = dt.date.today().isoformat()
    response.headers["Content-Disposition"] = (
        f'attachment; filename="search-analytics-{stamp}.csv"')
    return _private(response)


@bp.get("/admin/analytics/charts/<name>.<kind>")
def chart_file(name: str, kind: str) -> Response:
    store = _store()
    if kind not in DOWNLOADS:
        abort(404)
    chart = admin_charts(store.report(_weeks()), get_generation().columns).get(name)
    if chart is None:
        abort(404)
    return _private(download(chart, kind, f"search-analytics-{name}"))


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
