"""What a search request tells analytics, and nothing more: the query text, whether it found
anything, the filters chosen and, for the widget, the embedding page's origin.

The views are not changed for this. The search page and ``/embed`` render a template whose
context holds the :class:`~search_service.engine.search.SearchPage` they answered (Flask's
``template_rendered`` signal hands it over); the JSON API's answer is read back from its
body. Only first pages of successful searches count: paging on is the same search. A search
page reached from a search page with the same words (a filter clicked, the sort changed, the
live update of ``site.js``) counts its filters but not its words again, so one person
refining one search is not five people asking it.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

from flask import Flask, Response, current_app, g, request
from flask.signals import request_finished, template_rendered
from jinja2 import Template

from search_service.analytics.store import AnalyticsStore, SearchEvent, normalise_query
from search_service.current import get_generation
from search_service.engine.params import Filters, SearchParams
from search_service.engine.search import SearchPage

__all__ = ["init_app", "record", "event_for", "filter_names", "origin_of", "SEARCH_TEMPLATES"]

SEARCH_TEMPLATES = {"pages/search.html": "pages.search_page", "widget/embed.html": "widget.embed"}
API_SEARCH = "api.search_view"
_HOST = re.compile(r"^[a-z0-9.-]{1,253}(:\d{1,5})?$|^\[[0-9a-f:.]{2,45}\](:\d{1,5})?$")


def filter_names(filters: Filters) -> tuple[str, ...]:
    """The filters a search used, as counted: ``region=london``, ``year_from``, ..."""
    names = [f"{facet}={key}" for facet, keys in filters.facets.items() for key in keys]
    names += [name for name, used in (("year_from", filters.year_from is not None),
                                      ("year_to", filters.year_to is not None),
                                      ("has_savings", filters.has_savings)) if used]
    return tuple(names)


def origin_of(url: str | None) -> str | None:
    """``scheme://host[:port]`` of an Origin or Referer header, or None when it is not one
    (a header is the client's to write: only a plain web origin is ever counted)."""
    if not url or url == "null":
        return None
    parts = urlsplit(url.strip().lower())
    if parts.scheme not in ("http", "https") or not _HOST.match(parts.netloc):
        return None
    return f"{parts.scheme}://{parts.netloc}"


def _own_origin() -> str:
    return request.host_url.rstrip("/").lower()


def _same_words(q: str) -> bool:
    """Was this request made from one of our pages searching the same words?"""
    referrer = request.referrer
    if not referrer or origin_of(referrer) != _own_origin():
        return False
    before = parse_qs(urlsplit(referrer).query).get("q", [""])[0]
    return normalise_query(before) == normalise_query(q)


def _capture(sender: Flask, template: Template, context: dict[str, Any], **_: Any) -> None:
    endpoint = SEARCH_TEMPLATES.get(template.name or "")
    page = context.get("page")
    if endpoint is not None and endpoint == request.endpoint and isinstance(page, SearchPage):
        g.analytics_page = page


def _api_page(response: Response) -> tuple[SearchParams, int] | None:
    body: Any = response.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("total"), int):
        return None
    args = {k: request.args.getlist(k) for k in request.args}
    return SearchParams.from_args(args, get_generation().columns.keys), int(body["total"])


def event_for(response: Response) -> SearchEvent | None:
    """The event this response stands for, or None if it is not a countable search."""
    if response.status_code != 200:
        return None
    widget: str | None = None
    if request.endpoint == API_SEARCH:
        found = _api_page(response)
        if found is None:
            return None
        params, total = found
        origin = origin_of(request.headers.get("Origin"))
        widget = origin if origin != _own_origin() else None
    else:
        page: SearchPage | None = g.get("analytics_page")
        if page is None:
            return None
        params, total = page.params, page.total
        if request.endpoint == "widget.embed":
            origin = origin_of(request.referrer)
            if origin is None:
                widget = "(no referrer)"
            elif origin != _own_origin():  # our own /widget page's preview is not a site
                widget = origin
    if params.page != 1:
        return None
    query = "" if _same_words(params.q) else params.q
    return SearchEvent(query, total, filter_names(params.filters), widget)


def record(sender: Flask, response: Response, **_: Any) -> None:
    """When a response is final: count it if it is a search. A failure to count is logged,
    never the request's."""
    store: AnalyticsStore | None = current_app.extensions.get("analytics")
    if store is None:
        return
    try:
        event = event_for(response)
        if event is not None:
            store.record(event)
    except Exception:  # analytics must never break a search
        current_app.logger.warning("search analytics: not counted", exc_info=True)


def init_app(app: Flask) -> None:
    # Signals, not request hooks: analytics only observes (it changes no response), so it
    # stays out of the hook order that search_service.production declares.
    template_rendered.connect(_capture, app)
    request_finished.connect(record, app)
