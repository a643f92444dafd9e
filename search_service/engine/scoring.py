"""Query scores over whole arrays: one BM25 field from the build's impacts, Whoosh for positions.

A query tree (built by :mod:`search_service.engine.query`) is evaluated over document
ordinals, each node giving (matches, scores) for every document:

- ``Term(TEXT, t)``, a word anywhere in a case study: the column of ``t`` in the BM25 impacts
  (:mod:`indexer.impacts`), stored at build time, so no postings are walked;
- ``Term(field, t)``, a word in one field (``title:sepsis``): the documents whose ``field``
  holds ``t`` (Whoosh's postings for that field), scored by ``t``'s impact in the whole text;
- a phrase: documents where the words follow each other in one field (Whoosh's positions),
  scored as the sum of the words' impacts; ``Phrase(TEXT, ...)`` means any text field;
- ``Or`` sums its children's scores, ``And`` sums them where every child matches, ``AndNot``
  keeps the left side where the right side does not match, ``Every`` matches all at 0.

Positions and per-field document sets are read from Whoosh once and kept in a bounded cache;
:func:`uncached_postings` says what a query would still have to read (the cost guard).
Flask-free, like the rest of the engine.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np
from whoosh import query as wq
from whoosh.searching import Searcher

from indexer.fulltext import TEXT_FIELDS, FullText
from indexer.impacts import Impacts
from indexer.similarity import SimilarityIndex

__all__ = ["TEXT", "TextIndex", "Postings", "evaluate", "postings", "uncached_postings"]

TEXT = "text"  # the one BM25 field: every text field of a case study
Vector = tuple[np.ndarray, np.ndarray]  # (matches: bool per ordinal, scores: float per ordinal)
POSTINGS_BUDGET = 4_000_000  # cached positions and document numbers per open index


@dataclass
class TextIndex:
    """What ranking reads: Whoosh (positions, fields), BM25 impacts, TF-IDF (feedback)."""

    fulltext: FullText
    impacts: Impacts
    similarity: SimilarityIndex

    @property
    def size(self) -> int:
        return self.impacts.documents


class Postings:
    """Positions and per-field ordinals read from Whoosh, least recently used dropped first."""

    def __init__(self, fulltext: FullText, budget: int = POSTINGS_BUDGET) -> None:
        self.fulltext = fulltext
        self.budget = budget
        self.size = 0
        self._lock = threading.Lock()
        self._cache: OrderedDict[tuple[str, str, str], np.ndarray] = OrderedDict()

    def cached(self, kind: str, field: str, text: str) -> bool:
        with self._lock:
            return (kind, field, text) in self._cache

    def ordinals(self, field: str, text: str) -> np.ndarray:
        """Ordinals of the documents whose ``field`` holds ``text``."""
        return self._get("docs", field, text)

    def positions(self, field: str, text: str) -> np.ndarray:
        """Sorted ``docnum << 32 | position`` of every occurrence of ``text`` in ``field``."""
        return self._get("positions", field, text)

    def _get(self, kind: str, field: str, text: str) -> np.ndarray:
        key = (kind, field, text)
        with self._lock:
            found = self._cache.get(key)
            if found is not None:
                self._cache.move_to_end(key)
                return found
        found = self._read(kind, field, text)
        with self._lock:
            if key not in self._cache:
                self._cache[key] = found
                self.size += len(found)
            while self.size > self.budget and len(self._cache) > 1:
                _, dropped = self._cache.popitem(last=False)
                self.size -= len(dropped)
        return found

    def _read(self, kind: str, field: str, text: str) -> np.ndarray:
        searcher: Searcher = self.fulltext.searcher
        keys: list[int] = []
        if field in searcher.schema:
            term = searcher.schema[field].to_bytes(text)
            for leaf, offset in searcher.leaf_searchers():
                if (field, term) not in leaf.reader():
                    continue
                matcher = leaf.postings(field, term)
                while matcher.is_active():
                    doc = matcher.id() + offset
                    if kind == "docs":
                        keys.append(doc)
                    else:
                        keys.extend((doc << 32) | p for p in matcher.value_as("positions"))
                    matcher.next()
        array = np.asarray(keys, dtype=np.int64)
        if kind == "docs":
            return np.asarray(self.fulltext.docnum_to_ord[array], dtype=np.int64)
        return array


_caches: weakref.WeakKeyDictionary[Searcher, Postings] = weakref.WeakKeyDictionary()
_caches_lock = threading.Lock()


def postings(fulltext: FullText) -> Postings:
    """The one cache of ``fulltext``'s positions and field postings in this process."""
    with _caches_lock:
        cache = _caches.get(fulltext.searcher)
        if cache is None:
            cache = _caches[fulltext.searcher] = Postings(fulltext)
        return cache


