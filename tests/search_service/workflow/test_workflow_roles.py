"""Who may use which route: every workflow route, for every kind of person. A route added
without a row here fails the completeness test."""

from __future__ import annotations

from typing import Any

from flask import Flask

from search_service.workflow.models import Role
from tests.search_service.workflow.conftest import Person, full_record

# Who: anonymous, the owner (a submitter), another submitter, a reviewer, an admin.
WHO = ("anonymous", "owner", "other", "reviewer", "admin")
# (method, rule, state of the owner's submission, expected status for each of WHO).
# Pages answer a redirect to sign-in (302) where the API answers 401.
TABLE: list[tuple[str, str, str, tuple[int, ...]]] = [
    ("GET", "/sign-in", "draft", (200, 200, 200, 200, 200)),
    ("POST", "/sign-in", "draft", (400, 400, 400, 400, 400)),  # no CSRF token / no address
    ("GET", "/submissions", "draft", (302, 200, 200, 200, 200)),
    ("GET", "/submissions/new", "draft", (302, 200, 200, 200, 200)),
    ("POST", "/submissions/new", "draft", (302, 302, 302, 302, 302)),
    ("GET", "/submissions/<id>", "draft", (302, 200, 403, 403, 200)),
    ("GET", "/submissions/<id>", "submitted", (302, 200, 403, 200, 200)),
    ("GET", "/submissions/<id>/edit", "draft", (302, 200, 403, 403, 403)),
    ("POST", "/submissions/<id>/edit", "draft", (302, 302, 403, 403, 403)),
    ("POST", "/submissions/assist", "draft", (302, 200, 200, 200, 200)),
    ("POST", "/submissions/upload", "draft", (302, 400, 400, 400, 400)),
    ("POST", "/submissions/<id>/upload", "draft", (302, 400, 403, 403, 403)),
    ("GET", "/submissions/<id>/withdraw", "draft", (302, 200, 403, 403, 200)),
    ("POST", "/submissions/<id>/withdraw", "draft", (302, 302, 403, 403, 302)),
    ("GET", "/reviews", "submitted", (302, 403, 403, 200, 200)),
    ("GET", "/reviews/<id>", "submitted", (302, 403, 403, 200, 200)),
    ("POST", "/reviews/<id>", "submitted", (302, 403, 403, 302, 302)),
    ("GET", "/admin/audit", "draft", (302, 403, 403, 403, 200)),
    ("POST", "/sign-out", "draft", (400, 302, 302, 302, 302)),  # anonymous: no CSRF token
    ("POST", "/api/v1/submissions", "draft", (401, 201, 201, 201, 201)),
    ("GET", "/api/v1/submissions/<id>", "draft", (401, 200, 403, 403, 200)),
    ("GET", "/api/v1/submissions/<id>", "submitted", (401, 200, 403, 200, 200)),
    ("PATCH", "/api/v1/submissions/<id>", "draft", (401, 200, 403, 403, 403)),
    ("POST", "/api/v1/submissions/<id>/submit", "draft", (401, 200, 403, 403, 403)),
    ("POST", "/api/v1/submissions/<id>/withdraw", "draft", (401, 200, 403, 403, 200)),
    ("GET", "/api/v1/reviews", "submitted", (401, 403, 403, 200, 200)),
    ("POST", "/api/v1/reviews/<id>", "submitted", (401, 403, 403, 200, 200)),
]
# Routes answered before anyone is known (the link itself is the credential).
PUBLIC = {"/sign-in/<token>"}


def _payload(method: str, rule: str) -> dict[str, Any]:
    if rule.startswith("/api/v1/reviews/"):
        return {"json": {"decision": "accept", "comment": "", "criteria": {
            k: True for k in ("achievement", "impact", "library_role", "quantified",
                              "named_champion")}}}
    if rule == "/api/v1/submissions" or method == "PATCH":
        return {"json": {"title": "A title"}}
    if rule.startswith("/reviews/"):
        return {"data": {"decision": "accept", **{f"criteria__{k}": "yes" for k in (
            "achievement", "impact", "library_role", "quantified", "named_champion")}}}
    if rule.endswith("/edit") or rule == "/submissions/new":
        return {"data": {"title": "A title", "action": "save"}}
    return {}


def test_role_table(app: Flask) -> None:
    # One app and one set of people for the whole table (fast enough to run on both
    # databases); every row still gets fresh submissions.
    owner = Person(app, "owner@nhs.net", Role.SUBMITTER)
    people = {"owner": owner, "other": Person(app, "other@nhs.net", Role.SUBMITTER),
              "reviewer": Person(app, "reviewer@nhs.net", Role.REVIEWER),
              "admin": Person(app, "admin@nhs.net", Role.ADMIN)}
    wrong = []
    for method, rule, state, expected in TABLE:
        for who, status in zip(WHO, expected, strict=True):
            submission = owner.submitted(**full_record()) if state == "submitted" \
                else owner.draft()
            path = rule.replace("<id>", str(submission["id"]))
            payload = _payload(method, rule)
            if who == "anonymous":
                response = app.test_client().open(path, method=method, **payload)
            elif path.startswith("/api/"):
                response = people[who].api(method, path, headers={
                    "If-Match": f'"v{submission["version"]}"'}, **payload)
            elif method == "POST":
                response = people[who].form(path, payload.get("data"))
            else:
                response = people[who].browser.open(path, method=method)
            if response.status_code != status or (
                    status == 302 and who == "anonymous"
                    and not response.headers["Location"].startswith("/sign-in")):
                wrong.append(f"{method} {rule} ({state}) as {who}: {response.status_code}, "
                             f"expected {status}")
    assert not wrong, "\n".join(wrong)


def test_every_workflow_route_is_in_the_table(app: Flask) -> None:
    workflow = {"account", "submit", "review", "admin", "workflow_api"}
    routes = {(method, str(rule.rule).replace("<int:submission_id>", "<id>"))
              for rule in app.url_map.iter_rules()
              if rule.endpoint.split(".")[0] in workflow
              for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}}
    listed = {(m, r) for m, r, _s, _e in TABLE}
    assert routes - listed == {(m, r) for m, r in routes if r in PUBLIC}
