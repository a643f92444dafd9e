"""Security headers: the strict default policy, and overrides that stay on their own route."""

from __future__ import annotations

from flask import Flask

from search_service.production import security


def directives(header: str) -> dict[str, str]:
    return dict(part.strip().split(" ", 1) for part in header.split(";"))


def test_every_response_gets_a_strict_policy(app: Flask) -> None:
    client = app.test_client()
    for url in ("/", "/api/v1/search?q=falls", "/cases/nope", "/static/css/site.css"):
        with client.get(url) as response:
            pass
        policy = directives(response.headers["Content-Security-Policy"])
        assert "unsafe" not in response.headers["Content-Security-Policy"], url
        assert policy["default-src"] == "'none'"
        assert policy["script-src"] == "'self'" and policy["style-src"] == "'self'"
        assert policy["frame-ancestors"] == "'self'"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "same-origin"


def test_a_view_can_change_its_own_policy_only(app: Flask) -> None:
    @app.get("/framed")
    @security.policy(frame_ancestors="https:", img_src=None)
    def framed() -> str:
        security.set_header("Referrer-Policy", "no-referrer")
        return "ok"

    client = app.test_client()
    framed_policy = directives(client.get("/framed").headers["Content-Security-Policy"])
    assert framed_policy["frame-ancestors"] == "https:"
    assert "img-src" not in framed_policy
    assert framed_policy["script-src"] == "'self'"
    assert client.get("/framed").headers["Referrer-Policy"] == "no-referrer"
    other = client.get("/about")
    assert directives(other.headers["Content-Security-Policy"])["frame-ancestors"] == "'self'"
    assert other.headers["Referrer-Policy"] == "same-origin"


def test_render_policy_drops_removed_directives() -> None:
    text = security.render_policy({"frame-ancestors": None, "connect-src": "'self' https:"})
    assert "frame-ancestors" not in text
    assert "connect-src 'self' https:" in text
