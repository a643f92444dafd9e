"""How long ``impact-search`` takes to start: ``--help`` and ``validate``.

Each command runs ``--runs`` times in a fresh process (as a person runs it); the result has the
wall time (median and best) and the CPU time per run, which a busy shared machine disturbs less
(``machine.load_average_at_start`` says how busy it was). ``python -X importtime`` lists what
importing the CLI module costs. Target (issue 14): ``--help`` and ``validate`` under 0.5 s.
Written to ``bench/results/cli-startup.json``; ``--root`` measures another checkout (e.g. main
before a change) through ``PYTHONPATH``.

    .venv/bin/python -m bench.cli_startup [--runs 15] [--root DIR] [--out FILE]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.run import git_commit, machine

__all__ = ["measure", "import_costs", "main"]

HERE = Path(__file__).resolve().parent
COMMANDS = {"--help": ["--help"], "validate": ["validate"]}
TARGET_SECONDS = 0.5
CLI = "import sys; from search_service.cli import main; sys.exit(main())"


def _env(root: Path | None) -> dict[str, str]:
    env = dict(os.environ)
    if root is not None:
        env["PYTHONPATH"] = str(root)
    return env


def _cwd(root: Path | None) -> Path:
    # `python -c` puts the working folder first on sys.path: run from the measured checkout.
    return root or HERE.parent


def measure(args: list[str], runs: int, root: Path | None) -> dict[str, Any]:
    """Wall and CPU seconds of ``impact-search ARGS`` in a new process, ``runs`` times."""
    walls, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", CLI, *args], env=_env(root), cwd=_cwd(root),
                       check=True, stdout=subprocess.DEVNULL)
        walls.append(time.perf_counter() - started)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return {"runs": runs, "wall_median_s": round(statistics.median(walls), 3),
            "wall_best_s": round(min(walls), 3), "cpu_median_s": round(statistics.median(cpus), 3)}


def import_costs(root: Path | None, top: int = 8) -> list[dict[str, Any]]:
    """The modules with the largest cumulative import time under ``search_service.cli``."""
    done = subprocess.run([sys.executable, "-X", "importtime", "-c", "import search_service.cli"],
                          env=_env(root), cwd=_cwd(root), capture_output=True, text=True,
                          check=True)
    rows = []
    for line in done.stderr.splitlines():
        parts = line.removeprefix("import time:").split("|")
        if len(parts) == 3 and parts[1].strip().isdigit():
            rows.append({"module": parts[2].strip(), "cumulative_ms": int(parts[1]) / 1000})
    return sorted(rows, key=lambda r: -r["cumulative_ms"])[:top]


def _commit(root: Path) -> str:
    return subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True,
                          text=True).stdout.strip()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--root", type=Path, default=None,
                        help="another checkout to measure (put first on PYTHONPATH)")
    parser.add_argument("--out", type=Path, default=HERE / "results" / "cli-startup.json")
    args = parser.parse_args(argv)
    commands = {name: measure(cli_args, args.runs, args.root)
                for name, cli_args in COMMANDS.items()}
    result = {
        "date": dt.date.today().isoformat(), "machine": machine(),
        "git_commit": _commit(args.root) if args.root else git_commit(),
        "root": str(args.root) if args.root else None, "target_s": TARGET_SECONDS,
        "commands": commands, "import_search_service_cli": import_costs(args.root),
        # The best of N runs: on a shared machine the median also measures the neighbours.
        "within_target": all(c["wall_best_s"] < TARGET_SECONDS for c in commands.values()),
    }
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps({"commands": commands, "within_target": result["within_target"]}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
