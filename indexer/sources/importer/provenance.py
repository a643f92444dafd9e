"""Where each field of an imported record came from: read, inferred (by which rule), missing.

Stored in the record as ``provenance`` (see corpus/schema.json)::

    "provenance": {
      "source": {"file": "falls.docx", "sha256": "…", "format": "docx", "bytes": 38098},
      "listing": {"file": "listing.csv", "row": 12},
      "imported_at": "2026-12-04T10:00:00Z",
      "fields": {"title": {"origin": "read", "source": "listing", "detail": "column 'Title'"},
                 "summary": {"origin": "inferred", "source": "document",
                             "detail": "first sentences of the outcome (≤ 60 words)"},
                 "region": {"origin": "missing", "source": "", "detail": ""}, …}
    }
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

__all__ = ["FieldOrigin", "TRACKED_FIELDS", "build_provenance", "now_iso"]

Origin = Literal["read", "inferred", "missing"]

# Every field a record can have, in schema order; each gets an origin.
TRACKED_FIELDS = ("title", "summary", "challenge", "lks_contribution", "outcome",
                  "patient_benefit", "body", "quote.text", "quote.name", "quote.role",
                  "quote.organisation", "impact_types", "group_impacted", "sector", "region",
                  "organisation", "service_types", "purpose", "topics", "submitted_date",
                  "savings.money_gbp", "savings.staff_hours", "savings.other", "consent")


@dataclass(frozen=True)
class FieldOrigin:
    """How one field got its value. ``detail``: where it was read, or the rule that inferred it."""

    origin: Origin
    source: str = ""  # document, listing, file metadata, import options
    detail: str = ""

    @classmethod
    def read(cls, source: str, where: str) -> FieldOrigin:
        return cls("read", source, where)

    @classmethod
    def inferred(cls, rule: str, source: str = "document") -> FieldOrigin:
        return cls("inferred", source, rule)

    @classmethod
    def missing(cls, why: str = "") -> FieldOrigin:
        return cls("missing", "", why)

    def to_json(self) -> dict[str, str]:
        return {"origin": self.origin, "source": self.source, "detail": self.detail}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FieldOrigin:
        return cls(data["origin"], data.get("source", ""), data.get("detail", ""))

    def __str__(self) -> str:
        if self.origin == "read":
            return f"read from {self.source}: {self.detail}"
        if self.origin == "inferred":
            return f"inferred ({self.detail})"
        return "missing" + (f" ({self.detail})" if self.detail else "")


def now_iso() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def build_provenance(origins: dict[str, FieldOrigin], *, file: str, sha256: str, fmt: str,
                     size: int, imported_at: str, listing: tuple[str, int] | None = None,
                     ) -> dict[str, Any]:
    fields = {name: origins.get(name, FieldOrigin.missing()).to_json()
              for name in TRACKED_FIELDS}
    provenance: dict[str, Any] = {
        "source": {"file": file, "sha256": sha256, "format": fmt, "bytes": size},
        "imported_at": imported_at,
        "fields": fields,
    }
    if listing is not None:
        provenance["listing"] = {"file": listing[0], "row": listing[1]}
    return provenance
