"""Help while writing: the draft checked against the five review criteria, each unmet one with
an example from a published case study that does it well, and the published precedents most
like the draft ('similar impact' on the draft's text).

The checks are the reviewers' checklist made mechanical, so they are hints, not verdicts: a
reviewer still reads the case study. Flask-free; examples and precedents come from the index
generation the request reads, so only published case studies (consent applied) are shown.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from search_service.engine.live import Generation
from search_service.engine.params import Filters
from search_service.engine.similar import SimilarPage, similar_to_text
from search_service.page_models import headline
from search_service.workflow.records import draft_text

__all__ = ["Check", "Assistance", "check_record", "assist", "PRECEDENTS"]

Record = Mapping[str, Any]
PRECEDENTS = 5
MIN_WORDS = 20  # fewer words than this rarely say what was achieved or done
_FIGURE = re.compile(r"£\s?\d|\b\d[\d,.]*\s*(?:%|per ?cent|hours?|days?|weeks?|beds?|"
                     r"patients?|staff|admissions?|appointments?)\b", re.IGNORECASE)


@dataclass
class Check:
    key: str  # the review criterion: achievement, impact, library_role, quantified, ...
    label: str
    met: bool
    hint: str  # what to do when it is not met
    example: dict[str, str] | None = None  # {id, title, url, text}

    def to_json(self) -> dict[str, Any]:
        return {"key": self.key, "label": self.label, "met": self.met, "hint": self.hint,
                "example": self.example}


@dataclass
class Assistance:
    checks: list[Check] = field(default_factory=list)
    precedents: SimilarPage | None = None
    note: str | None = None  # why there are no precedents yet

    @property
    def unmet(self) -> list[Check]:
        return [c for c in self.checks if not c.met]

    def to_json(self) -> dict[str, Any]:
        return {"checks": [c.to_json() for c in self.checks],
                "precedents": self.precedents.to_json() if self.precedents else None,
                "note": self.note}


def _words(text: Any) -> int:
    return len(str(text or "").split())


def _has_figure(record: Record) -> bool:
    savings = record.get("savings") or {}
    if savings.get("money_gbp") or savings.get("staff_hours") or savings.get("other"):
        return True
    return any(_FIGURE.search(str(record.get(k) or "")) for k in ("outcome", "patient_benefit"))


def _named_quote(record: Record) -> bool:
    quote = record.get("quote") or {}
    consent = record.get("consent") or {}
    return bool(quote.get("text") and quote.get("name") and consent.get("named") is True)


def _quote_hint(record: Record) -> str:
    quote = record.get("quote") or {}
    if not quote.get("text"):
        return "There is no quote: a few words from the person who benefited, with their name."
    if not quote.get("name"):
        return "The quote has no named person: add who said it, if they agree to be named."
    return ("The quoted person has not agreed to be named, so their name will not be shown: "
            "ask them, and answer the consent question.")


@dataclass(frozen=True)
class _Rule:
    key: str
    label: str
    met: Callable[[Record], bool]
    hint: Callable[[Record], str]
    shows: Callable[[Record], str]  # the part of a published example that does it well


RULES: tuple[_Rule, ...] = (
    _Rule("achievement", "Clear about what was achieved",
          lambda r: _words(r.get("outcome")) >= MIN_WORDS,
          lambda r: f"Say what was achieved: the outcome has {_words(r.get('outcome'))} words; "
                    f"case studies that are accepted say in {MIN_WORDS} or more what changed.",
          lambda r: str(r.get("outcome", ""))),
    _Rule("impact", "Clear about the impact",
          lambda r: bool(r.get("impact_types")) and (
              bool(r.get("patient_benefit")) or _words(r.get("outcome")) >= 2 * MIN_WORDS),
          lambda r: "Describe the impact: choose the impact types and say who benefited and "
                    "how (the benefit to patients, or for staff and services).",
          lambda r: str(r.get("patient_benefit") or r.get("outcome", ""))),
    _Rule("library_role", "Clear about the library's role",
          lambda r: _words(r.get("lks_contribution")) >= MIN_WORDS,
          lambda r: "Say what the library did, in words someone outside the library "
                    "understands: what was searched or summarised, by whom, and how fast.",
          lambda r: str(r.get("lks_contribution", ""))),
    _Rule("quantified", "A cost or time saving, or a similar high-level impact", _has_figure,
          lambda r: "No cost or time figure: case studies with figures carry the most weight. "
                    "Add the money or staff time saved, or another measured change.",
          lambda r: headline(dict(r))),
    _Rule("named_champion", "A quote from a named library champion", _named_quote, _quote_hint,
          lambda r: f"“{(r.get('quote') or {}).get('text', '')}” "
                    f"– {(r.get('quote') or {}).get('name', '')}"),
)


def check_record(record: Record) -> list[Check]:
    return [Check(rule.key, rule.label, rule.met(record), "" if rule.met(record)
                  else rule.hint(record)) for rule in RULES]


def _example(rule: _Rule, generation: Generation, preferred: list[str]) -> dict[str, str] | None:
    """A published case study that meets ``rule``: a precedent if one does, else the first
    such in the collection (the same one every time, so hints do not flicker)."""
    store = generation.store
    candidates = [o for o in (store.ordinal(i) for i in preferred) if o is not None]
    candidates += range(min(len(store), 400))
    for ordinal in candidates:
        record = store.get(ordinal)
        if rule.met(record):
            text = rule.shows(record)
            return {"id": record["id"], "title": record["title"], "url": f"/cases/{record['id']}",
                    "text": text if len(text) <= 400 else text[:397].rsplit(" ", 1)[0] + "…"}
    return None


def assist(generation: Generation, record: Record, k: int = PRECEDENTS) -> Assistance:
    """The checks (with examples for the unmet ones) and the precedents of a draft."""
    help_ = Assistance(checks=check_record(record))
    text = draft_text(record)
    if len(text.split()) < 3:
        help_.note = "Write a title and a few sentences to see published case studies like it."
    else:
        # Precedents from the whole collection: a good example may come from any region.
        help_.precedents = similar_to_text(generation, text[:20_000], k, Filters())
    preferred = [h.id for h in help_.precedents.hits] if help_.precedents else []
    rules = {rule.key: rule for rule in RULES}
    for check in help_.unmet:
        check.example = _example(rules[check.key], generation, preferred)
    return help_
