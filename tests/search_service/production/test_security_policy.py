"""The default Content Security Policy, every one of its ten directives, exactly: loosening any
of them (a ``base-uri`` that lets an injected ``<base>`` move every relative link, a
``form-action`` that lets a form post elsewhere, an ``img-src`` that leaks by image URL) fails."""

from __future__ import annotations

import pytest
from flask import Flask, Response

from search_service.production import security

POLICY = {
    "default-src": "'none'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self'",
    "font-src": "'self'",
    "connect-src": "'self'",
    "manifest-src": "'self'",
    "form-action": "'self'",
    "base-uri": "'none'",
    "frame-ancestors": "'self'",
}
HEADER = "; ".join(f"{name} {value}" for name, value in POLICY.items())


@pytest.mark.parametrize("url", ["/", "/about", "/api/v1/search?q=falls", "/api/v1/nowhere",
                                 "/cases/nope", "/static/css/site.css", "/similar"])
def test_every_response_carries_exactly_the_default_policy(app: Flask, url: str) -> None:
    with app.test_client().get(url) as response:
        assert response.headers["Content-Security-Policy"] == HEADER
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "same-origin"


def test_the_policy_has_ten_directives() -> None:
    assert security.render_policy() == HEADER
    assert len(POLICY) == 10


def test_overrides_change_only_their_directive_in_place() -> None:
    text = security.render_policy({"img-src": "'self' data:", "base-uri": None})
    expected = {**POLICY, "img-src": "'self' data:"}
    del expected["base-uri"]
    assert text == "; ".join(f"{k} {v}" for k, v in expected.items())


def test_a_view_can_drop_a_security_header_it_set_itself(app: Flask) -> None:
    @app.get("/own-headers")
    def own() -> Response:
        response = Response("ok")
        response.headers["Referrer-Policy"] = "unsafe-url"
        response.headers["Content-Security-Policy"] = "default-src 'self'"
        security.set_header("Referrer-Policy", None)
        return response

    response = app.test_client().get("/own-headers")
    assert "Referrer-Policy" not in response.headers
    # a policy the view wrote itself is kept, not overwritten with the default
    assert response.headers["Content-Security-Policy"] == "default-src 'self'"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_update_policy_inside_a_view_adds_to_earlier_changes(app: Flask) -> None:
    @app.get("/two-changes")
    @security.policy(img_src="'self' data:")
    def two() -> str:
        security.update_policy(connect_src="'self' https://api.example")
        return "ok"

    header = app.test_client().get("/two-changes").headers["Content-Security-Policy"]
    expected = {**POLICY, "img-src": "'self' data:",
                "connect-src": "'self' https://api.example"}
    assert header == "; ".join(f"{k} {v}" for k, v in expected.items())
    assert app.test_client().get("/about").headers["Content-Security-Policy"] == HEADER


def test_dropping_a_header_nobody_set_is_harmless(app: Flask) -> None:
    @app.get("/no-referrer-policy")
    def bare() -> str:
        security.set_header("Referrer-Policy", None)
        return "ok"

    response = app.test_client().get("/no-referrer-policy")
    assert response.status_code == 200
    assert "Referrer-Policy" not in response.headers
    assert response.headers["Content-Security-Policy"] == HEADER
