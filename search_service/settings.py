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
    Setting("MAX_CONTENT_LENGTH", 64 * 1024, "Largest request body in bytes (a 20,000-character "
            "draft plus JSON fits); larger bodies get 413."),
    Setting("CORS_ORIGINS", "*", "Origins allowed to read the API cross-origin (GET, no "
            "credentials): '*' or a space-separated list."),
    Setting("FRAME_ANCESTORS", "https:", "Who may frame /embed: a CSP frame-ancestors source "
            "list (default: any https origin)."),
    Setting("CACHE_MAX_AGE", 60, "Seconds that API responses may be cached by browsers and "
            "proxies; ETags change with the index generation."),
)


def defaults() -> dict[str, Any]:
    return {s.name: s.default for s in SETTINGS}
