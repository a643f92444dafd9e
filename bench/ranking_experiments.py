"""Scratch experiments behind issue 17's ranking choices: ``python -m bench.ranking_experiments``.

Scores NFCorpus train/dev (never test) with a plain NumPy/SciPy BM25 over the service's own
analysis, one variable at a time: one field vs per-field, Lucene idf, k1/b, a title bonus,
acronym handling, and pseudo-relevance feedback. It reads ``../shared/benchmarks/nfcorpus``
at run time and copies nothing. The service's real scoring lives in the engine; this file only
explains how its parameters were chosen (bench/README.md has the table).
"""

from __future__ import annotations

import argparse
import json
import re
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import sparse

from indexer.analysis import default_pipeline, normalise_word, tokenize

DEFAULT_DIR = Path(__file__).resolve().parents[2] / "shared" / "benchmarks" / "nfcorpus"

Analyse = Callable[[str], list[str]]


def _rows(path: Path) -> Iterable[dict[str, object]]:
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def _qrels(path: Path) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
        parts = line.split()
        if n == 0 and parts[-1] == "score":
            continue
        out.setdefault(parts[0], {})[parts[1]] = int(parts[-1])
    return out


def ndcg10(ranked: list[tuple[str, float]], judged: dict[str, int]) -> float:
    order = sorted(ranked, key=lambda ds: (ds[1], ds[0]), reverse=True)[:10]
    dcg = sum(judged.get(d, 0) / np.log2(i + 2) for i, (d, _) in enumerate(order))
    ideal = sorted((g for g in judged.values() if g > 0), reverse=True)[:10]
    idcg = sum(g / np.log2(i + 2) for i, g in enumerate(ideal))
    return float(dcg / idcg) if idcg else 0.0


# --- analysis variants ---------------------------------------------------------------------

def words_only(text: str) -> list[str]:
    """Stemmed words with no acronym merging (what keeping constituent words adds)."""
    pipe = default_pipeline()
    out = []
    for token, _, _ in tokenize(text):
        word = normalise_word(token)
        if word and word not in pipe.stopwords:
            out.append(pipe.stem(word))
    return out


def doc_terms(text: str, keep_words: bool) -> list[str]:
    out = []
    for term in default_pipeline().terms(text):
        out.append(term.text)
        if keep_words and term.text != term.surface.lower() and " " in term.surface.strip():
            out.extend(words_only(term.surface))
    return out


def query_terms(text: str, ambiguous: bool) -> list[str]:
    """The query's terms; with ``ambiguous``, a one-word acronym also adds its plain stem."""
    pipe = default_pipeline()
    out = []
    for term in pipe.terms(text, query=True):
        out.append(term.text)
        if ambiguous and pipe.display(term.text) is not None and re.fullmatch(
                r"[^\W\d_]+", term.surface):
            out.append("\u0000" + pipe.stem(normalise_word(term.surface)))
    return out


# --- index ---------------------------------------------------------------------------------

@dataclass
class Index:
    ids: list[str]
    vocab: dict[str, int]
    body: sparse.csr_matrix  # counts, title + text
    title: sparse.csr_matrix  # counts, title only


def build(directory: Path, keep_words: bool) -> Index:
    vocab: dict[str, int] = {}
    ids: list[str] = []
    rows_b: list[Counter[int]] = []
    rows_t: list[Counter[int]] = []
    for row in _rows(directory / "corpus.jsonl"):
        ids.append(str(row["_id"]))
        title = str(row.get("title") or "")
        text = str(row.get("text") or "")
        t_terms = doc_terms(title, keep_words)
        b_terms = t_terms + doc_terms(text, keep_words)
        rows_b.append(Counter(vocab.setdefault(t, len(vocab)) for t in b_terms))
        rows_t.append(Counter(vocab.setdefault(t, len(vocab)) for t in t_terms))
    return Index(ids, vocab, _csr(rows_b, len(vocab)), _csr(rows_t, len(vocab)))


