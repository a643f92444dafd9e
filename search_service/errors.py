"""One error handler and one JSON error shape: ``{"ok": false, "status": N, "error": msg}``.

Every failure, whether a bad parameter, a query over a bound, an unknown case, an
oversized body or a bug, goes through :func:`handle`, so no route can answer an error
in another shape.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from flask import Flask, Response, current_app, g, jsonify, request
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from indexer.errors import IndexFormatError, IndexMissingError, IndexProblem
from search_service.engine.errors import NotFound, ParameterError, QueryError
from search_service.workflow.errors import WorkflowError

__all__ = ["init_app", "error_status", "HtmlRenderer", "handle", "wants_json",
           "DamagedAfterOpen"]

log = logging.getLogger("impact_search.errors")

HtmlRenderer = Callable[[int, str], Response]


def error_status(error: BaseException) -> tuple[int, str]:
    """The HTTP status and the message a person should read for ``error``."""
    if isinstance(error, (ParameterError, QueryError)):
        return 400, str(error)
    if isinstance(error, NotFound):
        return 404, str(error)
    if isinstance(error, IndexProblem):
        return 503, f"The search index is not available: {_unavailable(error)}"
    if isinstance(error, TimeoutError | BlockingIOError):
        # A client that stopped sending its body (the worker's socket timeout, see
        # production/worker.py).
        return 408, "The request body stopped arriving; send it again."
    if isinstance(error, WorkflowError):
        return error.status, str(error)
    if isinstance(error, OperationalError):
        return 503, ("The workflow database cannot be reached just now; nothing was changed. "
                     "Try again in a minute.")
    if isinstance(error, (StaleDataError, IntegrityError)):
        # Two writers raced past the version check (or two reviewers' decisions collided).
        return 409, ("Someone else changed this at the same moment, and their change was "
                     "saved first. Reload, check, and try again.")
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


def _unavailable(error: IndexProblem) -> str:
    # Public: what happened and what to run. The message itself (paths, causes) goes to the log.
    if isinstance(error, IndexMissingError):
        return "no index has been built yet. Run `impact-search index`."
    if isinstance(error, IndexFormatError):
        return ("it was built by another version of impact-search. Run `impact-search index` "
                "to rebuild it.")
    return ("no generation of it can be opened or read. Run `impact-search index` to "
            "rebuild it; the server log says more.")


class DamagedAfterOpen(IndexProblem):
    """A request failed on a generation whose checksums no longer match."""


def _damaged_index(error: Exception) -> Exception:
    """``error``, or :class:`DamagedAfterOpen` when the request's generation turns out damaged
    (this worker then serves the fallback from the next request on)."""
    generation = g.get("generation")
    if generation is None or isinstance(error, HTTPException | IndexProblem):
        return error
    index = current_app.extensions["live_index"]
    if index.suspect(generation):
        return DamagedAfterOpen("damaged after it was opened")
    return error


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def handle(error: Exception) -> Response:
    status, message = error_status(error)
    if isinstance(error, OperationalError):
        log.warning("workflow database unreachable on %s %s: %s", request.method,
                    request.url_rule, error.orig)
    elif status == 500:
        log.exception("unhandled error on %s %s", request.method, request.path)
        error = _damaged_index(error)
        status, message = error_status(error)
        if isinstance(error, DamagedAfterOpen):
            message = ("The search index was found damaged; this server now answers from the "
                       "previous generation. Please try again.")
    elif isinstance(error, IndexProblem):
        log.warning("index unavailable on %s %s: %s", request.method, request.path, error)
    renderer: HtmlRenderer | None = current_app.extensions.get("html_error_renderer")
    if renderer is not None and not wants_json():
        response = renderer(status, message)
    else:
        body = {"ok": False, "status": status, "error": message}
        if isinstance(error, WorkflowError) and error.problems:
            body["problems"] = [{"field": f, "reason": r} for f, r in error.problems]
        response = jsonify(body)
    response.status_code = status
    if isinstance(error, HTTPException) and status == 405 and error.get_response().allow:
        response.headers["Allow"] = ", ".join(sorted(error.get_response().allow))
    return response


def init_app(app: Flask) -> None:
    app.register_error_handler(Exception, handle)
