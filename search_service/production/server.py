"""``impact-search serve --prod``: the app under gunicorn, several worker processes.

Nothing opens the index in the master: the app (and with it
:class:`~search_service.engine.live.LiveIndex`, which opens the index on the first request) is
created in each worker after the fork (``preload_app`` is off), so no worker shares a file
handle or an SQLite connection with another. Each worker keeps its searcher and checks the
``CURRENT`` pointer on every request, so a rebuild is picked up on the next request without a
restart.

Workers are threaded (:class:`~search_service.production.worker.BoundedThreadWorker`), so a
slow or idle client holds at most one thread for a bounded time, never a whole process. A
Whoosh searcher is not safe to share between threads (unlocked, the rebuild test got "Block
tag error" 500s from readers seeking each other's file objects), so every search holds the
generation's lock: threads of one worker search one at a time and do everything else (reading
requests, records, JSON, writing answers) side by side.

Per-server state lives in a run folder made at start and removed at exit: the workers'
metric files (``metrics/``) and the rate-limit counts they share (``ratelimit.sqlite``). Its
path reaches the workers as the ``SERVER_RUN_DIR`` config key.
"""

from __future__ import annotations

import ipaddress
import logging
import sys
from collections.abc import Mapping
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication

__all__ = ["serve_prod", "configure_logging", "ProdServer", "startup_warnings"]

log = logging.getLogger("impact_search.server")


def configure_logging() -> None:
    """Access log lines (already JSON) and errors to stderr, where gunicorn's log goes."""
    access = logging.getLogger("impact_search.access")
    if not access.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(message)s"))
        access.addHandler(handler)
        access.setLevel(logging.INFO)
        access.propagate = False
    service = logging.getLogger("impact_search")
    if not service.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter(
            "[%(asctime)s] [%(process)d] [%(levelname)s] %(name)s: %(message)s"))
        service.addHandler(handler)
        service.setLevel(logging.INFO)


def _child_exit(server: Any, worker: Any) -> None:
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)  # type: ignore[no-untyped-call]


class ProdServer(BaseApplication):  # type: ignore[misc]
    def __init__(self, app_config: dict[str, Any], options: dict[str, Any]) -> None:
        self.app_config = app_config
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Flask:
        from search_service import create_app

        configure_logging()
        return create_app(self.app_config)


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def startup_warnings(config: Mapping[str, Any], host: str, workers: int) -> list[str]:
    """What an operator should hear before the first request: deployments that work but
    break a promise (the README's limits, or protection that nginx gives)."""
    from search_service.production.ratelimit import storage_uri

    found = []
    if not _loopback(host) and int(config["TRUSTED_PROXIES"]) == 0:
        found.append(
            f"listening on {host}: other machines reach gunicorn directly, and no reverse proxy "
            "is declared (TRUSTED_PROXIES=0). Idle and slow clients are bounded but not "
            "buffered; put nginx in front (README, 'nginx in front'), listen on 127.0.0.1 "
            "and set IMPACT_SEARCH_TRUSTED_PROXIES=1.")
    if (config["RATELIMIT_ENABLED"] and workers > 1
            and storage_uri(config).startswith("memory://")):
        found.append(
            f"RATELIMIT_STORAGE_URI is memory://: each of the {workers} workers counts on its "
            f"own, so a client gets up to {workers} times every limit. Leave it empty (the "
            "workers then share a file) or use redis://.")
    if not config.get("PUBLIC_URL"):
        found.append(
            "PUBLIC_URL is not set: feeds, the sitemap, canonical links, cards, exports and the "
            "widget's code show https://YOUR-SERVICE-ADDRESS (a client's Host header is never "
            "used for them), and sign-in emails are not sent. Set "
            "IMPACT_SEARCH_PUBLIC_URL=https://your-service.example.nhs.uk.")
    return found


KEEPALIVE_SECONDS = 5  # an idle connection (new or kept alive) is closed after this


def serve_prod(app_config: dict[str, Any], host: str, port: int, workers: int,
               timeout: int, threads: int = 4) -> None:
    """Run gunicorn. The caller has set ``PROMETHEUS_MULTIPROC_DIR`` (see the CLI's ``serve``)."""
    from search_service import create_app

    configure_logging()
    # The settings as every worker will read them (the app opens no index until a request).
    for warning in startup_warnings(create_app(app_config).config, host, workers):
        log.warning("%s", warning)
    options = {
        "bind": f"{host}:{port}",
        "workers": workers,
        "worker_class": "search_service.production.worker.BoundedThreadWorker",
        "threads": threads,
        "keepalive": KEEPALIVE_SECONDS,
        "timeout": timeout,
        "graceful_timeout": 10,
        "preload_app": False,  # the index must be opened in each worker, after the fork
        "child_exit": _child_exit,
        "accesslog": None,  # our JSON access log replaces gunicorn's
        "limit_request_line": 8190,
        "limit_request_fields": 50,
        "proc_name": "impact-search",
        # gunicorn's runtime control socket is one fixed path per user: two servers on one
        # machine would fight over it, and we do not use it.
        "control_socket_disable": True,
    }
    ProdServer(app_config, options).run()
