"""Settings, declared once as data: name, default, help. The same table sets the defaults,
reads ``IMPACT_SEARCH_<NAME>`` from the environment, and is checked by a test to be documented
in the README."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["Setting", "SETTINGS", "defaults"]


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("INDEX_DIR", None, "Folder of index generations; default: index/ in the instance "
            "folder. Environment: IMPACT_SEARCH_INDEX_DIR."),
    Setting("MAX_CONTENT_LENGTH", 256 * 1024, "Largest request body in bytes; larger bodies get "
            "413. A 20,000-character draft fits even when every character is JSON-escaped "
            "(up to 12 bytes each for characters outside the BMP would not, and gets 413)."),
    Setting("CORS_ORIGINS", "*", "Origins allowed to read the API cross-origin (GET, no "
            "credentials): '*' or a space-separated list."),
    Setting("FRAME_ANCESTORS", "https:", "Who may frame /embed: a CSP frame-ancestors source "
            "list (default: any https origin)."),
    Setting("CACHE_MAX_AGE", 60, "Seconds that API responses may be cached by browsers and "
            "proxies; ETags change with the index generation."),
)


# Production: see "Running in production" in the README for the reasoning behind the numbers.
SETTINGS += (
    Setting("RATELIMIT_ENABLED", True, "Rate limit per client address (429 when exceeded)."),
    Setting("RATELIMIT_STORAGE_URI", "", "Where rate-limit counts live. Empty: in memory "
            "under the development server; under `serve --prod` a SQLite file shared by the "
            "workers of this machine. Several machines: redis://host:6379/0. memory:// with "
            "several workers counts per worker (a warning at start-up)."),
    Setting("RATELIMIT_STORAGE_TIMEOUT", 0.2, "Seconds to wait for Redis to connect or answer; "
            "past it the request is let through uncounted and the outage logged."),
    Setting("RATELIMIT_SEARCH", "120/minute;2000/hour", "Search budget per client address "
            "(API search, and the search pages and widget when they register)."),
    Setting("RATELIMIT_SIMILAR", "30/minute;500/hour", "'Similar impact' budget per client "
            "address (case and draft), the costliest query."),
    Setting("RATELIMIT_SUGGEST", "600/minute;10000/hour", "Type-ahead suggestion budget per "
            "client address (several requests per typed query)."),
    Setting("TRUSTED_PROXIES", 0, "Reverse proxies in front of the app (nginx: 1). Their "
            "X-Forwarded-For/-Proto/-Host are believed (ProxyFix), so rate limits count the "
            "real client. Leave 0 when clients reach the app directly."),
    Setting("HSTS_MAX_AGE", 0, "Strict-Transport-Security max-age in seconds; 0 (default) sends "
            "none. Set it (e.g. 31536000) only when every request arrives over TLS."),
    Setting("INDEX_VERIFY_SECONDS", 300, "Health re-verifies the served generation's checksums "
            "at most this often (and at once when a file's size or time changed, or a request "
            "failed unexpectedly); a damaged one is replaced by the fallback."),
    Setting("PUBLIC_URL", "", "The service's public address (https://search.example.nhs.uk), "
            "used in the widget's embed code. Empty: the request's Host under the development "
            "server; a placeholder under `serve --prod`."),
    Setting("METRICS_ENABLED", True, "Serve Prometheus metrics at /metrics (restrict it to "
            "your monitoring in the reverse proxy)."),
)


def defaults() -> dict[str, Any]:
    return {s.name: s.default for s in SETTINGS}
