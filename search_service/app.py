"""The application factory, in flaskr's order: defaults, the instance config file, the
environment (``IMPACT_SEARCH_*``), then the test config; then the parts, each with its own
``init_app``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

from indexer.paths import web_dir
from search_service import (
    analytics,
    api,
    discovery,
    downloads,
    errors,
    insights,
    pages,
    production,
    widget,
    workflow,
)
from search_service.cards import views as cards
from search_service.engine.live import LiveIndex
from search_service.settings import load_config

__all__ = ["create_app"]


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """The one way to make the app; nothing reads settings at import time."""
    # web/ (our own CSS and JS, and the NHS.UK frontend copied from npm) is served at /static.
    app = Flask("search_service", instance_relative_config=True,
                static_folder=str(web_dir()), static_url_path="/static")
    load_config(app, test_config)  # refuses to start (SettingsError) on a bad setting
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.extensions["live_index"] = LiveIndex(Path(app.config["INDEX_DIR"]),
                                             float(app.config["INDEX_VERIFY_SECONDS"]))

    errors.init_app(app)
    production.init_app(app)
    # One blueprint per feature. A new feature adds its blueprint here.
    api.init_app(app)
    pages.init_app(app)
    widget.init_app(app)
    discovery.init_app(app)
    insights.init_app(app)
    downloads.init_app(app)
    analytics.init_app(app)
    cards.init_app(app)
    workflow.init_app(app)
    return app
