"""Case studies that stress a card: every text at the schema's longest, a quote whose person
did not consent to be named, and a case study with no quote and no figure."""

from __future__ import annotations

from typing import Any

from indexer.sources.corpus import load_vocabularies

__all__ = ["CARD_RECORDS", "SECRET_NAME", "NAMED", "UNNAMED", "LONGEST", "NO_QUOTE",
           "NO_SPACES", "ORGANISATION", "ALL_IMPACTS"]

SECRET_NAME = "Imogen Blackthorn"
ORGANISATION = "Quillon Valley NHS Trust"
NAMED, UNNAMED, LONGEST, NO_QUOTE, NO_SPACES = (
    "quote-named", "quote-unnamed", "longest-everything", "no-quote-no-figure", "no-spaces")


def _words(count: int, word: str) -> str:
    return " ".join([word] * count)


_QUOTE = {"text": "The evidence the library found changed our decision on the ward that week.",
          "name": f"Dr {SECRET_NAME}", "role": "Consultant Geriatrician",
          "organisation": ORGANISATION}
# Every impact type: the longest impact line a card can have.
ALL_IMPACTS = list(load_vocabularies().tables["impact_types"])


CARD_RECORDS: list[dict[str, Any]] = [
    {"id": NAMED, "organisation": ORGANISATION, "savings": {"money_gbp": 62000},
     "quote": _QUOTE, "consent": {"named": True, "internal": True, "external": True}},
    {"id": UNNAMED, "organisation": ORGANISATION, "savings": {"money_gbp": 62000},
     "quote": _QUOTE, "consent": {"named": False, "internal": True, "external": True}},
    {"id": LONGEST,
     "title": ("Wide " + _words(40, "WWWW"))[:200],
     "summary": _words(60, "Mmmmmmmmmmmmmmmm"),
     "outcome": "Outcome " + _words(300, "outcome"),
     "organisation": ("Llanwern " + _words(40, "Wwwww"))[:200],
     "savings": {"money_gbp": 123456789012, "staff_hours": 987654321},
     "impact_types": ALL_IMPACTS,
     "quote": {"text": ("Q " + _words(700, "ward"))[:2000], "name": _words(40, "Name")[:200],
               "role": _words(40, "Role")[:200], "organisation": _words(40, "Orgs")[:200]}},
    {"id": NO_QUOTE, "organisation": ORGANISATION,
     "outcome": ("The team changed its discharge checklist after reading the evidence and "
                 "readmissions within thirty days fell on both wards. More followed later.")},
    {"id": NO_SPACES, "title": "X" * 200, "summary": "Y" * 1000,
     "organisation": "Z" * 200, "quote": {"text": "Q" * 2000, "role": "R" * 200,
                                          "organisation": "O" * 200}},
]
