"""The application factory, in flaskr's order: defaults, the instance config file, the
environment (``IMPACT_SEARCH_*``), then the test config; then the parts, each with its own
``init_app``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask

from indexer.paths import web_dir
from search_service import api, errors, pages, production, widget, workflow
from search_service.engine.live import LiveIndex
from search_service.settings import defaults

__all__ = ["create_app"]


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """The one way to make the app; nothing reads settings at import time."""
    # web/ (our own CSS and JS, and the NHS.UK frontend copied from npm) is served at /static.
    app = Flask("search_service", instance_relative_config=True,
                static_folder=str(web_dir()), static_url_path="/static")
    app.config.from_mapping(defaults())
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("IMPACT_SEARCH")
    if test_config is not None:
        app.config.from_mapping(test_config)
    if not app.config["INDEX_DIR"]:
        app.config["INDEX_DIR"] = os.path.join(app.instance_path, "index")
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.extensions["live_index"] = LiveIndex(Path(app.config["INDEX_DIR"]))

    errors.init_app(app)
    production.init_app(app)
    # One blueprint per feature. A new feature adds its blueprint here.
    api.init_app(app)
    pages.init_app(app)
    widget.init_app(app)
    workflow.init_app(app)
    return app
