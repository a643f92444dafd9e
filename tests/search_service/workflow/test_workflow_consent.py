"""Consent on what the workflow publishes, exactly as in the corpus: a quoted person who did
not agree to be named is named in no public page, API answer, index file or export listing,
nor is anyone a document uploaded to start the draft names (a librarian in its prose); a case
study without consent to publish is nowhere public."""

from __future__ import annotations

import contextlib
import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path

from flask import Flask
from pypdf import PdfReader

from search_service.workflow import publisher
from search_service.workflow.collection import export_corpus, export_listing, published_records
from search_service.workflow.db import database
from search_service.workflow.models import Role
from tests.builders import word_case_study
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


@contextlib.contextmanager
def csv_rows(text: str) -> Iterator[list[dict[str, str]]]:
    yield list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))


LIBRARIAN = "Rosalind Featherstonehaugh"
QUOTED = "Dr Ottoline Quibbleworth"
DOCUMENT_TITLE = "Quillwort ward rounds cut delirium"
# A document that names a librarian and the quoted consultant in its prose, not only in the
# quote: the draft's challenge, library section, outcome and inferred summary carry both.
NAMING_SECTIONS = (
    ("The challenge", f"{QUOTED} and the ward team asked the library for evidence on delirium "
     "screening, which was often missed at night."),
    ("What the library did", f"The clinical librarian, {LIBRARIAN}, joined the ward rounds, "
     "searched MEDLINE and CINAHL for delirium screening studies and wrote a summary."),
    ("The outcome", f"The wards adopted the 4AT screening tool on admission; {LIBRARIAN} "
     "trained every nurse and missed delirium fell by half within three months."),
    ("Quote", "“The summary gave us the confidence to change how we screen every patient.” "
     f"– {QUOTED}, Consultant Geriatrician, Testford Hospitals NHS Trust"),
    ("Working with", f"{LIBRARIAN}, Clinical Librarian, Testford Library and Knowledge Service"),
)


def _published_from_document(app: Flask, named: bool) -> tuple[str, Person]:
    """Upload the Word document, complete and submit the draft, accept it: its case id."""
    writer = Person(app, "w@nhs.net", Role.SUBMITTER)
    reviewer = Person(app, "r@nhs.net", Role.REVIEWER)
    upload = writer.form("/submissions/upload", {"document": (io.BytesIO(word_case_study(
        DOCUMENT_TITLE, NAMING_SECTIONS)), "Quillwort delirium.docx")})
    assert upload.status_code == 302, upload.get_data(as_text=True)[:500]
    # The writer sees their own text as the document has it.
    edit = writer.browser.get(upload.headers["Location"]).get_data(as_text=True)
    assert LIBRARIAN in edit and QUOTED in edit
    number = int(upload.headers["Location"].split("/")[2])
    draft = writer.api("GET", f"/api/v1/submissions/{number}")
    completed = writer.api("PATCH", f"/api/v1/submissions/{number}", headers={
        "If-Match": draft.headers["ETag"]}, json={
        "impact_types": ["improved_the_quality_of_patient_care"],
        "group_impacted": "nursing_and_midwifery", "region": "north_west",
        "purpose": "service_redesign",
        "consent": {"named": named, "internal": True, "external": True}})
    assert completed.status_code == 200, completed.get_json()
    submitted = writer.api("POST", f"/api/v1/submissions/{number}/submit")
    assert submitted.status_code == 200, submitted.get_json()
    if not named:  # the reviewer sees it as it would be published
        review = reviewer.browser.get(f"/reviews/{number}").get_data(as_text=True)
        assert "4AT screening tool" in review
        assert LIBRARIAN not in review and "Quibbleworth" not in review
    decision = decide(reviewer, number, "accept", named_champion=named)
    assert decision.get_json()["state"] in ("published", "escalated"), decision.get_json()
    assert publisher(app).wait_idle(120)
    return str(submitted.get_json()["case_id"]), writer


def _public_texts(app: Flask, case_id: str) -> dict[str, str]:
    public = app.test_client()
    texts = {}
    for url in [f"/api/v1/cases/{case_id}", f"/cases/{case_id}", "/api/v1/search?q=quillwort",
                "/?q=quillwort", "/embed?q=quillwort", "/search.csv?q=quillwort",
                "/search.ris?q=quillwort", "/search.jsonl?q=quillwort", "/feed.atom",
                "/feed.atom?q=quillwort", f"/api/v1/cases/{case_id}/similar",
                "/api/v1/suggest?q=Rosa", "/api/v1/suggest?q=Quibb"]:
        response = public.get(url)
        assert response.status_code == 200, url
        texts[url] = response.get_data(as_text=True)
    card = public.get(f"/cases/{case_id}/card.pdf")
    assert card.status_code == 200
    texts["card.pdf"] = "\n".join(page.extract_text() for page in PdfReader(
        io.BytesIO(card.data)).pages)
    return texts


def test_names_a_document_gave_are_public_only_with_consent(app: Flask) -> None:
    case_id, _ = _published_from_document(app, named=False)
    texts = _public_texts(app, case_id)
    assert "4AT screening tool" in texts[f"/api/v1/cases/{case_id}"]
    assert case_id in texts["/search.csv?q=quillwort"] and case_id in texts["/feed.atom"]
    for where, text in texts.items():
        for name in (LIBRARIAN, "Featherstonehaugh", QUOTED, "Quibbleworth"):
            assert name not in text, (where, name)
    public = app.test_client()
    for name in ("Featherstonehaugh", "Quibbleworth", f'"{LIBRARIAN}"'):
        assert public.get("/api/v1/search", query_string={"q": name}).get_json()["total"] == 0
    for path in Path(app.config["INDEX_DIR"]).rglob("*"):
        if path.is_file():
            assert b"Featherstonehaugh" not in path.read_bytes(), path
    with csv_rows(texts["/search.csv?q=quillwort"]) as rows:
        assert [row["Document"] for row in rows] == [""]  # a file name may carry a name too


def test_with_consent_to_name_them_the_names_are_shown(app: Flask) -> None:
    case_id, _ = _published_from_document(app, named=True)
    texts = _public_texts(app, case_id)
    case = json.loads(texts[f"/api/v1/cases/{case_id}"])
    assert case["quote"]["name"] == QUOTED and LIBRARIAN in case["lks_contribution"]
    assert LIBRARIAN in texts[f"/cases/{case_id}"]
    found = app.test_client().get("/api/v1/search?q=Featherstonehaugh").get_json()
    assert [hit["id"] for hit in found["hits"] if not hit["related"]] == [case_id]
    with csv_rows(texts["/search.csv?q=quillwort"]) as rows:
        assert [row["Document"] for row in rows] == ["Quillwort delirium.docx"]
