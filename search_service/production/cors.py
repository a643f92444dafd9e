"""Cross-origin reads and HTTP caching for the read API (``GET /api/v1/...``).

The widget runs on other sites' pages and calls the API from there, so the API answers CORS
requests for GET without credentials (``CORS_ORIGINS``: ``*`` or a space-separated list). No
response ever allows credentials: the API has no cookies or sessions to protect.

What a GET returns depends only on the URL, the index generation and the code, so the weak
``ETag`` is the generation name plus the package version, and a matching ``If-None-Match``
gets a 304 before any search runs. ``Cache-Control: max-age`` is ``CACHE_MAX_AGE``: short,
because a rebuild publishes a new generation without changing URLs. ``/health`` is never
cached: monitors must see the live state.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from flask import Response, current_app, g, request

from search_service.current import get_generation

__all__ = ["not_modified", "add_headers", "api_etag", "allowed_origin"]

API_PREFIX = "/api/"
UNCACHED = frozenset({"/api/v1/health"})
PREFLIGHT_MAX_AGE = 86400


def _code_version() -> str:
    try:
        return version("impact-search")
    except PackageNotFoundError:  # running from a checkout that was never installed
        return "dev"


def api_etag() -> str:
    """The weak ETag of every cacheable API response under the live generation."""
    return f'W/"{get_generation().name}-{_code_version()}"'


def allowed_origin(origin: str | None, setting: str) -> str | None:
    """The ``Access-Control-Allow-Origin`` value for ``origin``, or None to allow none."""
    allowed = setting.split()
    if "*" in allowed:
        return "*"
    return origin if origin in allowed else None


def _private() -> bool:
    """A signed-in person's data (the workflow API): never cached, never shared cross-origin.
    Blueprints say so in ``app.extensions["private_blueprints"]``."""
    return request.blueprint in current_app.extensions.get("private_blueprints", ())


def _cacheable() -> bool:
    return (request.method in ("GET", "HEAD") and request.path.startswith(API_PREFIX)
            and request.path not in UNCACHED and not _private())


def not_modified() -> Response | None:
    if not _cacheable():
        return None
    # Read once per request, so the ETag names the generation the view will answer from.
    etag = g.api_etag = api_etag()
    if request.if_none_match.contains_weak(etag.removeprefix("W/").strip('"')):
        response = Response(status=304)
        _cache_headers(response, etag)
        return response
    return None


def _cache_headers(response: Response, etag: str) -> None:
    response.headers["ETag"] = etag
    response.headers["Cache-Control"] = f"public, max-age={current_app.config['CACHE_MAX_AGE']}"


def add_headers(response: Response) -> Response:
    if not request.path.startswith(API_PREFIX):
        return response
    if _private():
        response.headers["Cache-Control"] = "no-store"
        return response
    setting = str(current_app.config["CORS_ORIGINS"])
    origin = allowed_origin(request.headers.get("Origin"), setting)
    if origin is not None:
        response.headers["Access-Control-Allow-Origin"] = origin
    if origin != "*":
        response.vary.add("Origin")  # the answer differs per Origin, so caches must key on it
    if request.method == "OPTIONS" and origin is not None:
        response.headers["Access-Control-Allow-Methods"] = "GET, HEAD"
        response.headers["Access-Control-Max-Age"] = str(PREFLIGHT_MAX_AGE)
    etag = g.get("api_etag")
    if response.status_code == 200 and etag is not None:
        _cache_headers(response, etag)
    elif request.path in UNCACHED:
        response.headers["Cache-Control"] = "no-store"
    return response
