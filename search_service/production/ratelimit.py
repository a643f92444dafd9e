"""Rate limits per client address, with separate budgets for search, similar and suggest.

Counting uses the ``limits`` library (the engine under Flask-Limiter) with a moving window.
The storage is ``RATELIMIT_STORAGE_URI``. Left empty it is ``memory://`` under the development
server (one process) and, under ``impact-search serve --prod``, a SQLite file in the server's
run folder that every worker of the machine shares (:mod:`.shared_counts`), so the documented
limit holds whatever the number of workers. Several machines share a ``redis://`` URL.

An outage of the limiter must not become an outage of the search. Every Redis call is bounded
(``RATELIMIT_STORAGE_TIMEOUT`` for connecting and for each answer, no retries), and the first
failure lets the request through uncounted and stops asking the store for
``STORE_RETRY_SECONDS``: a stalled Redis (paused, or a network that drops packets) costs one
request at most that timeout, not every request. The outage is logged once and then at most
once a minute, and ``impact_search_ratelimit_uncounted_total`` counts the requests let through.
Health and metrics have no budget, so they never touch the store.

Which endpoint spends which budget is data (``app.extensions["rate_budgets"]``, endpoint ->
budget name), so the page and widget blueprints add their endpoints without touching this file.
A 429 goes through the one error handler; this module adds ``Retry-After`` and the IETF
``RateLimit-Limit``/``-Remaining``/``-Reset`` and ``RateLimit-Policy`` headers.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from dataclasses import dataclass
from typing import Any

from flask import Flask, Response, current_app, g, request
from limits import RateLimitItem, parse_many
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter
from werkzeug.exceptions import TooManyRequests

from search_service.production import shared_counts  # noqa: F401 - registers sqlite://
from search_service.production.metrics import RATELIMIT_UNCOUNTED

__all__ = ["init_app", "check", "add_headers", "BUDGETS", "RateLimited", "Limiter",
           "storage_uri", "StoreOutage", "STORE_RETRY_SECONDS", "OUTAGE_LOG_SECONDS"]

STORE_RETRY_SECONDS = 5.0  # after a failure, requests go uncounted this long
OUTAGE_LOG_SECONDS = 60.0  # an ongoing outage is logged at most this often
REDIS_SCHEMES = ("redis", "rediss", "redis+unix", "valkey", "valkeys", "valkey+unix")

log = logging.getLogger("impact_search.ratelimit")

# Endpoint -> budget; the setting RATELIMIT_<BUDGET> holds its limits.
BUDGETS: dict[str, str] = {
    "api.search_view": "search",
    "widget.embed": "search",  # the iframe widget runs the same search
    "pages.search_page": "search",
    "pages.similar_page": "similar",
    "api.case_similar_view": "similar",
    "api.draft_similar_view": "similar",
    "api.suggest_view": "suggest",
}


class RateLimited(TooManyRequests):
    def __init__(self, budget: str, limit: RateLimitItem, retry_after: int) -> None:
        super().__init__(
            f"Too many {budget} requests from your address (limit {limit.amount} per "
            f"{_window(limit)}). Try again in {retry_after} seconds."
        )
        self.wait_seconds = retry_after


@dataclass
class _State:
    limit: RateLimitItem
    remaining: int
    reset_in: int
    policy: str


def _window(limit: RateLimitItem) -> str:
    return f"{limit.multiples} {limit.GRANULARITY.name}s" if limit.multiples > 1 \
        else limit.GRANULARITY.name


def _client() -> str:
    # With TRUSTED_PROXIES > 0, ProxyFix has already put the client's address here.
    return request.remote_addr or "unknown"


def storage_uri(config: Any) -> str:
    """The store's URI: the setting, else a file shared by this server's workers, else memory."""
    uri = str(config["RATELIMIT_STORAGE_URI"] or "")
    if uri:
        return uri
    run_dir = config.get("SERVER_RUN_DIR")
    return f"sqlite://{run_dir}/ratelimit.sqlite" if run_dir else "memory://"


def _storage_options(uri: str, timeout: float) -> dict[str, Any]:
    if uri.split(":", 1)[0] not in REDIS_SCHEMES:
        return {}
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    # redis-py's defaults wait forever for an answer and retry three times with back-off.
    return {"socket_timeout": timeout, "socket_connect_timeout": timeout,
            "retry": Retry(NoBackoff(), 0)}


class StoreOutage:
    """When the store last failed, and when the outage was last logged (per worker)."""

    def __init__(self, scheme: str) -> None:
        self.scheme = scheme
        self._lock = threading.Lock()
        self.until = 0.0  # monotonic time before which the store is not asked
        self.logged_at: float | None = None
        self.down = False

    def skipping(self) -> bool:
        if time.monotonic() < self.until:
            RATELIMIT_UNCOUNTED.inc()
            return True
        return False

    def failed(self, error: Exception) -> None:
        RATELIMIT_UNCOUNTED.inc()
        now = time.monotonic()
        with self._lock:
            self.until = now + STORE_RETRY_SECONDS
            self.down = True
            if self.logged_at is not None and now - self.logged_at < OUTAGE_LOG_SECONDS:
                return
            self.logged_at = now
        log.warning("rate-limit store (%s) unavailable: %s; requests are let through "
                    "uncounted, the store is tried again every %.0f s (logged at most once a "
                    "minute)", self.scheme, error or type(error).__name__, STORE_RETRY_SECONDS)

    def succeeded(self) -> None:
        if self.down:
            with self._lock:
                self.down, self.logged_at = False, None
            log.warning("rate-limit store (%s) is answering again", self.scheme)


class Limiter:
    def __init__(self, app: Flask) -> None:
        uri = storage_uri(app.config)
        options = _storage_options(uri, float(app.config["RATELIMIT_STORAGE_TIMEOUT"]))
        self.storage = storage_from_string(uri, **options)
        self.strategy = MovingWindowRateLimiter(self.storage)
        self.outage = StoreOutage(uri.split(":", 1)[0])
        self.limits = {name: parse_many(app.config[f"RATELIMIT_{name.upper()}"])
                       for name in set(BUDGETS.values())}

    def _limits(self, budget: str) -> list[RateLimitItem]:
        # Budgets added by other blueprints (the workflow's sign-in) are read when first used.
        if budget not in self.limits:
            self.limits[budget] = parse_many(current_app.config[f"RATELIMIT_{budget.upper()}"])
        return self.limits[budget]

    def check(self) -> None:
        budget = current_app.extensions["rate_budgets"].get(request.endpoint or "")
        if budget is None or not current_app.config["RATELIMIT_ENABLED"]:
            return
        if self.outage.skipping():
            return
        items = self._limits(budget)
        key = _client()
        try:
            states = []
            for item in items:
                allowed = self.strategy.hit(item, budget, key)
                stats = self.strategy.get_window_stats(item, budget, key)
                reset_in = max(1, math.ceil(stats.reset_time - time.time()))
                if not allowed:
                    raise RateLimited(budget, item, reset_in)
                states.append((stats.remaining / item.amount, item, stats.remaining, reset_in))
        except RateLimited as exc:
            self.outage.succeeded()
            g.rate_state = _State(item, 0, exc.wait_seconds, _policy(items))
            raise
        except Exception as error:  # the store is down or stalled: let the request through
            self.outage.failed(error)
            return
        self.outage.succeeded()
        _, item, remaining, reset_in = min(states, key=lambda s: s[0])
        g.rate_state = _State(item, remaining, reset_in, _policy(items))


def _policy(items: list[RateLimitItem]) -> str:
    return ", ".join(f"{i.amount};w={i.get_expiry()}" for i in items)


def add_headers(response: Response) -> Response:
    state: _State | None = g.get("rate_state")
    if state is None:
        return response
    response.headers["RateLimit-Limit"] = str(state.limit.amount)
    response.headers["RateLimit-Remaining"] = str(state.remaining)
    response.headers["RateLimit-Reset"] = str(state.reset_in)
    response.headers["RateLimit-Policy"] = state.policy
    if response.status_code == 429:
        response.headers["Retry-After"] = str(state.reset_in)
    return response


def init_app(app: Flask) -> None:
    limiter = Limiter(app)
    app.extensions["rate_limiter"] = limiter
    app.extensions.setdefault("rate_budgets", {}).update(BUDGETS)


def check() -> None:
    """Spend the request's budget, or raise :class:`RateLimited` (a 429)."""
    limiter: Limiter = current_app.extensions["rate_limiter"]
    limiter.check()
