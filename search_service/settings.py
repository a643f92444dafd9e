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
    Setting("RATELIMIT_STORAGE_URI", "memory://", "Where rate-limit counts live. memory:// "
            "counts per worker process; with several gunicorn workers use a shared store, "
            "e.g. redis://localhost:6379/0."),
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
    Setting("METRICS_ENABLED", True, "Serve Prometheus metrics at /metrics (restrict it to "
            "your monitoring in the reverse proxy)."),
)


# The submission workflow (search_service/workflow): see "Submitting and reviewing" in the README.
SETTINGS += (
    Setting("SECRET_KEY", None, "Signs the session cookie. Default: a random key kept in "
            "secret_key in the instance folder. Several nodes must share one: set it."),
    Setting("DATABASE_URL", None, "SQLAlchemy URL of the workflow database; default: SQLite in "
            "the instance folder (migrated and seeded automatically). PostgreSQL: "
            "postgresql+psycopg://user:password@host/dbname, then `impact-search db upgrade`."),
    Setting("DATABASE_POLL_SECONDS", 2.0, "How often (at most, on a request) a node compares "
            "the database's published revision with its index, so every node follows "
            "publications made on any node."),
    Setting("PUBLISH_DEBOUNCE_SECONDS", 2.0, "Publications within this many seconds of each "
            "other are built into one index generation."),
    Setting("REVIEWERS_REQUIRED", 1, "How many reviewers must accept a case study before it is "
            "published (a submitter never reviews their own)."),
    Setting("SIGNIN_DOMAINS", "nhs.net nhs.uk", "Email domains that may sign in (space-"
            "separated; subdomains included). Users added with `impact-search users add` may "
            "sign in from any domain."),
    Setting("SIGNIN_LINK_MINUTES", 30, "Minutes a sign-in link works (once)."),
    Setting("SESSION_HOURS", 12, "Hours a sign-in lasts."),
    Setting("SESSION_COOKIE_SECURE", True, "Send the sign-in cookie over HTTPS only (browsers "
            "also accept it from http://localhost). Set false only for plain-HTTP testing."),
    Setting("SMTP_HOST", "", "Mail server for sign-in links. Empty (development): the link is "
            "printed to the console instead of sent."),
    Setting("SMTP_PORT", 25, "Mail server port (587 with SMTP_STARTTLS)."),
    Setting("SMTP_USERNAME", "", "Mail server login, if it needs one."),
    Setting("SMTP_PASSWORD", "", "Mail server password, if it needs one."),
    Setting("SMTP_STARTTLS", False, "Upgrade the mail connection with STARTTLS."),
    Setting("MAIL_FROM", "impact-search@localhost", "From address of sign-in emails."),
    Setting("UPLOAD_MAX_BYTES", 10 * 1024 * 1024, "Largest .docx or .pdf a submitter may "
            "upload to fill in the form (the file is read, never stored or served)."),
    Setting("RATELIMIT_SIGNIN", "10/minute;30/hour", "Sign-in budget per client address "
            "(asking for a link and using one)."),
)


def defaults() -> dict[str, Any]:
    return {s.name: s.default for s in SETTINGS}
