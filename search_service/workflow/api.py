"""The workflow as JSON, for scripts and checks: the same service functions as the pages.

Authenticated by the browser session (with the ``X-CSRF-Token`` header on changes) or by
``Authorization: Bearer TOKEN``. A submission's ``ETag`` is its version; ``PATCH`` must send it
back in ``If-Match`` (428 without it, 409 when someone changed it meanwhile). Errors are the
one JSON shape, with ``problems`` (field, reason) for an invalid record.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from flask import Blueprint, Flask, Response, current_app, jsonify, request
from flask import session as cookie_session

from search_service.workflow import reviews, submissions
from search_service.workflow.auth import UNSAFE, bearer_token, check_csrf, require_user
from search_service.workflow.db import get_db
from search_service.workflow.errors import InvalidSubmission, NotSignedIn, PreconditionRequired
from search_service.workflow.models import PUBLIC_STATES, Role, Submission, User

__all__ = ["bp", "init_app", "submission_json"]

bp = Blueprint("workflow_api", __name__, url_prefix="/api/v1")


@bp.before_request
def _guard() -> None:
    # Who first (401 for nobody), then CSRF for changes that rely on the session cookie.
    if request.method in UNSAFE and bearer_token() is None:
        if "user_id" not in cookie_session:
            raise NotSignedIn()
        check_csrf()


def _when(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def submission_json(submission: Submission, viewer: User) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": submission.id, "case_id": submission.case_id, "state": submission.state,
        "version": submission.version, "round": submission.round,
        "record": submission.record, "origins": submission.origins,
        "created_at": _when(submission.created_at), "updated_at": _when(submission.updated_at),
        "submitted_at": _when(submission.submitted_at),
        "published_at": _when(submission.published_at),
        "url": f"/submissions/{submission.id}",
        "public_url": f"/cases/{submission.case_id}"
        if submission.state_enum in PUBLIC_STATES else None,
        # Reviewers' comments, without who wrote them (the audit trail keeps that).
        "reviews": [{"round": r.round, "decision": r.decision, "criteria": r.criteria,
                     "comment": r.comment, "created_at": _when(r.created_at)}
                    for r in submission.reviews],
    }
    if viewer.can(Role.REVIEWER) and submission.owner_id != viewer.id:
        refusal = reviews.review_refusal(submission, viewer)
        body["can_review"] = refusal is None
    return body


def _answer(submission: Submission, user: User, status: int = 200) -> Response:
    response = jsonify(submission_json(submission, user))
    response.status_code = status
    response.set_etag(f"v{submission.version}")
    response.headers["Cache-Control"] = "no-store"
    return response


def _body() -> dict[str, Any]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise InvalidSubmission("Send a JSON object of case study fields (the corpus schema's "
                                "names), with Content-Type: application/json.",
                                [("body", "a JSON object")])
    return body


def _if_match(required: bool) -> int | None:
    if not request.if_match:
        if required:
            raise PreconditionRequired("Send If-Match with the ETag of the version you "
                                       "changed (GET the submission first).")
        return None
    for tag in request.if_match.as_set():
        if tag.startswith("v") and tag[1:].isdigit():
            return int(tag[1:])
    return -1  # a tag that is not ours never matches


@bp.post("/submissions")
def create_view() -> Response:
    user = require_user()
    session = get_db()
    submission = submissions.create(session, user, _body())
    session.commit()
    response = _answer(submission, user, 201)
    response.headers["Location"] = f"/api/v1/submissions/{submission.id}"
    return response


def _readable(submission_id: int) -> tuple[Submission, User]:
    user = require_user()
    submission = submissions.get(get_db(), submission_id)
    submissions.check_readable(submission, user)
    return submission, user


@bp.get("/submissions/<int:submission_id>")
def get_view(submission_id: int) -> Response:
    submission, user = _readable(submission_id)
    return _answer(submission, user)


@bp.patch("/submissions/<int:submission_id>")
def patch_view(submission_id: int) -> Response:
    submission, user = _readable(submission_id)
    changes = _body()
    session = get_db()
    submissions.update(session, submission, user, changes, expected_version=_if_match(True))
    session.commit()
    return _answer(submission, user)


def _transition(submission_id: int, change: Callable[..., Submission]) -> Response:
    """Submit or withdraw: If-Match is optional here (the state machine guards the rest)."""
    submission, user = _readable(submission_id)
    session = get_db()
    change(session, submission, user, expected_version=_if_match(False))
    session.commit()
    return _answer(submission, user)


@bp.post("/submissions/<int:submission_id>/submit")
def submit_view(submission_id: int) -> Response:
    return _transition(submission_id, submissions.submit)


@bp.post("/submissions/<int:submission_id>/withdraw")
def withdraw_view(submission_id: int) -> Response:
    return _transition(submission_id, submissions.withdraw)


@bp.get("/reviews")
def queue_view() -> Response:
    user = require_user(Role.REVIEWER)
    region = request.args.get("region") or None
    waiting = reviews.queue(get_db(), user, region)
    response = jsonify({"region": region, "submissions": [
        {"id": s.id, "title": s.title, "region": s.region,
         "organisation": s.record.get("organisation"), "round": s.round,
         "submitted_at": _when(s.submitted_at), "url": f"/api/v1/submissions/{s.id}"}
        for s in waiting]})
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/reviews/<int:submission_id>")
def decide_view(submission_id: int) -> Response:
    user = require_user(Role.REVIEWER)
    session = get_db()
    submission = submissions.get(session, submission_id)
    body = _body()
    comment = body.get("comment", "")
    if not isinstance(comment, str):
        raise InvalidSubmission("comment must be a string", [("comment", "a string")])
    reviews.decide(session, submission, user, str(body.get("decision", "")),
                   body.get("criteria"), comment,
                   required=int(current_app.config["REVIEWERS_REQUIRED"]))
    session.commit()
    return _answer(submission, user)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
