"""Print the Markdown tables of bench/README.md from the latest results files."""

from __future__ import annotations

import json
import sys
from pathlib import Path

RESULTS = Path(__file__).with_name("results")


def _latest() -> list[dict]:  # type: ignore[type-arg]
    by_size: dict[int, tuple[str, dict]] = {}  # type: ignore[type-arg]
    for path in sorted(RESULTS.glob("[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]-*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        by_size[data["size"]] = (path.name, data)
    return [data for _, (_, data) in sorted(by_size.items())]


def speed_table() -> str:
    rows = ["| measure | " + " | ".join(f"{r['size']:,} case studies" for r in _latest()) + " |",
            "|---|" + "---|" * len(_latest())]

    def row(label: str, cell) -> None:  # type: ignore[no-untyped-def]
        rows.append(f"| {label} | " + " | ".join(cell(r) for r in _latest()) + " |")

    def build(r, procs: int) -> str:  # type: ignore[no-untyped-def]
        found = [b for b in r["build"] if b["procs"] == procs]
        if not found:
            return "-"
        b = found[0]
        return f"{b['wall_s']:.0f} ({b['user_s']:.0f}), {b['peak_rss_mb']:.0f}"

    for procs in (1, 2):
        row(f"build, --procs {procs}: wall (CPU) s, peak RSS MB", lambda r, p=procs: build(r, p))
    for key, label in (("search", "search p50 / p95 / p99 ms (facets + snippets)"),
                       ("similar_by_id", "similar by id p50 / p95 / p99 ms"),
                       ("similar_draft", "similar, 300-word draft p50 / p95 / p99 ms")):
        row(label, lambda r, k=key: "{p50_ms:.1f} / {p95_ms:.1f} / {p99_ms:.1f}".format(
            **r["latency"][k]) + " (CPU p95 {:.1f})".format(r["latency"][k]["cpu"]["p95_ms"]))
    row("HTTP req/s at p99 < 100 ms, 0 errors (connections, p99 ms)",
        lambda r: "-" if "http" not in r else
        ("none passed" if not r["http"]["best_under_p99_100ms"] else
         "{requests_per_s:.0f} ({connections}, {p99_ms:.0f})".format(
             **r["http"]["best_under_p99_100ms"])))
    row("git commit", lambda r: r["git_commit"][:8])
    return "\n".join(rows)


def relevance_table() -> str:
    path = RESULTS / "nfcorpus-test.json"
    if not path.exists():
        return "(not run: ../shared/benchmarks/nfcorpus was absent)"
    r = json.loads(path.read_text(encoding="utf-8"))
    rows = ["| system | nDCG@10 | Recall@100 | mean ms/query, wall (CPU) | no-hit queries |",
            "|---|---|---|---|---|"]
    for name, key in (("impact-search (one-field BM25, feedback; default configuration)",
                       "impact_search"),
                      ("bm25s 0.3.16, Lucene BM25, Snowball, English stop words", "bm25s")):
        m = r[key]
        rows.append(f"| {name} | {m['ndcg_at_10']:.4f} | {m['recall_at_100']:.4f} | "
                    f"{m['mean_ms']:.2f} ({m.get('mean_cpu_ms', 0):.2f}) | "
                    f"{m['no_hit_queries']} of {m['queries']} |")
    d = r["ndcg_at_10_difference"]
    rows.append(f"\nDifference in nDCG@10 (impact-search minus bm25s): {d['mean']:+.4f}, paired "
                f"bootstrap 95% interval [{d['ci95'][0]:+.4f}, {d['ci95'][1]:+.4f}].")
    return "\n".join(rows)


if __name__ == "__main__":
    sys.stdout.write(speed_table() + "\n\n" + relevance_table() + "\n")
