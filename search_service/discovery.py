"""How search engines find the case studies: ``/sitemap.xml``.

robots.txt keeps crawlers off every query-string URL (so they cannot walk the facet
combinations), and the home page links to ten case studies, so without a sitemap a search
engine would see almost none. The sitemap lists the home and about pages and every published
case page, with absolute URLs as the protocol requires (``PUBLIC_URL``'s, never the request's
Host: :mod:`search_service.addresses`). A sitemap holds at most 50,000 URLs: a larger
collection gets a sitemap index of numbered sitemaps. robots.txt names the sitemap
(:mod:`search_service.production.headers`).
"""

from __future__ import annotations

from urllib.parse import quote
from xml.sax.saxutils import escape

from flask import Blueprint, Flask, Response, abort, url_for

from search_service.addresses import public_url
from search_service.current import get_generation
from search_service.engine.browse import published_ids

__all__ = ["bp", "init_app", "URLS_PER_SITEMAP"]

URLS_PER_SITEMAP = 50_000  # the sitemap protocol's limit
NAMESPACE = "http://www.sitemaps.org/schemas/sitemap/0.9"
PLACEHOLDER = "--case-id--"

bp = Blueprint("discovery", __name__)


def _urls() -> list[str]:
    base = public_url()  # never the request's Host: crawlers keep what a sitemap says
    pages = [base + url_for("pages.search_page"), base + url_for("pages.about_page")]
    # One url_for, then string work: tens of thousands of url_for calls would take a second.
    case_url = base + url_for("pages.case_page", case_id=PLACEHOLDER)
    return pages + [case_url.replace(PLACEHOLDER, quote(case_id, safe=""))
                    for case_id in published_ids(get_generation())]


def _xml(root: str, tag: str, urls: list[str]) -> Response:
    entries = "".join(f"<{tag}><loc>{escape(url)}</loc></{tag}>\n" for url in urls)
    body = (f'<?xml version="1.0" encoding="UTF-8"?>\n<{root} xmlns="{NAMESPACE}">\n'
            f"{entries}</{root}>\n")
    response = Response(body, mimetype="application/xml")
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


@bp.get("/sitemap.xml")
def sitemap() -> Response:
    urls = _urls()
    if len(urls) <= URLS_PER_SITEMAP:
        return _xml("urlset", "url", urls)
    parts = range(1, (len(urls) - 1) // URLS_PER_SITEMAP + 2)
    return _xml("sitemapindex", "sitemap",
                [public_url() + url_for("discovery.sitemap_part", number=n) for n in parts])


@bp.get("/sitemap-<int:number>.xml")
def sitemap_part(number: int) -> Response:
    urls = _urls()
    start = (number - 1) * URLS_PER_SITEMAP
    if number < 1 or start >= len(urls) or len(urls) <= URLS_PER_SITEMAP:
        abort(404)
    return _xml("urlset", "url", urls[start:start + URLS_PER_SITEMAP])


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
