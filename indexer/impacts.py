"""BM25 impacts: the score of every (term, case study) pair, worked out once at build time.

A case study is scored as **one** BM25 field: its title, summary, topics, narrative and
organisation read as one text, so a word in both the title and the body is counted once, with
one idf (Lucene's ``ln(1 + (N - df + 0.5) / (df + 0.5))``), k1 1.2 and b 0.75. Title words get
a small bonus on top: a title-only BM25 (b 0, the same idf) times ``TITLE_BONUS``. Per-field
BM25F, which this replaces, gave a fairly common word a high idf only because few *titles*
contained it and counted a word in the title and the body twice (issue 17; the parameters were
chosen on NFCorpus train/dev with ``python -m bench.ranking_experiments``).

A multi-word acronym expansion is indexed as one token ("chronic kidney disease" and "CKD" are
both ``chronic_kidney_disease``); its words are counted too, so that ``kidney`` alone still finds
it.

With one field the score of a term in a document does not depend on the query, so it is stored:
a CSC matrix (documents by ordinal x terms) saved as three ``.npy`` arrays that every worker
memory-maps, and ``terms.json`` (the terms in sorted order, so that ``diab*`` is a range, and
the parameters). A query word costs one slice of its column, the first time as the hundredth.
"""

from __future__ import annotations

import json
from array import array
from bisect import bisect_left
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse

from indexer.analysis import Term, default_pipeline

__all__ = ["K1", "B", "TITLE_BONUS", "PARAMS", "Impacts", "ImpactsBuilder", "save_impacts",
           "load_impacts", "bm25_idf"]

K1 = 1.2
B = 0.75
TITLE_BONUS = 0.2
PARAMS: dict[str, Any] = {"k1": K1, "b": B, "title_bonus": TITLE_BONUS, "idf": "lucene",
                          "fields": "title summary topics body organisation, as one"}
ARRAYS = ("indptr", "indices", "data", "feedback_terms", "feedback_weights")
# Per document, its heaviest TF-IDF terms (as columns here), for pseudo-relevance feedback.
FEEDBACK_ROW_TERMS = 32


def bm25_idf(df: np.ndarray, documents: int) -> np.ndarray:
    """Lucene's BM25 idf: never negative, even for a term in every document."""
    return np.log(1.0 + (documents - df + 0.5) / (df + 0.5))


@dataclass
class Impacts:
    """Per-term BM25 scores by document ordinal (CSC columns)."""

    terms: list[str]  # sorted; column i is terms[i]
    indptr: np.ndarray
    indices: np.ndarray  # ordinals
    data: np.ndarray  # float32 scores
    documents: int
    params: dict[str, Any]
    # Documents x FEEDBACK_ROW_TERMS: each document's heaviest TF-IDF terms (columns here, -1
    # when it has fewer) and their weights (0 there), so feedback reads ten short rows.
    feedback_terms: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), np.int32))
    feedback_weights: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), np.float32))
    columns: dict[str, int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.columns = {t: i for i, t in enumerate(self.terms)}

    def __contains__(self, term: object) -> bool:
        return term in self.columns

    def column(self, term: str) -> tuple[np.ndarray, np.ndarray]:
        """(ordinals, scores) of the documents that contain ``term``."""
        col = self.columns.get(term)
        if col is None:
            return np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.float32)
        lo, hi = int(self.indptr[col]), int(self.indptr[col + 1])
        return self.indices[lo:hi], self.data[lo:hi]

    def scores(self, weights: Mapping[str, float]) -> np.ndarray:
        """The weighted sum of the terms' scores, for every document."""
        found = [(self.columns.get(term), weight) for term, weight in weights.items()]
        known = [(c, w) for c, w in found if c is not None]
        return self.column_scores([c for c, _ in known], [w for _, w in known])

    def column_scores(self, columns: Sequence[int], weights: Sequence[float]) -> np.ndarray:
        """The weighted sum of these columns' scores, for every document."""
        if not len(columns):
            return np.zeros(self.documents, dtype=np.float64)
        starts = self.indptr[columns].tolist()
        ends = self.indptr[np.asarray(columns) + 1].tolist()
        # One bincount over every column's postings beats a scatter-add per term.
        ordinals = np.concatenate([self.indices[a:b] for a, b in zip(starts, ends, strict=True)])
        values = np.concatenate([self.data[a:b] for a, b in zip(starts, ends, strict=True)])
        values = values * np.repeat(np.asarray(weights, dtype=np.float32),
                                    np.subtract(ends, starts))
        return np.bincount(ordinals, weights=values, minlength=self.documents)

    def expand_prefix(self, prefix: str, limit: int) -> list[str]:
        """Terms that start with ``prefix``, in order, at most ``limit``."""
        found: list[str] = []
        for term in self.terms[bisect_left(self.terms, prefix):]:
            if not term.startswith(prefix) or len(found) >= limit:
                break
            found.append(term)
        return found