def _csr(rows: list[Counter[int]], width: int) -> sparse.csr_matrix:
    indptr = np.cumsum([0] + [len(r) for r in rows])
    indices = np.fromiter((k for r in rows for k in r), dtype=np.int64, count=int(indptr[-1]))
    data = np.fromiter((v for r in rows for v in r.values()), dtype=np.float64,
                       count=int(indptr[-1]))
    return sparse.csr_matrix((data, indices, indptr), shape=(len(rows), width))


def bm25_impacts(counts: sparse.csr_matrix, k1: float, b: float) -> sparse.csc_matrix:
    """Lucene BM25 per (doc, term): idf * tf / (tf + k1 (1 - b + b dl/avgdl))."""
    n = counts.shape[0]
    df = np.bincount(counts.indices, minlength=counts.shape[1])
    idf = np.log(1 + (n - df + 0.5) / (df + 0.5))
    lengths = np.asarray(counts.sum(axis=1)).ravel()
    norm = k1 * (1 - b + b * lengths / max(lengths.mean(), 1e-9))
    coo = counts.tocoo()
    tf = coo.data
    values = idf[coo.col] * tf * (k1 + 1) / (tf + norm[coo.row])
    return sparse.csc_matrix((values, (coo.row, coo.col)), shape=counts.shape)


def tfidf_rows(counts: sparse.csr_matrix) -> sparse.csr_matrix:
    """The similarity index's weighting: sublinear tf, smooth idf, l2 rows."""
    n = counts.shape[0]
    df = np.bincount(counts.indices, minlength=counts.shape[1])
    idf = np.log((1 + n) / (1 + df)) + 1
    m = counts.copy().astype(np.float64)
    m.data = (1 + np.log(m.data)) * idf[m.indices]
    norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
    norms[norms == 0] = 1
    return sparse.csr_matrix(sparse.diags(1 / norms) @ m)


# --- scoring -------------------------------------------------------------------------------

@dataclass
class Config:
    k1: float = 1.2
    b: float = 0.75
    title_bonus: float = 0.0
    title_k1: float = 1.2
    keep_words: bool = False
    ambiguous: bool = False
    prf: str = ""  # "", "rm3" or "tfidf"
    fb_docs: int = 10
    fb_terms: int = 10
    orig_weight: float = 0.5
    min_words: int = 1  # feedback only for queries with at least this many terms


class Scorer:
    def __init__(self, index: Index, cfg: Config) -> None:
        self.index, self.cfg = index, cfg
        self.impacts = bm25_impacts(index.body, cfg.k1, cfg.b)
        self.title = (bm25_impacts(index.title, cfg.title_k1, 0.0)
                      if cfg.title_bonus else None)
        if cfg.prf == "tfidf":
            self.fb = tfidf_rows(index.body)
        elif cfg.prf == "rm3":
            lengths = np.asarray(index.body.sum(axis=1)).ravel()
            lengths[lengths == 0] = 1
            self.fb = sparse.csr_matrix(sparse.diags(1 / lengths) @ index.body)

    def _weighted(self, weights: dict[int, float]) -> np.ndarray:
        scores = np.zeros(self.impacts.shape[0])
        for col, w in weights.items():
            lo, hi = self.impacts.indptr[col], self.impacts.indptr[col + 1]
            scores[self.impacts.indices[lo:hi]] += w * self.impacts.data[lo:hi]
            if self.title is not None:
                lo, hi = self.title.indptr[col], self.title.indptr[col + 1]
                scores[self.title.indices[lo:hi]] += (w * self.cfg.title_bonus
                                                      * self.title.data[lo:hi])
        return scores

    def query_weights(self, text: str) -> dict[int, float]:
        weights: dict[int, float] = {}
        vocab = self.index.vocab
        for term in query_terms(text, self.cfg.ambiguous):
            if term.startswith("\u0000"):
                # the plain word of an ambiguous acronym: weight of one term, only if indexed
                term = term[1:]
            col = vocab.get(term)
            if col is not None:
                weights[col] = weights.get(col, 0.0) + 1.0
        return weights

    def search(self, text: str, depth: int = 100) -> list[tuple[int, float]]:
        weights = self.query_weights(text)
        scores = self._weighted(weights)
        cfg = self.cfg
        if cfg.prf and len(weights) >= cfg.min_words and scores.max(initial=0) > 0:
            weights = self._expand(weights, scores)
            scores = self._weighted(weights)
        top = np.argsort(-scores, kind="stable")[:depth]
        return [(int(d), float(scores[d])) for d in top if scores[d] > 0]

    def _expand(self, weights: dict[int, float], scores: np.ndarray) -> dict[int, float]:
        cfg = self.cfg
        top = np.argsort(-scores, kind="stable")[:cfg.fb_docs]
        top = top[scores[top] > 0]
        doc_w = scores[top] / scores[top].sum()
        feedback = np.asarray(self.fb[top].T @ doc_w).ravel()
        best = np.argsort(-feedback)[:cfg.fb_terms]
        best = best[feedback[best] > 0]
        fb_total = feedback[best].sum()
        q_total = sum(weights.values())
        out = {c: cfg.orig_weight * w / q_total for c, w in weights.items()}
        for col in best:
            out[int(col)] = out.get(int(col), 0.0) + (1 - cfg.orig_weight) * float(
                feedback[col] / fb_total)
        return out


