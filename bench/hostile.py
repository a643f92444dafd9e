"""Hostile queries against a 20,000-document synthetic corpus: time and memory per query.

Usage: ``.venv/bin/python -m bench.hostile [--documents 20000] [--out FILE.json]`` (default
output: ``bench/results/hostile-20k.json``; the corpus and index are cached in ``bench/data/``).

Each hostile input of issue #7 is sent through the real Flask app (rate limits off) three
times; we record the status, the slowest of the three times and the growth of the process's
resident memory (current and peak). The bound is: a 4xx, or <= 0.5 s with <= 100 MB growth.

The corpus generator here is deliberately minimal (sentences of the bundled case studies
shuffled into new records) so this script runs before ``bench/scale_corpus.py`` exists; when
it does, ``make_corpus`` should call it instead.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import resource
import time
from pathlib import Path
from typing import Any

from indexer.build import build_index
from indexer.generations import read_current
from indexer.paths import corpus_dir

DATA = Path(__file__).resolve().parent / "data"
TEXT_FIELDS = ("title", "summary", "challenge", "lks_contribution", "outcome", "patient_benefit")
LIMIT_SECONDS = 0.5
LIMIT_MB = 100.0


def make_corpus(folder: Path, documents: int, seed: int = 7) -> Path:
    """``documents`` valid records recombined from the bundled corpus's sentences."""
    rng = random.Random(seed)
    bundled = [json.loads(p.read_text(encoding="utf-8"))
               for p in sorted((corpus_dir() / "cases").glob("*.json"))]
    pools = {f: [s for r in bundled if r.get(f) for s in re.split(r"(?<=\.)\s+", r[f])]
             for f in TEXT_FIELDS}
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(documents):
        record = dict(rng.choice(bundled))
        record["id"] = f"synthetic-{i:05d}"
        record["title"] = rng.choice(pools["title"])
        for name in TEXT_FIELDS[1:]:
            if record.get(name):
                record[name] = " ".join(rng.sample(pools[name], k=min(3, len(pools[name]))))
        record["submitted_date"] = f"{rng.randint(2016, 2025)}-{rng.randint(1, 12):02d}-15"
        (folder / f"{record['id']}.json").write_text(json.dumps(record), encoding="utf-8")
    return folder


def ensure_index(documents: int) -> Path:
    root = DATA / f"hostile-{documents}" / "index"
    if read_current(root) is None:
        cases = make_corpus(DATA / f"hostile-{documents}" / "cases", documents)
        started = time.perf_counter()
        build_index(cases, root, skip_invalid=True)
        print(f"built {documents} documents in {time.perf_counter() - started:.0f} s")
    return root


def hostile_requests() -> list[tuple[str, str, dict[str, Any]]]:
    """(name, method, request arguments) for every hostile input the issue lists."""
    words = [f"word{i}" for i in range(1024)]
    queries = {
        "star": "*", "infix *e*": "*e*", "short prefix s*": "s*", "suffix *sis": "*sis",
        "range body:[a TO z]": "body:[a TO z]", "fuzzy sepsis~2": "sepsis~2",
        "OR of 1,023 terms": " OR ".join(words[:1023]),
        "AND of 1,000 terms": " AND ".join(words[:1000]),
        "10 KB string": "sepsis " * (10_240 // 7),
        "1 MB string": "a" * 1_048_576,
        "1,000-deep brackets": "(" * 1000 + "sepsis" + ")" * 1000,
        "32 words (at the bound)": " ".join(["falls", "sepsis", "delirium", "frailty"] * 8),
        "prefix at the bound fal*": "fal*",
    }
    out: list[tuple[str, str, dict[str, Any]]] = [
        (name, "GET", {"path": "/api/v1/search", "query_string": {"q": q}})
        for name, q in queries.items()
    ]
    out += [
        ("deepest page", "GET", {"path": "/api/v1/search",
                                 "query_string": {"q": "care", "page": 10, "per_page": 100}}),
        ("draft of 20,000 characters", "POST", {"path": "/api/v1/similar", "json": {
            "text": ("falls sepsis delirium frailty discharge " * 600)[:20_000]}}),
        ("draft of 1 MB", "POST", {"path": "/api/v1/similar", "json": {"text": "a" * 1_048_576}}),
        ("suggest 10 KB", "GET", {"path": "/api/v1/suggest", "query_string": {"q": "a" * 10_240}}),
    ]
    return out


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def run(documents: int) -> dict[str, Any]:
    from search_service import create_app

    root = ensure_index(documents)
    app = create_app({"TESTING": True, "INDEX_DIR": str(root), "RATELIMIT_ENABLED": False})
    client = app.test_client()
    client.get("/api/v1/search", query_string={"q": "falls"})  # open the index first
    rows = []
    for name, method, kwargs in hostile_requests():
        rss_before = _rss_mb()
        peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        times = []
        status = 0
        for _ in range(3):
            started = time.perf_counter()
            response = client.open(method=method, **kwargs)
            times.append(time.perf_counter() - started)
            status = response.status_code
        growth = _rss_mb() - rss_before
        peak_growth = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 - peak_before
        worst = max(times)
        ok = status in (400, 413) or (status == 200 and worst <= LIMIT_SECONDS
                                      and max(growth, peak_growth) <= LIMIT_MB)
        rows.append({"input": name, "status": status, "seconds": round(worst, 4),
                     "rss_growth_mb": round(growth, 1), "peak_rss_growth_mb": round(peak_growth, 1),
                     "within_bounds": ok})
        print(f"{name:32} {status}  {worst:7.4f} s  {growth:+6.1f} MB  peak {peak_growth:+6.1f} MB")
    answered = [r for r in rows if r["status"] == 200]
    return {
        "documents": documents,
        "bounds": {"seconds": LIMIT_SECONDS, "memory_growth_mb": LIMIT_MB},
        "worst_answered": max(answered, key=lambda r: r["seconds"]) if answered else None,
        "all_within_bounds": all(r["within_bounds"] for r in rows),
        "results": rows,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=20_000)
    parser.add_argument("--out", type=Path,
                        default=Path(__file__).resolve().parent / "results" / "hostile-20k.json")
    args = parser.parse_args()
    report = run(args.documents)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"worst answered: {report['worst_answered']}; wrote {args.out}")


if __name__ == "__main__":
    main()
