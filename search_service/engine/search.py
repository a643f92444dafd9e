"""Search and "similar impact": the query logic behind the API, the pages and the widget.

Flask-free by rule: nothing here imports Flask or reads request globals, so the JSON API and
the HTML pages call the same functions and cannot disagree. Results are plain dataclasses with
``to_json()``.

Matching and BM25 ranking run over arrays (:mod:`search_service.engine.ranking`); filters,
facet counts and date/title sorting run over the NumPy facet columns (see
:mod:`indexer.facets`); similarity is TF-IDF cosine.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from indexer.facets import FACETS, NOT_STATED_LABEL, FacetColumns
from search_service.engine.correction import FEW, Correction, corrected_text, did_you_mean
from search_service.engine.live import Generation
from search_service.engine.params import Filters, SearchParams
from search_service.engine.query import ParsedQuery, parse_query
from search_service.engine.ranking import (
    Ranking,
    check_cost,
    prefix_expander,
    rank_query,
    ranked,
)
from search_service.engine.snippets import snippet

__all__ = [
    "SearchPage", "Hit",
    "search", "hit_fields", "filter_mask", "facet_counts", "matching_mask",
]


@dataclass
class Hit:
    id: str
    title: str
    summary: str
    snippet: str
    score: float | None
    url: str
    fields: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "summary": self.summary,
                "snippet": self.snippet, "score": self.score, "url": self.url, **self.fields}


@dataclass
class SearchPage:
    params: SearchParams
    total: int
    hits: list[Hit]
    facets: dict[str, list[dict[str, Any]]]
    notices: list[str] = field(default_factory=list)
    did_you_mean: str | None = None
    correction: Correction | None = None  # the results are for a surely corrected query
    took_ms: float = 0.0
    boosted_total: int | None = None  # set when params.boost is active
    related: int = 0  # documents after the matches that do not contain the words

    @property
    def pages(self) -> int:
        return max(1, -(-min(self.total + self.related, 1000) // self.params.per_page))

    def to_json(self) -> dict[str, Any]:
        return {"query": self.params.echo(), "total": self.total, "related": self.related,
                "hits": [h.to_json() for h in self.hits], "facets": self.facets,
                "notices": self.notices, "did_you_mean": self.did_you_mean,
                "correction": None if self.correction is None else self.correction.to_json(),
                "took_ms": round(self.took_ms, 2),
                **({} if self.boosted_total is None else {"boosted_total": self.boosted_total})}


def hit_fields(record: dict[str, Any], columns: FacetColumns, ordinal: int) -> dict[str, Any]:
    """A record's facet values as ``{"key", "label"}``, labelled from the generation's columns."""

    def one(facet: str) -> dict[str, str]:
        code = int(columns.codes[facet][ordinal])
        return {"key": columns.keys[facet][code], "label": columns.labels[facet][code]}

    def many(facet: str, keys: list[str]) -> list[dict[str, str]]:
        return [{"key": k, "label": columns.label(facet, k)} for k in keys]

    return {
        "impact_types": many("impact_type", record.get("impact_types", [])),
        "region": one("region"),
        "sector": one("sector"),
        "group_impacted": one("group_impacted"),
        "service_types": many("service_type", record.get("service_types", [])),
        "organisation": {**one("organisation"),
                         "label": record.get("organisation", NOT_STATED_LABEL)},
        # An imported record may have no date: no year then.
        "year": int(record["submitted_date"][:4]) if "submitted_date" in record else None,
    }


def _facet_mask(columns: FacetColumns, facet: str, keys: tuple[str, ...]) -> np.ndarray:
    index = columns.index_of(facet)
    chosen = [index[k] for k in keys if k in index]
    if facet in columns.members:
        return np.asarray(columns.members[facet][:, chosen].any(axis=1))
    return np.isin(columns.codes[facet], chosen)


def _base_mask(columns: FacetColumns, filters: Filters) -> np.ndarray:
    mask = np.ones(columns.size, dtype=bool)
    if filters.year_from is not None or filters.year_to is not None:
        mask &= columns.year != 0  # no date (year 0): no year filter matches, year_to alone too
    if filters.year_from is not None:
        mask &= columns.year >= filters.year_from
    if filters.year_to is not None:
        mask &= columns.year <= filters.year_to
    if filters.has_savings:
        mask &= columns.has_savings
    return mask


def filter_mask(columns: FacetColumns, filters: Filters) -> np.ndarray:
    mask = _base_mask(columns, filters)
    for facet, keys in filters.facets.items():
        mask &= _facet_mask(columns, facet, keys)
    return mask


def _count(columns: FacetColumns, facet: str, mask: np.ndarray) -> np.ndarray:
    if facet in columns.members:
        return np.asarray(columns.members[facet][mask].sum(axis=0, dtype=np.int64))
    return np.bincount(columns.codes[facet][mask], minlength=len(columns.keys[facet]))


def facet_counts(columns: FacetColumns, matched: np.ndarray, filters: Filters,
                 include_zero: bool = False) -> dict[str, list[dict[str, Any]]]:
    """Counts per facet value; each facet applies every other facet's selection, not its own."""
    base = matched & _base_mask(columns, filters)
    masks = {f: _facet_mask(columns, f, keys) for f, keys in filters.facets.items()}
    out: dict[str, list[dict[str, Any]]] = {}
    for spec in FACETS:
        mask = base.copy()
        for other, other_mask in masks.items():
            if other != spec.name:
                mask &= other_mask
        counts = _count(columns, spec.name, mask)
        selected = set(filters.facets.get(spec.name, ()))
        values: list[dict[str, Any]] = [
            {"key": key, "label": label, "count": int(count), "selected": key in selected}
            for key, label, count in zip(columns.keys[spec.name], columns.labels[spec.name],
                                         counts, strict=True)
            if count > 0 or key in selected or include_zero
        ]
        values.sort(key=lambda v: (-v["count"], v["label"].casefold()))
        out[spec.name] = values
    return out


