"""The state machine through the JSON API: draft, submit, changes, resubmit, accept, escalate,
withdraw; optimistic concurrency; who may decide; and publishing into search."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask

from search_service.workflow.models import Role
from tests.search_service.workflow.conftest import (
    Person,
    decide,
    full_record,
    published_ids,
)

People = Callable[..., Person]
UNIQUE = "Zanzibarine tocilizumab flowsheet"  # words in no bundled case study


def test_draft_to_published_and_searchable(app: Flask, people: People) -> None:
    writer, reviewer = people("writer@nhs.net"), people("reviewer@nhs.net", Role.REVIEWER)
    draft = writer.draft(title=f"{UNIQUE} on the renal ward")
    assert draft["state"] == "draft" and draft["case_id"] is None
    response = writer.api("PATCH", f"/api/v1/submissions/{draft['id']}",
                          json={k: v for k, v in full_record().items() if k != "title"},
                          headers={"If-Match": f'"v{draft["version"]}"'})
    assert response.status_code == 200, response.get_json()
    submitted = writer.api("POST", f"/api/v1/submissions/{draft['id']}/submit").get_json()
    assert submitted["state"] == "submitted" and submitted["round"] == 1
    assert submitted["case_id"].startswith("zanzibarine-tocilizumab-flowsheet-on-the-renal")
    assert submitted["record"]["submitted_date"]
    assert published_ids(app, "zanzibarine") == []
    body = decide(reviewer, draft["id"]).get_json()
    assert body["state"] == "published" and body["public_url"] == f"/cases/{body['case_id']}"
    assert published_ids(app, "zanzibarine") == [body["case_id"]]
    assert app.test_client().get(body["public_url"]).status_code == 200


def test_changes_requested_then_resubmitted_then_escalated(app: Flask, people: People) -> None:
    writer, reviewer = people("w@nhs.uk"), people("r@nhs.net", Role.REVIEWER)
    submission = writer.submitted(**full_record(title=UNIQUE))
    refused = decide(reviewer, submission["id"], "changes")
    assert refused.status_code == 400 and "what needs to change" in refused.get_json()["error"]
    changed = decide(reviewer, submission["id"], "changes", "Add the money saved.").get_json()
    assert changed["state"] == "changes_requested"
    assert changed["reviews"][0]["comment"] == "Add the money saved."
    # The writer sees the comment, edits and resubmits: a new round.
    mine = writer.api("GET", f"/api/v1/submissions/{submission['id']}")
    assert mine.get_json()["reviews"][0]["decision"] == "changes"
    patched = writer.api("PATCH", f"/api/v1/submissions/{submission['id']}",
                         json={"savings": {"money_gbp": 12000}},
                         headers={"If-Match": mine.headers["ETag"]})
    assert patched.status_code == 200
    again = writer.api("POST", f"/api/v1/submissions/{submission['id']}/submit").get_json()
    assert again["state"] == "submitted" and again["round"] == 2
    assert again["case_id"] == submission["case_id"]  # the id is kept across rounds
    not_all = decide(reviewer, submission["id"], "escalate", named_champion=False)
    assert not_all.status_code == 400 and "named library champion" in not_all.get_json()["error"]
    assert decide(reviewer, submission["id"], "escalate").get_json()["state"] == "escalated"
    assert published_ids(app, "zanzibarine") == [submission["case_id"]]


def test_accepting_needs_the_three_core_criteria(app: Flask, people: People) -> None:
    writer, reviewer = people("w@nhs.net"), people("r@nhs.net", Role.REVIEWER)
    submission = writer.submitted()
    response = decide(reviewer, submission["id"], "accept", library_role=False)
    assert response.status_code == 400
    assert "library's role" in response.get_json()["error"]
    bad = reviewer.api("POST", f"/api/v1/reviews/{submission['id']}",
                       json={"decision": "accept", "criteria": {"achievement": True}})
    assert bad.status_code == 400 and bad.get_json()["problems"][0]["field"] == "criteria"


def test_a_submitter_never_reviews_their_own(app: Flask, people: People) -> None:
    reviewer = people("r@nhs.net", Role.REVIEWER)
    own = reviewer.submitted()
    assert decide(reviewer, own["id"]).status_code == 403
    assert own["id"] not in [s["id"] for s in reviewer.api("GET", "/api/v1/reviews")
                             .get_json()["submissions"]]


def test_the_configured_number_of_reviewers_must_accept(make_app: Callable[..., Flask]) -> None:
    app = make_app(REVIEWERS_REQUIRED=2)
    writer = Person(app, "w@nhs.net", Role.SUBMITTER)
    first, second = (Person(app, f"r{i}@nhs.net", Role.REVIEWER) for i in (1, 2))
    submission = writer.submitted()
    assert decide(first, submission["id"]).get_json()["state"] == "submitted"
    assert decide(first, submission["id"]).status_code == 409  # once per round
    assert submission["id"] not in [s["id"] for s in first.api("GET", "/api/v1/reviews")
                                    .get_json()["submissions"]]
    assert decide(second, submission["id"]).get_json()["state"] == "published"


def test_no_consent_to_publish_means_accepted_but_never_searchable(app: Flask,
                                                                    people: People) -> None:
    writer, reviewer = people("w@nhs.net"), people("r@nhs.net", Role.REVIEWER)
    record = full_record(title=UNIQUE, consent={"named": True, "internal": True,
                                                "external": False})
    submission = writer.submitted(**record)
    assert decide(reviewer, submission["id"]).get_json()["state"] == "accepted"
    assert published_ids(app, "zanzibarine") == []


def test_withdrawing_a_published_case_takes_it_out_of_search(app: Flask, people: People) -> None:
    writer, reviewer = people("w@nhs.net"), people("r@nhs.net", Role.REVIEWER)
    submission = writer.submitted(**full_record(title=UNIQUE))
    decide(reviewer, submission["id"])
    assert published_ids(app, "zanzibarine") == [submission["case_id"]]
    assert reviewer.api("POST", f"/api/v1/submissions/{submission['id']}/withdraw"
                        ).status_code == 403
    withdrawn = writer.api("POST", f"/api/v1/submissions/{submission['id']}/withdraw")
    assert withdrawn.get_json()["state"] == "withdrawn"
    assert published_ids(app, "zanzibarine") == []
    again = writer.api("POST", f"/api/v1/submissions/{submission['id']}/withdraw")
    assert again.status_code == 409


def test_concurrent_edits_never_overwrite_each_other(app: Flask, people: People) -> None:
    writer = people("w@nhs.net")
    draft = writer.draft(title="First title")
    url = f"/api/v1/submissions/{draft['id']}"
    seen = writer.api("GET", url).headers["ETag"]
    assert writer.api("PATCH", url, json={"title": "Tab one"},
                      headers={"If-Match": seen}).status_code == 200
    late = writer.api("PATCH", url, json={"title": "Tab two"}, headers={"If-Match": seen})
    assert late.status_code == 409
    assert "changed somewhere else" in late.get_json()["error"]
    assert writer.api("GET", url).get_json()["record"]["title"] == "Tab one"
    assert writer.api("PATCH", url, json={"title": "No check"}).status_code == 428


def test_invalid_records_are_refused_with_every_problem(app: Flask, people: People) -> None:
    writer = people("w@nhs.net")
    bad = writer.api("POST", "/api/v1/submissions", json={"region": "atlantis", "title": 5})
    body = bad.get_json()
    assert bad.status_code == 400 and body["ok"] is False
    assert {p["field"] for p in body["problems"]} == {"region", "title"}
    assert writer.api("POST", "/api/v1/submissions", json={"id": "mine"}).status_code == 400
    draft = writer.draft(title="Only a title")
    incomplete = writer.api("POST", f"/api/v1/submissions/{draft['id']}/submit")
    assert incomplete.status_code == 400
    assert "challenge" in {p["field"] for p in incomplete.get_json()["problems"]}
    assert writer.api("GET", f"/api/v1/submissions/{draft['id']}").get_json()["state"] == "draft"


def test_every_change_is_in_the_audit_trail(app: Flask, people: People) -> None:
    from search_service.workflow import audit
    from search_service.workflow.db import database

    writer, reviewer = people("w@nhs.net"), people("r@nhs.net", Role.REVIEWER)
    submission = writer.submitted()
    decide(reviewer, submission["id"], "changes", "More detail, please.")
    writer.api("POST", f"/api/v1/submissions/{submission['id']}/submit")
    decide(reviewer, submission["id"])
    with app.app_context():
        session = database().session()
        events = audit.trail(session, submission_id=submission["id"])
        trail = [(e.actor, e.action, e.detail.get("after") or e.detail.get("decision"))
                 for e in reversed(events)]
        session.close()
    assert trail == [
        ("w@nhs.net", "created", None), ("w@nhs.net", "submitted", "submitted"),
        ("r@nhs.net", "reviewed", "changes"), ("r@nhs.net", "state_changed",
                                               "changes_requested"),
        ("w@nhs.net", "submitted", "submitted"), ("r@nhs.net", "reviewed", "accept"),
        ("r@nhs.net", "state_changed", "published"),
    ]
