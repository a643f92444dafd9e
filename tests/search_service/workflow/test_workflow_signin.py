"""Signing in by a one-time link sent through a real SMTP server on loopback: links work
once and expire, only configured domains may ask, the cookie is secure, and asking is rate
limited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import update

from search_service.workflow.db import database
from search_service.workflow.models import LoginToken
from tests.search_service.workflow.conftest import csrf_of
from tests.search_service.workflow.mailserver import MailServer


@pytest.fixture(scope="module")
def smtp() -> Iterator[MailServer]:
    server = MailServer()
    yield server
    server.stop()


@pytest.fixture()
def mail_app(make_app: Callable[..., Flask], smtp: MailServer) -> Flask:
    return make_app(SMTP_HOST="127.0.0.1", SMTP_PORT=smtp.port, MAIL_FROM="search@nhs.net")


def ask_for_link(client: FlaskClient, address: str) -> tuple[int, str]:
    token = csrf_of(client.get("/sign-in").get_data(as_text=True))
    response = client.post("/sign-in", data={"csrf_token": token, "email": address})
    return response.status_code, response.get_data(as_text=True)


def follow(client: FlaskClient, link: str) -> tuple[int, str]:
    path = urlsplit(link).path
    page = client.get(path)
    assert page.status_code == 200 and "Continue" in page.get_data(as_text=True)
    response = client.post(path, data={"csrf_token": csrf_of(page.get_data(as_text=True))})
    return response.status_code, response.headers.get("Location", "")


def test_a_link_by_email_signs_in_once(mail_app: Flask, smtp: MailServer) -> None:
    browser = mail_app.test_client()
    status, page = ask_for_link(browser, " Jo.Bloggs@NHS.net ")
    assert status == 200 and "Check your email" in page
    message = smtp.inbox.wait_for("jo.bloggs@nhs.net")
    assert message["From"] == "search@nhs.net" and "sign-in link" in message["Subject"]
    link = smtp.inbox.link_for("jo.bloggs@nhs.net")
    assert browser.get("/submissions").status_code == 302  # not signed in yet
    assert follow(browser, link) == (302, "/submissions")
    assert browser.get("/submissions").status_code == 200
    cookie = browser.get_cookie("impact_search_session")
    assert cookie is not None and cookie.secure and cookie.http_only
    assert cookie.same_site == "Lax"
    # The same link again, in another browser: refused.
    status, _ = follow(mail_app.test_client(), link)
    assert status == 400


def test_an_expired_link_is_refused(mail_app: Flask, smtp: MailServer) -> None:
    browser = mail_app.test_client()
    ask_for_link(browser, "late@nhs.uk")
    link = smtp.inbox.link_for("late@nhs.uk")
    with mail_app.app_context():
        session = database().session()
        session.execute(update(LoginToken).values(
            expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)))
        session.commit()
        session.close()
    status, _ = follow(browser, link)
    assert status == 400
    assert browser.get("/submissions").status_code == 302


def test_only_configured_domains_may_ask(mail_app: Flask, smtp: MailServer) -> None:
    status, page = ask_for_link(mail_app.test_client(), "someone@gmail.com")
    assert status == 400 and "@nhs.net or @nhs.uk" in page
    status, _ = ask_for_link(mail_app.test_client(), "not an address")
    assert status == 400
    # Subdomains of a configured domain are allowed.
    assert ask_for_link(mail_app.test_client(), "a@trust.nhs.uk")[0] == 200
    assert all(m["To"] != "someone@gmail.com" for m in smtp.inbox.messages)


def test_development_prints_the_link(make_app: Callable[..., Flask],
                                     capsys: pytest.CaptureFixture[str]) -> None:
    app = make_app()  # no SMTP_HOST
    assert ask_for_link(app.test_client(), "dev@nhs.net")[0] == 200
    printed = capsys.readouterr().err
    assert "Sign-in link for dev@nhs.net" in printed and "/sign-in/" in printed


def test_asking_for_links_is_rate_limited(make_app: Callable[..., Flask]) -> None:
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_SIGNIN="3/minute")
    browser = app.test_client()
    statuses = [ask_for_link(browser, "many@nhs.net")[0] for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert browser.get("/sign-in").status_code == 200  # the form itself is not limited
    assert app.test_client().get("/api/v1/search?q=falls").status_code == 200


def test_the_key_is_made_only_when_a_session_is_written(make_app: Callable[..., Flask],
                                                        tmp_path: Path) -> None:
    from search_service.cards.csrf import KEY_FILE

    app = make_app(SECRET_KEY=None)
    app.instance_path = str(tmp_path / "instance")
    browser = app.test_client()
    assert browser.get("/").status_code == 200
    assert browser.get("/api/v1/search?q=falls").status_code == 200
    assert not (tmp_path / "instance" / KEY_FILE).exists()
    assert browser.get("/sign-in").status_code == 200  # the form's CSRF token is kept
    assert (tmp_path / "instance" / KEY_FILE).exists()
    assert ask_for_link(browser, "keyed@nhs.net")[0] == 200  # the same key reads it back


def test_the_emailed_link_never_carries_a_forged_host(make_app: Callable[..., Flask],
                                                       smtp: MailServer) -> None:
    mail = {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": smtp.port, "MAIL_FROM": "search@nhs.net"}
    app = make_app(PUBLIC_URL="https://impact-search.example.nhs.uk", **mail)
    browser = app.test_client()
    forged = {"Host": "attacker.example"}  # the cookie follows the host it was set for
    token = csrf_of(browser.get("/sign-in", headers=forged).get_data(as_text=True))
    response = browser.post("/sign-in", data={"csrf_token": token, "email": "host@nhs.net"},
                            headers=forged)
    assert response.status_code == 200
    link = smtp.inbox.link_for("host@nhs.net")
    assert link.startswith("https://impact-search.example.nhs.uk/sign-in/")
    # Under serve --prod without PUBLIC_URL there is no address to trust: no link is sent.
    production = make_app(PRODUCTION=True, **mail).test_client()
    status, page = ask_for_link(production, "prod@nhs.net")
    assert status == 503 and "IMPACT_SEARCH_PUBLIC_URL" in page
    assert all(message["To"] != "prod@nhs.net" for message in smtp.inbox.messages)