def evaluate(index: Index, cfg: Config, queries: dict[str, str],
             qrels: dict[str, dict[str, int]]) -> tuple[float, float]:
    scorer = Scorer(index, cfg)
    total = 0.0
    started = time.perf_counter()
    judged = [q for q in queries if any(g > 0 for g in qrels[q].values())]
    for qid in judged:
        ranked = [(index.ids[d], s) for d, s in scorer.search(queries[qid])]
        total += ndcg10(ranked, qrels[qid])
    ms = (time.perf_counter() - started) * 1000 / max(1, len(judged))
    return total / max(1, len(judged)), ms


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--beir", type=Path, default=DEFAULT_DIR)
    parser.add_argument("--split", choices=("train", "dev"), default="dev")
    parser.add_argument("--grid", default="base")
    args = parser.parse_args()
    qrels = _qrels(args.beir / "qrels" / f"{args.split}.tsv")
    queries = {str(r["_id"]): str(r["text"]) for r in _rows(args.beir / "queries.jsonl")
               if str(r["_id"]) in qrels}
    indexes = {kw: build(args.beir, kw) for kw in (False, True)}
    for name, cfg in GRIDS[args.grid]():
        ndcg, ms = evaluate(indexes[cfg.keep_words], cfg, queries, qrels)
        print(f"{args.split} {ndcg:.4f} {ms:6.2f}ms  {name}", flush=True)


def _base() -> Iterable[tuple[str, Config]]:
    yield "one field k1 1.2 b .75", Config()
    yield "+ambiguous", Config(ambiguous=True)
    yield "+keep words", Config(keep_words=True)
    yield "+both", Config(keep_words=True, ambiguous=True)
    for k1 in (0.9, 1.5, 2.0):
        for b in (0.5, 0.75, 0.9):
            yield f"k1 {k1} b {b}", Config(k1=k1, b=b)
    for bonus in (0.1, 0.2, 0.4):
        yield f"title bonus {bonus}", Config(title_bonus=bonus)


def _prf() -> Iterable[tuple[str, Config]]:
    base = {"ambiguous": True, "keep_words": True}
    yield "no prf", Config(**base)  # type: ignore[arg-type]
    for prf in ("rm3", "tfidf"):
        for docs in (5, 10, 20):
            for terms in (10, 20, 40):
                for w in (0.5, 0.7):
                    yield (f"{prf} docs {docs} terms {terms} orig {w}",
                           Config(prf=prf, fb_docs=docs, fb_terms=terms, orig_weight=w,
                                  **base))  # type: ignore[arg-type]


GRIDS: dict[str, Callable[[], Iterable[tuple[str, Config]]]] = {"base": _base, "prf": _prf}

if __name__ == "__main__":
    main()
