"""Deployment headers (HSTS, when configured) and ``robots.txt``.

The Content Security Policy, ``X-Content-Type-Options`` and ``Referrer-Policy`` of every
response, API included, come from :mod:`~search_service.production.security`; this module
adds only what depends on how the service is deployed. Facet links on pages carry
``rel="nofollow"`` (see the templates), and robots.txt keeps crawlers off query-string URLs,
so a crawler cannot walk every facet combination.
"""

from __future__ import annotations

from flask import Flask, Response, current_app, request

from search_service.addresses import public_url

__all__ = ["init_app", "add_headers", "ROBOTS_TXT", "robots_txt"]

ROBOTS_TXT = """\
User-agent: *
Allow: /$
Allow: /cases/
Disallow: /api/
Disallow: /embed
Disallow: /*?
"""

def add_headers(response: Response) -> Response:
    headers = response.headers
    if request.path.startswith("/api/"):
        # Other sites' pages (the widget's hosts) may load API answers.
        headers.setdefault("Cross-Origin-Resource-Policy", "cross-origin")
    max_age = int(current_app.config["HSTS_MAX_AGE"])
    if max_age > 0:
        headers.setdefault("Strict-Transport-Security", f"max-age={max_age}; includeSubDomains")
    return response


def robots_txt() -> Response:
    # Crawlers find every case page through the sitemap (search_service.discovery), since the
    # query-string URLs that link to most of them are closed to them.
    sitemap = f"Sitemap: {public_url()}/sitemap.xml\n"
    return Response(ROBOTS_TXT + sitemap, mimetype="text/plain")


def init_app(app: Flask) -> None:
    app.add_url_rule("/robots.txt", "robots_txt", robots_txt)
