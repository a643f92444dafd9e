"""Everything that is not a ranked search: one case study (``lookup``), the facet overview,
and completions (``suggest``). Flask-free, like the rest of :mod:`search_service.engine`.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from indexer.suggest import fold
from search_service.engine.errors import NotFound, ParameterError
from search_service.engine.live import Generation
from search_service.engine.params import Filters
from search_service.engine.search import facet_counts, hit_fields

__all__ = ["CaseStudy", "FacetOverview", "Suggestion", "Suggestions", "lookup",
           "facet_overview", "suggest", "published_ids", "MAX_SUGGEST_CHARS",
           "MIN_SUGGEST_CHARS"]

MAX_SUGGEST_CHARS = 100
MIN_SUGGEST_CHARS = 2  # shorter prefixes match too much to be useful


@dataclass(frozen=True)
class CaseStudy:
    """One published case study: its public record (consent applied at build time), its
    address and its facet values with labels."""

    record: dict[str, Any]
    url: str
    facets: dict[str, Any]

    @property
    def id(self) -> str:
        return str(self.record["id"])

    def to_json(self) -> dict[str, Any]:
        return {**self.record, "url": self.url, "facets": self.facets}


@dataclass(frozen=True)
class FacetOverview:
    """Every vocabulary value with its count over the whole collection."""

    total: int
    facets: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        return {"total": self.total, "facets": self.facets}


@dataclass(frozen=True)
class Suggestion:
    text: str
    kind: str  # "title", "topic" or a facet name
    key: str | None  # the facet key for a facet completion

    def to_json(self) -> dict[str, Any]:
        return {"text": self.text, "kind": self.kind, "key": self.key}


@dataclass(frozen=True)
class Suggestions:
    q: str
    suggestions: list[Suggestion] = field(default_factory=list)
    did_you_mean: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"q": self.q, "suggestions": [s.to_json() for s in self.suggestions],
                "did_you_mean": self.did_you_mean}


def lookup(generation: Generation, case_id: str) -> CaseStudy:
    """The published case study ``case_id``, or :class:`NotFound`."""
    ordinal = generation.store.ordinal(case_id)
    if ordinal is None:
        raise NotFound(f"No published case study has the id {case_id[:100]!r}")
    record = generation.store.get(ordinal)
    return CaseStudy(record, f"/cases/{record['id']}",
                     hit_fields(record, generation.columns, ordinal))


def published_ids(generation: Generation) -> list[str]:
    """The id of every published case study, in the index's order (for the sitemap)."""
    return generation.store.ids()


def facet_overview(generation: Generation) -> FacetOverview:
    """Every vocabulary value with its count over the whole collection."""
    everything = np.ones(generation.columns.size, dtype=bool)
    return FacetOverview(generation.columns.size, facet_counts(
        generation.columns, everything, Filters(), include_zero=True))


def suggest(generation: Generation, text: str, limit: int = 8) -> Suggestions:
    """Prefix completions from titles, topics and facet labels, and a did-you-mean."""
    if len(text) > MAX_SUGGEST_CHARS:
        raise ParameterError("q", f"at most {MAX_SUGGEST_CHARS} characters")
    prefix = fold(text)
    rows = generation.suggestions
    found: list[list[Any]] = []
    if len(prefix) >= MIN_SUGGEST_CHARS:
        start = bisect.bisect_left(rows, prefix, key=lambda row: row[0])
        for row in rows[start:]:
            if not row[0].startswith(prefix):
                break
            found.append(row)
    found.sort(key=lambda row: (-row[4], row[0]))
    seen: set[str] = set()
    suggestions: list[Suggestion] = []
    for folded, shown, kind, value, _weight in found:
        if folded in seen:
            continue
        seen.add(folded)
        suggestions.append(Suggestion(shown, kind, value or None))
        if len(suggestions) == limit:
            break
    return Suggestions(text, suggestions,
                       _correct(generation, prefix) if not suggestions else None)


def _correct(generation: Generation, text: str) -> str | None:
    words = text.split()
    if not words or len(words[-1]) < 4:
        return None
    if generation.speller.known(words[-1]):
        return None
    found = generation.speller.suggest(words[-1])
    return " ".join([*words[:-1], found]) if found else None
