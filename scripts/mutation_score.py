"""Mutation score per module from mutmut's results (run by `make mutate` after `mutmut run`).

Prints a Markdown table and writes bench/results/mutation-<date>.json with the machine, the
date and the commit, as the other measurements in bench/results do. A mutant counts as caught
when a test failed (killed) or ran past its time limit (timeout: the mutant made the code loop,
which a user would notice as a hang). Mutants that were not run (not in MUTANTS) are left out.
"""

from __future__ import annotations

import datetime as dt
import json
import platform
import re
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINE = re.compile(r"^\s*(?P<name>[\w.ǁ]+?)\.x(?:_|ǁ)(?P<function>.+)__mutmut_\d+: (?P<status>.+)$")
CAUGHT = ("killed", "timeout")


def results() -> dict[str, Counter[str]]:
    out = subprocess.run([str(Path(sys.executable).parent / "mutmut"), "results", "--all",
                          "true"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    modules: dict[str, Counter[str]] = defaultdict(Counter)
    for line in out.splitlines():
        match = LINE.match(line)
        if match is None or match["status"] in ("not checked", "skipped"):
            continue
        modules[match["name"]][match["status"]] += 1
    return dict(modules)


def main() -> None:
    modules = results()
    rows = []
    for name, counts in sorted(modules.items()):
        total = sum(counts.values())
        caught = sum(counts[s] for s in CAUGHT)
        rows.append({"module": name, "mutants": total, "killed": counts["killed"],
                     "timeout": counts["timeout"], "survived": counts["survived"],
                     "other": total - caught - counts["survived"],
                     "score": round(100 * caught / total, 1) if total else None})
    total = sum(r["mutants"] for r in rows)
    caught = sum(r["killed"] + r["timeout"] for r in rows)
    print("| module | mutants | killed | timeout | survived | other | score |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['module']} | {r['mutants']} | {r['killed']} | {r['timeout']} | "
              f"{r['survived']} | {r['other']} | {r['score']}% |")
    overall = round(100 * caught / total, 1) if total else None
    print(f"| **all** | {total} | | | | | **{overall}%** |")
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                            capture_output=True, text=True).stdout.strip()
    today = dt.date.today().isoformat()
    record = {"date": today, "commit": commit, "tool": "mutmut 3.8.1",
              "machine": f"{platform.machine()}, {platform.python_version()}",
              "modules": rows, "overall_score": overall}
    path = ROOT / "bench" / "results" / f"mutation-{today}.json"
    path.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    print(f"written {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
