"""Consent on what the workflow publishes, exactly as in the corpus: a quoted person who did
not agree to be named is named in no public page, API answer, index file or export listing;
a case study without consent to publish is nowhere public."""

from __future__ import annotations

import csv
from pathlib import Path

from flask import Flask

from search_service.workflow import publisher
from search_service.workflow.collection import export_corpus, export_listing, published_records
from search_service.workflow.db import database
from search_service.workflow.models import Role
from tests.search_service.workflow.conftest import Person, decide, full_record

SECRET_NAME = "Philippa Quarterman-Xanthe"
TITLE = "Quillwort cryotherapy pathway"
QUOTE = {"text": "The evidence changed our minds.", "name": SECRET_NAME, "role": "Ward Sister",
         "organisation": "Testford Hospitals NHS Trust"}


def test_an_unconsented_name_is_nowhere_public(app: Flask, tmp_path: Path) -> None:
    writer = Person(app, "w@nhs.net", Role.SUBMITTER)
    reviewer = Person(app, "r@nhs.net", Role.REVIEWER)
    submission = writer.submitted(**full_record(
        title=TITLE, quote=QUOTE, consent={"named": False, "internal": True, "external": True}))
    # The reviewer sees it as it would be published: without the name.
    review_page = reviewer.browser.get(f"/reviews/{submission['id']}").get_data(as_text=True)
    assert "The evidence changed our minds." in review_page and SECRET_NAME not in review_page
    decide(reviewer, submission["id"], "accept", named_champion=False)
    assert publisher(app).wait_idle(120)
    case_id = submission["case_id"]
    public = app.test_client()
    for url in [f"/api/v1/search?q={TITLE}", f"/?q={TITLE}", f"/cases/{case_id}",
                f"/api/v1/cases/{case_id}", f"/api/v1/cases/{case_id}/similar",
                f"/embed?q={TITLE}", "/api/v1/suggest?q=Philippa"]:
        response = public.get(url)
        assert response.status_code == 200, url
        assert SECRET_NAME not in response.get_data(as_text=True), url
    assert public.get(f"/api/v1/cases/{case_id}").get_json()["quote"]["role"] == "Ward Sister"
    generation = Path(app.config["INDEX_DIR"])
    for path in generation.rglob("*"):
        if path.is_file():
            assert SECRET_NAME.encode() not in path.read_bytes(), path
    with app.app_context():
        session = database().session()
        records = published_records(session)
        session.close()
    export_listing(records, tmp_path / "listing.csv")
    assert SECRET_NAME not in (tmp_path / "listing.csv").read_text(encoding="utf-8")
    with (tmp_path / "listing.csv").open(encoding="utf-8") as listing:
        rows = list(csv.DictReader(listing))
    assert TITLE in [row["title"] for row in rows]
    # The corpus JSON export keeps the consent flags, so indexing it applies them again.
    export_corpus(records, tmp_path / "cases")
    exported = (tmp_path / "cases" / f"{case_id}.json").read_text(encoding="utf-8")
    assert '"named": false' in exported


def test_without_consent_to_publish_it_is_nowhere_public(app: Flask) -> None:
    writer = Person(app, "w@nhs.net", Role.SUBMITTER)
    reviewer = Person(app, "r@nhs.net", Role.REVIEWER)
    submission = writer.submitted(**full_record(
        title=TITLE, consent={"named": True, "internal": True, "external": False}))
    assert decide(reviewer, submission["id"]).get_json()["state"] == "accepted"
    assert publisher(app).wait_idle(120)
    public = app.test_client()
    assert public.get("/api/v1/search?q=quillwort").get_json()["total"] == 0
    assert public.get(f"/cases/{submission['case_id']}").status_code == 404
    with app.app_context():
        session = database().session()
        assert submission["case_id"] not in [r["id"] for r in published_records(session)]
        session.close()
