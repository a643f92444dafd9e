"""Search analytics for library managers: what people searched for, what found nothing, the
filters used and the sites that embed the widget, counted by week.

Off unless the ``ANALYTICS_ENABLED`` setting is on. Then :mod:`.recorder` counts each answered
search into :mod:`.store` (aggregated weekly counts in ``ANALYTICS_DB``, a small SQLite file in
the instance folder by default; nothing about who asked, no cookies; a query's text only once
five requests asked it in a week; 13 months kept), and :mod:`.admin` shows the counts at
``/admin/analytics`` to private and loopback addresses (until accounts exist), with charts
and CSV.
"""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask

from search_service.analytics import admin, recorder
from search_service.analytics.store import AnalyticsStore

__all__ = ["init_app", "admin", "recorder", "store"]


def init_app(app: Flask) -> None:
    if app.config["ANALYTICS_ENABLED"]:
        path = app.config["ANALYTICS_DB"] or os.path.join(app.instance_path, "analytics.sqlite")
        app.extensions["analytics"] = AnalyticsStore(Path(path))
        recorder.init_app(app)
    admin.init_app(app)
