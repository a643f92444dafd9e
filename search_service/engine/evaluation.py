"""Ranking quality on a BEIR-format test collection: ``impact-search eval``.

The collection is indexed with the service's own code (:func:`indexer.build.build_documents`
over :func:`indexer.documents.from_generic`), and each query goes through the service's query
path (:func:`~search_service.engine.query.parse_query`, then
:func:`~search_service.engine.ranking.rank_fulltext`: one-field BM25, feedback for free words
and related documents after few matches), so the figure measures what users get.

Queries are cut to the service's bounds (the first ``MAX_TERMS`` words, at most
``MAX_QUERY_CHARS`` characters) rather than rejected, and the number cut is reported; NFCorpus
needs no cutting.

Metrics follow trec_eval: ``ndcg_cut.10`` with linear gains from graded judgments and unjudged
documents gaining 0, ties in score broken by document id in descending order (trec_eval's own
rule), averaged over every judged query, a query with no hits counting 0; ``recall_100``.
Flask-free, like the rest of the query code.
"""

from __future__ import annotations

import json
import math
import random
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from indexer.build import build_documents
from indexer.documents import from_generic
from indexer.fulltext import open_fulltext
from indexer.impacts import load_impacts
from indexer.similarity import load_similarity
from search_service.engine.query import MAX_QUERY_CHARS, MAX_TERMS, parse_query
from search_service.engine.ranking import check_cost, prefix_expander, rank_fulltext
from search_service.engine.scoring import TextIndex

__all__ = [
    "Qrels", "Run", "BeirSet", "Evaluation", "load_beir", "ndcg_at_k", "recall_at_k",
    "evaluate_run", "paired_bootstrap", "bound_query", "evaluate_service", "load_qrels",
    "run_service"]

Qrels = dict[str, dict[str, int]]  # query id -> document id -> graded relevance
Run = dict[str, list[tuple[str, float]]]  # query id -> (document id, score), best first


@dataclass
class BeirSet:
    corpus: Path
    queries: dict[str, str]  # only the judged queries of the split
    qrels: Qrels


def _jsonl(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def load_qrels(path: Path) -> Qrels:
    qrels: Qrels = {}
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle):
            parts = line.split()
            if number == 0 and parts[-1] == "score":
                continue  # BEIR's header row
            if len(parts) >= 3:
                qrels.setdefault(parts[0], {})[parts[1]] = int(parts[-1])
    return qrels


def load_beir(directory: Path, split: str) -> BeirSet:
    """The judged queries of ``split`` and the judgments; the corpus is streamed later."""
    missing = [p for p in ("corpus.jsonl", "queries.jsonl", f"qrels/{split}.tsv")
               if not (directory / p).is_file()]
    if missing:
        raise FileNotFoundError(f"{directory} is not a BEIR folder (missing {', '.join(missing)})")
    qrels = load_qrels(directory / "qrels" / f"{split}.tsv")
    queries = {str(r["_id"]): str(r["text"]) for r in _jsonl(directory / "queries.jsonl")
               if str(r["_id"]) in qrels}
    return BeirSet(directory / "corpus.jsonl", queries, qrels)


def _trec_order(ranking: Sequence[tuple[str, float]]) -> list[tuple[str, float]]:
    # trec_eval sorts by score, then by document id, both descending.
    return sorted(ranking, key=lambda ds: (ds[1], ds[0]), reverse=True)


def ndcg_at_k(ranking: Sequence[tuple[str, float]], judged: Mapping[str, int],
              k: int = 10) -> float:
    gains = [judged.get(doc, 0) for doc, _ in _trec_order(ranking)[:k]]
    dcg = sum(g / math.log2(i + 2) for i, g in enumerate(gains) if g > 0)
    ideal = sorted((g for g in judged.values() if g > 0), reverse=True)[:k]
    idcg = sum(g / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg > 0 else 0.0


def recall_at_k(ranking: Sequence[tuple[str, float]], judged: Mapping[str, int],
                k: int = 100) -> float:
    relevant = {d for d, g in judged.items() if g > 0}
    if not relevant:
        return 0.0
    found = {doc for doc, _ in _trec_order(ranking)[:k]} & relevant
    return len(found) / len(relevant)


@dataclass
class Evaluation:
    ndcg_at_10: float
    recall_at_100: float
    per_query_ndcg: dict[str, float]
    no_hit_queries: int
    queries: int
    mean_ms: float = 0.0
    mean_cpu_ms: float = 0.0  # this process's CPU time: steadier than wall on a shared machine
    truncated_queries: int = 0
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"ndcg_at_10": round(self.ndcg_at_10, 4),
                "recall_at_100": round(self.recall_at_100, 4),
                "mean_ms": round(self.mean_ms, 3), "mean_cpu_ms": round(self.mean_cpu_ms, 3),
                "no_hit_queries": self.no_hit_queries,
                "queries": self.queries}


