"""CSRF: every workflow form refuses a post without the session's token, or with another
session's; the JSON API needs the X-CSRF-Token header when it relies on the cookie, and
nothing when a bearer token is sent."""

from __future__ import annotations

from flask import Flask

from search_service.workflow.models import Role
from tests.search_service.workflow.conftest import Person, full_record

FORMS = ["/submissions/new", "/submissions/{id}/edit", "/submissions/assist",
         "/submissions/upload", "/submissions/{id}/upload", "/submissions/{id}/withdraw",
         "/reviews/{other}", "/sign-out", "/sign-in"]


def test_every_form_refuses_a_missing_or_foreign_token(app: Flask) -> None:
    writer = Person(app, "w@nhs.net", Role.REVIEWER)
    other = Person(app, "o@nhs.net", Role.SUBMITTER).submitted(**full_record())
    draft = writer.draft(title="Mine")
    for template in FORMS:
        path = template.format(id=draft["id"], other=other["id"])
        for token in (None, "forged", "csrf-999"):
            data = {"title": "Changed"} if token is None else {"csrf_token": token,
                                                               "title": "Changed"}
            response = writer.browser.post(path, data=data)
            assert response.status_code == 400, (path, token, response.status_code)
            assert "did not come from this site" in response.get_data(as_text=True)
    unchanged = writer.api("GET", f"/api/v1/submissions/{draft['id']}").get_json()
    assert unchanged["record"]["title"] == "Mine" and unchanged["state"] == "draft"


def test_the_api_with_a_cookie_needs_the_header(app: Flask) -> None:
    writer = Person(app, "w@nhs.net", Role.SUBMITTER)
    assert writer.browser.post("/api/v1/submissions", json={"title": "x"}).status_code == 400
    ok = writer.browser.post("/api/v1/submissions", json={"title": "x"},
                             headers={"X-CSRF-Token": writer.csrf})
    assert ok.status_code == 201
    # A bearer token needs no CSRF token: another site's page cannot send it.
    assert writer.api("POST", "/api/v1/submissions", json={"title": "y"}).status_code == 201
    # A revoked or made-up bearer token is refused whatever else is sent.
    response = writer.script.post("/api/v1/submissions", json={"title": "z"},
                                  headers={"Authorization": "Bearer isk_made-up"})
    assert response.status_code == 401 and "revoked" in response.get_json()["error"]
