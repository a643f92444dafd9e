"""Impact insights for any search: ``/insights`` (page), ``/api/v1/insights`` (its JSON
twin) and each chart as SVG, PNG or CSV.

Thin views over :func:`search_service.engine.insights.insights`, the one function the page,
the API and the chart files call; the query string is a search URL's, so "see the impact of
these results" on a search page is the same query string on another path.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    jsonify,
    make_response,
    render_template,
    request,
)
from markupsafe import Markup

from search_service.charts import (
    DOWNLOADS,
    Bar,
    Chart,
    ChartPanel,
    ChartRenderingError,
    chart_csv,
    chart_panel,
    render_png,
    render_svg,
)
from search_service.current import get_generation
from search_service.engine.insights import BREAKDOWNS, Bucket, Insights, insights
from search_service.engine.params import SearchParams
from search_service.links import describe_filters, result_links
from search_service.page_models import filter_pairs

__all__ = ["bp", "init_app", "insight_charts", "money", "hours", "download", "KeyFigure",
           "LeaderTable"]

bp = Blueprint("insights", __name__, template_folder="templates")

FIGURE_NAMES = {"money_gbp": "Money saved", "staff_hours": "Staff hours saved"}
_TABLE_HEAD = [("Case studies", True), ("Money saved", True), ("Staff hours saved", True)]


def money(value: float) -> str:
    return f"£{value:,.0f}"


def hours(value: float) -> str:
    return f"{value:,.0f}"


def _shown(name: str, value: float) -> str:
    return money(value) if name == "money_gbp" else hours(value)


@dataclass(frozen=True)
class KeyFigure:
    heading: str
    value: str
    note: str = ""


@dataclass(frozen=True)
class LeaderTable:
    caption: str
    head: list[tuple[str, bool]]
    rows: list[list[str]]
    empty: str


def _params() -> SearchParams:
    args = {k: request.args.getlist(k) for k in request.args}
    return SearchParams.from_args(args, get_generation().columns.keys)


def _subtitle(params: SearchParams, total: int, filters: list[str]) -> str:
    counted = f"{total:,} case {'study' if total == 1 else 'studies'}"
    searched = f" found for “{params.q}”" if params.q else ""
    return f"{counted}{searched}" + (f"; {'; '.join(filters)}" if filters else "")


def _chart(name: str, buckets: list[Bucket], total: int, subtitle: str) -> Chart:
    heading = BREAKDOWNS[name]
    counted = f"{total:,} case {'study' if total == 1 else 'studies'}"
    most = max(buckets, key=lambda b: b.count) if buckets else None
    summary = f" Most: {most.label}, {most.count:,}." if most else ""
    note = (" A case study with several values counts under each."
            if name in ("impact_type", "service_type") else "")
    return Chart(
        name=name.replace("_", "-"),
        title=f"Case studies by {heading.lower()}",
        description=f"Bar chart of {counted} by {heading.lower()}: {len(buckets)} values."
                    f"{summary}{note} The table beside the chart gives every number.",
        label_heading=heading, value_heading="Case studies",
        bars=[Bar(b.label, b.count, f"{b.count:,}") for b in buckets],
        extra=(("Money saved (GBP)", [f"{b.money_gbp:.2f}" for b in buckets]),
               ("Staff hours saved", [f"{b.staff_hours:g}" for b in buckets])),
        subtitle=subtitle,
    )


def insight_charts(result: Insights) -> dict[str, Chart]:
    """One chart per breakdown, by URL name (``impact-type``, ``region``, ... ``year``)."""
    filters = describe_filters(result.params.filters, get_generation().columns)
    subtitle = _subtitle(result.params, result.total, filters)
    charts = (_chart(name, buckets, result.total, subtitle)
              for name, buckets in result.breakdowns.items())
    return {chart.name: chart for chart in charts}


def _query(params: SearchParams) -> str:
    pairs = [("q", params.q)] if params.q else []
    query = urlencode(pairs + filter_pairs(params.filters))
    return f"?{query}" if query else ""


def _panels(result: Insights) -> list[ChartPanel]:
    query = _query(result.params)
    panels = []
    for (name, buckets), chart in zip(result.breakdowns.items(), insight_charts(result).values(),
                                      strict=True):
        rows = [[b.label, f"{b.count:,}", money(b.money_gbp), hours(b.staff_hours)]
                for b in buckets]
        panels.append(chart_panel(chart, f"/insights/charts/{chart.name}.{{kind}}{query}",
                                  [(BREAKDOWNS[name], False), *_TABLE_HEAD], rows))
    return panels


def _key_figures(result: Insights) -> list[KeyFigure]:
    plural = "case study" if result.total == 1 else "case studies"
    found = [KeyFigure("Case studies", f"{result.total:,}")]
    for name, figure in result.figures.items():
        found.append(KeyFigure(FIGURE_NAMES[name], _shown(name, figure.total),
                               f"reported by {figure.reported:,} of {result.total:,} {plural}"))
    return found


def _leader_tables(result: Insights) -> list[LeaderTable]:
    tables = []
    for name, leaders in result.largest.items():
        rows = [[Markup('<a href="{}">{}</a> <span class="app-leader-meta">{}</span>')
                 .format(leader.url, leader.title, ", ".join(
                     [leader.organisation, *([str(leader.year)] if leader.year else [])])),
                 _shown(name, leader.value)] for leader in leaders]
        tables.append(LeaderTable(
            f"{FIGURE_NAMES[name]}: the largest", [("Case study", False),
                                                  (FIGURE_NAMES[name], True)], rows,
            f"None of these case studies reports {FIGURE_NAMES[name].lower()}."))
    return tables


def download(chart: Chart, kind: str, filename: str) -> Response:
    """``chart`` as an SVG, PNG or CSV file download."""
    if kind == "svg":
        body: str | bytes = render_svg(chart, standalone=True)
    elif kind == "png":
        try:
            body = render_png(chart)
        except ChartRenderingError as error:
            abort(503, str(error))
    else:
        body = chart_csv(chart)
    response = make_response(body)
    response.headers["Content-Type"] = DOWNLOADS[kind]
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}.{kind}"'
    return response


@bp.get("/insights")
def insights_page() -> Response:
    params = _params()
    result = insights(get_generation(), params)
    links = result_links(params)
    response = make_response(render_template(
        "insights/insights.html", result=result, params=params, links=links,
        panels=_panels(result), key_figures=_key_figures(result),
        leaders=_leader_tables(result),
        active=describe_filters(params.filters, get_generation().columns),
        twin=links.insights_json))
    response.headers["Link"] = f'<{links.insights_json}>; rel="alternate"; type="application/json"'
    return response


@bp.get("/api/v1/insights")
def insights_api() -> Response:
    return jsonify(insights(get_generation(), _params()).to_json())


@bp.get("/insights/charts/<name>.<kind>")
def chart_file(name: str, kind: str) -> Response:
    if kind not in DOWNLOADS:
        abort(404)
    chart = insight_charts(insights(get_generation(), _params())).get(name)
    if chart is None:
        abort(404)
    return download(chart, kind, f"case-studies-by-{name}")


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.jinja_env.globals["result_links"] = result_links
    # Each summarises a whole search, so each spends the search budget.
    app.extensions.setdefault("rate_budgets", {}).update(
        {f"insights.{view}": "search" for view in ("insights_page", "insights_api",
                                                   "chart_file")})
