"""The embeddable widget: its script and stylesheets, the ``/embed`` iframe page and the
``/widget`` page for site owners.

Host pages run strict Content Security Policies, so everything here works without inline
script or style: the element links its stylesheet from ``/widget/v1/``, ``/embed`` is plain
server-rendered HTML (a GET form, no JavaScript), and ``/widget`` loads its builder script
from a file. ``/embed`` answers with the same :func:`~search_service.engine.search.search` as
the API, so the iframe and the element show the same results in the same order.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import urlencode

from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    current_app,
    render_template,
    request,
    send_file,
)

from indexer.facets import FACETS
from indexer.paths import web_dir
from search_service.addresses import PLACEHOLDER, public_url
from search_service.current import get_generation
from search_service.engine import search
from search_service.engine.errors import ParameterError
from search_service.engine.params import BOOST_PREFIX, SearchParams
from search_service.errors import error_status

__all__ = ["bp", "init_app", "ASSETS", "embed_args", "element_attributes", "host_policy"]

bp = Blueprint("widget", __name__, template_folder="templates")

# Served files and their types; the URL's v1 changes only with an incompatible element.
ASSETS = {
    "impact-search.js": "text/javascript; charset=utf-8",
    "impact-search.css": "text/css; charset=utf-8",
    "embed.css": "text/css; charset=utf-8",
    "builder.js": "text/javascript; charset=utf-8",
    "favicon.svg": "image/svg+xml",
}
ASSET_MAX_AGE = 3600  # an hour: fixes reach every host page within one without a URL change
EMBED_PER_PAGE = (5, 20)  # default, most
FACET_NAMES = tuple(f.name for f in FACETS)
@bp.get("/widget/v1/<name>")
def asset(name: str) -> Response:
    if name not in ASSETS:
        abort(404)
    response = send_file(web_dir() / "widget" / name, mimetype=ASSETS[name], conditional=True,
                         etag=True, max_age=ASSET_MAX_AGE)
    response.headers["Content-Type"] = ASSETS[name]
    response.headers.pop("Content-Disposition", None)
    response.cache_control.public = True
    # Any site may load these, including pages that send Cross-Origin-Embedder-Policy.
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Cross-Origin-Resource-Policy"] = "cross-origin"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def embed_args(args: dict[str, list[str]]) -> tuple[dict[str, list[str]], int]:
    """The search arguments an /embed URL stands for, and its results per page.

    ``/embed`` takes the element's attributes: facet presets, ``mode`` (``filter`` or
    ``boost``) and ``per_page``; in boost mode the presets become ``boost_*`` parameters.
    """
    mode = (args.get("mode") or ["filter"])[0]
    if mode not in ("filter", "boost"):
        raise ParameterError("mode", "use filter or boost")
    per_page_raw = (args.get("per_page") or [""])[0]
    try:
        per_page = int(per_page_raw) if per_page_raw else EMBED_PER_PAGE[0]
    except ValueError:
        raise ParameterError("per_page", f"{per_page_raw[:40]!r} is not a whole number") from None
    per_page = max(1, min(per_page, EMBED_PER_PAGE[1]))
    prefix = BOOST_PREFIX if mode == "boost" else ""
    out: dict[str, list[str]] = {"q": args.get("q", [""])[:1], "per_page": [str(per_page)]}
    for name in FACET_NAMES:
        if args.get(name):
            out[prefix + name] = args[name]
    return out, per_page


def _preset_fields(args: dict[str, list[str]]) -> list[tuple[str, str]]:
    """Hidden fields that carry the presets through the embed's own search form."""
    keep = (*FACET_NAMES, "mode", "per_page")
    return [(name, value) for name in keep for value in args.get(name, [])]


def _security_headers(response: Response, policy: str) -> Response:
    response.headers["Content-Security-Policy"] = policy
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
    return response


