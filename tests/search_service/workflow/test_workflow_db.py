"""The database: Alembic migrations build exactly the models' schema; a server database is
migrated by `impact-search db upgrade` (and refused with that advice before); the CLI's users,
tokens, load and export commands."""

from __future__ import annotations

import json
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from click.testing import CliRunner
from flask import Flask

from search_service import create_app
from search_service.cli import main
from search_service.workflow.db import database, make_engine
from search_service.workflow.models import Base, Role
from tests.search_service.workflow.conftest import Person, decide, full_record
from tests.search_service.workflow.pgserver import PostgresServer


def test_the_migrated_schema_is_the_models_schema(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection),
                                           Base.metadata)
    finally:
        engine.dispose()
    assert differences == []


def _cli(args: list[str], url: str, index: Path | None = None) -> tuple[int, str]:
    env = {"IMPACT_SEARCH_DATABASE_URL": url}
    if index is not None:
        env["IMPACT_SEARCH_INDEX_DIR"] = str(index)
    result = CliRunner().invoke(main, args, env=env)
    return result.exit_code, result.output


def test_a_server_database_needs_db_upgrade(postgres: PostgresServer, index_dir: Path) -> None:
    postgres.execute("CREATE DATABASE wf_fresh")
    url = postgres.url("wf_fresh")
    app = create_app({"TESTING": True, "INDEX_DIR": str(index_dir), "DATABASE_URL": url})
    response = app.test_client().post("/api/v1/submissions", json={},
                                      headers={"Authorization": "Bearer isk_x"})
    assert response.status_code == 503
    assert "impact-search db upgrade" in response.get_json()["error"]
    assert app.test_client().get("/api/v1/search?q=falls").status_code == 200
    code, output = _cli(["db", "upgrade"], url)
    assert code == 0 and "empty -> 0001; seeded 200 case studies" in output
    code, output = _cli(["db", "upgrade"], url)
    assert code == 0 and "0001 -> 0001" in output and "seeded" not in output
    with app.app_context():
        database().ensure_ready()  # now at the head revision
        database().dispose()


def test_users_and_tokens_on_the_command_line(app: Flask, database_url: str) -> None:
    assert _cli(["users", "add", "Lead@Example.org", "--role", "admin"],
                database_url) == (0, "lead@example.org: admin\n")
    assert _cli(["users", "role", "lead@example.org", "reviewer"],
                database_url)[1] == "lead@example.org: reviewer\n"
    code, token = _cli(["tokens", "create", "lead@example.org"], database_url)
    token = token.strip()
    assert code == 0 and token.startswith("isk_")
    client = app.test_client()
    queue = client.get("/api/v1/reviews", headers={"Authorization": f"Bearer {token}"})
    assert queue.status_code == 200
    assert "lead@example.org\treviewer\tactive" in _cli(["users", "list"], database_url)[1]
    assert _cli(["tokens", "revoke", "lead@example.org"], database_url)[1].startswith(
        "Revoked 1 token")
    assert client.get("/api/v1/reviews",
                      headers={"Authorization": f"Bearer {token}"}).status_code == 401
    assert _cli(["users", "remove", "lead@example.org"], database_url)[0] == 0
    code, output = _cli(["tokens", "create", "nobody@nhs.net"], database_url)
    assert code == 1 and "impact-search users add nobody@nhs.net" in output


def test_export_then_load_round_trips_the_published_set(app: Flask, database_url: str,
                                                        tmp_path: Path) -> None:
    writer = Person(app, "w@nhs.net", Role.SUBMITTER)
    reviewer = Person(app, "r@nhs.net", Role.REVIEWER)
    submission = writer.submitted(**full_record(title="Quillwort export"))
    decide(reviewer, submission["id"])
    code, output = _cli(["export", "--out", str(tmp_path / "out")], database_url)
    assert code == 0 and "Exported 186 published case studies" in output
    files = sorted((tmp_path / "out" / "cases").glob("*.json"))
    assert len(files) == 186
    assert json.loads((tmp_path / "out" / "cases" / f"{submission['case_id']}.json")
                      .read_text())["title"] == "Quillwort export"
    listing = (tmp_path / "out" / "listing.csv").read_text(encoding="utf-8").splitlines()
    assert listing[0] == ("title,region,sector,group impacted,impact types,organisation,"
                          "date submitted,document") and len(listing) == 187
    # Loading the export back changes nothing; a changed record is updated.
    assert _cli(["db", "load", str(tmp_path / "out" / "cases")], database_url)[1].startswith(
        f"Loaded {tmp_path / 'out' / 'cases'}: 0 added, 0 updated")
    changed = json.loads(files[0].read_text())
    changed["title"] = "A new title from the export"
    files[0].write_text(json.dumps(changed))
    assert ": 0 added, 1 updated" in _cli(["db", "load", str(tmp_path / "out" / "cases")],
                                          database_url)[1]


def test_make_run_keeps_an_index_that_follows_the_database(app: Flask, tmp_path: Path) -> None:
    from search_service.workflow import publisher

    writer = Person(app, "w@nhs.net", Role.SUBMITTER)
    reviewer = Person(app, "r@nhs.net", Role.REVIEWER)
    decide(reviewer, writer.submitted(**full_record(title="Quillwort kept"))["id"])
    assert publisher(app).wait_idle(120)
    code, output = _cli(["index", "--if-stale"], "sqlite://", Path(app.config["INDEX_DIR"]))
    assert code == 0 and "follows the workflow database (revision 1)" in output
    hits = app.test_client().get("/api/v1/search?q=quillwort").get_json()["hits"]
    assert [h["title"] for h in hits if not h["related"]] == ["Quillwort kept"]
