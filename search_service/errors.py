"""One error handler and one JSON error shape: ``{"ok": false, "status": N, "error": msg}``.

Every failure, whether a bad parameter, a query over a bound, an unknown case, an
oversized body or a bug, goes through :func:`handle`, so no route can answer an error
in another shape.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from flask import Flask, Response, current_app, jsonify, request
from werkzeug.exceptions import HTTPException

from indexer.errors import IndexProblem
from search_service.engine.errors import NotFound, ParameterError, QueryError

__all__ = ["init_app", "error_status", "HtmlRenderer", "handle", "wants_json"]

log = logging.getLogger("impact_search.errors")

HtmlRenderer = Callable[[int, str], Response]


def error_status(error: BaseException) -> tuple[int, str]:
    """The HTTP status and the message a person should read for ``error``."""
    if isinstance(error, (ParameterError, QueryError)):
        return 400, str(error)
    if isinstance(error, NotFound):
        return 404, str(error)
    if isinstance(error, IndexProblem):
        return 503, f"The search index is not available: {error}"
    if isinstance(error, HTTPException):
        code = error.code or 500
        messages = {
            404: "There is no page or API endpoint at this address.",
            405: f"{request.method} is not allowed here.",
            # The request's own limit: a view may allow more than MAX_CONTENT_LENGTH.
            413: "The request body is too large: the limit is "
                 f"{request.max_content_length or current_app.config['MAX_CONTENT_LENGTH']:,}"
                 " bytes.",
        }
        return code, messages.get(code, error.description or error.name)
    return 500, "Something went wrong on our side. It has been logged; please try again."


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def handle(error: Exception) -> Response:
    status, message = error_status(error)
    if status >= 500 and not isinstance(error, IndexProblem):
        log.exception("unhandled error on %s %s", request.method, request.path)
    renderer: HtmlRenderer | None = current_app.extensions.get("html_error_renderer")
    if renderer is not None and not wants_json():
        response = renderer(status, message)
    else:
        response = jsonify({"ok": False, "status": status, "error": message})
    response.status_code = status
    if isinstance(error, HTTPException) and status == 405 and error.get_response().allow:
        response.headers["Allow"] = ", ".join(sorted(error.get_response().allow))
    return response


def init_app(app: Flask) -> None:
    app.register_error_handler(Exception, handle)
