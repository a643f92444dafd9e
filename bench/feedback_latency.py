"""What pseudo-relevance feedback costs: ``python -m bench.feedback_latency INDEX_DIR``.

Times the committed search mix (``bench/queries.json``, with facets and snippets) on one index
generation, in one warm process, three times one after the other: with feedback, without it
(free words scored as plain BM25), and with it again, so that a shared machine's load drifts
show as a difference between the first and last run. Prints wall and CPU percentiles.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from bench import latency
from search_service.engine import ranking
from search_service.engine.live import LiveIndex
from search_service.engine.params import SearchParams
from search_service.engine.search import search


def measure(index_dir: Path, rounds: int = 10, warmup: int = 50) -> dict[str, Any]:
    live = LiveIndex(index_dir)
    generation = live.current()
    try:
        mix = [SearchParams.from_args(a, generation.columns.keys) for a in latency.load_mix()]
        calls = [lambda p=p: search(generation, p) for p in mix]
        out = {"with feedback": latency._time(calls, warmup, rounds)}
        original = ranking.free_word_weights
        ranking.free_word_weights = lambda query: None  # type: ignore[assignment]
        try:
            out["without feedback"] = latency._time(calls, warmup, rounds)
        finally:
            ranking.free_word_weights = original
        out["with feedback (again)"] = latency._time(calls, warmup, rounds)
        return out
    finally:
        live.close()


if __name__ == "__main__":
    result = measure(Path(sys.argv[1]))
    print(json.dumps({name: {"p50_ms": r["p50_ms"], "p95_ms": r["p95_ms"],
                             "cpu_p50_ms": r["cpu"]["p50_ms"], "cpu_p95_ms": r["cpu"]["p95_ms"]}
                      for name, r in result.items()}, indent=2))
