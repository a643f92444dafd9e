"""Decision to search: how long after a reviewer accepts is the case study findable?

``python -m bench.publish [--size 1000] [--database-url URL] [--out FILE]`` loads ``size``
synthetic case studies (bench.scale_corpus) into a fresh workflow database, builds the index
from it, then, with the default settings (``PUBLISH_DEBOUNCE_SECONDS``,
``DATABASE_POLL_SECONDS``):

- one decision: seconds from the accept request to the case study in the search API, on the
  node that decided and on a second node sharing the database (which only polls);
- a burst of 10 decisions: seconds until all 10 are findable, and how many index generations
  were built for them (the publisher coalesces a burst).

The target (issue 13): at 1,000 case studies, findable within 30 s of the decision.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from flask import Flask

from bench.run import git_commit, machine
from bench.scale_corpus import Generator
from search_service import create_app
from search_service.workflow import accounts, publisher
from search_service.workflow.collection import load_records
from search_service.workflow.db import database, make_engine, upgrade
from search_service.workflow.models import Role

__all__ = ["main", "measure"]

TARGET_SECONDS = 30.0
CRITERIA = {k: True for k in ("achievement", "impact", "library_role", "quantified",
                              "named_champion")}


def _record(title: str) -> dict[str, Any]:
    record = Generator(7).record(0)
    record.update(title=title, consent={"named": True, "internal": True, "external": True})
    return {k: v for k, v in record.items() if k not in ("id", "submitted_date")}


def _found(app: Flask, word: str) -> int:
    body = app.test_client().get("/api/v1/search", query_string={"q": word}).get_json()
    return int(body["total"])


def _wait(apps: list[Flask], word: str, count: int, started: float,
          limit: float = 300) -> list[float]:
    """Seconds until each app finds ``count`` hits; every app is asked all along (as a load
    balancer's traffic would), since a node notices the database on its requests."""
    times: dict[int, float] = {}
    while len(times) < len(apps):
        for n, app in enumerate(apps):
            if n not in times and _found(app, word) >= count:
                times[n] = round(time.perf_counter() - started, 2)
        if time.perf_counter() - started > limit:
            raise TimeoutError(f"{word!r} not findable after {limit} s")
        time.sleep(0.1)
    return [times[n] for n in range(len(apps))]


def measure(size: int, work: Path, database_url: str | None, nodes: int = 2) -> dict[str, Any]:
    url = database_url or f"sqlite:///{work / 'workflow.sqlite'}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    apps = [create_app({"INDEX_DIR": str(work / f"index-{n}"), "DATABASE_URL": url,
                        "SECRET_KEY": "bench", "RATELIMIT_ENABLED": False})
            for n in range(nodes)]
    first = apps[0]
    with first.app_context():
        session = database().session()
        generator = Generator(0)
        load_records(session, (generator.record(i) for i in range(size)))
        for email, role in (("writer@nhs.net", Role.SUBMITTER),
                            ("reviewer@nhs.net", Role.REVIEWER)):
            accounts.add_user(session, email, role)
        tokens = {e: accounts.create_api_token(session, e)
                  for e in ("writer@nhs.net", "reviewer@nhs.net")}
        session.commit()
        session.close()
    started = time.perf_counter()
    publisher(first).build_if_behind()
    initial_build = round(time.perf_counter() - started, 2)
    for n in range(1, nodes):
        shutil.copytree(work / "index-0", work / f"index-{n}")
    writer, reviewer = ({"Authorization": f"Bearer {tokens[e]}"}
                        for e in ("writer@nhs.net", "reviewer@nhs.net"))
    client = first.test_client()

    def submitted(title: str) -> int:
        made = client.post("/api/v1/submissions", json=_record(title), headers=writer).get_json()
        client.post(f"/api/v1/submissions/{made['id']}/submit", headers=writer)
        return int(made["id"])

    def accept(number: int) -> None:
        response = client.post(f"/api/v1/reviews/{number}", headers=reviewer, json={
            "decision": "accept", "criteria": CRITERIA, "comment": ""})
        assert response.get_json()["state"] == "published", response.get_json()

    one = submitted("Quillwort single decision")
    builds_before = publisher(first).builds
    started = time.perf_counter()
    accept(one)
    single, *others = _wait(apps, "quillwort", 1, started)
    burst = [submitted(f"Zanzibarine burst {n}") for n in range(10)]
    builds_before = publisher(first).builds
    started = time.perf_counter()
    for number in burst:
        accept(number)
    burst_seconds = max(_wait(apps, "zanzibarine", 10, started))
    for app in apps:
        publisher(app).wait_idle()
        with app.app_context():
            database().dispose()
    return {
        "documents": size + 1, "database": url.split(":")[0],
        "settings": {k: first.config[k] for k in ("PUBLISH_DEBOUNCE_SECONDS",
                                                  "DATABASE_POLL_SECONDS")},
        "initial_build_seconds": initial_build,
        "decision_to_findable_seconds": single,
        "nodes_on_this_machine": nodes,
        "decision_to_findable_on_other_nodes_seconds": others,
        "burst_of_10_to_all_findable_on_every_node_seconds": burst_seconds,
        "generations_built_for_the_burst": publisher(first).builds - builds_before,
        "target_seconds": TARGET_SECONDS,
        "within_target": max(single, *others, burst_seconds) <= TARGET_SECONDS,
    }


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.publish",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1000)
    parser.add_argument("--database-url", default=None,
                        help="default: a fresh SQLite file in a temporary folder")
    parser.add_argument("--nodes", type=int, default=2, help="app nodes on one database (all "
                        "on this machine, so their builds share its cores)")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="impact-search-publish-") as folder:
        result = measure(args.size, Path(folder), args.database_url, args.nodes)
    result.update(date=dt.date.today().isoformat(), git_commit=git_commit(), machine=machine())
    text = json.dumps(result, indent=2)
    print(text)
    if args.out:  # one run per number of nodes, kept side by side
        runs = json.loads(args.out.read_text()) if args.out.exists() else {}
        runs = runs if isinstance(runs, dict) and "runs" in runs else {"runs": {}}
        runs["runs"][f"{args.nodes}-nodes"] = result
        args.out.write_text(json.dumps(runs, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
