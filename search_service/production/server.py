"""``impact-search serve --prod``: the app under gunicorn, several worker processes.

Nothing opens the index in the master: the app (and with it
:class:`~search_service.engine.live.LiveIndex`, which opens the index on the first request) is
created in each worker after the fork (``preload_app`` is off), so no worker shares a file
handle or an SQLite connection with another. Each worker keeps its searcher and checks the
``CURRENT`` pointer on every request, so a rebuild is picked up on the next request without a
restart.

Workers are gunicorn's ``sync`` kind, one request at a time. A Whoosh searcher is not safe
to share between threads (under ``gthread`` the rebuild test got "Block tag error" 500s from
readers seeking each other's file objects), so searcher use is serialised within a process
anyway; threads would only queue. nginx in front buffers slow clients, which is what threads
would otherwise be for. Concurrency is the number of workers.
"""

from __future__ import annotations

import logging
import sys
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication

__all__ = ["serve_prod", "configure_logging", "ProdServer"]


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


def serve_prod(app_config: dict[str, Any], host: str, port: int, workers: int,
               timeout: int) -> None:
    """Run gunicorn. The caller has set ``PROMETHEUS_MULTIPROC_DIR`` (see the CLI's ``serve``)."""
    options = {
        "bind": f"{host}:{port}",
        "workers": workers,
        "worker_class": "sync",
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
