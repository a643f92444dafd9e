"""'Similar impact': the closest case studies to a published one or to a librarian's draft,
each with its reasons (the words that contribute most to the cosine, and shared facets).

Flask-free, like the rest of :mod:`search_service.engine`. A draft is analysed in memory and
never stored.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import sparse

from indexer.facets import FACETS, NOT_STATED
from search_service.engine.errors import NotFound, ParameterError
from search_service.engine.live import Generation
from search_service.engine.params import Filters
from search_service.engine.search import filter_mask, hit_fields

__all__ = ["SimilarHit", "SimilarPage", "similar_to_case", "similar_to_text",
           "MAX_DRAFT_CHARS", "MAX_K", "check_k"]

MAX_DRAFT_CHARS = 20_000
MAX_K = 50


@dataclass
class SimilarHit:
    id: str
    title: str
    summary: str
    score: float
    url: str
    reasons: dict[str, Any]
    fields: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "summary": self.summary,
                "score": self.score, "url": self.url, "reasons": self.reasons, **self.fields}


@dataclass
class SimilarPage:
    source: str | None  # the case id, or None for a draft
    k: int
    filters: Filters
    hits: list[SimilarHit] = field(default_factory=list)
    took_ms: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return {"source": self.source, "k": self.k, "query": self.filters.echo(),
                "hits": [h.to_json() for h in self.hits], "took_ms": round(self.took_ms, 2)}


def check_k(k: int) -> int:
    if not 1 <= k <= MAX_K:
        raise ParameterError("k", f"must be between 1 and {MAX_K}")
    return k


def _facet_values(generation: Generation, ordinal: int) -> set[tuple[str, str]]:
    columns = generation.columns
    values = set()
    for spec in FACETS:
        if spec.name in columns.members:
            row = columns.members[spec.name][ordinal]
            values |= {(spec.name, columns.keys[spec.name][i]) for i in np.flatnonzero(row)}
        else:
            values.add((spec.name, columns.keys[spec.name][int(columns.codes[spec.name][ordinal])]))
    # Two records that both lack a region are not alike in their region.
    return {(facet, key) for facet, key in values if key != NOT_STATED}


def _shared(generation: Generation, source: set[tuple[str, str]],
            ordinal: int) -> list[dict[str, str]]:
    """The facet values ``source`` and the document at ``ordinal`` have in common."""
    columns = generation.columns
    order = {spec.name: i for i, spec in enumerate(FACETS)}
    common = sorted(source & _facet_values(generation, ordinal),
                    key=lambda fk: (order[fk[0]], fk[1]))
    return [{"facet": f, "key": k,
             "label": columns.labels[f][columns.keys[f].index(k)]} for f, k in common]


def _rank(generation: Generation, vector: sparse.csr_matrix, exclude: int | None, k: int,
          filters: Filters, source: str | None, started: float) -> SimilarPage:
    scores = generation.similarity.scores(vector)
    allowed = filter_mask(generation.columns, filters) & (scores > 0)
    if exclude is not None:
        allowed[exclude] = False
    candidates = np.flatnonzero(allowed)
    if len(candidates) > k:
        top = np.argpartition(-scores[candidates], k - 1)[:k]
        candidates = candidates[top]
    ordered = candidates[np.lexsort((candidates, -scores[candidates]))]
    records = generation.store.get_many([int(o) for o in ordered])
    page = SimilarPage(source, k, filters)
    # A draft has no facets of its own; the facets the librarian chose stand in for them.
    mine = (_facet_values(generation, exclude) if exclude is not None else
            {(f, key) for f, keys in filters.facets.items() for key in keys})
    for ordinal, record in zip(ordered.tolist(), records, strict=True):
        reasons: dict[str, Any] = {
            "terms": generation.similarity.shared_terms(vector, ordinal),
            "shared": _shared(generation, mine, ordinal),
        }
        page.hits.append(SimilarHit(
            record["id"], record["title"], record["summary"], round(float(scores[ordinal]), 4),
            f"/cases/{record['id']}", reasons, hit_fields(record, generation.columns, ordinal)))
    page.took_ms = (time.perf_counter() - started) * 1000
    return page


def similar_to_case(generation: Generation, case_id: str, k: int = 5,
                    filters: Filters | None = None) -> SimilarPage:
    started = time.perf_counter()
    ordinal = generation.store.ordinal(case_id)
    if ordinal is None:
        raise NotFound(f"No published case study has the id {case_id[:100]!r}")
    vector = generation.similarity.row(ordinal)
    return _rank(generation, vector, ordinal, check_k(k), filters or Filters(), case_id, started)


def similar_to_text(generation: Generation, text: str, k: int = 5,
                    filters: Filters | None = None) -> SimilarPage:
    started = time.perf_counter()
    if not isinstance(text, str) or not text.strip():
        raise ParameterError("text", "give the draft's title and a few sentences")
    if len(text) > MAX_DRAFT_CHARS:
        raise ParameterError("text", f"the draft is {len(text):,} characters; the limit is "
                             f"{MAX_DRAFT_CHARS:,}")
    vector = generation.similarity.vectorize(text)
    return _rank(generation, vector, None, check_k(k), filters or Filters(), None, started)

