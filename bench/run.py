"""``make bench``: build time and memory, in-process latency and HTTP throughput per corpus size,
written to ``bench/results/<date>-<size>.json``. See bench/README.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from importlib import metadata
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from bench.latency import load_mix, run_latency
from bench.scale_corpus import write_corpus

__all__ = ["machine", "measure_build", "measure_http", "main"]

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
WRK_SCRIPT = HERE / "wrk_mix.lua"
P99_LIMIT_MS = 100.0


def machine() -> dict[str, Any]:
    cpuinfo = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    meminfo = Path("/proc/meminfo").read_text() if Path("/proc/meminfo").exists() else ""
    model = re.search(r"model name\s*:\s*(.+)", cpuinfo)
    memory = re.search(r"MemTotal:\s*(\d+) kB", meminfo)
    return {"cpu": model.group(1) if model else platform.processor(), "cores": os.cpu_count(),
            "memory_mb": int(memory.group(1)) // 1024 if memory else None,
            "load_average_at_start": list(os.getloadavg()), "platform": platform.platform()}


def versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for name in ("whoosh", "numpy", "scipy", "scikit-learn", "flask", "gunicorn", "nltk"):
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "absent"
    wrk = shutil.which("wrk")
    if wrk:
        banner = subprocess.run([wrk, "-v"], capture_output=True, text=True).stdout
        out["wrk"] = banner.split()[1] if banner else "unknown"
    return out


def git_commit() -> str:
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=HERE, capture_output=True, text=True).stdout
    commit = git("rev-parse", "HEAD").strip()
    return commit + ("+dirty" if git("status", "--porcelain", "--untracked-files=no") else "")


def measure_build(corpus: Path, index: Path, procs: int) -> dict[str, Any]:
    """Wall time and peak RSS of ``impact-search index`` in a child process (GNU time)."""
    shutil.rmtree(index, ignore_errors=True)
    command = [str(BIN / "impact-search"), "index", "--corpus", str(corpus), "--index",
               str(index), "--quiet", "--procs", str(procs)]
    started = time.perf_counter()
    done = subprocess.run(["/usr/bin/time", "-v", *command], capture_output=True, text=True)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"index build failed:\n{done.stderr[-2000:]}")

    def field(name: str) -> float:
        found = re.search(rf"{re.escape(name)}[^:]*:\s*([\d.]+)", done.stderr)
        return float(found.group(1)) if found else float("nan")

    return {"procs": procs, "wall_s": round(wall, 2), "user_s": field("User time"),
            "system_s": field("System time"),
            "peak_rss_mb": round(field("Maximum resident set size") / 1024, 1)}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_ready(url: str, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"{url} did not answer within {seconds} s")


def _wrk_paths() -> list[str]:
    return [f"/api/v1/search?{urlencode(args, doseq=True)}" for args in load_mix()]


def _parse_wrk(output: str) -> dict[str, Any]:
    def ms(label: str) -> float:
        found = re.search(rf"^\s*{label}%?\s+([\d.]+)(us|ms|s)\b", output, re.M)
        if not found:
            return float("nan")
        value, unit = float(found.group(1)), found.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    rate = re.search(r"Requests/sec:\s*([\d.]+)", output)
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", output))
    non2xx = re.search(r"Non-2xx or 3xx responses:\s*(\d+)", output)
    return {"requests_per_s": float(rate.group(1)) if rate else 0.0, "p50_ms": ms("50"),
            "p90_ms": ms("90"), "p99_ms": ms("99"),
            "errors": errors + (int(non2xx.group(1)) if non2xx else 0)}


def measure_http(index: Path, seconds: int = 15, connections: tuple[int, ...] = (1, 2, 4, 8, 16)
                 ) -> dict[str, Any]:
    """gunicorn (2 workers) on loopback, wrk cycling the query mix at rising concurrency."""
    if shutil.which("wrk") is None:
        return {"skipped": "wrk is not installed (apt-get install wrk)"}
    port = _free_port()
    # One load generator on one address is exactly what the per-client rate limit stops
    # (429s): this measures the engine's throughput, so the limit is off here.
    env = {**os.environ, "IMPACT_SEARCH_INDEX_DIR": str(index),
           "IMPACT_SEARCH_RATELIMIT_ENABLED": "false"}
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "--workers", "2", "--bind", f"127.0.0.1:{port}",
         "--log-level", "warning", "search_service:create_app()"], env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(f"{base}/api/v1/health")
        paths = _wrk_paths()
        for path in paths:  # warm both workers' caches and check every request succeeds
            for _ in range(2):
                with urllib.request.urlopen(base + path, timeout=30) as response:
                    assert response.status == 200, path
        env["WRK_PATHS"] = "\n".join(paths)
        runs = []
        for c in connections:
            done = subprocess.run(
                ["wrk", "-t", "1", "-c", str(c), "-d", f"{seconds}s", "--latency",
                 "-s", str(WRK_SCRIPT), base], capture_output=True, text=True, env=env)
            runs.append({"connections": c, **_parse_wrk(done.stdout)})
    finally:
        server.terminate()
        server.wait(timeout=30)
    passing = [r for r in runs if r["p99_ms"] < P99_LIMIT_MS and r["errors"] == 0]
    best = max(passing, key=lambda r: r["requests_per_s"]) if passing else None
    return {"server": "gunicorn --workers 2 (sync)", "duration_s_per_run": seconds,
            "runs": runs, "best_under_p99_100ms": best}


def run_size(size: int, work: Path, procs: tuple[int, ...], http: bool,
             previous: dict[str, Any] | None = None) -> dict[str, Any]:
    """Measure one size; with ``previous`` (a results file), keep its build figures and
    re-measure only the queries on the index already built (a 100k build takes 15 minutes)."""
    corpus = work / f"cases-{size}"
    if not corpus.is_dir():
        write_corpus(size, corpus, seed=0)
    if previous is None:
        builds = [measure_build(corpus, work / f"index-{size}-p{p}", p) for p in procs]
    else:
        builds = [{**b, "git_commit": previous["git_commit"], "date": previous["date"]}
                  for b in previous["build"]]
    index = work / f"index-{size}-p{procs[0]}"
    result: dict[str, Any] = {
        "size": size, "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "git_commit": git_commit(), "machine": machine(), "versions": versions(),
        "build": builds, "latency": run_latency(index),
    }
    if http:
        result["http"] = measure_http(index)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__
                                     .splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000", help="comma-separated corpus sizes")
    parser.add_argument("--work", type=Path, default=Path("/tmp/impact-search-bench"),
                        help="where generated corpora and indexes go (reused between runs)")
    parser.add_argument("--procs", default="1,2", help="Whoosh writer processes to try")
    parser.add_argument("--http-size", type=int, default=10000,
                        help="the size at which to measure HTTP throughput")
    parser.add_argument("--keep-build", type=Path, default=None, metavar="RESULTS.json",
                        help="re-measure queries only, keeping this file's build figures")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    out = HERE / "results"
    out.mkdir(exist_ok=True)
    procs = tuple(int(p) for p in args.procs.split(","))
    for size in (int(s) for s in args.sizes.split(",")):
        previous = (json.loads(args.keep_build.read_text(encoding="utf-8"))
                    if args.keep_build else None)
        result = run_size(size, args.work, procs, http=size == args.http_size,
                          previous=previous)
        path = out / f"{dt.date.today().isoformat()}-{size}.json"
        path.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
        print(json.dumps(result, indent=2))
        print(f"-> {path}")


if __name__ == "__main__":
    main()
