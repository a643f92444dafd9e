"""Who is asking, and may they: the signed-in user (session cookie or bearer token), role
checks, and CSRF protection.

- A browser signs in by a one-time link; the session cookie then carries the user id (signed,
  ``HttpOnly``, ``Secure``, ``SameSite=Lax``, lasting ``SESSION_HOURS``).
- A script sends ``Authorization: Bearer TOKEN`` (``impact-search tokens create EMAIL``).
- Every state-changing request that relies on the cookie must carry the session's CSRF token:
  the hidden ``csrf_token`` field of every form, or the ``X-CSRF-Token`` header. A bearer
  token cannot be sent by another site's page, so it needs none.
"""

from __future__ import annotations

import datetime as dt
import hmac
import secrets

from flask import Flask, Request, current_app, g, request, session
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from itsdangerous import URLSafeTimedSerializer

from search_service.workflow import accounts
from search_service.workflow.db import get_db
from search_service.workflow.errors import Forbidden, NotSignedIn, WorkflowError
from search_service.workflow.models import Role, User

__all__ = ["bearer_token", "current_user", "require_user", "csrf_token", "check_csrf",
           "sign_in", "sign_out", "CsrfRefused", "init_app"]

UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class CsrfRefused(WorkflowError):
    status = 400

    def __init__(self) -> None:
        super().__init__("This form has expired or did not come from this site. Go back, "
                         "reload the page and try again.")


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def current_user() -> User | None:
    """The signed-in user of this request, looked up once."""
    if "workflow_user" in g:
        user: User | None = g.workflow_user
        return user
    user = None
    token = bearer_token()
    if token is not None:
        user = accounts.user_for_token(get_db(), token)  # raises NotSignedIn if not valid
        get_db().commit()  # last_used_at
        g.auth_method = "bearer"
    elif "user_id" in session:
        found = get_db().get(User, session["user_id"])
        if found is not None and found.active:
            user = found
            g.auth_method = "session"
        else:
            session.clear()  # a closed account's cookie signs nobody in
    g.workflow_user = user
    return user


def require_user(role: Role = Role.SUBMITTER) -> User:
    user = current_user()
    if user is None:
        raise NotSignedIn()
    if not user.can(role):
        raise Forbidden(f"This needs the {role.value} role; ask an administrator "
                        f"(`impact-search users role {user.email} {role.value}`).")
    return user


def csrf_token() -> str:
    token: str | None = session.get("csrf")
    if token is None:
        token = session["csrf"] = secrets.token_urlsafe(32)
    return token


def check_csrf() -> None:
    """A blueprint's ``before_request``: refuse an unsafe request without the session's
    token, unless it is authenticated by a bearer token."""
    if request.method not in UNSAFE or bearer_token() is not None:
        return
    sent = request.form.get("csrf_token") or request.headers.get("X-CSRF-Token") or ""
    expected = session.get("csrf")
    if not expected or not hmac.compare_digest(sent.encode(), str(expected).encode()):
        raise CsrfRefused()


def sign_in(user: User) -> None:
    session.clear()  # nothing from before signing in is carried over
    session.permanent = True
    session["user_id"] = user.id
    session["csrf"] = secrets.token_urlsafe(32)


def sign_out() -> None:
    session.clear()


class _KeyWhenNeeded(SecureCookieSessionInterface):
    """Flask's signed cookie session, with the installation's key (``SECRET_KEY``, else the
    key file the endorsement form also uses) read only when a session is read or written: a
    visitor who never signs in costs no key file."""

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        if not app.secret_key:
            from search_service.cards.csrf import signing_key

            app.secret_key = signing_key(app)
        return super().get_signing_serializer(app)

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if not app.secret_key and self.get_cookie_name(app) not in request.cookies:
            return self.session_class()  # nothing to read; a key is made if one is written
        return super().open_session(app, request)


def init_app(app: Flask) -> None:
    app.session_interface = _KeyWhenNeeded()
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.config["SESSION_COOKIE_SAMESITE"] = app.config.get("SESSION_COOKIE_SAMESITE") or "Lax"
    app.config["SESSION_COOKIE_NAME"] = "impact_search_session"
    app.permanent_session_lifetime = dt.timedelta(hours=float(app.config["SESSION_HOURS"]))
    app.jinja_env.globals.update(csrf_token=csrf_token, current_user=_user_for_templates)


def _user_for_templates() -> User | None:
    # The header asks on every page; a broken database must not break the search pages.
    if "user_id" not in session and bearer_token() is None:
        return None
    try:
        return current_user()
    except Exception:  # noqa: BLE001 - a page header is no place to fail
        current_app.logger.warning("could not look up the signed-in user", exc_info=True)
        return None
