"""Workflow fixtures: every test runs against SQLite and against a real PostgreSQL server;
apps with their own database and their own copy of the session's index (publishing rebuilds
it); users signed in through the session cookie or a bearer token."""

from __future__ import annotations

import itertools
import os
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from werkzeug.test import TestResponse

from search_service import create_app
from search_service.workflow import accounts, publisher
from search_service.workflow.collection import seed_bundled
from search_service.workflow.db import database, make_engine, upgrade
from search_service.workflow.models import Role
from tests.builders import make_record
from tests.search_service.workflow.pgserver import PostgresServer, available

_numbers = itertools.count(1)


def full_record(**changes: Any) -> dict[str, Any]:
    """A complete submission body (the service sets id and submitted_date)."""
    record = make_record(id="x", **changes)
    del record["id"], record["submitted_date"]
    return record


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    if not available():
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL is not installed; .ci/run must install Debian's postgresql")
        pytest.skip("PostgreSQL is not installed (apt-get install postgresql)")
    server = PostgresServer()
    try:
        yield server
    finally:
        server.stop()


def _migrate_and_seed(url: str) -> None:
    engine = make_engine(url)
    try:
        upgrade(engine, seed_bundled)
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("wf-template") / "template.sqlite"
    _migrate_and_seed(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def postgres_template(postgres: PostgresServer) -> str:
    postgres.execute("CREATE DATABASE wf_template")
    _migrate_and_seed(postgres.url("wf_template"))
    return "wf_template"


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, migrated database holding the bundled collection (revision 0)."""
    if request.param == "sqlite":
        path = tmp_path / "workflow.sqlite"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    server: PostgresServer = request.getfixturevalue("postgres")
    template = request.getfixturevalue("postgres_template")
    name = f"wf_{os.getpid()}_{next(_numbers)}"
    server.execute(f"CREATE DATABASE {name} TEMPLATE {template}")
    return server.url(name)


AppFactory = Callable[..., Flask]


@pytest.fixture()
def make_app(database_url: str, index_dir: Path, tmp_path: Path) -> Iterator[AppFactory]:
    """Apps on this test's database, each with its own copy of the bundled index."""
    apps: list[Flask] = []

    def make(**config: Any) -> Flask:
        index = tmp_path / f"index-{len(apps)}"
        shutil.copytree(index_dir, index)
        app = create_app({"TESTING": True, "INDEX_DIR": str(index), "DATABASE_URL": database_url,
                          "SECRET_KEY": "workflow-tests", "RATELIMIT_ENABLED": False,
                          "PUBLISH_DEBOUNCE_SECONDS": 0.05, "DATABASE_POLL_SECONDS": 0.1,
                          **config})
        apps.append(app)
        return app

    yield make
    for app in apps:
        publisher(app).wait_idle()
        with app.app_context():
            database().dispose()


@pytest.fixture()
def app(make_app: AppFactory) -> Flask:
    return make_app()


class Person:
    """A user of one app: a browser (session cookie, CSRF token) and a script (bearer)."""

    def __init__(self, app: Flask, email: str, role: Role) -> None:
        self.app = app
        self.email = email
        with app.app_context():
            session = database().session()
            user = accounts.add_user(session, email, role)
            self.token = accounts.create_api_token(session, email)
            session.commit()
            self.id = user.id
            session.close()
        self.browser = app.test_client()
        with self.browser.session_transaction() as cookie:
            cookie["user_id"] = self.id
            cookie["csrf"] = self.csrf = f"csrf-{self.id}"
        self.script = app.test_client()

    def api(self, method: str, path: str, **kwargs: Any) -> TestResponse:
        headers = {"Authorization": f"Bearer {self.token}", **kwargs.pop("headers", {})}
        return self.script.open(path, method=method, headers=headers, **kwargs)

    def form(self, path: str, data: dict[str, Any] | None = None, **kwargs: Any) -> TestResponse:
        return self.browser.post(path, data={"csrf_token": self.csrf, **(data or {})}, **kwargs)

    def draft(self, **record: Any) -> dict[str, Any]:
        response = self.api("POST", "/api/v1/submissions", json=record or full_record())
        assert response.status_code == 201, response.get_json()
        body: dict[str, Any] = response.get_json()
        return body

    def submitted(self, **record: Any) -> dict[str, Any]:
        draft = self.draft(**(record or full_record()))
        response = self.api("POST", f"/api/v1/submissions/{draft['id']}/submit")
        assert response.status_code == 200, response.get_json()
        body: dict[str, Any] = response.get_json()
        return body


@pytest.fixture()
def people(app: Flask) -> Callable[[str, Role], Person]:
    return lambda email, role=Role.SUBMITTER: Person(app, email, role)


ALL_CRITERIA = {"achievement": True, "impact": True, "library_role": True, "quantified": True,
                "named_champion": True}


def decide(reviewer: Person, submission_id: int, decision: str = "accept",
           comment: str = "", **criteria: bool) -> TestResponse:
    return reviewer.api("POST", f"/api/v1/reviews/{submission_id}", json={
        "decision": decision, "criteria": {**ALL_CRITERIA, **criteria}, "comment": comment})


def published_ids(app: Flask, query: str) -> list[str]:
    """Case ids the app's search finds for ``query`` once its publisher has caught up."""
    assert publisher(app).wait_idle(120)
    hits = app.test_client().get("/api/v1/search", query_string={"q": query}).get_json()["hits"]
    return [h["id"] for h in hits if not h["related"]]


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "no CSRF token in the form"
    return found.group(1)
