"""Everything that is not a ranked search: one case study, the facet overview, completions.

Flask-free, like :mod:`search_service.engine.search`.
"""

from __future__ import annotations

import bisect
from typing import Any

import numpy as np

from indexer.suggest import fold
from search_service.engine.errors import NotFound, ParameterError
from search_service.engine.live import Generation
from search_service.engine.params import Filters
from search_service.engine.search import facet_counts, hit_fields

__all__ = ["get_case", "facet_overview", "suggest", "MAX_SUGGEST_CHARS"]

MAX_SUGGEST_CHARS = 100


def get_case(generation: Generation, case_id: str) -> dict[str, Any]:
    """The public record (consent already applied at build time), with facet labels."""
    ordinal = generation.store.ordinal(case_id)
    if ordinal is None:
        raise NotFound(f"No published case study has the id {case_id[:100]!r}")
    record = generation.store.get(ordinal)
    return {**record, "url": f"/cases/{record['id']}",
            "facets": hit_fields(record, generation.columns, ordinal)}


def facet_overview(generation: Generation) -> dict[str, Any]:
    """Every vocabulary value with its count over the whole collection."""
    everything = np.ones(generation.columns.size, dtype=bool)
    return {"total": generation.columns.size,
            "facets": facet_counts(generation.columns, everything, Filters(), include_zero=True)}


def suggest(generation: Generation, text: str, limit: int = 8) -> dict[str, Any]:
    """Prefix completions from titles, topics and facet labels, and a did-you-mean."""
    if len(text) > MAX_SUGGEST_CHARS:
        raise ParameterError("q", f"at most {MAX_SUGGEST_CHARS} characters")
    prefix = fold(text)
    rows = generation.suggestions
    found: list[list[Any]] = []
    if len(prefix) >= 2:
        start = bisect.bisect_left(rows, prefix, key=lambda row: row[0])
        for row in rows[start:]:
            if not row[0].startswith(prefix):
                break
            found.append(row)
    found.sort(key=lambda row: (-row[4], row[0]))
    seen: set[str] = set()
    suggestions = []
    for folded, shown, kind, value, _weight in found:
        if folded in seen:
            continue
        seen.add(folded)
        suggestions.append({"text": shown, "kind": kind, "key": value or None})
        if len(suggestions) == limit:
            break
    return {"q": text, "suggestions": suggestions,
            "did_you_mean": _correct(generation, prefix) if not suggestions else None}


def _correct(generation: Generation, text: str) -> str | None:
    words = text.split()
    if not words or len(words[-1]) < 4:
        return None
    if generation.speller.known(words[-1]):
        return None
    found = generation.speller.suggest(words[-1])
    return " ".join([*words[:-1], found]) if found else None
