"""The pages without JavaScript: the form saves any time, keeps what was typed when it cannot,
checks the draft with a button, refuses a stale version with a clear message; the status
page, the queue (oldest first, by region), the review form and the audit trail."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask

from search_service.workflow.models import Role
from search_service.workflow.records import form_values
from tests.search_service.workflow.conftest import Person, decide, full_record


def _form(**changes: Any) -> dict[str, Any]:
    values = form_values(full_record())
    values.update(changes)
    return {k: v for k, v in values.items() if v not in ("", [])}


def _version(writer: Person, number: int) -> str:
    page = writer.browser.get(f"/submissions/{number}/edit").get_data(as_text=True)
    found = re.search(r'name="version" value="(\d+)"', page)
    assert found
    return found.group(1)


def _draft_id(location: str) -> int:
    found = re.search(r"/submissions/(\d+)", location)
    assert found, location
    return int(found.group(1))


def test_save_check_and_submit_without_javascript(app: Flask) -> None:
    writer = Person(app, "w@nhs.net", Role.SUBMITTER)
    bad = writer.form("/submissions/new", {"title": "Falls on wards",
                                           "savings__money_gbp": "lots", "action": "save"})
    page = bad.get_data(as_text=True)
    assert bad.status_code == 400 and "Enter a number, like 12000" in page
    assert 'value="Falls on wards"' in page and 'value="lots"' in page  # nothing lost
    saved = writer.form("/submissions/new", {"title": "Falls on wards", "action": "check",
                                             "challenge": "Falls were rising on the wards."})
    assert saved.status_code == 302 and saved.headers["Location"].endswith("/edit#assist")
    edit = writer.browser.get(saved.headers["Location"].split("#")[0]).get_data(as_text=True)
    assert "Your draft has been saved and checked" in edit
    assert "No cost or time figure: case studies with figures carry the most weight" in edit
    assert "There is no quote" in edit
    assert "Done well in" in edit and 'class="app-precedent"' in edit
    number = _draft_id(saved.headers["Location"])
    not_ready = writer.form(f"/submissions/{number}/edit", {
        "title": "Falls on wards", "version": _version(writer, number), "action": "submit"})
    text = not_ready.get_data(as_text=True)
    assert not_ready.status_code == 400 and "cannot be submitted yet" in text
    assert "The challenge: required field is missing" in text
    done = writer.form(f"/submissions/{number}/edit", {
        **_form(), "version": _version(writer, number), "action": "submit"})
    assert done.status_code == 302 and done.headers["Location"] == f"/submissions/{number}"
    status = writer.browser.get(done.headers["Location"]).get_data(as_text=True)
    assert "submitted for review" in status and "Submitted</strong>" in status


def test_a_stale_form_is_refused_and_keeps_what_was_typed(app: Flask) -> None:
    writer = Person(app, "w@nhs.net", Role.SUBMITTER)
    number = writer.draft(title="Version one")["id"]
    first = writer.form(f"/submissions/{number}/edit", {"title": "From the laptop",
                                                        "version": "1"})
    assert first.status_code == 302
    second = writer.form(f"/submissions/{number}/edit", {"title": "From the phone",
                                                         "version": "1"})
    page = second.get_data(as_text=True)
    assert second.status_code == 409 and "changed somewhere else" in page
    assert 'value="From the phone"' in page
    record = writer.api("GET", f"/api/v1/submissions/{number}").get_json()["record"]
    assert record["title"] == "From the laptop"


def test_the_assist_panel_reads_the_form_without_saving(app: Flask) -> None:
    writer = Person(app, "w@nhs.net", Role.SUBMITTER)
    panel = writer.form("/submissions/assist", {
        "title": "Sepsis screening in the emergency department",
        "outcome": "The trust saved £40,000 and " + "word " * 30,
        "quote__text": "Great.", "quote__name": "Dr A", "consent__named": "yes"})
    html = panel.get_data(as_text=True)
    assert panel.status_code == 200 and "<html" not in html
    assert "No cost or time figure" not in html  # the £ figure in the outcome counts
    assert "sepsis" in html.lower()  # a precedent about sepsis
    assert writer.api("GET", "/api/v1/reviews").status_code == 403
    assert writer.browser.get("/submissions").get_data(as_text=True).count("app-submissions") \
        == 0  # nothing was saved


def test_status_page_shows_the_reviewers_comments(app: Flask) -> None:
    writer = Person(app, "w@nhs.net", Role.SUBMITTER)
    reviewer = Person(app, "r@nhs.net", Role.REVIEWER)
    submission = writer.submitted(**full_record())
    decide(reviewer, submission["id"], "changes", "Please add the hours saved.")
    page = writer.browser.get(f"/submissions/{submission['id']}").get_data(as_text=True)
    assert "Changes requested" in page and "Please add the hours saved." in page
    assert "r@nhs.net" not in page  # comments, not who wrote them
    edit = writer.browser.get(f"/submissions/{submission['id']}/edit").get_data(as_text=True)
    assert "Please add the hours saved." in edit


def test_queue_is_oldest_first_and_filters_by_region(app: Flask) -> None:
    writer = Person(app, "w@nhs.net", Role.SUBMITTER)
    reviewer = Person(app, "r@nhs.net", Role.REVIEWER)
    first = writer.submitted(**full_record(title="Oldest one", region="london"))
    second = writer.submitted(**full_record(title="Newer one", region="north_west"))
    page = reviewer.browser.get("/reviews").get_data(as_text=True)
    assert page.index("Oldest one") < page.index("Newer one")
    london = reviewer.browser.get("/reviews?region=london").get_data(as_text=True)
    assert "Oldest one" in london and "Newer one" not in london
    api = reviewer.api("GET", "/api/v1/reviews?region=north_west").get_json()
    assert [s["id"] for s in api["submissions"]] == [second["id"]]
    assert first["id"] != second["id"]


def test_review_form_decides_and_explains_what_is_missing(app: Flask) -> None:
    writer = Person(app, "w@nhs.net", Role.SUBMITTER)
    reviewer = Person(app, "r@nhs.net", Role.REVIEWER)
    submission = writer.submitted(**full_record())
    answers = {f"criteria__{k}": "yes" for k in ("achievement", "impact", "quantified",
                                                 "named_champion")}
    refused = reviewer.form(f"/reviews/{submission['id']}", {
        **answers, "criteria__library_role": "no", "decision": "accept"})
    assert refused.status_code == 400
    assert "Clear about the library&#39;s role" in refused.get_data(as_text=True)
    accepted = reviewer.form(f"/reviews/{submission['id']}", {
        **answers, "criteria__library_role": "yes", "decision": "accept"})
    assert accepted.status_code == 302
    assert "published" in reviewer.browser.get("/reviews").get_data(as_text=True)


def test_admins_read_the_audit_trail(app: Flask) -> None:
    writer = Person(app, "w@nhs.net", Role.SUBMITTER)
    admin = Person(app, "a@nhs.net", Role.ADMIN)
    submission = writer.submitted(**full_record())
    page = admin.browser.get(f"/admin/audit?submission={submission['id']}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "w@nhs.net" in text and "submitted" in text
    assert "created" in text and page.headers["Cache-Control"] == "no-store"
