"""What makes the app safe to put on the internet: wiring only, each part in its own module.

Access log and metrics first (so refused requests are timed and counted), then proxy
handling, rate limits and security headers. See the README, "Running in production".
"""

from __future__ import annotations

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from search_service import access_log, headers, metrics, ratelimit

__all__ = ["init_app"]


def init_app(app: Flask) -> None:
    access_log.init_app(app)
    metrics.init_app(app)
    proxies = int(app.config["TRUSTED_PROXIES"])
    if proxies > 0:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)
    ratelimit.init_app(app)
    headers.init_app(app)
