"""Ranking checked by hand: one-field BM25 on a corpus small enough to compute on paper, and
the stored impacts against a brute-force BM25 over the bundled corpus."""

from __future__ import annotations

import math
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from indexer.analysis import default_pipeline
from indexer.build import build_documents
from indexer.documents import IndexDocument, from_case
from indexer.fulltext import open_fulltext
from indexer.impacts import FEEDBACK_ROW_TERMS, K1, TITLE_BONUS, B, load_impacts
from indexer.similarity import load_similarity
from search_service.engine.live import Generation
from search_service.engine.query import parse_query
from search_service.engine.scoring import TextIndex, evaluate


def doc(id: str, body: str = "", title: str = "") -> IndexDocument:
    return IndexDocument(id=id, title=title, summary="", topics="", body=body, organisation="")


def lucene_idf(df: int, n: int) -> float:
    return math.log(1 + (n - df + 0.5) / (df + 0.5))


def bm25(tf: float, df: int, n: int, length: int, avg: float) -> float:
    return lucene_idf(df, n) * tf * (K1 + 1) / (tf + K1 * (1 - B + B * length / avg))


def scores(tmp_path: Path, docs: list[IndexDocument], q: str) -> dict[str, float]:
    """Scores of the documents that match ``q``, before feedback (first pass)."""
    build_documents(tmp_path, docs)
    index = TextIndex(open_fulltext(tmp_path / "fulltext"), load_impacts(tmp_path / "impacts"),
                      load_similarity(tmp_path / "similarity"))
    try:
        matched, values = evaluate(index, parse_query(q, lambda f, p: []).query)
        return {docs[o].id: float(values[o]) for o in np.flatnonzero(matched)}
    finally:
        index.fulltext.close()


def test_bm25_scores_match_a_hand_computation(tmp_path: Path) -> None:
    docs = [doc("a", "sepsis sepsis screening"), doc("b", "sepsis audit ward nurses"),
            doc("c", "falls ward")]
    # Lengths after stop words and stemming: 3, 4, 2; average 3; "sepsis" in 2 of 3.
    got = scores(tmp_path, docs, "sepsis")
    assert set(got) == {"a", "b"}
    assert got["a"] == pytest.approx(bm25(2, 2, 3, 3, 3.0), rel=1e-6)
    assert got["b"] == pytest.approx(bm25(1, 2, 3, 4, 3.0), rel=1e-6)
    # idf ln(1.6) = 0.4700; a: 0.47 * 4.4 / 3.2; b: 0.47 * 2.2 / 2.5
    assert got["a"] == pytest.approx(0.64626, abs=1e-5)
    assert got["b"] == pytest.approx(0.41360, abs=1e-5)


def test_title_and_body_are_one_field_plus_a_small_title_bonus(tmp_path: Path) -> None:
    docs = [doc("body", body="sepsis audit ward nurses"),
            doc("title", title="sepsis audit", body="ward nurses"),
            doc("both", title="sepsis", body="sepsis ward nurses"),
            doc("other", body="falls ward")]
    got = scores(tmp_path, docs, "sepsis")
    idf = lucene_idf(3, 4)
    avg = (4 + 4 + 4 + 2) / 4
    # The same four terms in one field: the same BM25, and the title adds its bonus only.
    assert got["body"] == pytest.approx(bm25(1, 3, 4, 4, avg), rel=1e-6)
    assert got["title"] - got["body"] == pytest.approx(TITLE_BONUS * idf, rel=1e-5)
    # A word in the title and the body is one field's tf 2, with one idf, not two fields' sum.
    assert got["both"] == pytest.approx(bm25(2, 3, 4, 4, avg) + TITLE_BONUS * idf, rel=1e-5)
    assert 0 < TITLE_BONUS <= 0.3


def test_matching_more_query_words_ranks_higher(tmp_path: Path) -> None:
    docs = [doc("one", "sepsis screening audit"), doc("both", "sepsis falls audit"),
            doc("none", "ward nurses")]
    got = scores(tmp_path, docs, "sepsis falls")
    assert max(got, key=got.__getitem__) == "both" and "none" not in got


def _brute_force(records: list[dict[str, Any]]) -> dict[tuple[str, int], float]:
    """BM25 of every (term, document), counted and scored the slow, obvious way."""
    pipeline = default_pipeline()
    counts: list[Counter[str]] = []
    titles: list[Counter[str]] = []
    for record in records:
        document = from_case(record)
        text: Counter[str] = Counter()
        title: Counter[str] = Counter()
        for term in pipeline.terms(document.similarity_text):
            words = [term.text]
            if pipeline.display(term.text) and " " in term.surface.strip():
                words += pipeline.words(term.surface)
            for word in words:
                text[word] += 1
                if term.end <= len(document.title):
                    title[word] += 1
        for term in pipeline.terms(document.organisation):
            text[term.text] += 1
        counts.append(text)
        titles.append(title)
    n = len(counts)
    df = Counter(t for c in counts for t in c)
    avg = sum(sum(c.values()) for c in counts) / n
    out = {}
    for d, (text, title) in enumerate(zip(counts, titles, strict=True)):
        length = sum(text.values())
        for term, tf in text.items():
            idf = lucene_idf(df[term], n)
            score = bm25(tf, df[term], n, length, avg)
            if title[term]:
                score += TITLE_BONUS * idf * title[term] * (K1 + 1) / (title[term] + K1)
            out[(term, d)] = score
    return out


def test_stored_impacts_equal_a_brute_force_bm25(generation: Generation) -> None:
    records = generation.store.get_many(list(range(len(generation.store))))
    expected = _brute_force(records)
    impacts = generation.impacts
    assert impacts.terms == sorted(impacts.terms)
    got = {}
    for col, term in enumerate(impacts.terms):
        lo, hi = impacts.indptr[col], impacts.indptr[col + 1]
        for ordinal, value in zip(impacts.indices[lo:hi], impacts.data[lo:hi], strict=True):
            got[(term, int(ordinal))] = float(value)
    assert got.keys() == expected.keys()
    for key, value in expected.items():
        assert got[key] == pytest.approx(value, rel=1e-5), key


def test_feedback_rows_are_each_documents_heaviest_tfidf_terms(generation: Generation) -> None:
    impacts, tfidf = generation.impacts, generation.similarity
    assert impacts.feedback_terms.shape == (impacts.documents, FEEDBACK_ROW_TERMS)
    for ordinal in range(impacts.documents):
        row = tfidf.matrix.getrow(ordinal)
        ranked = sorted(zip(row.data.tolist(), row.indices.tolist(), strict=True),
                        key=lambda wc: (-wc[0], wc[1]))[:FEEDBACK_ROW_TERMS]
        terms = [impacts.terms[c] for c in impacts.feedback_terms[ordinal] if c >= 0]
        assert terms == [tfidf.terms[c] for _, c in ranked]
        assert impacts.feedback_weights[ordinal][:len(ranked)] == pytest.approx(
            [w for w, _ in ranked])
