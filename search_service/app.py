"""The application factory: defaults, instance config, environment, then test config."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask, current_app

from indexer.paths import web_dir
from search_service import errors, production, security
from search_service.live import Generation, LiveIndex
from search_service.settings import defaults

__all__ = ["make_app", "live_index", "current_generation"]


def make_app(test_config: dict[str, Any] | None = None) -> Flask:
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
    security.init_app(app)
    from search_service import api, cors, pages, widget

    app.register_blueprint(api.bp)
    cors.init_app(app)
    app.register_blueprint(widget.bp)
    pages.init_app(app)
    return app


def live_index() -> LiveIndex:
    index: LiveIndex = current_app.extensions["live_index"]
    return index


def current_generation() -> Generation:
    return live_index().current()
