"""Signing in and out: ask for a link, follow it, confirm.

Following the emailed link shows a button rather than signing in at once: mail scanners that
open every link in a message would otherwise use up the one-time link before the person does.
"""

from __future__ import annotations

from flask import Flask, Response, current_app, redirect, request, url_for

from search_service.addresses import public_url, public_url_known
from search_service.workflow import accounts, auth
from search_service.workflow.db import get_db
from search_service.workflow.errors import SignInRefused
from search_service.workflow.mailer import MailProblem, send_sign_in_link
from search_service.workflow.views import page_blueprint, render, safe_next

__all__ = ["bp", "init_app"]

bp = page_blueprint("account", __name__)


def _domains() -> list[str]:
    return str(current_app.config["SIGNIN_DOMAINS"]).split()


def _sign_in_form(error: str | None = None, email: str = "", status: int = 200) -> Response:
    return render("workflow/sign_in.html", status, error=error, email=email,
                  next=safe_next(request.values.get("next"), ""), domains=_domains())


@bp.get("/sign-in")
def sign_in() -> Response:
    return _sign_in_form()


@bp.post("/sign-in")
def request_link() -> Response:
    email = request.form.get("email", "")
    if not public_url_known():
        # The link's host would be the client's Host header: a forged one would send the
        # one-time link to another site.
        return _sign_in_form("Sign-in emails cannot be sent yet: this service's public address "
                             "is not set. Ask whoever runs it to set IMPACT_SEARCH_PUBLIC_URL.",
                             email, 503)
    session = get_db()
    try:
        user, token = accounts.request_link(session, email, _domains(),
                                            int(current_app.config["SIGNIN_LINK_MINUTES"]))
    except SignInRefused as refused:
        return _sign_in_form(str(refused), email, 400)
    session.commit()
    link = public_url() + url_for("account.confirm", token=token,
                                  next=safe_next(request.form.get("next"), "") or None)
    try:
        send_sign_in_link(current_app.config, user.email, link,
                          str(current_app.config["SERVICE_NAME"]))
    except MailProblem:
        return _sign_in_form("We could not send the email just now. Try again in a few "
                             "minutes.", email, 503)
    return render("workflow/check_email.html", email=user.email,
                  minutes=current_app.config["SIGNIN_LINK_MINUTES"])


@bp.get("/sign-in/<token>")
def confirm(token: str) -> Response:
    return render("workflow/confirm.html", token=token,
                  next=safe_next(request.args.get("next"), ""))


@bp.post("/sign-in/<token>")
def redeem(token: str) -> Response:
    session = get_db()
    try:
        user = accounts.redeem_link(session, token)
    except SignInRefused as refused:
        return _sign_in_form(str(refused), status=400)
    session.commit()
    auth.sign_in(user)
    return redirect(safe_next(request.form.get("next"),  # type: ignore[return-value]
                              url_for("submit.my_submissions")))


@bp.post("/sign-out")
def sign_out() -> Response:
    auth.sign_out()
    return redirect(url_for("pages.search_page"))  # type: ignore[return-value]


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
