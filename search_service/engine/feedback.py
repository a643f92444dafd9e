"""Pseudo-relevance feedback for free-word queries: the words of the best first results.

RM3-style (a relevance model interpolated with the query): the first ranking's top
``FEEDBACK_DOCS`` documents, each weighted by its share of their scores, vote for terms with
their TF-IDF vectors (the similarity index's weights; the build keeps each document's 32
heaviest terms beside the BM25 impacts, so feedback reads ten short rows); the
``FEEDBACK_TERMS`` best terms make a second query worth ``1 - QUERY_WEIGHT``, the typed words
``QUERY_WEIGHT`` (shared equally). On NFCorpus dev this lifts nDCG@10 by about 0.02 (train
likewise; ``python -m bench.ranking_experiments --grid prf``) for a few milliseconds.

Only free words get feedback: a phrase, a field, a Boolean operator, a prefix or an exclusion
says exactly what to match. The documents that contain the typed words stay the match set (the
total and facet counts mean "contain your words"); when fewer than ``RELATED_FILL`` match, the
expanded query's best other documents follow them as *related* results, which is where the gain
on NFCorpus comes from (a query with few matches gets useful results after them).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from whoosh import query as wq

from search_service.engine.scoring import TEXT, TextIndex

__all__ = ["FEEDBACK_DOCS", "FEEDBACK_TERMS", "QUERY_WEIGHT", "RELATED_FILL", "PARAMS",
           "free_word_weights", "feedback_columns", "expand"]

FEEDBACK_DOCS = 10
FEEDBACK_TERMS = 10
QUERY_WEIGHT = 0.7
RELATED_FILL = 10
PARAMS = {"documents": FEEDBACK_DOCS, "terms": FEEDBACK_TERMS, "query_weight": QUERY_WEIGHT,
          "related_fill": RELATED_FILL}


class _NotFree(Exception):
    pass


def free_word_weights(query: wq.Query | None) -> dict[str, float] | None:
    """Term -> weight when ``query`` is only free words (a sum of terms), else None."""
    weights: dict[str, float] = {}

    def walk(node: wq.Query, boost: float) -> None:
        if type(node) is wq.Term and node.fieldname == TEXT:
            weights[node.text] = weights.get(node.text, 0.0) + boost * node.boost
        elif getattr(node, "free_words", False):  # the parser's plain union of words
            for sub in node.subqueries:
                walk(sub, boost * node.boost)
        else:
            raise _NotFree

    if query is None:
        return None
    try:
        walk(query, 1.0)
    except _NotFree:
        return None
    return weights or None


def feedback_columns(index: TextIndex, scores: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The best terms of the top documents: (impacts columns, weights summing to 1)."""
    k = min(FEEDBACK_DOCS, len(scores))
    # (kth near the start: numpy's selection slows badly on many equal zeros near the end)
    candidates = np.argpartition(-scores, k - 1)[:k] if k else np.zeros(0, dtype=np.int64)
    candidates = candidates[scores[candidates] > 0]
    if not len(candidates):
        return np.zeros(0, dtype=np.int64), np.zeros(0)
    share = scores[candidates] / scores[candidates].sum()
    found = index.impacts.feedback_terms[candidates].ravel()
    weighted = (index.impacts.feedback_weights[candidates] * share[:, None]).ravel()
    # Votes per distinct column: sort once, sum runs (np.unique does more than this needs).
    order = np.argsort(found, kind="stable")
    found, weighted = found[order], weighted[order]
    starts = np.flatnonzero(np.concatenate(([True], found[1:] != found[:-1])))
    columns, votes = found[starts], np.add.reduceat(weighted, starts)
    best = np.arange(len(votes))
    if len(votes) > FEEDBACK_TERMS:  # only the best (and any tied with the last) need sorting
        cut = -np.partition(-votes, FEEDBACK_TERMS - 1)[FEEDBACK_TERMS - 1]
        best = best[votes >= cut]
    best = best[np.lexsort((columns[best], -votes[best]))][:FEEDBACK_TERMS]
    chosen = columns[best].astype(np.int64)
    keep = (chosen >= 0) & (votes[best] > 0)
    if not keep.any():
        return np.zeros(0, dtype=np.int64), np.zeros(0)
    return chosen[keep], votes[best][keep] / votes[best][keep].sum()


def expand(index: TextIndex, weights: Mapping[str, float],
           scores: np.ndarray) -> dict[str, float]:
    """The typed words' weights interpolated with the best terms of the top documents."""
    typed = sum(weights.values())
    out = {t: QUERY_WEIGHT * w / typed for t, w in weights.items()}
    columns, votes = feedback_columns(index, scores)
    for column, vote in zip(columns.tolist(), votes.tolist(), strict=True):
        term = index.impacts.terms[column]
        out[term] = out.get(term, 0.0) + (1 - QUERY_WEIGHT) * vote
    return out
