"""``/metrics`` in the Prometheus text format.

Per route: request counts by status and a latency histogram. Per scrape: the live index
generation, its document count and whether the worker serves a fallback (``degraded``).

Under gunicorn each worker is a process, so the counters use prometheus_client's multiprocess
mode: ``impact-search serve --prod`` sets ``PROMETHEUS_MULTIPROC_DIR`` before any worker
imports this module, and a scrape, answered by any one worker, sums the files of all of them.
Routes are URL rules, never paths, so a crawler cannot create unbounded label values.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

from flask import Flask, Response, current_app
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from search_service.production.access_log import elapsed, route_of

__all__ = ["init_app", "observe", "IndexCollector", "metrics_view", "RATELIMIT_UNCOUNTED"]

REQUESTS = Counter("impact_search_requests", "HTTP requests answered",
                   ["route", "method", "status"])
LATENCY = Histogram("impact_search_request_seconds", "Time to answer a request", ["route"],
                    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0))
RATELIMIT_UNCOUNTED = Counter("impact_search_ratelimit_uncounted",
                              "Requests let through uncounted: the rate-limit store was down")


class IndexCollector(Collector):
    """The index this worker serves, read at scrape time (every worker follows CURRENT)."""

    def __init__(self, app: Flask) -> None:
        self.app = app

    def collect(self) -> Iterator[Metric]:
        from indexer.errors import IndexProblem

        index = self.app.extensions["live_index"]
        info = GaugeMetricFamily("impact_search_index_generation",
                                 "The generation being served (value 1)",
                                 labels=["generation", "built_at"])
        documents = GaugeMetricFamily("impact_search_index_documents",
                                      "Documents in the generation being served")
        degraded = GaugeMetricFamily("impact_search_index_degraded",
                                     "1 if a fallback generation is served")
        try:
            generation = index.current()
        except IndexProblem:
            degraded.add_metric([], 1)
            yield degraded
            return
        info.add_metric([generation.name, generation.manifest.built_at], 1)
        documents.add_metric([], generation.manifest.documents)
        degraded.add_metric([], 1 if index.degraded else 0)
        yield from (info, documents, degraded)


def observe(response: Response) -> Response:
    from flask import request

    route = route_of()
    REQUESTS.labels(route, request.method, str(response.status_code)).inc()
    LATENCY.labels(route).observe(elapsed())
    return response


def metrics_view() -> Response:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    else:
        registry = CollectorRegistry()
        for collector in (REQUESTS, LATENCY, RATELIMIT_UNCOUNTED):
            registry.register(collector)
    registry.register(IndexCollector(current_app._get_current_object()))  # type: ignore[attr-defined]
    return Response(generate_latest(registry), mimetype=CONTENT_TYPE_LATEST)


def init_app(app: Flask) -> None:
    if app.config["METRICS_ENABLED"]:
        app.add_url_rule("/metrics", "metrics", metrics_view)

