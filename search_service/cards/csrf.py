"""Cross-site request forgery protection for the endorsement form: a signed double-submit
token.

Why this way: the service has no sessions or accounts, so there is no server-side state to
bind a token to. The form page sets a random value in a cookie (``HttpOnly``,
``SameSite=Strict``, only sent to the form's own path) and puts the same value, signed with
the app's key (itsdangerous, which Flask already uses), in a hidden field. A POST is accepted
only when the field's signature is valid, it is under two hours old, and it signs the very
value in the cookie. A page on another site cannot read the cookie, cannot make the browser
send it (SameSite), and cannot forge a field for a value it planted (the signature), so only
our own page, in the same browser, can submit the form. Flask-WTF would do the same with a
session cookie and a dependency; this is 60 lines.

The key is ``SECRET_KEY``; when that is not set, a random key is created once in the instance
folder (mode 0600), so every worker process of one installation shares it.
"""

from __future__ import annotations

import hmac
import logging
import os
import secrets
from pathlib import Path

from flask import Flask, Response, current_app, request
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from search_service.engine.errors import ParameterError

__all__ = ["COOKIE", "FIELD", "MAX_AGE", "issue", "remember", "verify", "signing_key",
           "KEY_FILE"]

log = logging.getLogger("impact_search.cards")

COOKIE = "endorsement_form"
FIELD = "csrf_token"
MAX_AGE = 2 * 60 * 60
KEY_FILE = "endorsement-form.key"
SALT = "impact-search endorsement form"


def signing_key(app: Flask) -> str:
    configured = app.config.get("SECRET_KEY")
    if configured:
        return str(configured)
    cached: str | None = app.extensions.get("cards_form_key")
    if cached:
        return cached
    path = Path(app.instance_path) / KEY_FILE
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="ascii") as out:
            out.write(secrets.token_hex(32))
    except FileExistsError:
        pass  # another worker made it first: use theirs
    except OSError:
        log.warning("cannot write %s; set SECRET_KEY so all workers sign forms alike", path)
        key = app.extensions["cards_form_key"] = secrets.token_hex(32)
        return key
    key = app.extensions["cards_form_key"] = path.read_text(encoding="ascii").strip()
    return key


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(signing_key(current_app), salt=SALT)


def issue() -> tuple[str, str]:
    """(cookie value, hidden field value) for this browser: its value kept, else a new one."""
    value = request.cookies.get(COOKIE, "")
    if len(value) != 43:  # token_urlsafe(32); anything else was not made here
        value = secrets.token_urlsafe(32)
    return value, str(_serializer().dumps(value))


def remember(response: Response, value: str, path: str) -> None:
    response.set_cookie(COOKIE, value, max_age=MAX_AGE, path=path, httponly=True,
                        samesite="Strict", secure=request.is_secure)


def verify() -> None:
    """Raise a 400 (through the one error handler) unless the POST carries a valid token."""
    again = "Go back to the form, reload the page and try again."
    cookie = request.cookies.get(COOKIE, "")
    field = request.form.get(FIELD, "")
    if not cookie or not field:
        raise ParameterError(FIELD, "the form's security token is missing (cookies may be "
                                    f"blocked, or the form came from another site). {again}")
    try:
        signed = _serializer().loads(field, max_age=MAX_AGE)
    except SignatureExpired:
        raise ParameterError(FIELD, f"the form was open for more than two hours. {again}") \
            from None
    except BadSignature:
        raise ParameterError(FIELD, f"the form's security token is not valid. {again}") \
            from None
    if not hmac.compare_digest(str(signed), cookie):
        raise ParameterError(FIELD, f"the form's security token is for another browser. {again}")
