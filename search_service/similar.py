"""'Similar impact': the closest case studies to a published one or to a librarian's draft,
each with its reasons (the words that contribute most to the cosine, and shared facets).

Flask-free, like :mod:`search_service.search`. A draft is analysed in memory and never stored.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import sparse

from indexer.facets import FACETS
from search_service.live import Generation
from search_service.params import Filters, ParameterError
from search_service.search import NotFound, filter_mask, hit_fields

__all__ = ["SimilarHit", "SimilarPage", "similar_to_case", "similar_to_text",
           "MAX_DRAFT_CHARS", "MAX_K"]

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
    return values


def _shared(generation: Generation, a: int, b: int) -> list[dict[str, str]]:
    columns = generation.columns
    labels = {(f, k): lab for f in columns.keys
              for k, lab in zip(columns.keys[f], columns.labels[f], strict=True)}
    common = _facet_values(generation, a) & _facet_values(generation, b)
    order = {spec.name: i for i, spec in enumerate(FACETS)}
    return [{"facet": f, "key": k, "label": labels[(f, k)]}
            for f, k in sorted(common, key=lambda fk: (order[fk[0]], fk[1]))]


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
    for ordinal, record in zip(ordered.tolist(), records, strict=True):
        reasons: dict[str, Any] = {
            "terms": generation.similarity.shared_terms(vector, ordinal),
            "shared": _shared(generation, exclude, ordinal) if exclude is not None else
            _shared_with_filters(generation, filters, ordinal),
        }
        page.hits.append(SimilarHit(
            record["id"], record["title"], record["summary"], round(float(scores[ordinal]), 4),
            f"/cases/{record['id']}", reasons, hit_fields(record, generation.columns, ordinal)))
    page.took_ms = (time.perf_counter() - started) * 1000
    return page


def _shared_with_filters(generation: Generation, filters: Filters,
                         ordinal: int) -> list[dict[str, str]]:
    # A draft has no facets of its own; the facets the librarian chose stand in for them.
    mine = {(f, k) for f, keys in filters.facets.items() for k in keys}
    columns = generation.columns
    labels = {(f, k): lab for f in columns.keys
              for k, lab in zip(columns.keys[f], columns.labels[f], strict=True)}
    return [{"facet": f, "key": k, "label": labels[(f, k)]}
            for f, k in sorted(mine & _facet_values(generation, ordinal))]


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

