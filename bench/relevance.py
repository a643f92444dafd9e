"""Ranking quality on NFCorpus, side by side with bm25s: ``python -m bench.relevance``.

Our figure comes from :func:`search_service.engine.evaluation.evaluate_service` (the service's
analysis, index and query path). The baseline is bm25s with Lucene BM25 (k1 1.5, b 0.75), the
Snowball English stemmer (PyStemmer) and bm25s's English stop words, over ``title + " " +
text`` as BEIR does. Both runs are scored by the same code, per query, so the difference has a
paired bootstrap 95% interval. Tune on train/dev; the test split is only ever reported.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import time
from pathlib import Path
from typing import Any

from bench.run import git_commit, machine, versions
from indexer import impacts
from search_service.engine import feedback
from search_service.engine.evaluation import (
    Run,
    _jsonl,
    evaluate_run,
    evaluate_service,
    load_beir,
    paired_bootstrap,
)

__all__ = ["DEFAULT_DIR", "run_bm25s", "compare"]

DEFAULT_DIR = Path(__file__).resolve().parents[2] / "shared" / "benchmarks" / "nfcorpus"


def run_bm25s(directory: Path, split: str, depth: int = 100) -> tuple[Run, float, float]:
    """bm25s's top ``depth`` per query, and the mean wall and CPU milliseconds per query."""
    import bm25s
    import Stemmer

    beir = load_beir(directory, split)
    rows = list(_jsonl(beir.corpus))
    ids = [str(r["_id"]) for r in rows]
    stemmer = Stemmer.Stemmer("english")
    texts = [f"{r.get('title') or ''} {r.get('text') or ''}" for r in rows]
    retriever = bm25s.BM25(method="lucene")
    retriever.index(bm25s.tokenize(texts, stopwords="en", stemmer=stemmer, show_progress=False),
                    show_progress=False)
    qids = list(beir.queries)
    started, started_cpu = time.perf_counter(), time.process_time()
    tokens = bm25s.tokenize([beir.queries[q] for q in qids], stopwords="en", stemmer=stemmer,
                            show_progress=False)
    docs, scores = retriever.retrieve(tokens, k=min(depth, len(ids)), show_progress=False)
    mean_ms = (time.perf_counter() - started) * 1000 / max(1, len(qids))
    cpu_ms = (time.process_time() - started_cpu) * 1000 / max(1, len(qids))
    run: Run = {}
    for row, qid in enumerate(qids):
        run[qid] = [(ids[int(d)], float(s)) for d, s in zip(docs[row], scores[row], strict=True)
                    if float(s) > 0]
    return run, mean_ms, cpu_ms


def compare(directory: Path, split: str) -> dict[str, Any]:
    ours = evaluate_service(directory, split)
    beir = load_beir(directory, split)
    baseline_run, wall_ms, cpu_ms = run_bm25s(directory, split)
    baseline = evaluate_run(baseline_run, beir.qrels)
    baseline.mean_ms, baseline.mean_cpu_ms = wall_ms, cpu_ms
    diff, low, high = paired_bootstrap(ours.per_query_ndcg, baseline.per_query_ndcg)
    return {
        "dataset": directory.name,
        "split": split,
        "impact_search": {**ours.to_json(), "truncated_queries": ours.truncated_queries,
                          "config": {"bm25": impacts.PARAMS, "feedback": feedback.PARAMS},
                          "timing": "each query once, cold (no query-level cache), parse + "
                                    "rank + feedback, top 100"},
        "bm25s": {**baseline.to_json(), "config": "bm25s 'lucene' k1=1.5 b=0.75, PyStemmer "
                  "english, stop words 'en', title + text",
                  "timing": "one batch call for all queries (tokenise + retrieve), divided "
                            "by the number of queries"},
        "ndcg_at_10_difference": {"mean": round(diff, 4), "ci95": [round(low, 4), round(high, 4)],
                                  "method": "paired bootstrap over queries, 10,000 resamples"},
    }


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.relevance", description=__doc__
                                     .splitlines()[0])
    parser.add_argument("--beir", type=Path, default=DEFAULT_DIR)
    parser.add_argument("--split", choices=("train", "dev", "test"), default="test")
    parser.add_argument("--out", type=Path, help="also write the JSON to this file")
    args = parser.parse_args()
    if not args.beir.is_dir():
        print(f"skipped: {args.beir} is absent (the shared benchmarks folder is not here)")
        return
    at_start = machine()
    result = compare(args.beir, args.split)
    result["date"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    result.update(git_commit=git_commit(), machine=at_start, versions=versions())
    text = json.dumps(result, indent=2)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