class ImpactsBuilder:
    """Collects term counts document by document (in ordinal order), then scores them."""

    def __init__(self) -> None:
        self._vocabulary: dict[str, int] = {}
        self._parts = {name: (array("i"), array("i"), array("f"))
                       for name in ("text", "title")}
        self._documents = 0

    def add(self, terms: Sequence[Term], title_end: int, extra: str = "") -> None:
        """One document: its analysed text, where its title ends, and text to add unanalysed
        by the caller (the organisation)."""
        pipeline = default_pipeline()
        # The title is analysed first, so its terms are a prefix of the list.
        in_title = next((i for i, t in enumerate(terms) if t.end > title_end), len(terms))
        texts = [t.text for t in terms]
        text, title = Counter(texts), Counter(texts[:in_title])
        # The words inside multi-word expansions (rare: the loop below is short).
        display = pipeline.synonyms.display
        for i, term in enumerate(terms):
            if term.text in display and len(term.surface.split()) > 1:
                words = pipeline.words(term.surface)
                text.update(words)
                if i < in_title:
                    title.update(words)
        text.update(t.text for t in pipeline.terms(extra))
        for name, counts in (("text", text), ("title", title)):
            rows, cols, values = self._parts[name]
            rows.extend([self._documents] * len(counts))
            cols.extend(self._vocabulary.setdefault(t, len(self._vocabulary)) for t in counts)
            values.extend(map(float, counts.values()))
        self._documents += 1

    def build(self) -> Impacts:
        terms = sorted(self._vocabulary)
        remap = np.empty(len(terms), dtype=np.int64)
        remap[[self._vocabulary[t] for t in terms]] = np.arange(len(terms))
        shape = (self._documents, len(terms))
        text = self._matrix("text", remap, shape)
        title = self._matrix("title", remap, shape)
        df = np.bincount(text.indices, minlength=len(terms))
        idf = bm25_idf(df.astype(np.float64), self._documents)
        lengths = np.asarray(text.sum(axis=0)).ravel()  # documents are columns here
        average = float(lengths.mean()) if len(lengths) else 1.0
        norm = K1 * (1 - B + B * lengths / max(average, 1e-9))
        text.data = idf[text.indices] * text.data * (K1 + 1) / (
            text.data + norm[np.repeat(np.arange(text.shape[1]), np.diff(text.indptr))])
        title.data = TITLE_BONUS * idf[title.indices] * title.data * (K1 + 1) / (title.data + K1)
        # Back to documents x terms, stored by column (CSC): one term = one slice.
        impacts = sparse.csc_matrix((text + title).T)
        impacts.sort_indices()
        return Impacts(terms, impacts.indptr.astype(np.int64), impacts.indices.astype(np.int32),
                       impacts.data.astype(np.float32), self._documents, dict(PARAMS))

    def _matrix(self, name: str, remap: np.ndarray, shape: tuple[int, int]) -> sparse.csc_matrix:
        rows, cols, values = (np.frombuffer(a, dtype=a.typecode) for a in self._parts[name])
        # terms x documents by column = documents by row: each column is one document, so
        # a document's length is its column sum and its terms are its column's indices.
        matrix = sparse.csc_matrix(
            (values.astype(np.float64), (remap[cols], rows.astype(np.int64))),
            shape=(shape[1], shape[0]))
        matrix.sort_indices()
        return matrix


def _feedback_rows(impacts: Impacts, tfidf: sparse.csr_matrix,
                   tfidf_terms: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Each document's ``FEEDBACK_ROW_TERMS`` heaviest TF-IDF terms, as columns here."""
    mapping = np.asarray([impacts.columns.get(t, -1) for t in tfidf_terms], dtype=np.int32)
    terms = np.full((tfidf.shape[0], FEEDBACK_ROW_TERMS), -1, dtype=np.int32)
    weights = np.zeros((tfidf.shape[0], FEEDBACK_ROW_TERMS), dtype=np.float32)
    for row in range(tfidf.shape[0]):
        lo, hi = tfidf.indptr[row], tfidf.indptr[row + 1]
        values = tfidf.data[lo:hi]
        # Heaviest first; equal weights by column, so a rebuild gives the same rows.
        best = np.lexsort((tfidf.indices[lo:hi], -values))[:FEEDBACK_ROW_TERMS]
        terms[row, :len(best)] = mapping[tfidf.indices[lo:hi][best]]
        weights[row, :len(best)] = values[best]
    weights[terms < 0] = 0.0
    return terms, weights


def save_impacts(directory: Path, impacts: Impacts, tfidf: sparse.csr_matrix,
                 tfidf_terms: Sequence[str]) -> None:
    """Write ``impacts`` and the feedback rows taken from the TF-IDF model's matrix."""
    impacts.feedback_terms, impacts.feedback_weights = _feedback_rows(impacts, tfidf,
                                                                      tfidf_terms)
    directory.mkdir(parents=True, exist_ok=True)
    for name in ARRAYS:
        np.save(directory / f"{name}.npy", getattr(impacts, name), allow_pickle=False)
    payload = {"terms": impacts.terms, "documents": impacts.documents, "params": impacts.params}
    (directory / "terms.json").write_text(json.dumps(payload, ensure_ascii=False),
                                          encoding="utf-8")


def load_impacts(directory: Path) -> Impacts:
    """Open ``impacts/``; the arrays are memory-mapped (read-only), so workers share them."""
    payload = json.loads((directory / "terms.json").read_text(encoding="utf-8"))
    # Plain ndarray views of the maps: slicing a numpy.memmap costs a Python-level wrapper.
    arrays = {name: np.load(directory / f"{name}.npy", mmap_mode="r",
                            allow_pickle=False).view(np.ndarray) for name in ARRAYS}
    return Impacts(payload["terms"], arrays["indptr"], arrays["indices"], arrays["data"],
                   int(payload["documents"]), payload["params"], arrays["feedback_terms"],
                   arrays["feedback_weights"])
