"""What every workflow page blueprint shares: CSRF on every form, ``no-store`` (the pages
show unpublished work), a sign-in redirect instead of a 401 page, and small form helpers."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    Response,
    current_app,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)

from search_service.workflow import auth
from search_service.workflow.errors import InvalidSubmission, NotSignedIn

__all__ = ["page_blueprint", "render", "form_version", "safe_next", "problems_by_field"]


def _private(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response


def _to_sign_in(_error: NotSignedIn) -> Response:
    target = request.full_path if request.method == "GET" else request.path
    return redirect(url_for("account.sign_in", next=target.rstrip("?")))  # type: ignore[return-value]


# Forms that work before anyone is signed in (asking for a link, using it).
ANONYMOUS_FORMS = frozenset({"account.request_link", "account.redeem", "account.sign_out"})


UPLOAD_ENDPOINTS = frozenset({"submit.upload_new", "submit.upload_into"})


def _upload_bounds() -> None:
    # Before anything reads the form (the CSRF check does): an upload may be larger than the
    # MAX_CONTENT_LENGTH every other request keeps to.
    if request.endpoint in UPLOAD_ENDPOINTS:
        request.max_content_length = int(current_app.config["UPLOAD_MAX_BYTES"]) + 64 * 1024


def _guard() -> None:
    # Who first (a sign-in page for nobody), then the CSRF token of every form.
    if (request.method in auth.UNSAFE and request.endpoint not in ANONYMOUS_FORMS
            and "user_id" not in session):
        raise NotSignedIn()
    auth.check_csrf()


def page_blueprint(name: str, import_name: str) -> Blueprint:
    bp = Blueprint(name, import_name)
    bp.before_request(_upload_bounds)
    bp.before_request(_guard)
    bp.after_request(_private)
    bp.register_error_handler(NotSignedIn, _to_sign_in)
    return bp


def render(template: str, status: int = 200, **context: Any) -> Response:
    return make_response(render_template(template, **context), status)


def form_version() -> int | None:
    raw = request.form.get("version", "")
    return int(raw) if raw.isdigit() else None


def safe_next(value: str | None, default: str) -> str:
    """Only a path on this site: never another site (an open redirect)."""
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return default


def problems_by_field(error: InvalidSubmission) -> dict[str, str]:
    return {field: reason for field, reason in error.problems}
