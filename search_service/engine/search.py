"""Search and "similar impact": the query logic behind the API, the pages and the widget.

Flask-free by rule: nothing here imports Flask or reads request globals, so the JSON API and
the HTML pages call the same functions and cannot disagree. Results are plain dataclasses with
``to_json()``.

Text matching and BM25F ranking run in Whoosh; filters, facet counts and date/title sorting run
over the NumPy facet columns (see :mod:`indexer.facets`); similarity is TF-IDF cosine.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from whoosh import query as wq

from indexer.analysis import default_pipeline
from indexer.facets import FACETS, FacetColumns
from indexer.fulltext import FullText
from search_service.engine.errors import QueryError
from search_service.engine.live import Generation
from search_service.engine.params import Filters, SearchParams
from search_service.engine.query import Expander, ParsedQuery, parse_query
from search_service.engine.scoring import evaluate, term_scores
from search_service.engine.snippets import snippet

__all__ = [
    "SearchPage", "Hit",
    "search", "rank_fulltext", "scored_matches", "fulltext_expander", "hit_fields",
    "filter_mask", "facet_counts", "matching_mask", "check_cost", "MAX_POSTINGS",
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
    took_ms: float = 0.0
    boosted_total: int | None = None  # set when params.boost is active

    @property
    def pages(self) -> int:
        return max(1, -(-min(self.total, 1000) // self.params.per_page))

    def to_json(self) -> dict[str, Any]:
        return {"query": self.params.echo(), "total": self.total,
                "hits": [h.to_json() for h in self.hits], "facets": self.facets,
                "notices": self.notices, "did_you_mean": self.did_you_mean,
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
        "impact_types": many("impact_type", record["impact_types"]),
        "region": one("region"),
        "sector": one("sector"),
        "group_impacted": one("group_impacted"),
        "service_types": many("service_type", record["service_types"]),
        "organisation": {**one("organisation"), "label": record["organisation"]},
        "year": int(record["submitted_date"][:4]),
    }


def _facet_mask(columns: FacetColumns, facet: str, keys: tuple[str, ...]) -> np.ndarray:
    index = columns.index_of(facet)
    chosen = [index[k] for k in keys if k in index]
    if facet in columns.members:
        return np.asarray(columns.members[facet][:, chosen].any(axis=1))
    return np.isin(columns.codes[facet], chosen)


def _base_mask(columns: FacetColumns, filters: Filters) -> np.ndarray:
    mask = np.ones(columns.size, dtype=bool)
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


def fulltext_expander(fulltext: FullText) -> Expander:
    """``expand(field, prefix)``: the index terms that start with ``prefix``, at most 1,001."""
    reader = fulltext.searcher.reader()

    def expand(field_name: str, prefix: str) -> list[str]:
        if not prefix:
            return []
        found = []
        for term in reader.expand_prefix(field_name, prefix):
            found.append(term.decode("utf-8") if isinstance(term, bytes) else term)
            if len(found) > 1000:
                break
        return found

    return expand


def scored_matches(fulltext: FullText, query: wq.Query) -> tuple[np.ndarray, np.ndarray]:
    """Ordinals of every document ``query`` matches and their BM25F scores.

    One evaluation gives both the match set (for totals and facet counts) and the scores (for
    ranking), over whole arrays (see :mod:`search_service.engine.scoring`).
    """
    matches, scores = evaluate(fulltext.searcher, query)
    docnums = np.flatnonzero(matches)
    return fulltext.docnum_to_ord[docnums], scores[docnums]


def matching_mask(generation: Generation, parsed: ParsedQuery) -> np.ndarray:
    size = generation.columns.size
    if parsed.query is None:
        return np.ones(size, dtype=bool)
    ordinals, _ = scored_matches(generation.fulltext, parsed.query)
    mask = np.zeros(size, dtype=bool)
    mask[ordinals] = True
    return mask


Matches = tuple[np.ndarray, np.ndarray]  # (ordinals, scores) from scored_matches


def _best(fulltext: FullText, matches: Matches, allowed: np.ndarray | None,
          limit: int) -> list[tuple[int, float]]:
    """The top ``limit`` (ordinal, score) pairs of ``matches`` among ``allowed`` ordinals."""
    ordinals, scores = matches
    if allowed is not None:
        keep = allowed[ordinals]
        ordinals, scores = ordinals[keep], scores[keep]
    # Best score first; equal scores in index order, as Whoosh's collector returns them.
    order = np.lexsort((fulltext.ord_to_docnum[ordinals], -scores))[:limit]
    return [(int(ordinals[i]), float(scores[i])) for i in order]


def rank_fulltext(fulltext: FullText, parsed: ParsedQuery, allowed: np.ndarray | None,
                  limit: int) -> list[tuple[int, float]]:
    """The top ``limit`` (ordinal, BM25F score) pairs among ``allowed`` ordinals."""
    if parsed.query is None:
        return []
    return _best(fulltext, scored_matches(fulltext, parsed.query), allowed, limit)


def _order(columns: FacetColumns, selected: np.ndarray, sort: str) -> np.ndarray:
    if sort == "title":
        return selected[np.argsort(columns.title_rank[selected], kind="stable")]
    dates = columns.date[selected]
    keys = (columns.title_rank[selected], dates if sort == "oldest" else -dates)
    return selected[np.lexsort(keys)]


def _top(generation: Generation, matches: Matches, selected: np.ndarray, sort: str,
         limit: int) -> list[tuple[int, float | None]]:
    """The first ``limit`` (ordinal, score) pairs of ``selected`` in ``sort`` order."""
    if limit <= 0 or not selected.any():
        return []
    if sort == "relevance":
        return list(_best(generation.fulltext, matches, selected, limit))
    ordered = _order(generation.columns, np.flatnonzero(selected), sort)
    return [(int(o), None) for o in ordered[:limit]]


def _did_you_mean(generation: Generation, parsed: ParsedQuery) -> str | None:
    stopwords = default_pipeline().stopwords
    changed = False
    words = []
    for word in parsed.words:
        folded = word.lower()
        if len(folded) > 3 and folded not in stopwords and not generation.speller.known(folded):
            found = generation.speller.suggest(folded)
            if found:
                folded, changed = found, True
        words.append(folded)
    return " ".join(words) if changed else None


# Postings a query may walk that are not already cached: a first walk costs about 2.3 us a
# posting here (300,000: about 0.7 s), a cached term nothing. At 100k case studies this still
# lets "falls" (50,000) and "patient care" (283,000) through, and stops 16 common words
# (1.8 million, 2.5 s).
MAX_POSTINGS = 300_000


def check_cost(generation: Generation, parsed: ParsedQuery) -> None:
    """Refuse (400) a query whose uncached words together occur in too many postings."""
    if parsed.query is None:
        return
    searcher = generation.fulltext.searcher
    reader = searcher.reader()
    cache = term_scores(searcher)
    cost = sum(reader.doc_frequency(name, text) for leaf in parsed.query.leaves()
               for name, text in leaf.iter_all_terms() if not cache.cached(name, text))
    if cost > MAX_POSTINGS:
        raise QueryError(f"The query is too broad for this collection: its words occur in "
                         f"{cost:,} places; the limit is {MAX_POSTINGS:,}. Use fewer, more "
                         "specific words, or filters.")


def search(generation: Generation, params: SearchParams) -> SearchPage:
    with generation.fulltext.lock:
        return _search(generation, params)


def _search(generation: Generation, params: SearchParams) -> SearchPage:
    started = time.perf_counter()
    columns = generation.columns
    parsed = parse_query(params.q, fulltext_expander(generation.fulltext))
    check_cost(generation, parsed)
    if parsed.query is None:
        matches: Matches = (np.arange(columns.size), np.zeros(columns.size))
    else:
        matches = scored_matches(generation.fulltext, parsed.query)
    matched = np.zeros(columns.size, dtype=bool)
    matched[matches[0]] = True
    selected = matched & filter_mask(columns, params.filters)
    total = int(selected.sum())
    first = (params.page - 1) * params.per_page
    sort = params.sort if parsed.query is not None or params.sort != "relevance" else "newest"
    limit = first + params.per_page
    boosted: np.ndarray | None = None
    if params.boost.active:
        boosted = selected & filter_mask(columns, params.boost)
        ranked = _top(generation, matches, boosted, sort, limit)
        if len(ranked) < limit:  # the boosted documents ran out: the rest follow
            rest = selected & ~boosted
            ranked += _top(generation, matches, rest, sort, limit - len(ranked))
    else:
        ranked = _top(generation, matches, selected, sort, limit)
    ranked = ranked[first:]
    records = generation.store.get_many([o for o, _ in ranked])
    hits = [
        Hit(r["id"], r["title"], r["summary"], snippet(r, parsed.terms),
            None if score is None else round(score, 4), f"/cases/{r['id']}",
            hit_fields(r, columns, o))
        for (o, score), r in zip(ranked, records, strict=True)
    ]
    page = SearchPage(params, total, hits, facet_counts(columns, matched, params.filters),
                      list(parsed.notices))
    if boosted is not None:
        page.boosted_total = int(boosted.sum())
        for hit, (o, _score) in zip(hits, ranked, strict=True):
            hit.fields["boosted"] = bool(boosted[o])
    if parsed.words and total < 3:
        page.did_you_mean = _did_you_mean(generation, parsed)
        if page.did_you_mean:
            page.notices.append(f"Did you mean “{page.did_you_mean}”?")
    page.took_ms = (time.perf_counter() - started) * 1000
    return page

