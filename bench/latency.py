"""In-process latency: ``search`` (facets + top-10 snippets), ``similar`` by id and ``similar``
for a 300-word draft, each timed per call in one warm process.

Every call goes through the same functions the API calls
(``search_service.engine.search.search``, ``search_service.engine.similar``), parameters
included, so the figures are the service's minus HTTP.
"""

from __future__ import annotations

import json
import random
import statistics
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from bench.scale_corpus import Generator
from search_service.engine.live import Generation, LiveIndex
from search_service.engine.params import SearchParams
from search_service.engine.search import search
from search_service.engine.similar import similar_to_case, similar_to_text

__all__ = ["load_mix", "percentiles", "run_latency", "drafts", "search_args"]

QUERIES = Path(__file__).with_name("queries.json")
DRAFT_WORDS = 300


def search_args(entry: dict[str, Any]) -> dict[str, list[str]]:
    """One query-mix entry as request arguments (every value a list of strings)."""
    return {k: [str(x) for x in v] if isinstance(v, list) else [str(v)]
            for k, v in entry.items()}


def load_mix(path: Path = QUERIES) -> list[dict[str, list[str]]]:
    return [search_args(e) for e in json.loads(path.read_text(encoding="utf-8"))["search"]]


def drafts(count: int, seed: int = 7) -> list[str]:
    """``count`` 300-word drafts, written by the scale-corpus generator with its own seed."""
    generator = Generator(seed)
    out = []
    for i in range(count):
        record = generator.record(1_000_000 + i)
        words = " ".join(str(record.get(f, "")) for f in
                         ("title", "summary", "challenge", "lks_contribution", "outcome")).split()
        out.append(" ".join(words[:DRAFT_WORDS]))
    return out


def percentiles(samples_ms: Sequence[float]) -> dict[str, float]:
    ordered = sorted(samples_ms)

    def at(q: float) -> float:
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]

    return {"n": len(ordered), "mean_ms": round(statistics.fmean(ordered), 3),
            "p50_ms": round(at(0.50), 3), "p95_ms": round(at(0.95), 3),
            "p99_ms": round(at(0.99), 3), "max_ms": round(ordered[-1], 3)}


def _time(calls: Sequence[Callable[[], object]], warmup: int, rounds: int) -> dict[str, Any]:
    for call in list(calls)[:warmup]:
        call()
    samples, cpu = [], []
    for _ in range(rounds):
        for call in calls:
            started, started_cpu = time.perf_counter(), time.thread_time()
            call()
            samples.append((time.perf_counter() - started) * 1000)
            cpu.append((time.thread_time() - started_cpu) * 1000)
    # CPU time per call as well: on a shared machine, wall time includes waiting for a core.
    return {**percentiles(samples), "cpu": percentiles(cpu)}


def _case_ids(generation: Generation, count: int, seed: int = 3) -> list[str]:
    ordinals = random.Random(seed).sample(range(len(generation.store)),
                                          min(count, len(generation.store)))
    return [generation.store.get(o)["id"] for o in ordinals]


def run_latency(index_dir: Path, rounds: int = 10, warmup: int = 50) -> dict[str, Any]:
    live = LiveIndex(index_dir)
    generation = live.current()
    try:
        mix = [SearchParams.from_args(a, generation.columns.keys) for a in load_mix()]
        ids = _case_ids(generation, 40)
        texts = drafts(20)
        return {
            "documents": len(generation.store),
            "search": _time([lambda p=p: search(generation, p) for p in mix], warmup, rounds),
            "similar_by_id": _time([lambda i=i: similar_to_case(generation, i) for i in ids],
                                   warmup, rounds),
            "similar_draft": _time([lambda t=t: similar_to_text(generation, t) for t in texts],
                                   warmup, rounds),
        }
    finally:
        live.close()
