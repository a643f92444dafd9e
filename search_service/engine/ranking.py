"""Ranking a parsed query: BM25 from the stored impacts, feedback for free words, the top k.

One function ranks for the pages, the API, the widget and ``impact-search eval``
(:func:`rank_query`, then :func:`ranked`), so the benchmark measures what users get.
Flask-free, like the rest of the engine.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from search_service.engine.errors import QueryError
from search_service.engine.feedback import (
    QUERY_WEIGHT,
    RELATED_FILL,
    feedback_columns,
    free_word_weights,
)
from search_service.engine.query import Expander, ParsedQuery
from search_service.engine.scoring import TEXT, TextIndex, evaluate, uncached_postings

__all__ = ["Ranking", "rank_query", "ranked", "rank_fulltext", "prefix_expander",
           "check_cost", "MAX_POSTINGS"]

Ranked = list[tuple[int, float]]  # (ordinal, score), best first


@dataclass
class Ranking:
    matched: np.ndarray  # bool per ordinal: the documents that match the query
    scores: np.ndarray  # float per ordinal, feedback included
    related: bool = False  # free words: unmatched documents with a score may follow


def rank_query(index: TextIndex, parsed: ParsedQuery) -> Ranking:
    """Match and score every document; free words get pseudo-relevance feedback."""
    if parsed.query is None:
        return Ranking(np.ones(index.size, dtype=bool), np.zeros(index.size))
    weights = free_word_weights(parsed.query)
    if weights is None:
        return Ranking(*evaluate(index, parsed.query))
    # Free words: the weighted sum of their stored scores, in one pass. Every stored score is
    # positive (Lucene's idf is), so a document matches exactly where its sum is.
    first = index.impacts.scores(weights)
    matched = first > 0
    if not matched.any():
        return Ranking(matched, first)
    # The same as impacts.scores(feedback.expand(...)) (a test checks): the typed words'
    # share is the first pass scaled, so only the feedback terms need summing.
    columns, votes = feedback_columns(index, first)
    scores = QUERY_WEIGHT / sum(weights.values()) * first + index.impacts.column_scores(
        columns.tolist(), ((1 - QUERY_WEIGHT) * votes).tolist())
    return Ranking(matched, scores, True)


def _top(scores: np.ndarray, candidates: np.ndarray, limit: int) -> Ranked:
    # Best score first; equal scores in ordinal order.
    if len(candidates) > limit:
        # Only the best ``limit`` (and anything tied with the last of them) need sorting.
        cut = np.partition(-scores[candidates], limit - 1)[limit - 1]
        candidates = candidates[-scores[candidates] <= cut]
    chosen = candidates[np.lexsort((candidates, -scores[candidates]))[:limit]]
    return list(zip(chosen.tolist(), scores[chosen].tolist(), strict=True))


def ranked(ranking: Ranking, allowed: np.ndarray | None, limit: int) -> tuple[Ranked, int]:
    """The first ``limit`` of the ranked list among ``allowed``, and how many of the whole
    list are related documents (free words with fewer than ``RELATED_FILL`` matches get the
    feedback query's best other documents after the matches)."""
    usable = ranking.matched if allowed is None else ranking.matched & allowed
    candidates = np.flatnonzero(usable)
    out = _top(ranking.scores, candidates, limit) if limit > 0 else []
    if not ranking.related or len(candidates) >= RELATED_FILL:
        return out, 0
    others = ~ranking.matched & (ranking.scores > 0)
    if allowed is not None:
        others &= allowed
    extra = _top(ranking.scores, np.flatnonzero(others), RELATED_FILL - len(candidates))
    return (out + extra)[:limit], len(extra)


def rank_fulltext(index: TextIndex, parsed: ParsedQuery, allowed: np.ndarray | None,
                  limit: int) -> Ranked:
    """The top ``limit`` (ordinal, score) pairs among ``allowed`` ordinals, related included."""
    if parsed.query is None:
        return []
    return ranked(rank_query(index, parsed), allowed, limit)[0]


def prefix_expander(index: TextIndex) -> Expander:
    """``expand(field, prefix)``: the index terms that start with ``prefix``, at most 1,001."""
    reader = index.fulltext.searcher.reader()

    def expand_prefix(field_name: str, prefix: str) -> list[str]:
        if not prefix:
            return []
        if field_name == TEXT:
            return index.impacts.expand_prefix(prefix, 1001)
        found = []
        for term in reader.expand_prefix(field_name, prefix):
            found.append(term.decode("utf-8") if isinstance(term, bytes) else term)
            if len(found) > 1000:
                break
        return found

    return expand_prefix


# Postings a query may read from Whoosh that are not already cached: positions for phrases
# and documents for field-restricted words (about 2.3 us a posting the first time; 300,000:
# about 0.7 s). Plain words read nothing (their scores are stored), so no plain-words query is
# refused, whatever the collection's size.
MAX_POSTINGS = 300_000


def check_cost(index: TextIndex, parsed: ParsedQuery) -> None:
    """Refuse (400) a query whose phrases and fields would read too many uncached postings."""
    if parsed.query is None:
        return
    cost = uncached_postings(index, parsed.query)
    if cost > MAX_POSTINGS:
        raise QueryError(f"The query is too broad for this collection: its phrases and fields "
                         f"occur in {cost:,} places; the limit is {MAX_POSTINGS:,}. Use fewer, "
                         "more specific words, or filters.")