@bp.get("/embed")
def embed() -> Response:
    args = {k: request.args.getlist(k) for k in request.args}
    context: dict[str, Any] = {"q": (args.get("q") or [""])[0], "page": None, "error": None,
                               "hidden": _preset_fields(args), "site_url": None}
    status = 200
    try:
        search_args, _per_page = embed_args(args)
        generation = get_generation()
        params = SearchParams.from_args(search_args, generation.columns.keys)
        if params.q.strip():
            context["page"] = search.search(generation, params)
        site_args = {k: v for k, v in search_args.items() if k != "per_page"}
        # Relative: the frame's own document is on this service, whatever the Host header.
        context["site_url"] = "/?" + urlencode(site_args, doseq=True)
    except Exception as error:  # a readable message inside the frame, never a blank frame
        status, context["error"] = error_status(error)
        if status >= 500:
            current_app.logger.exception("embed failed")
    context["boost_label"] = _boost_label(args)
    response = Response(render_template("widget/embed.html", **context), status=status)
    ancestors = str(current_app.config["FRAME_ANCESTORS"])
    policy = ("default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
              f"base-uri 'none'; frame-ancestors {ancestors}")
    response.headers["Cache-Control"] = f"public, max-age={current_app.config['CACHE_MAX_AGE']}"
    return _security_headers(response, policy)


def _boost_label(args: dict[str, list[str]]) -> str:
    org, region = bool(args.get("organisation")), bool(args.get("region"))
    if org and not region:
        return "From your organisation"
    if region and not org:
        return "From your region"
    return "From your organisation / region"


def host_policy(service: str) -> dict[str, str]:
    """The CSP directives a host page needs for each variant, with ``service`` its origin."""
    return {
        "element": f"script-src {service}; connect-src {service}; style-src {service}",
        "iframe": f"frame-src {service}",
    }


def element_attributes(args: dict[str, list[str]]) -> list[tuple[str, str]]:
    """The ``<impact-search>`` attributes that the builder form's ``args`` choose."""
    attrs = [(name, " ".join(v for v in args.get(name, []) if v)) for name in FACET_NAMES]
    if (args.get("mode") or [""])[0] == "boost":
        attrs.append(("mode", "boost"))
    per_page = (args.get("per_page") or [""])[0]
    if per_page.isdigit() and per_page != str(EMBED_PER_PAGE[0]):
        attrs.append(("per-page", str(max(1, min(int(per_page), EMBED_PER_PAGE[1])))))
    attrs.append(("placeholder", (args.get("placeholder") or [""])[0].strip()))
    return [(name, value) for name, value in attrs if value]


def _select_items(options: Iterable[tuple[str, str]], chosen: list[str]) -> list[dict[str, Any]]:
    """A builder select's items for the design system's select macro, "Any" first."""
    items: list[dict[str, Any]] = [{"value": "", "text": "Any"}]
    items += [{"value": key, "text": label, "selected": key in chosen} for key, label in options]
    return items


@bp.get("/widget")
def widget_page() -> Response:
    args = {k: request.args.getlist(k) for k in request.args}
    service = public_url()
    columns = get_generation().columns
    choices = {
        spec.name: _select_items(
            zip(columns.keys[spec.name], columns.labels[spec.name], strict=True),
            args.get(spec.name, []))
        for spec in FACETS
    }
    attrs = element_attributes(args)
    embed_query = [(("per_page" if n == "per-page" else n), v) for n, v in attrs
                   if n != "placeholder"]
    html = render_template("widget/widget.html", service=service, facets=FACETS, args=args,
                           per_page_bounds=EMBED_PER_PAGE,
                           choices=choices, policy=host_policy(service), attrs=attrs,
                           embed_query=urlencode(embed_query),
                           public_url_missing=service == PLACEHOLDER)
    policy = ("default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'; "
              "img-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
              "frame-ancestors 'none'")
    return _security_headers(Response(html), policy)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
