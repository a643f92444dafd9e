"""The access log: one JSON object per line, per request.

Fields: time, method, route (the URL rule, e.g. ``/api/v1/cases/<case_id>``), status,
latency_ms and results (hits or total, when the response has them). Never the path,
the query string or the body: a query or a draft can hold a patient's or a quoted person's
name, and the draft endpoint promises not to keep the draft. No client address either; the
rate limiter counts addresses without logging them.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
from typing import Any

from flask import Response, g, request

__all__ = ["start_timer", "log_request", "route_of", "elapsed"]

log = logging.getLogger("impact_search.access")


def route_of() -> str:
    rule = request.url_rule
    return rule.rule if rule is not None else "(no route)"


def start_timer() -> None:
    g.started = time.perf_counter()


def elapsed() -> float:
    started: float = g.get("started", time.perf_counter())
    return time.perf_counter() - started


def _results(response: Response) -> int | None:
    if response.status_code != 200 or not response.is_json:
        return None
    body: Any = response.get_json(silent=True)
    if not isinstance(body, dict):
        return None
    if isinstance(body.get("total"), int):
        return int(body["total"])
    for name in ("hits", "suggestions"):
        if isinstance(body.get(name), list):
            return len(body[name])
    return None


def log_request(response: Response) -> Response:
    if log.isEnabledFor(logging.INFO):
        entry = {
            "time": dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds"),
            "method": request.method,
            "route": route_of(),
            "status": response.status_code,
            "latency_ms": round(elapsed() * 1000, 2),
            "results": _results(response),
        }
        log.info(json.dumps(entry))
    return response