def _empty(size: int) -> Vector:
    return np.zeros(size, dtype=bool), np.zeros(size, dtype=np.float64)


def _boosted(vector: Vector, boost: float) -> Vector:
    return vector if boost == 1.0 else (vector[0], vector[1] * boost)


def _term(index: TextIndex, query: wq.Term) -> Vector:
    matches, scores = _empty(index.size)
    ordinals, values = index.impacts.column(query.text)
    if query.fieldname == TEXT:
        matches[ordinals] = True
        scores[ordinals] = values
    else:
        scores[ordinals] = values
        matches[postings(index.fulltext).ordinals(query.fieldname, query.text)] = True
        scores[~matches] = 0.0
    return _boosted((matches, scores), query.boost)


def _phrase_docs(index: TextIndex, field: str, words: list[str]) -> np.ndarray:
    cache = postings(index.fulltext)
    ends = cache.positions(field, words[0])
    for word in words[1:]:
        if not len(ends):
            break
        ends = np.intersect1d(ends + 1, cache.positions(field, word), assume_unique=True)
    docnums = np.unique(ends >> 32)
    return np.asarray(index.fulltext.docnum_to_ord[docnums], dtype=np.int64)


def _phrase(index: TextIndex, query: wq.Phrase) -> Vector:
    """Documents where the words occur in a row in one field; scored as the sum of the words."""
    fields = TEXT_FIELDS if query.fieldname == TEXT else (query.fieldname,)
    matches, scores = _empty(index.size)
    for field in fields:
        matches[_phrase_docs(index, field, list(query.words))] = True
    for word in query.words:
        ordinals, values = index.impacts.column(word)
        scores[ordinals] += values
    return _boosted((matches, np.where(matches, scores, 0.0)), query.boost)


def evaluate(index: TextIndex, query: wq.Query) -> Vector:
    """Which documents (by ordinal) match ``query``, and their BM25 scores."""
    size = index.size
    if isinstance(query, type(wq.NullQuery)):
        return _empty(size)
    if isinstance(query, wq.Every):
        return np.ones(size, dtype=bool), np.zeros(size, dtype=np.float64)
    if type(query) is wq.Term:
        return _term(index, query)
    if isinstance(query, wq.Or):
        matches, scores = _empty(size)
        for sub in query.subqueries:
            sub_matches, sub_scores = evaluate(index, sub)
            matches |= sub_matches
            scores += sub_scores
        return _boosted((matches, scores), query.boost)
    if type(query) is wq.And:
        parts = [evaluate(index, sub) for sub in query.subqueries]
        matches = np.logical_and.reduce([m for m, _ in parts])
        scores = np.where(matches, np.sum([s for _, s in parts], axis=0), 0.0)
        return _boosted((matches, scores), query.boost)
    if type(query) is wq.Phrase:
        return _phrase(index, query)
    if type(query) is wq.AndNot:
        matches, scores = evaluate(index, query.a)
        excluded, _ = evaluate(index, query.b)
        keep = matches & ~excluded
        return _boosted((keep, np.where(keep, scores, 0.0)), query.boost)
    raise TypeError(f"the query parser built a {type(query).__name__}, which is not scored")


def uncached_postings(index: TextIndex, query: wq.Query) -> int:
    """Postings ``query`` would read from Whoosh that are not cached (words in the one text
    field read none: their scores are stored)."""
    leaves = [leaf for leaf in query.leaves() if type(leaf) is wq.Phrase
              or (type(leaf) is wq.Term and leaf.fieldname != TEXT)]
    if not leaves:
        return 0
    reader = index.fulltext.searcher.reader()
    cache = postings(index.fulltext)
    cost = 0
    for leaf in leaves:
        if type(leaf) is wq.Phrase:
            fields = TEXT_FIELDS if leaf.fieldname == TEXT else (leaf.fieldname,)
            cost += sum(reader.doc_frequency(f, w) for f in fields for w in leaf.words
                        if not cache.cached("positions", f, w))
        elif not cache.cached("docs", leaf.fieldname, leaf.text):
            cost += reader.doc_frequency(leaf.fieldname, leaf.text)
    return cost
