"""The TF-IDF similarity index behind "similar impact".

scikit-learn's ``TfidfVectorizer`` builds the matrix over the terms of
:mod:`indexer.analysis` (so "A&E" and "emergency department" are one dimension). Rows are
L2-normalised, so a dot product is the cosine. On disk: ``matrix.npz``
(``scipy.sparse.save_npz``) and ``model.json`` (vocabulary in column order, idf, parameters, and
a readable word for each column); never a pickle.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from indexer.analysis import Term, default_pipeline
from indexer.spelling import count_words, save_words

__all__ = ["SimilarityIndex", "build_similarity", "load_similarity", "PARAMS"]

PARAMS: dict[str, Any] = {"sublinear_tf": True, "smooth_idf": True, "norm": "l2", "min_df": 1}


def _identity(terms: list[str]) -> list[str]:
    return terms


@dataclass
class SimilarityIndex:
    matrix: sparse.csr_matrix
    vocabulary: dict[str, int]
    idf: np.ndarray
    display: list[str]
    params: dict[str, Any]

    def vectorize(self, text: str) -> sparse.csr_matrix:
        """A 1 x V row for unseen text, computed as ``TfidfVectorizer.transform`` would."""
        counts = Counter(
            self.vocabulary[t.text]
            for t in default_pipeline().terms(text)
            if t.text in self.vocabulary
        )
        cols = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
        tf = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
        if self.params.get("sublinear_tf"):
            tf = 1.0 + np.log(tf)
        values = tf * self.idf[cols]
        norm = float(np.sqrt(np.dot(values, values)))
        if norm > 0:
            values /= norm
        order = np.argsort(cols)
        return sparse.csr_matrix(
            (values[order], cols[order], np.array([0, len(cols)])),
            shape=(1, len(self.vocabulary)),
        )

    def row(self, ordinal: int) -> sparse.csr_matrix:
        return self.matrix.getrow(ordinal)

    def scores(self, vector: sparse.csr_matrix) -> np.ndarray:
        """Cosine of ``vector`` with every document."""
        # Sparse matrix times dense vector is one pass over the matrix; sparse times sparse
        # first works out the shape of a sparse result, which took longer than the product.
        # The vector takes the matrix's float32: a float64 vector made scipy convert the whole
        # matrix on every call (2.6x slower at 10k case studies).
        dense = np.zeros(self.matrix.shape[1], dtype=self.matrix.dtype)
        dense[vector.indices] = vector.data
        return np.asarray(self.matrix @ dense, dtype=np.float64).ravel()

    def shared_terms(self, vector: sparse.csr_matrix, ordinal: int, limit: int = 6) -> list[str]:
        """Readable words of the terms that add most to the cosine of ``vector`` and a doc.

        Words in more than a quarter of the collection ("evidence", "library") and bare
        numbers ("65") still count in the score but are not offered as reasons: they would
        explain nothing.
        """
        product = vector.multiply(self.matrix.getrow(ordinal)).tocoo()
        telling = self._telling[product.col]
        cols, data = product.col[telling], product.data[telling]
        top = np.argsort(-data, kind="stable")[:limit]
        return [self.display[int(cols[i])] for i in top]

    @cached_property
    def terms(self) -> list[str]:
        """The term of each column."""
        terms = [""] * len(self.vocabulary)
        for term, column in self.vocabulary.items():
            terms[column] = term
        return terms

    @cached_property
    def _telling(self) -> np.ndarray:
        """Per column: may this term be shown as a reason?"""
        n = self.matrix.shape[0]
        common_idf = float(np.log((1 + n) / (1 + n / 4)) + 1)  # a term in a quarter of docs
        numeric = np.fromiter((not any(c.isalpha() for c in w) for w in self.display),
                              dtype=bool, count=len(self.display))
        return np.asarray((self.idf >= common_idf) & ~numeric)


def _display_words(surfaces: dict[str, Counter[str]], terms: list[str]) -> list[str]:
    pipeline = default_pipeline()
    words = []
    for term in terms:
        name = pipeline.display(term)
        if name is None:
            name = surfaces[term].most_common(1)[0][0] if surfaces.get(term) else term
        words.append(name)
    return words


def build_similarity(
    directory: Path,
    documents: Iterable[list[Term]],
    *,
    progress: Callable[[int], None] | None = None,
) -> SimilarityIndex:
    """Fit TF-IDF over the analysed ``similarity_text`` of each document; save it."""
    surfaces: dict[str, Counter[str]] = {}
    analysed: list[list[str]] = []
    for doc_terms in documents:
        for term in doc_terms:
            surfaces.setdefault(term.text, Counter())[term.surface.lower()] += 1
        analysed.append([t.text for t in doc_terms])
        if progress is not None:
            progress(1)
    vectorizer = TfidfVectorizer(analyzer=_identity, dtype=np.float32, **PARAMS)
    matrix = vectorizer.fit_transform(analysed).tocsr() if analysed else sparse.csr_matrix((0, 0))
    terms = list(vectorizer.get_feature_names_out()) if analysed else []
    model = SimilarityIndex(
        matrix=matrix,
        vocabulary={t: i for i, t in enumerate(terms)},
        idf=vectorizer.idf_.astype(np.float64) if analysed else np.zeros(0),
        display=_display_words(surfaces, terms),
        params=dict(PARAMS),
    )
    _save(directory, model, terms)
    save_words(directory, count_words(surfaces))
    return model


def _save(directory: Path, model: SimilarityIndex, terms: list[str]) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    sparse.save_npz(directory / "matrix.npz", model.matrix, compressed=False)
    payload = {
        "terms": terms,
        "idf": model.idf.tolist(),
        "display": model.display,
        "params": model.params,
    }
    (directory / "model.json").write_text(json.dumps(payload), encoding="utf-8")


def load_similarity(directory: Path) -> SimilarityIndex:
    payload = json.loads((directory / "model.json").read_text(encoding="utf-8"))
    matrix = sparse.load_npz(directory / "matrix.npz").tocsr()
    terms: list[str] = payload["terms"]
    return SimilarityIndex(
        matrix=matrix,
        vocabulary={t: i for i, t in enumerate(terms)},
        idf=np.asarray(payload["idf"], dtype=np.float64),
        display=payload["display"],
        params=payload["params"],
    )
