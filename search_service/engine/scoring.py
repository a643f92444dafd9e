"""BM25F scores for a whole query at once, in NumPy, from cached per-term score vectors.

Whoosh's matchers walk the matching documents one at a time in Python, so a query that matches
most of a 10,000-document index took tens of milliseconds to score. Here each leaf of the query,
a ``(field, term)`` pair, becomes the list of documents that contain it with Whoosh's own BM25F
score for each (worked out once, by walking that term's postings with Whoosh's scorer, then kept
in a bounded cache), and the query tree is evaluated over whole arrays:

- ``Or`` sums its children's scores and ``And`` sums them where every child matches, exactly as
  Whoosh's union and intersection matchers do (the query parser no longer asks for Whoosh's
  coordination bonus, which a plain sum could not reproduce);
- ``AndNot`` keeps the left side's scores where the right side does not match;
- a phrase matches where its words' positions follow each other (position lists are cached
  like scores) and scores the sum of its words, as Whoosh's phrase matcher does;
- anything else is walked by Whoosh's matcher for that subtree.

The result is the same match set and the same scores as Whoosh's matcher (a test compares them).
Flask-free, like the rest of the query code.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict

import numpy as np
from whoosh import query as wq
from whoosh.searching import Searcher

__all__ = ["TermScores", "evaluate", "term_scores"]

Vector = tuple[np.ndarray, np.ndarray]  # (matches: bool per docnum, scores: float per docnum)
POSTINGS_BUDGET = 4_000_000  # cached postings per open index (12 bytes each)


class TermScores:
    """``(field, term)`` -> (docnums, BM25F scores), least recently used dropped first."""

    def __init__(self, searcher: Searcher, budget: int = POSTINGS_BUDGET) -> None:
        self.searcher = searcher
        self.budget = budget
        self.size = 0
        self._lock = threading.Lock()
        self._cache: OrderedDict[tuple[str, ...], tuple[np.ndarray, np.ndarray]] = OrderedDict()

    def cached(self, field: str, text: str) -> bool:
        """Whether this term's scores are held, so using it costs no walk of its postings."""
        with self._lock:
            return (field, text) in self._cache

    def get(self, field: str, text: str) -> tuple[np.ndarray, np.ndarray]:
        key = (field, text)
        with self._lock:
            found = self._cache.get(key)
            if found is not None:
                self._cache.move_to_end(key)
                return found
        found = self._walk(field, text)
        self._store(key, found)
        return found

    def positions(self, field: str, text: str) -> np.ndarray:
        """Sorted ``docnum << 32 | position`` of every occurrence of ``text`` in ``field``."""
        key = (field, text, "positions")
        with self._lock:
            found = self._cache.get(key)
            if found is not None:
                self._cache.move_to_end(key)
                return found[0]
        keys: list[int] = []
        term = self.searcher.schema[field].to_bytes(text)
        for leaf, offset in self.searcher.leaf_searchers():
            if (field, term) not in leaf.reader():
                continue
            matcher = leaf.postings(field, term)
            while matcher.is_active():
                doc = (matcher.id() + offset) << 32
                keys.extend(doc | p for p in matcher.value_as("positions"))
                matcher.next()
        array = np.asarray(keys, dtype=np.int64)
        self._store(key, (array, array))
        return array

    def _store(self, key: tuple[str, ...], value: tuple[np.ndarray, np.ndarray]) -> None:
        with self._lock:
            if key not in self._cache:
                self._cache[key] = value
                self.size += len(value[0])
            while self.size > self.budget and len(self._cache) > 1:
                _, (dropped, _) = self._cache.popitem(last=False)
                self.size -= len(dropped)

    def _walk(self, field: str, text: str) -> tuple[np.ndarray, np.ndarray]:
        docnums: list[int] = []
        scores: list[float] = []
        if field not in self.searcher.schema:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        term = self.searcher.schema[field].to_bytes(text)
        for leaf, offset in self.searcher.leaf_searchers():
            if (field, term) not in leaf.reader():
                continue
            matcher = leaf.postings(field, term, weighting=self.searcher.weighting)
            while matcher.is_active():
                docnums.append(matcher.id() + offset)
                scores.append(matcher.score())
                matcher.next()
        return np.asarray(docnums, dtype=np.int64), np.asarray(scores, dtype=np.float64)


_caches: weakref.WeakKeyDictionary[Searcher, TermScores] = weakref.WeakKeyDictionary()
_caches_lock = threading.Lock()


def term_scores(searcher: Searcher) -> TermScores:
    with _caches_lock:
        cache = _caches.get(searcher)
        if cache is None:
            cache = _caches[searcher] = TermScores(searcher)
        return cache


def _empty(size: int) -> Vector:
    return np.zeros(size, dtype=bool), np.zeros(size, dtype=np.float64)


def _walk(searcher: Searcher, query: wq.Query, size: int) -> Vector:
    """Whoosh's own matcher over ``query``, for the kinds of query this module cannot sum."""
    matches, scores = _empty(size)
    context = searcher.context()
    for leaf, offset in searcher.leaf_searchers():
        matcher = query.matcher(leaf, context)
        while matcher.is_active():
            docnum = matcher.id() + offset
            matches[docnum] = True
            scores[docnum] = matcher.score()
            matcher.next()
    return matches, scores


def _boosted(vector: Vector, boost: float) -> Vector:
    return vector if boost == 1.0 else (vector[0], vector[1] * boost)


def _phrase(searcher: Searcher, query: wq.Phrase, size: int) -> Vector:
    """Documents where the words occur in a row; Whoosh scores them as the sum of the words."""
    cache = term_scores(searcher)
    ends = cache.positions(query.fieldname, query.words[0])
    for word in query.words[1:]:
        ends = np.intersect1d(ends + 1, cache.positions(query.fieldname, word),
                              assume_unique=True)
    matches, scores = _empty(size)
    matches[np.unique(ends >> 32)] = True
    for word in query.words:
        docnums, values = cache.get(query.fieldname, word)
        scores[docnums] += values
    return _boosted((matches, np.where(matches, scores, 0.0)), query.boost)


def evaluate(searcher: Searcher, query: wq.Query) -> Vector:
    """Which documents (by docnum) match ``query``, and their BM25F scores."""
    size = searcher.doc_count_all()
    if isinstance(query, type(wq.NullQuery)):
        return _empty(size)
    if type(query) is wq.Term:
        docnums, values = term_scores(searcher).get(query.fieldname, query.text)
        matches, scores = _empty(size)
        matches[docnums] = True
        scores[docnums] = values
        return _boosted((matches, scores), query.boost)
    if isinstance(query, wq.Or) and not query.scale and not query.minmatch:
        matches, scores = _empty(size)
        for sub in query.subqueries:
            sub_matches, sub_scores = evaluate(searcher, sub)
            matches |= sub_matches
            scores += sub_scores
        return _boosted((matches, scores), query.boost)
    if type(query) is wq.And:
        parts = [evaluate(searcher, sub) for sub in query.subqueries]
        matches = np.logical_and.reduce([m for m, _ in parts])
        scores = np.where(matches, np.sum([s for _, s in parts], axis=0), 0.0)
        return _boosted((matches, scores), query.boost)
    if type(query) is wq.Phrase and query.slop == 1 and len(set(query.words)) == len(query.words):
        return _phrase(searcher, query, size)
    if type(query) is wq.AndNot:
        matches, scores = evaluate(searcher, query.a)
        excluded, _ = evaluate(searcher, query.b)
        keep = matches & ~excluded
        return _boosted((keep, np.where(keep, scores, 0.0)), query.boost)
    return _walk(searcher, query, size)
