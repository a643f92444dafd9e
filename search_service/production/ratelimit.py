"""Rate limits per client address, with separate budgets for search, similar and suggest.

Counting uses the ``limits`` library (the engine under Flask-Limiter) with a moving window.
The storage is ``RATELIMIT_STORAGE_URI``: ``memory://`` counts in each worker process, so N
gunicorn workers would allow N times the limit; production sets a ``redis://`` URL so that all
workers share one count. If Redis is unreachable the request is let through and the failure
logged: an outage of the limiter must not become an outage of the search.

Which endpoint spends which budget is data (``app.extensions["rate_budgets"]``, endpoint ->
budget name), so the page and widget blueprints add their endpoints without touching this file.
A 429 goes through the one error handler; this module adds ``Retry-After`` and the IETF
``RateLimit-Limit``/``-Remaining``/``-Reset`` and ``RateLimit-Policy`` headers.
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass

from flask import Flask, Response, current_app, g, request
from limits import RateLimitItem, parse_many
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter
from werkzeug.exceptions import TooManyRequests

__all__ = ["init_app", "check", "add_headers", "BUDGETS", "RateLimited", "Limiter"]

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


class Limiter:
    def __init__(self, app: Flask) -> None:
        self.storage = storage_from_string(app.config["RATELIMIT_STORAGE_URI"])
        self.strategy = MovingWindowRateLimiter(self.storage)
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
            g.rate_state = _State(item, 0, exc.wait_seconds, _policy(items))
            raise
        except Exception:  # storage down: let the request through
            log.warning("rate limit storage unavailable; request not counted", exc_info=True)
            return
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
