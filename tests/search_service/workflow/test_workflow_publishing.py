"""Publishing follows the database: on the node that decided, on every other node sharing the
database, in one build per burst, and never at the cost of a failed search."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from search_service import create_app
from search_service.workflow import publisher, submissions
from search_service.workflow.db import database
from search_service.workflow.models import PUBLIC_STATES, Role, Submission, User
from search_service.workflow.publishing import FOLDER, MISSING, index_revision, needs_build
from tests.search_service.workflow.conftest import Person, decide, full_record, published_ids

AppFactory = Callable[..., Flask]


def found_by(app: Flask, query: str, case_id: str, timeout: float = 120) -> bool:
    """Search ``app`` (each request also lets it check the database) until ``case_id`` is
    among the hits; False after ``timeout``."""
    client = app.test_client()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        response = client.get("/api/v1/search", query_string={"q": query})
        assert response.status_code == 200  # never a failed request while it catches up
        if case_id in [h["id"] for h in response.get_json()["hits"]]:
            return True
        time.sleep(0.2)
    return False


def test_two_nodes_on_one_database_both_serve_a_publication(make_app: AppFactory) -> None:
    first, second = make_app(), make_app()  # one database, two index folders
    assert first.config["INDEX_DIR"] != second.config["INDEX_DIR"]
    writer = Person(first, "w@nhs.net", Role.SUBMITTER)
    reviewer = Person(first, "r@nhs.net", Role.REVIEWER)
    submission = writer.submitted(**full_record(title="Quillwort cryotherapy pathway"))
    decide(reviewer, submission["id"])
    case_id = submission["case_id"]
    assert found_by(first, "quillwort", case_id)
    assert found_by(second, "quillwort", case_id)
    # Withdrawn through the other node: both drop it.
    second_writer = second.test_client()
    with second_writer.session_transaction() as cookie:
        cookie["user_id"], cookie["csrf"] = writer.id, "t"
    second_writer.post(f"/api/v1/submissions/{submission['id']}/withdraw",
                       headers={"X-CSRF-Token": "t"})
    for app in (second, first):
        deadline = time.monotonic() + 120
        while found_by(app, "quillwort", case_id, timeout=0.01):
            assert time.monotonic() < deadline, "the withdrawn case study stayed in search"
            time.sleep(0.2)


def test_a_burst_of_decisions_makes_one_generation(make_app: AppFactory) -> None:
    app = make_app(PUBLISH_DEBOUNCE_SECONDS=1.5)
    writer = Person(app, "w@nhs.net", Role.SUBMITTER)
    reviewer = Person(app, "r@nhs.net", Role.REVIEWER)
    submissions = [writer.submitted(**full_record(title=f"Quillwort burst number {n}"))
                   for n in range(5)]
    for submission in submissions:
        decide(reviewer, submission["id"])
    found = published_ids(app, "quillwort")
    assert sorted(found) == sorted(s["case_id"] for s in submissions)
    assert publisher(app).builds == 1
    assert index_revision(Path(app.config["INDEX_DIR"])) == 5


def test_search_goes_on_when_the_database_is_unreachable(index_dir: Path) -> None:
    app = create_app({"TESTING": True, "INDEX_DIR": str(index_dir),
                      "DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:9/none",
                      "DATABASE_POLL_SECONDS": 0})
    client = app.test_client()
    for _ in range(2):
        assert client.get("/api/v1/search?q=falls").status_code == 200
    api = client.post("/api/v1/submissions", json={},
                      headers={"Authorization": "Bearer isk_x"})
    assert api.status_code == 503
    assert "cannot be reached" in api.get_json()["error"]


@pytest.mark.parametrize(("database", "index", "build"), [
    (0, FOLDER, False),  # a folder index stands for the seeded collection
    (3, FOLDER, True), (0, MISSING, True), (3, 3, False), (4, 3, True), (2, 3, True),
])
def test_when_a_node_rebuilds(database: int, index: int, build: bool) -> None:
    assert needs_build(database, index) is build


def test_withdrawing_the_last_published_case_empties_the_search(app: Flask) -> None:
    writer = Person(app, "w@nhs.net", Role.SUBMITTER)
    reviewer = Person(app, "r@nhs.net", Role.REVIEWER)
    admin = Person(app, "a@nhs.net", Role.ADMIN)
    submission = writer.submitted(**full_record(title="Zanzibarine flowsheet"))
    decide(reviewer, submission["id"])
    with app.app_context():  # an admin takes the rest of the collection back
        session = database().session()
        user = session.get(User, admin.id)
        assert user is not None
        for other in session.scalars(select(Submission).where(
                Submission.state.in_([s.value for s in PUBLIC_STATES]),
                Submission.id != submission["id"])):
            submissions.withdraw(session, other, user)
        session.commit()
        session.close()
    assert published_ids(app, "zanzibarine") == [submission["case_id"]]
    withdrawn = writer.api("POST", f"/api/v1/submissions/{submission['id']}/withdraw")
    assert withdrawn.get_json()["state"] == "withdrawn"
    assert publisher(app).wait_idle(120) and publisher(app).last_error is None
    public = app.test_client()
    for query in ("zanzibarine", ""):
        found = public.get("/api/v1/search", query_string={"q": query})
        assert found.status_code == 200 and found.get_json()["total"] == 0, found.get_json()
        assert public.get("/", query_string={"q": query}).status_code == 200
    assert public.get(f"/cases/{submission['case_id']}").status_code == 404
    assert public.get("/api/v1/health").get_json()["documents"] == 0
    assert submission["case_id"] not in public.get("/feed.atom").get_data(as_text=True)
    for url in ("/embed?q=zanzibarine", "/insights", "/api/v1/facets", "/sitemap.xml",
                "/search.csv", "/similar?text=renal+ward+flowsheet"):
        assert public.get(url).status_code == 200, url
    # A librarian can still start the next one: the form's hints and precedents are empty.
    assert writer.browser.get("/submissions/new").status_code == 200