def matching_mask(generation: Generation, parsed: ParsedQuery) -> np.ndarray:
    """Which documents match ``parsed`` (everything for an empty query)."""
    return rank_query(generation.texts, parsed).matched


def _order(columns: FacetColumns, selected: np.ndarray, sort: str) -> np.ndarray:
    if sort == "title":
        return selected[np.argsort(columns.title_rank[selected], kind="stable")]
    dates = columns.date[selected]
    keys = (columns.title_rank[selected], dates if sort == "oldest" else -dates)
    return selected[np.lexsort(keys)]


def _top(generation: Generation, ranking: Ranking, selected: np.ndarray, sort: str,
         limit: int) -> list[tuple[int, float | None]]:
    """The first ``limit`` (ordinal, score) pairs of ``selected`` in ``sort`` order."""
    if limit <= 0 or not selected.any():
        return []
    if sort == "relevance":
        plain = Ranking(ranking.matched & selected, ranking.scores)
        return list(ranked(plain, None, limit)[0])
    ordered = _order(generation.columns, np.flatnonzero(selected), sort)
    return [(int(o), None) for o in ordered[:limit]]


def search(generation: Generation, params: SearchParams) -> SearchPage:
    started = time.perf_counter()
    with generation.fulltext.lock:
        page, parsed = _search(generation, params)
        if parsed.words:
            page = _corrected(generation, page, parsed)
    page.took_ms = (time.perf_counter() - started) * 1000
    return page


def _corrected(generation: Generation, page: SearchPage, parsed: ParsedQuery) -> SearchPage:
    """The surely corrected query's results if they are no fewer, else "did you mean"."""
    params = page.params
    fixed = None if params.exact else corrected_text(generation, params.q, parsed)
    if fixed is not None:
        better, _ = _search(generation, replace(params, q=fixed))
        if better.total >= max(page.total, 1):
            better.params, better.correction = params, Correction(params.q, fixed)
            better.notices.insert(0, better.correction.notice)
            return better
    if page.total >= FEW:
        return page
    page.did_you_mean = did_you_mean(generation, params.q, parsed)
    if page.did_you_mean:
        page.notices.append(f"Did you mean “{page.did_you_mean}”?")
    return page


def _search(generation: Generation, params: SearchParams) -> tuple[SearchPage, ParsedQuery]:
    columns = generation.columns
    texts = generation.texts
    parsed = parse_query(params.q, prefix_expander(texts))
    check_cost(texts, parsed)
    ranking = rank_query(texts, parsed)
    matched = ranking.matched
    allowed = filter_mask(columns, params.filters)
    selected = matched & allowed
    total = int(selected.sum())
    first = (params.page - 1) * params.per_page
    sort = params.sort if parsed.query is not None or params.sort != "relevance" else "newest"
    limit = first + params.per_page
    boosted: np.ndarray | None = None
    related = 0
    chosen: list[tuple[int, float | None]]
    if params.boost.active:
        boosted = selected & filter_mask(columns, params.boost)
        chosen = _top(generation, ranking, boosted, sort, limit)
        if len(chosen) < limit:  # the boosted documents ran out: the rest follow
            rest = selected & ~boosted
            chosen += _top(generation, ranking, rest, sort, limit - len(chosen))
    elif sort == "relevance":
        best, related = ranked(ranking, allowed, limit)
        chosen = list(best)
    else:
        chosen = _top(generation, ranking, selected, sort, limit)
    chosen = chosen[first:]
    records = generation.store.get_many([o for o, _ in chosen])
    hits = [
        Hit(r["id"], r["title"], r["summary"], snippet(r, parsed.terms),
            None if score is None else round(score, 4), f"/cases/{r['id']}",
            {**hit_fields(r, columns, o), "related": not bool(matched[o])})
        for (o, score), r in zip(chosen, records, strict=True)
    ]
    page = SearchPage(params, total, hits, facet_counts(columns, matched, params.filters),
                      list(parsed.notices), related=related)
    if boosted is not None:
        page.boosted_total = int(boosted.sum())
        for hit, (o, _score) in zip(hits, chosen, strict=True):
            hit.fields["boosted"] = bool(boosted[o])
    return page, parsed

