"""The reviewer's pages: the queue (oldest first, by region) and one case study shown as it
would be published, beside the checklist, the precedents and the automatic check."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, current_app, flash, redirect, request, url_for

from search_service.current import get_generation
from search_service.workflow import checklist, reviews, submissions
from search_service.workflow.auth import require_user
from search_service.workflow.db import get_db
from search_service.workflow.errors import InvalidSubmission
from search_service.workflow.models import Role, Submission
from search_service.workflow.preview import preview
from search_service.workflow.views import page_blueprint, problems_by_field, render

__all__ = ["bp", "init_app"]

bp = page_blueprint("review", __name__)


def _regions() -> list[tuple[str, str]]:
    from indexer.sources.corpus import load_vocabularies

    return sorted(load_vocabularies().tables["region_facets"].items(), key=lambda kv: kv[1])


@bp.get("/reviews")
def queue() -> Response:
    user = require_user(Role.REVIEWER)
    region = request.args.get("region") or None
    return render("workflow/queue.html", queue=reviews.queue(get_db(), user, region),
                  region=region, regions=_regions())


def _page(submission: Submission, status: int = 200, **context: Any) -> Response:
    user = require_user(Role.REVIEWER)
    refusal = reviews.review_refusal(submission, user)
    return render("workflow/review.html", status, submission=submission,
                  case=preview(submission.record), criteria=reviews.CRITERIA,
                  refusal=str(refusal) if refusal else None,
                  assistance=checklist.assist(get_generation(), submission.record),
                  answers=context.pop("answers", {}), errors=context.pop("errors", {}),
                  **context)


@bp.get("/reviews/<int:submission_id>")
def review(submission_id: int) -> Response:
    user = require_user(Role.REVIEWER)
    submission = submissions.get(get_db(), submission_id)
    submissions.check_readable(submission, user)
    return _page(submission)


def _answers() -> dict[str, bool | None]:
    found: dict[str, bool | None] = {}
    for key, _label in reviews.CRITERIA:
        raw = request.form.get(f"criteria__{key}")
        found[key] = {"yes": True, "no": False}.get(raw or "")
    return found


@bp.post("/reviews/<int:submission_id>")
def decide(submission_id: int) -> Response:
    user = require_user(Role.REVIEWER)
    session = get_db()
    submission = submissions.get(session, submission_id)
    answers = _answers()
    comment = request.form.get("comment", "")
    try:
        reviews.decide(session, submission, user, request.form.get("decision", ""),
                       answers if None not in answers.values() else None, comment,
                       required=int(current_app.config["REVIEWERS_REQUIRED"]))
    except InvalidSubmission as invalid:
        session.rollback()
        return _page(submission, 400, answers=answers, errors=problems_by_field(invalid),
                     message=str(invalid), comment=comment,
                     decision=request.form.get("decision", ""))
    session.commit()
    flash(f"Your decision on “{submission.title}” has been recorded: it is now "
          f"{submission.state_enum.label.lower()}.")
    return redirect(url_for("review.queue"))  # type: ignore[return-value]


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
