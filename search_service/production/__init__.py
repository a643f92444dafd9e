"""What makes the app safe to put on the internet: each part in its own module, wired here.

This is the one place that says in which order the request hooks run (Flask runs
``before_request`` hooks in registration order and ``after_request`` hooks in reverse, which
is easy to get wrong when each module registers its own):

Before the view:
  1. ``access_log.start_timer``: first, so a request the rate limiter refuses is timed too.
  2. ``ratelimit.check``: refuses (429) before any work is done.
  3. ``bodies.limit_chunked_body``: 413 for a chunked body over ``MAX_CONTENT_LENGTH``.
  4. ``cors.not_modified``: answers 304 from the ETag before any search runs.

After the view (in the order they run):
  1. ``cors.add_headers``: CORS and the cache headers of the ETag taken before the view.
  2. ``security.apply``: the Content Security Policy and its companions.
  3. ``headers.add_headers``: deployment headers (HSTS).
  4. ``ratelimit.add_headers``: ``RateLimit-*`` and ``Retry-After``.
  5. ``metrics.observe`` then ``access_log.log_request``: last, so they see the final status.

Under ``serve --prod`` only, ``heap.init_app`` adds one more after-request hook (it runs first,
and only schedules work for after the response is sent: see :mod:`.heap`).

Proxy handling (``TRUSTED_PROXIES``) wraps the WSGI app before any of them. See the README,
"Running in production".
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from search_service.production import (
    access_log,
    bodies,
    cors,
    headers,
    heap,
    metrics,
    ratelimit,
    security,
)

__all__ = ["init_app", "BEFORE_REQUEST", "AFTER_REQUEST"]

BEFORE_REQUEST: tuple[Callable[[], Any], ...] = (
    access_log.start_timer,
    ratelimit.check,
    bodies.limit_chunked_body,
    cors.not_modified,
)

AFTER_REQUEST: tuple[Callable[[Any], Any], ...] = (
    cors.add_headers,
    security.apply,
    headers.add_headers,
    ratelimit.add_headers,
    metrics.observe,
    access_log.log_request,
)


def init_app(app: Flask) -> None:
    proxies = int(app.config["TRUSTED_PROXIES"])
    if proxies > 0:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)
    ratelimit.init_app(app)
    metrics.init_app(app)
    headers.init_app(app)
    for before in BEFORE_REQUEST:
        app.before_request(before)
    for after in reversed(AFTER_REQUEST):  # Flask runs after_request hooks last-in, first-out
        app.after_request(after)
    heap.init_app(app)
