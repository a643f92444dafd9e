"""Settings, declared once as data: name, default, help and kind (what values are allowed).

The same table sets the defaults, reads ``IMPACT_SEARCH_<NAME>`` from the environment, checks
every value at start-up (:func:`load_config`: one message per bad setting, then the app
refuses to start) and generates the README's settings table (``scripts/docs_tables.py``, kept
in step by a test). A setting declared without a kind takes the kind of its default, so a new
``Setting(name, default, help)`` is checked like the rest.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask

__all__ = ["Setting", "Kind", "SETTINGS", "ENV_PREFIX", "SettingsError", "defaults",
           "check_settings", "load_config", "BOOL", "WHOLE", "POSITIVE", "TEXT", "OPTIONAL_TEXT",
           "RATE", "EMAIL", "PUBLIC_URL", "SECONDS", "DURATION", "SAMPLE_NOTICE", "TIMEOUT"]

ENV_PREFIX = "IMPACT_SEARCH_"


@dataclass(frozen=True)
class Kind:
    """What a setting may hold: ``allowed`` is said to people; ``parse`` raises ValueError."""

    allowed: str
    parse: Callable[[Any], Any]


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    word = str(value).strip().lower()
    if word in ("true", "1", "yes", "on"):
        return True
    if word in ("false", "0", "no", "off"):
        return False
    raise ValueError


def _whole(minimum: int) -> Callable[[Any], int]:
    def parse(value: Any) -> int:
        if isinstance(value, bool):
            raise ValueError
        if isinstance(value, str):
            value = value.strip().replace("_", "")
            if not re.fullmatch(r"[0-9]+", value):
                raise ValueError
        if not isinstance(value, (int, str)) or int(value) < minimum:
            raise ValueError
        return int(value)

    return parse


def _text(value: Any) -> str:
    # The environment is read as JSON where it parses: IMPACT_SEARCH_SERVICE_NAME=2024 arrives
    # as the number 2024, which is still the text the person typed.
    if isinstance(value, str):
        return value
    if isinstance(value, os.PathLike):
        return str(os.fspath(value))
    if isinstance(value, (bool, int, float)):
        return json.dumps(value)
    raise ValueError


def _optional_text(value: Any) -> str | None:
    return None if value is None or value == "" else _text(value)


def _rate(value: Any) -> str:
    from limits import parse_many  # the parser the rate limiter itself uses

    text = _text(value)
    try:
        if not parse_many(text):
            raise ValueError
    except ValueError:
        raise ValueError from None
    return text


def _timeout(value: Any) -> float:
    if isinstance(value, bool):
        raise ValueError
    seconds = float(value)
    if not 0 < seconds <= 60:
        raise ValueError
    return seconds


def _email(value: Any) -> str:
    text = _text(value).strip()
    if text and not re.fullmatch(r"[\w.%+'-]+@[\w-]+(\.[\w-]+)+", text):
        raise ValueError
    return text


def _public_url(value: Any) -> str:
    text = _text(value).strip().rstrip("/")
    # An origin and an optional path: links are built by appending to it, so a query, a
    # fragment or another scheme would make every one of them wrong.
    if text and not re.fullmatch(r"https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[\w.~%-]+)*", text):
        raise ValueError
    return text


def _duration(value: Any) -> float:
    if isinstance(value, bool):
        raise ValueError
    number = float(value)  # ValueError for words
    if not 0 <= number < 86400:
        raise ValueError
    return number


BOOL = Kind("true or false", _bool)
WHOLE = Kind("a whole number, 0 or more", _whole(0))
SECONDS = Kind("a whole number of seconds, 0 or more (31536000 is a year)", _whole(0))
POSITIVE = Kind("a whole number, 1 or more", _whole(1))
TEXT = Kind("text", _text)
OPTIONAL_TEXT = Kind("text, or empty for the default", _optional_text)
RATE = Kind("limits such as 120/minute;2000/hour (per second, minute, hour or day)", _rate)
EMAIL = Kind("an email address, or empty for none", _email)
PUBLIC_URL = Kind("an http:// or https:// address, such as https://impact.example.nhs.uk or "
                  "https://example.nhs.uk/impact, or empty", _public_url)
TIMEOUT = Kind("seconds, more than 0 and at most 60 (fractions allowed, e.g. 0.2)", _timeout)
DURATION = Kind("a number of seconds, 0 or more (0.5 is half a second)", _duration)


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str
    kind: Kind | None = None  # None: the kind of the default (see kind_of)

    def kind_of(self) -> Kind:
        if self.kind is not None:
            return self.kind
        if isinstance(self.default, bool):
            return BOOL
        if isinstance(self.default, int):
            return WHOLE
        return TEXT if isinstance(self.default, str) else OPTIONAL_TEXT


SAMPLE_NOTICE = ("The case studies in this sample collection are illustrative: the "
                 "organisations, people and figures are made up.")

SETTINGS: tuple[Setting, ...] = (
    Setting("INDEX_DIR", None, "Folder of index generations; default: index/ in the instance "
            "folder. Environment: IMPACT_SEARCH_INDEX_DIR."),
    Setting("MAX_CONTENT_LENGTH", 256 * 1024, "Largest request body in bytes; larger bodies get "
            "413. A 20,000-character draft fits even when every character is JSON-escaped "
            "(up to 12 bytes each for characters outside the BMP would not, and gets 413).",
            POSITIVE),
    Setting("CORS_ORIGINS", "*", "Origins allowed to read the API cross-origin (GET, no "
            "credentials): '*' or a space-separated list."),
    Setting("FRAME_ANCESTORS", "https:", "Who may frame /embed: a CSP frame-ancestors source "
            "list (default: any https origin)."),
    Setting("CACHE_MAX_AGE", 60, "Seconds that API responses may be cached by browsers and "
            "proxies; ETags change with the index generation.", SECONDS),
)

# What the pages call the service, and what they say about the collection.
SETTINGS += (
    Setting("SERVICE_NAME", "Library impact case study search", "The service's name, in the "
            "header and every page title."),
    Setting("SAMPLE_NOTICE", SAMPLE_NOTICE, "Said in the footer and on the about page while "
            "the bundled sample corpus is what is served; never shown for your own corpus."),
    Setting("CONTACT_EMAIL", "", "Who runs the service, shown in the footer and on the about "
            "page; empty shows none.", EMAIL),
)

# Cards (issue 15).
SETTINGS += (
    Setting("PUBLIC_URL", "", "The service's public address (e.g. https://impact-search.example"
            ".nhs.uk), for every absolute link: feeds, OpenSearch, the sitemap and robots.txt, "
            "canonical links, exports, impact cards and their QR codes, the widget's embed code "
            "and sign-in emails. Empty: the address each request came to under the development "
            "server; under `serve --prod`, where Host is the client's to choose, a placeholder "
            "(https://YOUR-SERVICE-ADDRESS), a start-up warning, and no sign-in emails.",
            PUBLIC_URL),
    Setting("SECRET_KEY", None, "Key that signs the workflow's sign-in cookie and the "
            "endorsement form's anti-forgery token. Empty: a random key is made once in the "
            "instance folder (endorsement-form.key), shared by every worker of the "
            "installation; several nodes must share one: set it."),
)


# Production: see "Running in production" in the README for the reasoning behind the numbers.
SETTINGS += (
    Setting("RATELIMIT_ENABLED", True, "Rate limit per client address (429 when exceeded)."),
    Setting("RATELIMIT_STORAGE_URI", "", "Where rate-limit counts live. Empty: in memory "
            "under the development server; under `serve --prod` a SQLite file shared by the "
            "workers of this machine. Several machines: redis://host:6379/0. memory:// with "
            "several workers counts per worker (a warning at start-up)."),
    Setting("RATELIMIT_STORAGE_TIMEOUT", 0.2, "Seconds to wait for Redis to connect or answer; "
            "past it the request is let through uncounted and the outage logged.", TIMEOUT),
    Setting("RATELIMIT_SEARCH", "120/minute;2000/hour", "Search budget per client address "
            "(API search, and the search pages and widget when they register).", RATE),
    Setting("RATELIMIT_SIMILAR", "30/minute;500/hour", "'Similar impact' budget per client "
            "address (case and draft), the costliest query.", RATE),
    Setting("RATELIMIT_SUGGEST", "600/minute;10000/hour", "Type-ahead suggestion budget per "
            "client address (several requests per typed query).", RATE),
    Setting("TRUSTED_PROXIES", 0, "Reverse proxies in front of the app (nginx: 1). Their "
            "X-Forwarded-For/-Proto/-Host are believed (ProxyFix), so rate limits count the "
            "real client. Leave 0 when clients reach the app directly."),
    Setting("HSTS_MAX_AGE", 0, "Strict-Transport-Security max-age in seconds; 0 (default) sends "
            "none. Set it (e.g. 31536000) only when every request arrives over TLS.", SECONDS),
    Setting("INDEX_VERIFY_SECONDS", 300, "Health re-verifies the served generation's checksums "
            "at most this often (and at once when a file's size or time changed, or a request "
            "failed unexpectedly); a damaged one is replaced by the fallback.", SECONDS),
    Setting("METRICS_ENABLED", True, "Serve Prometheus metrics at /metrics (restrict it to "
            "your monitoring in the reverse proxy)."),
)


# Search analytics: see "Search analytics" in the README.
SETTINGS += (
    Setting("ANALYTICS_ENABLED", False, "Count searches by week (zero-result and top queries, "
            "filters, widget sites; aggregated counts only) and show them at /admin/analytics "
            "to private and loopback addresses."),
    Setting("ANALYTICS_DB", None, "The analytics SQLite file; default: analytics.sqlite in the "
            "instance folder."),
)


# The submission workflow (search_service/workflow): see "Submitting and reviewing" in the README.
SETTINGS += (
    Setting("DATABASE_URL", None, "SQLAlchemy URL of the workflow database; default: SQLite in "
            "the instance folder (migrated and seeded automatically). PostgreSQL: "
            "postgresql+psycopg://user:password@host/dbname, then `impact-search db upgrade`."),
    Setting("DATABASE_POLL_SECONDS", 2.0, "How often (at most, woken by requests) a node "
            "compares the database's published revision with its index, so every node follows "
            "publications made on any node.", DURATION),
    Setting("PUBLISH_DEBOUNCE_SECONDS", 2.0, "Publications within this many seconds of each "
            "other are built into one index generation.", DURATION),
    Setting("REVIEWERS_REQUIRED", 1, "How many reviewers must accept a case study before it is "
            "published (a submitter never reviews their own).", POSITIVE),
    Setting("SIGNIN_DOMAINS", "nhs.net nhs.uk", "Email domains that may sign in (space-"
            "separated; subdomains included). Users added with `impact-search users add` may "
            "sign in from any domain."),
    Setting("SIGNIN_LINK_MINUTES", 30, "Minutes a sign-in link works (once).", POSITIVE),
    Setting("SESSION_HOURS", 12, "Hours a sign-in lasts.", POSITIVE),
    Setting("SESSION_COOKIE_SECURE", True, "Send the sign-in cookie over HTTPS only (browsers "
            "also accept it from http://localhost). Set false only for plain-HTTP testing."),
    Setting("SMTP_HOST", "", "Mail server for sign-in links. Empty (development): the link is "
            "printed to the console instead of sent."),
    Setting("SMTP_PORT", 25, "Mail server port (587 with SMTP_STARTTLS).", POSITIVE),
    Setting("SMTP_USERNAME", "", "Mail server login, if it needs one."),
    Setting("SMTP_PASSWORD", "", "Mail server password, if it needs one."),
    Setting("SMTP_STARTTLS", False, "Upgrade the mail connection with STARTTLS."),
    Setting("MAIL_FROM", "impact-search@localhost.localdomain", "From address of sign-in "
            "emails.", EMAIL),
    Setting("UPLOAD_MAX_BYTES", 10 * 1024 * 1024, "Largest document (.docx, .doc, .odt, .rtf "
            "or PDF) a submitter may upload to fill in the form (the file is read, never "
            "stored or served).", POSITIVE),
    Setting("RATELIMIT_SIGNIN", "10/minute;30/hour", "Sign-in budget per client address "
            "(asking for a link and using one).", RATE),
)


def defaults() -> dict[str, Any]:
    return {s.name: s.default for s in SETTINGS}


class SettingsError(ValueError):
    """Some settings have values that are not allowed; :attr:`problems` has one line each."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("The service cannot start; fix these settings:\n"
                         + "\n".join(f"  {p}" for p in problems))


