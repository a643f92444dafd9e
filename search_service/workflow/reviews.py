"""Reviewing: the queue, the quality checklist as reviewers answer it, and decisions.

A case study that meets the three core criteria (what was achieved, the impact, the library's
role) may be accepted and published; one that also meets the fourth and fifth (a quantified
saving or similar high-level impact; a quote from a named library champion) may be escalated:
published and marked for an impact vignette. ``REVIEWERS_REQUIRED`` reviewers must accept
(escalating counts as accepting) in the same round; one request for changes sends it back. A
submitter never reviews their own, and each reviewer decides once per round.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from search_service.workflow import audit
from search_service.workflow.collection import bump_revision
from search_service.workflow.errors import Conflict, Forbidden, InvalidSubmission, WorkflowError
from search_service.workflow.models import Decision, Review, Role, State, Submission, User, utcnow

__all__ = ["CRITERIA", "CORE", "queue", "decide", "review_refusal", "decisions_this_round"]

CRITERIA: tuple[tuple[str, str], ...] = (
    ("achievement", "Clear about what was achieved"),
    ("impact", "Clear about the impact"),
    ("library_role", "Clear about the library's role"),
    ("quantified", "A cost or time saving, or a similar high-level impact"),
    ("named_champion", "A quote from a named library champion"),
)
CORE = ("achievement", "impact", "library_role")
_KEYS = tuple(key for key, _ in CRITERIA)


def queue(session: Session, reviewer: User, region: str | None = None) -> list[Submission]:
    """Submitted case studies this reviewer may decide on, oldest first."""
    if not reviewer.can(Role.REVIEWER):
        raise Forbidden("Only reviewers can see the review queue.")
    decided = exists().where(Review.submission_id == Submission.id,
                             Review.reviewer_id == reviewer.id,
                             Review.round == Submission.round)
    query = (select(Submission).where(Submission.state == State.SUBMITTED.value,
                                      Submission.owner_id != reviewer.id, ~decided)
             .order_by(Submission.submitted_at, Submission.id))
    if region:
        query = query.where(Submission.region == region)
    return list(session.scalars(query))


def decisions_this_round(submission: Submission) -> list[Review]:
    return [r for r in submission.reviews if r.round == submission.round]


def review_refusal(submission: Submission, reviewer: User) -> WorkflowError | None:
    """None if ``reviewer`` may decide on ``submission`` now, else why not (403 or 409)."""
    if not reviewer.can(Role.REVIEWER):
        return Forbidden("Only reviewers can decide on a case study.")
    if submission.owner_id == reviewer.id:
        return Forbidden("You cannot review your own case study.")
    if submission.state_enum is not State.SUBMITTED:
        return Conflict(f"This case study is {submission.state_enum.label.lower()}, not "
                        "waiting for review.")
    if any(r.reviewer_id == reviewer.id for r in decisions_this_round(submission)):
        return Conflict("You have already decided on this version of the case study.")
    return None


def _criteria(raw: Any) -> dict[str, bool]:
    if not isinstance(raw, Mapping) or set(raw) != set(_KEYS) or not all(
            isinstance(v, bool) for v in raw.values()):
        raise InvalidSubmission("Answer every criterion yes or no: " + ", ".join(_KEYS),
                                [("criteria", "answer each of " + ", ".join(_KEYS))])
    return {key: bool(raw[key]) for key in _KEYS}


def _check_decision(decision: Decision, criteria: dict[str, bool], comment: str) -> None:
    labels = dict(CRITERIA)
    if decision is Decision.CHANGES and not comment.strip():
        raise InvalidSubmission("Say what needs to change in the comment.",
                                [("comment", "say what needs to change")])
    needed = CORE if decision is Decision.ACCEPT else _KEYS if decision is Decision.ESCALATE \
        else ()
    missing = [labels[k] for k in needed if not criteria[k]]
    if missing:
        what = "Accepting" if decision is Decision.ACCEPT else "Escalating"
        raise InvalidSubmission(f"{what} needs every one of these: {'; '.join(missing)}. "
                                "Request changes instead, or change your answers.",
                                [("criteria", "not met: " + "; ".join(missing))])


def decide(session: Session, submission: Submission, reviewer: User, decision: str,
           criteria: Any, comment: str, *, required: int = 1) -> Submission:
    """Record a reviewer's decision and move the case study on when it is settled."""
    refusal = review_refusal(submission, reviewer)
    if refusal is not None:
        raise refusal
    try:
        chosen = Decision(decision)
    except ValueError:
        raise InvalidSubmission("decision must be accept, escalate or changes",
                                [("decision", "accept, escalate or changes")]) from None
    answers = _criteria(criteria)
    _check_decision(chosen, answers, comment)
    session.add(Review(submission=submission, reviewer_id=reviewer.id, round=submission.round,
                       decision=chosen.value, criteria=answers, comment=comment.strip()))
    session.flush()
    audit.record(session, reviewer, "reviewed", submission, decision=chosen.value,
                 round=submission.round, criteria=answers)
    before = submission.state
    if chosen is Decision.CHANGES:
        submission.state = State.CHANGES_REQUESTED.value
    else:
        accepting = [r for r in decisions_this_round(submission) if r.decision != "changes"]
        if len(accepting) < max(1, required):
            return submission
        submission.state = _accepted_state(submission, accepting).value
    submission.updated_at = utcnow()
    if submission.state_enum in (State.PUBLISHED, State.ESCALATED):
        submission.published_at = utcnow()
        bump_revision(session)
    audit.record(session, reviewer, "state_changed", submission, before=before,
                 after=submission.state)
    return submission


def _accepted_state(submission: Submission, accepting: list[Review]) -> State:
    # Without consent to publish externally it is accepted but kept out of search.
    if submission.record.get("consent", {}).get("external") is not True:
        return State.ACCEPTED
    if any(r.decision == Decision.ESCALATE.value for r in accepting):
        return State.ESCALATED
    return State.PUBLISHED