def evaluate_run(run: Run, qrels: Qrels, k: int = 10) -> Evaluation:
    """Average over every judged query of ``qrels``; a query missing from ``run`` scores 0."""
    judged = [q for q, j in qrels.items() if any(g > 0 for g in j.values())]
    ndcg = {q: ndcg_at_k(run.get(q, []), qrels[q], k) for q in judged}
    recall = [recall_at_k(run.get(q, []), qrels[q], 100) for q in judged]
    count = max(1, len(judged))
    return Evaluation(sum(ndcg.values()) / count, sum(recall) / count, ndcg,
                      sum(1 for q in judged if not run.get(q)), len(judged))


def paired_bootstrap(a: Mapping[str, float], b: Mapping[str, float], samples: int = 10_000,
                     seed: int = 0) -> tuple[float, float, float]:
    """Mean of ``a - b`` over shared queries and its 95% percentile bootstrap interval."""
    keys = sorted(set(a) & set(b))
    diffs = [a[q] - b[q] for q in keys]
    if not diffs:
        return 0.0, 0.0, 0.0
    rng = random.Random(seed)
    n = len(diffs)
    means = sorted(sum(diffs[rng.randrange(n)] for _ in range(n)) / n for _ in range(samples))
    return sum(diffs) / n, means[int(0.025 * samples)], means[int(0.975 * samples) - 1]


def bound_query(text: str) -> tuple[str, bool]:
    """``text`` cut to the query bounds; True if anything was cut."""
    words = text.split()
    cut = " ".join(words[:MAX_TERMS])[:MAX_QUERY_CHARS]
    return cut, cut != " ".join(words)


def _index(beir: BeirSet, directory: Path) -> TextIndex:
    build_documents(directory, list(from_generic(_jsonl(beir.corpus))))
    return TextIndex(open_fulltext(directory / "fulltext"), load_impacts(directory / "impacts"),
                     load_similarity(directory / "similarity"))


def run_service(index: TextIndex, queries: Mapping[str, str], depth: int = 100
                ) -> tuple[Run, float, float, int]:
    """The service's top ``depth`` per query; also the mean wall and CPU milliseconds per
    query and the number of queries cut.

    Each query runs once, cold: the first query of a process costs what the hundredth does,
    because plain words read stored scores.
    """
    fulltext = index.fulltext
    ids = fulltext.searcher.reader().all_stored_fields()
    external = {i: str(stored["id"]) for i, stored in enumerate(ids)}
    by_ord = {int(fulltext.docnum_to_ord[d]): doc for d, doc in external.items()}
    expand = prefix_expander(index)
    run: Run = {}
    cut = 0
    elapsed = cpu = 0.0
    for qid, text in queries.items():
        bounded, was_cut = bound_query(text)
        cut += was_cut
        started, started_cpu = time.perf_counter(), time.process_time()
        parsed = parse_query(bounded, expand)
        check_cost(index, parsed)
        ranked = rank_fulltext(index, parsed, None, depth)
        elapsed += time.perf_counter() - started
        cpu += time.process_time() - started_cpu
        run[qid] = [(by_ord[o], s) for o, s in ranked]
    count = max(1, len(queries))
    return run, elapsed * 1000 / count, cpu * 1000 / count, cut


def evaluate_service(directory: Path, split: str, k: int = 10) -> Evaluation:
    """Index the BEIR corpus in ``directory`` with the service's code and score ``split``."""
    beir = load_beir(directory, split)
    with tempfile.TemporaryDirectory(prefix="impact-eval-") as tmp:
        index = _index(beir, Path(tmp))
        try:
            run, mean_ms, cpu_ms, cut = run_service(index, beir.queries)
        finally:
            index.fulltext.close()
    result = evaluate_run(run, beir.qrels, k)
    result.mean_ms, result.mean_cpu_ms, result.truncated_queries = mean_ms, cpu_ms, cut
    result.extra["run"] = run
    return result
