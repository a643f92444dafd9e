"""Insights and exports at scale: ``python -m bench.insights [--size 10000]``.

- **insights**: p50/p95/p99 of :func:`search_service.engine.insights.insights` over the whole
  collection and over the search mix of ``bench/queries.json``, in one warm process (the
  first call, which reads the savings figures of every record once per generation, is
  reported on its own). Target at 10,000 case studies: whole collection p95 <= 50 ms.
- **export**: ``GET /search.csv`` for the whole collection through the app (the view the
  pages link to), consumed chunk by chunk in a fresh child process: rows, bytes, wall and CPU
  seconds (with tracemalloc on, which slows allocation-heavy code),
  the peak of Python allocations (tracemalloc) and the process's resident memory (RSS)
  after 1,000 rows and at the end. Flat memory means the peak does not grow with the rows:
  the same is measured for a 1,000-row export to compare.

Writes ``bench/results/insights-<size>.json`` with the machine, date and commit.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any

from bench.latency import _time, load_mix
from bench.run import BIN, HERE, git_commit, machine, versions
from bench.scale_corpus import write_corpus

__all__ = ["main", "measure_insights", "measure_export"]

TARGET_P95_MS = 50.0


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def measure_insights(index: Path, rounds: int = 20) -> dict[str, Any]:
    from search_service.engine.insights import insights
    from search_service.engine.live import LiveIndex
    from search_service.engine.params import SearchParams

    live = LiveIndex(index)
    generation = live.current()
    try:
        started = time.perf_counter()
        insights(generation, SearchParams())
        first_ms = (time.perf_counter() - started) * 1000
        mix = [SearchParams.from_args(a, generation.columns.keys) for a in load_mix()]
        whole = _time([lambda: insights(generation, SearchParams())], 10, rounds * 5)
        searches = _time([lambda p=p: insights(generation, p) for p in mix], 20, rounds)
        return {"documents": generation.columns.size,
                "first_call_ms": round(first_ms, 1),
                "whole_collection": whole, "search_mix": searches,
                "target_whole_p95_ms": TARGET_P95_MS,
                "met": whole["p95_ms"] <= TARGET_P95_MS}
    finally:
        live.close()


def _export_child(index: Path, query: str) -> dict[str, Any]:
    """In this (fresh) process: stream /search.csv and watch memory while it flows."""
    from search_service import create_app

    app = create_app({"TESTING": True, "INDEX_DIR": str(index), "RATELIMIT_ENABLED": False})
    client = app.test_client()
    client.get("/search.csv?q=zzzqqqxx")  # open the index and warm the code paths first
    rss_start = _rss_mb()
    tracemalloc.start()
    started, started_cpu = time.perf_counter(), time.process_time()
    response = client.get(f"/search.csv?{query}", buffered=False)
    rows = size = 0
    rss_at_1000 = None
    for chunk in response.response:
        size += len(chunk)
        rows += chunk.count(b"\r\n") if isinstance(chunk, bytes) else 0
        if rss_at_1000 is None and rows >= 1000:
            rss_at_1000 = _rss_mb()
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - started_cpu
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"query": query, "rows": rows - 1,
            "total_header": int(response.headers["X-Total-Count"]),
            "bytes": size, "seconds": round(elapsed, 2), "cpu_seconds": round(cpu, 2),
            "rows_per_second": round((rows - 1) / elapsed),
            "tracemalloc_peak_mb": round(peak / 2**20, 2),
            "rss_start_mb": round(rss_start, 1),
            "rss_after_1000_rows_mb": None if rss_at_1000 is None else round(rss_at_1000, 1),
            "rss_end_mb": round(_rss_mb(), 1)}


def measure_export(index: Path) -> dict[str, Any]:
    """The whole collection, and a small export for comparison, each in a fresh process."""
    def child(query: str) -> dict[str, Any]:
        done = subprocess.run([sys.executable, "-m", "bench.insights", "--export-child",
                               str(index), "--export-query", query], capture_output=True,
                              text=True, cwd=HERE.parent, check=True)
        result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
        return result

    return {"whole_collection": child(""), "small": child("year_to=2016")}


def _index(size: int, work: Path) -> Path:
    corpus = work / f"cases-{size}"
    if not corpus.is_dir():
        write_corpus(size, corpus, seed=0)
    index = work / f"index-{size}-insights"
    if not (index / "CURRENT").exists():
        subprocess.run([str(BIN / "impact-search"), "index", "--corpus", str(corpus), "--index",
                        str(index), "--quiet", "--procs", "2"], check=True)
    return index


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.insights",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10000)
    parser.add_argument("--work", type=Path, default=Path("/tmp/impact-search-bench"))
    parser.add_argument("--export-child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--export-query", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.export_child:
        print(json.dumps(_export_child(args.export_child, args.export_query)))
        return
    args.work.mkdir(parents=True, exist_ok=True)
    index = _index(args.size, args.work)
    result = {"size": args.size, "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
              "git_commit": git_commit(), "machine": machine(), "versions": versions(),
              "insights": measure_insights(index), "export_csv": measure_export(index)}
    path = HERE / "results" / f"insights-{args.size}.json"
    path.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))
    print(f"-> {path}")


if __name__ == "__main__":
    main()
