"""The impact-search web service: three layers, each with one rule.

- :mod:`search_service.engine`: the query side (search, similar, lookup, suggest) over an
  open index generation. Flask-free: no Flask or Werkzeug import, no request globals.
- The web layer (this package): :func:`create_app`, one blueprint per feature (``api``,
  ``pages``, ``widget``, ``insights``, ``downloads``, ``analytics``), the one error handler
  (:mod:`~search_service.errors`), settings declared as data (:mod:`~search_service.settings`)
  and the per-request generation (:mod:`~search_service.current`). Views read parameters,
  call one engine function and render JSON or HTML from the same result, so a page and its
  JSON twin cannot disagree.
- :mod:`search_service.production`: what makes the app safe on the internet (security
  headers, CORS and caching, rate limits, metrics, access log, gunicorn); its ``init_app``
  writes down the order of every request hook.

:mod:`search_service.cli` (the ``impact-search`` command) sits above all of them. The service
never builds an index in a request: it opens what :mod:`indexer` published.

The path of one request, ``GET /api/v1/search?q=falls``::

    production hooks (timer, rate limit, 304 check)     search_service.production
      -> api.search_view reads SearchParams once         search_service.api
      -> get_generation(): CURRENT read once, kept on g  search_service.current
      -> engine.search(generation, params) -> SearchPage search_service.engine.search
      -> jsonify(page.to_json())
    production hooks (CORS/ETag, CSP, rate headers, metrics, access log)
    any exception -> errors.handle -> {"ok": false, "status": N, "error": ...}
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask

__all__ = ["create_app"]


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Make the app (see :func:`search_service.app.create_app`)."""
    # Imported on call, not with the package: `impact-search serve --prod` must set
    # PROMETHEUS_MULTIPROC_DIR before prometheus_client is first imported (it chooses its
    # storage then), and CLI commands that never serve should not pay for importing Flask.
    from search_service.app import create_app as make_app

    return make_app(test_config)
