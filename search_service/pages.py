"""The HTML pages: search, a case study, "similar impact" for a draft, and about.

Thin views over the same Flask-free functions as the JSON API (:mod:`search_service.engine`);
only the renderer differs. Each page names its JSON twin in a ``Link: <...>; rel="alternate"``
header. Pages are built on the NHS.UK design system (``nhsuk-frontend-jinja`` macros,
``nhsuk-frontend`` CSS and JS served from ``web/vendor``) and run under the strict policy of
:mod:`search_service.production.security`: no inline script or style, nothing from other
origins.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any
from urllib.parse import urlencode

from flask import (
    Blueprint,
    Flask,
    Response,
    current_app,
    make_response,
    render_template,
    request,
    url_for,
)
from jinja2 import ChainableUndefined, ChoiceLoader, PackageLoader

from indexer.errors import IndexProblem
from search_service import page_models
from search_service.addresses import public_url
from search_service.cards import views as cards
from search_service.current import get_generation
from search_service.engine import browse, similar
from search_service.engine import search as search_module
from search_service.engine.browse import MIN_SUGGEST_CHARS
from search_service.engine.errors import ParameterError, QueryError
from search_service.engine.params import Filters, SearchParams
from search_service.engine.similar import MAX_DRAFT_CHARS
from search_service.errors import wants_json

__all__ = ["bp", "init_app", "render_error", "service_context"]

DRAFT_K = 10

bp = Blueprint("pages", __name__, template_folder="templates")


def _args() -> dict[str, list[str]]:
    return {k: request.args.getlist(k) for k in request.args}


def _allowed() -> dict[str, list[str]]:
    return get_generation().columns.keys


def _page(template: str, twin: str, **context: Any) -> Response:
    response = make_response(render_template(template, twin=twin, **context))
    response.headers["Link"] = f'<{twin}>; rel="alternate"; type="application/json"'
    return response


@bp.get("/")
def search_page() -> Response:
    try:
        params = SearchParams.from_args(_args(), _allowed())
        page = search_module.search(get_generation(), params)
    except (ParameterError, QueryError) as problem:
        if wants_json():  # the one JSON error shape, from the one handler
            raise
        return _search_problem(problem)
    query = urlencode(page_models.query_pairs(params))
    return _page(
        "pages/search.html", f"/api/v1/search?{query}" if query else "/api/v1/search",
        page=page, params=params, groups=page_models.facet_groups(page),
        active=page_models.active_filters(page),
        clear_all=page_models.clear_all_url(params),
        pagination=page_models.pagination(page),
        did_you_mean_url=page_models.search_url(replace(params, q=page.did_you_mean, page=1))
        if page.did_you_mean else None,
        instead_url=page_models.search_url(replace(params, exact=True, page=1))
        if page.correction else None,
        newest_first=not params.q.strip() and params.sort == "relevance",
    )


def _search_problem(problem: ParameterError | QueryError) -> Response:
    """The search box again, with what was typed and the message beside it (400)."""
    args = _args()
    q = (args.get("q") or [""])[0]
    on_box = problem.parameter == "q"
    # What was typed stays; the parameter at fault is dropped, so searching again works.
    hidden = [(name, value) for name, values in args.items()
              if name not in ("q", problem.parameter) for value in values]
    message = str(problem).partition(": ")[2] if isinstance(problem, ParameterError) and on_box \
        else str(problem)
    query = urlencode([(name, value) for name, values in args.items() for value in values])
    response = _page("pages/search_error.html", f"/api/v1/search?{query}", q=q, message=message,
                     on_box=on_box, hidden=hidden)
    response.status_code = 400
    return response


@bp.get("/cases/<case_id>")
def case_page(case_id: str) -> Response:
    generation = get_generation()
    # The template reads the same JSON the API twin returns, so the two cannot disagree.
    case = browse.lookup(generation, case_id).to_json()
    case["cards"] = cards.share(case)
    related = similar.similar_to_case(generation, case_id, k=5)
    url = public_url() + url_for("pages.case_page", case_id=case_id)
    return _page("pages/case.html", f"/api/v1/cases/{case_id}", case=case, related=related,
                 headline=page_models.headline(case), canonical=url,
                 citation=page_models.citation_meta(case, url))


def _draft_form() -> tuple[str, int, Filters]:
    source = request.form if request.method == "POST" else request.args
    text = source.get("text", "")
    raw_k = source.get("k", "") or str(DRAFT_K)
    try:
        k = int(raw_k)
    except ValueError:
        raise ParameterError("k", f"{raw_k[:40]!r} is not a whole number") from None
    facets = {k_: source.getlist(k_) for k_ in source if k_ not in ("text", "k")}
    return text, k, Filters.from_args(facets, _allowed())


@bp.route("/similar", methods=["GET", "POST"])
def similar_page() -> Response:
    # The draft arrives by POST (the form's method) or GET, is analysed in memory and never
    # stored or logged; no-store keeps it out of caches.
    text, k, filters = _draft_form()
    result = None
    error = None
    if text.strip():
        try:
            result = similar.similar_to_text(get_generation(), text, k, filters)
        except ParameterError as problem:
            error = str(problem).partition(": ")[2]
    elif request.method == "POST":
        error = "Paste the draft's title and a few sentences"
    overview = browse.facet_overview(get_generation())
    response = _page("pages/similar.html", "/api/v1/similar", text=text, result=result,
                     error=error, filters=filters, overview=overview,
                     max_chars=MAX_DRAFT_CHARS, k=k)
    response.headers["Cache-Control"] = "no-store"
    if error:
        response.status_code = 400
    return response


@bp.get("/about")
def about_page() -> Response:
    overview = browse.facet_overview(get_generation())
    return _page("pages/about.html", "/api/v1/facets", overview=overview)


def render_error(status: int, message: str) -> Response:
    titles = {400: "There is a problem with the request", 401: "Sign in first",
              403: "You cannot do that", 404: "Page not found",
              409: "Someone else changed this first", 429: "Too many requests",
              405: "Method not allowed", 413: "The request is too large",
              503: "The search is not available"}
    title = titles.get(status, "Sorry, there is a problem with the service")
    return make_response(render_template("pages/error.html", status=status, title=title,
                                         message=message), status)


def service_context() -> dict[str, Any]:
    """What every page says about the service: its name, its contact, and the sample notice,
    only while the bundled sample corpus is what is served (a real collection is never called
    made up)."""
    config = current_app.config
    try:
        sample = page_models.serves_bundled_sample(get_generation().manifest)
    except IndexProblem:  # an error page while no index can be opened
        sample = False
    return {"service_name": config["SERVICE_NAME"], "contact_email": config["CONTACT_EMAIL"],
            "sample_notice": config["SAMPLE_NOTICE"] if sample else ""}


def init_app(app: Flask) -> None:
    # The design system's macros come from the nhsuk-frontend-jinja package; their optional
    # parameters need ChainableUndefined (see that package's README).
    env = app.jinja_env
    env.undefined = ChainableUndefined
    env.loader = ChoiceLoader([env.loader or app.create_global_jinja_loader(),
                               PackageLoader("nhsuk_frontend_jinja")])
    env.globals.update(suggest_min_chars=MIN_SUGGEST_CHARS)
    app.context_processor(service_context)
    app.extensions["html_error_renderer"] = render_error
    app.register_blueprint(bp)
