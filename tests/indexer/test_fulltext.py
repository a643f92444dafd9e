"""Ranking checked by hand: BM25F scores on a corpus small enough to compute on paper."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from indexer.build import build_documents
from indexer.documents import IndexDocument
from indexer.fulltext import BM25_B, BM25_K1, FIELD_BOOSTS, open_fulltext
from search_service.engine.query import parse_query


def doc(id: str, body: str = "", title: str = "") -> IndexDocument:
    return IndexDocument(id=id, title=title, summary="", topics="", body=body, organisation="")


def bm25(tf: float, df: int, n: int, length: int, avg: float) -> float:
    idf = math.log(n / (df + 1)) + 1
    return idf * tf * (BM25_K1 + 1) / (tf + BM25_K1 * (1 - BM25_B + BM25_B * length / avg))


def scores(tmp_path: Path, docs: list[IndexDocument], q: str) -> dict[str, float]:
    build_documents(tmp_path, docs)
    fulltext = open_fulltext(tmp_path / "fulltext")
    parsed = parse_query(q, lambda f, p: [])
    results = fulltext.searcher.search(parsed.query, limit=None)
    found = {hit["id"]: hit.score for hit in results}
    fulltext.close()
    return found


def test_bm25_scores_match_a_hand_computation(tmp_path: Path) -> None:
    docs = [doc("a", "sepsis sepsis screening"), doc("b", "sepsis audit ward nurses"),
            doc("c", "falls ward")]
    # body lengths after stop words and stemming: 3, 4, 2; average 3; "sepsis" in 2 of 3.
    got = scores(tmp_path, docs, "sepsis")
    assert list(got) == ["a", "b"]
    assert got["a"] == pytest.approx(bm25(2, 2, 3, 3, 3.0))
    assert got["b"] == pytest.approx(bm25(1, 2, 3, 4, 3.0))
    assert got["a"] == pytest.approx(1.375)
    assert got["b"] == pytest.approx(0.88)


def test_a_title_match_outranks_the_same_word_in_the_narrative(tmp_path: Path) -> None:
    docs = [doc("body", body="sepsis audit ward nurses"), doc("title", title="sepsis audit",
                                                               body="ward nurses"),
            doc("other", body="falls ward")]
    got = scores(tmp_path, docs, "sepsis")
    assert list(got) == ["title", "body"]
    assert FIELD_BOOSTS["title"] > FIELD_BOOSTS["summary"] > FIELD_BOOSTS["topics"] > \
        FIELD_BOOSTS["body"]


def test_matching_more_query_words_ranks_higher(tmp_path: Path) -> None:
    docs = [doc("one", "sepsis screening audit"), doc("both", "sepsis falls audit"),
            doc("none", "ward nurses")]
    assert list(scores(tmp_path, docs, "sepsis falls"))[0] == "both"