def check_settings(config: Mapping[str, Any]) -> dict[str, Any]:
    """Every declared setting in ``config`` as its kind; raises :class:`SettingsError` with
    one message per bad value (name, value, what is allowed)."""
    values: dict[str, Any] = {}
    problems = []
    for setting in SETTINGS:
        kind = setting.kind_of()
        value = config.get(setting.name, setting.default)
        try:
            values[setting.name] = kind.parse(value)
        except ValueError:
            problems.append(f"{ENV_PREFIX}{setting.name}={_shown(value)} is not allowed: "
                            f"use {kind.allowed}.")
    if problems:
        raise SettingsError(problems)
    return values


def _shown(value: Any) -> str:
    return repr(value[:80]) if isinstance(value, str) else json.dumps(value, default=str)[:80]


def load_config(app: Flask, test_config: Mapping[str, Any] | None = None) -> None:
    """Fill ``app.config`` in flaskr's order (defaults, ``instance/config.py``, the
    environment, ``test_config``), then check every setting; raises :class:`SettingsError`."""
    app.config.from_mapping(defaults())
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env(ENV_PREFIX.rstrip("_"))
    if test_config is not None:
        app.config.from_mapping(test_config)
    app.config.update(check_settings(app.config))
    if not app.config["INDEX_DIR"]:
        app.config["INDEX_DIR"] = os.path.join(app.instance_path, "index")
