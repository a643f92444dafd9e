"""Downloads and feeds for any search: ``/search.csv``, ``/search.ris``, ``/search.jsonl``
(every matching case study, streamed), ``/feed.atom`` (the newest matching case studies) and
``/opensearch.xml`` (so browsers can add the search).

Each takes a search URL's query string and calls :mod:`search_service.engine.exports`; the
files are streamed, so a download of the whole collection holds one chunk of records in memory
at a time. What they contain is the store's public records, consent applied as on the pages.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import replace
from urllib.parse import urlsplit
from xml.etree import ElementTree as ET

from flask import Blueprint, Flask, Response, current_app, request

from search_service.addresses import public_url
from search_service.current import get_generation
from search_service.engine.exports import (
    FeedInfo,
    atom_feed,
    csv_lines,
    export_records,
    jsonl_lines,
    ris_lines,
)
from search_service.engine.params import SearchParams
from search_service.engine.selection import select
from search_service.links import result_links

__all__ = ["bp", "init_app", "FORMATS", "opensearch_document"]

bp = Blueprint("downloads", __name__)

# Format -> (media type, what the file is).
FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "ris": "application/x-research-info-systems; charset=utf-8",
    "jsonl": "application/jsonl; charset=utf-8",
}
OPENSEARCH = "http://a9.com/-/spec/opensearch/1.1/"


def _params() -> SearchParams:
    args = {k: request.args.getlist(k) for k in request.args}
    return SearchParams.from_args(args, get_generation().columns.keys)


def _base_url() -> str:
    # Never the request's Host: a feed fetched with a forged one would be cached by readers
    # and proxies with every link pointing elsewhere (see search_service.addresses).
    return public_url()


def _encoded(lines: Iterator[str]) -> Iterator[bytes]:
    for text in lines:
        yield text.encode("utf-8")


@bp.get("/search.<kind>")
def export(kind: str) -> Response:
    if kind not in FORMATS:
        return Response("Use /search.csv, /search.ris or /search.jsonl", 404,
                        mimetype="text/plain")
    generation = get_generation()
    # The selection (and any bad parameter's 400) happens now; the records stream after.
    selection = select(generation, _params())
    items = export_records(generation, selection, _base_url())
    service = urlsplit(_base_url()).netloc
    if kind == "csv":
        lines = csv_lines(items)
    elif kind == "ris":
        lines = ris_lines(items, f"NHS library impact case studies ({service})")
    else:
        lines = jsonl_lines(items)
    stamp = dt.date.today().isoformat()
    response = Response(_encoded(lines), mimetype=FORMATS[kind].split(";")[0])
    response.headers["Content-Type"] = FORMATS[kind]
    response.headers["Content-Disposition"] = (
        f'attachment; filename="impact-case-studies-{stamp}.{kind}"')
    response.headers["X-Total-Count"] = str(selection.total)
    return response


@bp.get("/feed.atom")
def feed() -> Response:
    generation = get_generation()
    params = _params()
    links = result_links(params)
    newest = result_links(replace(params, sort="newest"))  # the page the feed follows
    base = _base_url()
    title = (f"New case studies for “{params.q}”" if params.q
             else "New library impact case studies")
    info = FeedInfo(base_url=base, self_url=base + links.feed, html_url=base + newest.search,
                    title=title, author="NHS library and knowledge services",
                    updated=generation.manifest.built_at)
    body = atom_feed(generation, params, info)
    return Response(body, mimetype="application/atom+xml")


def opensearch_document(base_url: str, name: str) -> bytes:
    """An OpenSearch 1.1 description: the search page, its Atom feed and its JSON twin."""
    ET.register_namespace("", OPENSEARCH)
    root = ET.Element(f"{{{OPENSEARCH}}}OpenSearchDescription")

    def add(tag: str, text: str | None = None, **attributes: str) -> None:
        element = ET.SubElement(root, f"{{{OPENSEARCH}}}{tag}", attributes)
        element.text = text

    add("ShortName", "Impact studies")  # the specification allows 16 characters
    add("Description", f"Search {name}")
    add("InputEncoding", "UTF-8")
    add("Url", type="text/html", template=f"{base_url}/?q={{searchTerms}}")
    add("Url", type="application/atom+xml", template=f"{base_url}/feed.atom?q={{searchTerms}}")
    add("Url", type="application/json", template=f"{base_url}/api/v1/search?q={{searchTerms}}")
    add("Url", type="application/opensearchdescription+xml", rel="self",
        template=f"{base_url}/opensearch.xml")
    add("Image", f"{base_url}/static/img/favicon.svg", type="image/svg+xml", width="16",
        height="16")
    return bytes(ET.tostring(root, encoding="utf-8", xml_declaration=True))


@bp.get("/opensearch.xml")
def opensearch() -> Response:
    body = opensearch_document(_base_url(), str(current_app.config["SERVICE_NAME"]))
    return Response(body, mimetype="application/opensearchdescription+xml")


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    # A download or a feed runs a whole search: the search budget.
    app.extensions.setdefault("rate_budgets", {}).update(
        {"downloads.export": "search", "downloads.feed": "search"})
