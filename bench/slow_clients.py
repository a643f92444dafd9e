"""Slow and idle clients against ``impact-search serve --prod``: does everyone else still get
answers? (Issue 18: with 5 sync workers, 5 idle connections stopped all answers for 30 s, and
10 that reconnected kept the service down 54 s of 55.)

Usage: ``.venv/bin/python -m bench.slow_clients [--workers 5] [--seconds 30]
[--out bench/results/slow-clients.json]``. Loopback only; every loop is bounded in time.

Attackers, all at once for the whole run: ``--idle`` connections that send nothing and
reconnect as soon as the server closes them, and ``--trickling`` connections that send one
byte of a request line per second (a slowloris) and reconnect too. Meanwhile one honest client
sends a search every 50 ms on a new connection with a 5 s timeout; we record how many were
answered and how long they took.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

from bench.run import git_commit, machine
from indexer.build import build_index
from indexer.paths import corpus_dir

LISTENING = re.compile(r"Listening at: http://127\.0\.0\.1:(\d+)")


def start_server(index: Path, workers: int, log: Path) -> tuple[subprocess.Popen[bytes], int]:
    command = [str(Path(sys.executable).parent / "impact-search"), "serve", "--prod",
               "--index", str(index), "--port", "0", "--workers", str(workers)]
    with open(log, "wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env={
            "PATH": "/usr/bin:/bin", "IMPACT_SEARCH_RATELIMIT_ENABLED": "false",
            "OPENBLAS_NUM_THREADS": "1"})
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        found = LISTENING.search(log.read_text(errors="replace"))
        if found:
            time.sleep(1.0)  # workers booting
            return process, int(found.group(1))
        time.sleep(0.1)
    process.kill()
    raise RuntimeError(log.read_text(errors="replace"))


def attacker(port: int, stop: threading.Event, trickle: bool) -> None:
    while not stop.is_set():
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=2) as sock:
                sock.settimeout(1.0)
                for byte in b"GET /api/v1/search?q=falls HTTP/1.1\r\n":
                    if stop.is_set():
                        return
                    if trickle:
                        sock.sendall(bytes([byte]))
                    try:
                        if sock.recv(1) == b"":
                            break  # closed by the server: reconnect
                    except TimeoutError:
                        continue
        except OSError:
            time.sleep(0.1)


def honest(port: int, seconds: float) -> list[float | None]:
    times: list[float | None] = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        started = time.monotonic()
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/search?q=falls",
                                        timeout=5) as answer:
                answer.read()
            times.append(time.monotonic() - started)
        except OSError:
            times.append(None)
        time.sleep(max(0.0, 0.05 - (time.monotonic() - started)))
    return times


def run(workers: int, idle: int, trickling: int, seconds: float) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as folder:
        index = Path(folder) / "index"
        build_index(corpus_dir() / "cases", index)
        process, port = start_server(index, workers, Path(folder) / "server.log")
        stop = threading.Event()
        threads = [threading.Thread(target=attacker, args=(port, stop, n >= idle))
                   for n in range(idle + trickling)]
        try:
            for thread in threads:
                thread.start()
            time.sleep(1.0)
            times = honest(port, seconds)
        finally:
            stop.set()
            for thread in threads:
                thread.join(timeout=10)
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=30)
    answered = [t for t in times if t is not None]
    return {
        "workers": workers, "threads_per_worker": 4, "idle_connections": idle,
        "trickling_connections": trickling, "seconds": seconds,
        "honest_requests": len(times), "answered": len(answered),
        "answered_share": round(len(answered) / max(1, len(times)), 4),
        "latency_ms": {
            "p50": round(statistics.median(answered) * 1000, 1) if answered else None,
            "p99": round(sorted(answered)[int(0.99 * (len(answered) - 1))] * 1000, 1)
            if answered else None,
            "max": round(max(answered) * 1000, 1) if answered else None,
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workers", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--out", type=Path,
                        default=Path(__file__).resolve().parent / "results" / "slow-clients.json")
    args = parser.parse_args()
    scenarios = [run(args.workers, idle, trickling, args.seconds)
                 for idle, trickling in ((10, 0), (50, 50))]
    result = {"date": dt.date.today().isoformat(), "git_commit": git_commit(),
              "machine": machine(), "worker": "BoundedThreadWorker (gthread, heads read in "
              "the poller)", "before": "sync workers: 5 idle connections stopped all answers "
              "for 30 s; 10 reconnecting kept the service down 54 s of 55 (issue 18)",
              "scenarios": scenarios}
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(scenarios, indent=2))


if __name__ == "__main__":
    main()
