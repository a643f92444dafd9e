"""Security headers on every response, and ``robots.txt``.

``setdefault`` throughout: a blueprint that needs its own policy (the pages' Content Security
Policy lives in :mod:`search_service.security`) sets it first and wins. Facet links on pages
carry ``rel="nofollow"`` (see the templates), and robots.txt keeps crawlers off query-string
URLs, so a crawler cannot walk every facet combination.
"""

from __future__ import annotations

from flask import Flask, Response, current_app, request

__all__ = ["init_app", "ROBOTS_TXT"]

ROBOTS_TXT = """\
User-agent: *
Allow: /$
Allow: /cases/
Disallow: /api/
Disallow: /embed
Disallow: /*?
"""

# JSON is never a document: nothing in it may run, load or be framed.
API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"


def add_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    if request.path.startswith("/api/"):
        headers.setdefault("Content-Security-Policy", API_CSP)
        headers.setdefault("Cross-Origin-Resource-Policy", "cross-origin")
    max_age = int(current_app.config["HSTS_MAX_AGE"])
    if max_age > 0:
        headers.setdefault("Strict-Transport-Security", f"max-age={max_age}; includeSubDomains")
    return response


def robots_txt() -> Response:
    return Response(ROBOTS_TXT, mimetype="text/plain")


def init_app(app: Flask) -> None:
    app.after_request(add_headers)
    app.add_url_rule("/robots.txt", "robots_txt", robots_txt)
