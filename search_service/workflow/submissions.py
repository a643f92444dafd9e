"""A librarian's case study from draft to decision: the state machine and who may do what.

::

    draft ──submit──> submitted ──(reviewers)──> published | escalated | accepted
      ^                  │                           (accepted: no consent to publish)
      │                  └──changes──> changes_requested ──submit──> submitted (next round)
      └─ any state except withdrawn ──withdraw──> withdrawn

Only drafts and case studies with changes requested can be edited, only by their owner, and
only from the version the writer last saw (``expected_version``): a change made meanwhile (in
another tab, or by a script) is never overwritten silently. Flask-free: views pass the session
and the signed-in user; every change writes its audit entry in the same transaction.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from search_service.workflow import audit
from search_service.workflow.collection import bump_revision
from search_service.workflow.errors import Conflict, Forbidden, NotFound
from search_service.workflow.models import (
    EDITABLE_STATES,
    PUBLIC_STATES,
    Role,
    State,
    Submission,
    User,
    utcnow,
)
from search_service.workflow.records import (
    SERVICE_FIELDS,
    check_draft,
    check_full,
    merge,
    refuse_service_fields,
    region_facet,
    slugify,
    today,
)

__all__ = ["get", "mine", "create", "update", "submit", "withdraw", "check_readable",
           "check_owner", "check_can_withdraw", "full_record", "check_version"]

Record = dict[str, Any]


def get(session: Session, submission_id: int) -> Submission:
    # Ids are 32-bit in every database; a larger number is simply not one of ours.
    found = session.get(Submission, submission_id) if 0 < submission_id < 2**31 else None
    if found is None:
        raise NotFound(f"There is no submission {submission_id}.")
    return found


def mine(session: Session, user: User) -> list[Submission]:
    return list(session.scalars(select(Submission).where(Submission.owner_id == user.id)
                                .order_by(Submission.updated_at.desc(), Submission.id.desc())))


def check_readable(submission: Submission, user: User) -> None:
    """Owners read their own; reviewers anything past the draft stage; admins everything."""
    if submission.owner_id == user.id or user.can(Role.ADMIN):
        return
    if user.can(Role.REVIEWER) and submission.state != State.DRAFT.value:
        return
    raise Forbidden("This case study belongs to someone else.")


def check_owner(submission: Submission, user: User) -> None:
    if submission.owner_id != user.id:
        raise Forbidden("Only the person who wrote this case study can change it.")


def check_version(submission: Submission, expected: int | None) -> None:
    if expected is not None and expected != submission.version:
        raise Conflict(
            f"This case study was changed somewhere else (another tab, device or script) after "
            f"you opened it: you had version {expected}, it is now version "
            f"{submission.version}. Nothing you sent was saved. Open it again to see the "
            "changes, then make yours again.")


def _set_record(submission: Submission, record: Record) -> None:
    submission.record = record
    submission.region = region_facet(record)
    submission.updated_at = utcnow()


def create(session: Session, owner: User, record: Record,
           origins: dict[str, str] | None = None,
           provenance: dict[str, Any] | None = None) -> Submission:
    """A new draft; ``origins`` and ``provenance`` when it was started from a document."""
    refuse_service_fields(record)
    check_draft(record)
    if provenance:
        record = {**record, "provenance": provenance}
    submission = Submission(owner_id=owner.id, state=State.DRAFT.value, origins=origins or {})
    _set_record(submission, record)
    session.add(submission)
    session.flush()
    audit.record(session, owner, "created", submission, state=State.DRAFT.value,
                 from_document=bool(origins))
    return submission


def update(session: Session, submission: Submission, user: User, changes: Record, *,
           expected_version: int | None, replace: bool = False,
           origins: dict[str, str] | None = None,
           provenance: dict[str, Any] | None = None) -> Submission:
    """Change a draft: ``replace`` the whole record (the form) or ``merge`` a patch (the API);
    ``provenance`` when a document filled it in."""
    check_owner(submission, user)
    check_version(submission, expected_version)
    if submission.state_enum not in EDITABLE_STATES:
        raise Conflict(f"A case study that is {submission.state_enum.label.lower()} cannot be "
                       "edited" + (": withdraw it first." if submission.state_enum in
                                   PUBLIC_STATES else "."))
    refuse_service_fields(changes)
    base = {k: v for k, v in submission.record.items() if k in SERVICE_FIELDS}
    record = {**base, **changes} if replace else merge(submission.record, changes)
    if provenance:
        record["provenance"] = provenance
    check_draft(record)
    if record != submission.record or origins is not None:
        _set_record(submission, record)
        if origins is not None:
            submission.origins = origins
        audit.record(session, user, "edited", submission,
                     fields=sorted(k for k in set(record) | set(submission.record)
                                   if record.get(k) != submission.record.get(k)))
    return submission


def full_record(session: Session, submission: Submission) -> Record:
    """The record with the id and date the service assigns on first submission."""
    record = dict(submission.record)
    if submission.case_id is None:
        taken = set(session.scalars(select(Submission.case_id).where(
            Submission.case_id.is_not(None))))
        submission.case_id = slugify(record, {t for t in taken if t})
    record["id"] = submission.case_id
    record.setdefault("submitted_date", today())
    return record


def submit(session: Session, submission: Submission, user: User, *,
           expected_version: int | None = None) -> Submission:
    check_owner(submission, user)
    check_version(submission, expected_version)
    if submission.state_enum not in EDITABLE_STATES:
        raise Conflict(f"This case study is {submission.state_enum.label.lower()}: only a draft "
                       "or one with changes requested can be submitted.")
    record = full_record(session, submission)
    check_full(record)
    before = submission.state
    _set_record(submission, record)
    submission.state = State.SUBMITTED.value
    submission.round += 1
    submission.submitted_at = utcnow()
    audit.record(session, user, "submitted", submission, before=before,
                 after=State.SUBMITTED.value, round=submission.round)
    return submission


def check_can_withdraw(submission: Submission, user: User) -> None:
    if not (submission.owner_id == user.id or user.can(Role.ADMIN)):
        raise Forbidden("Only the person who wrote this case study, or an admin, can withdraw "
                        "it.")


def withdraw(session: Session, submission: Submission, user: User, *,
             expected_version: int | None = None) -> Submission:
    """The owner (or an admin) takes it back; a published one leaves search at the next
    index generation."""
    check_can_withdraw(submission, user)
    check_version(submission, expected_version)
    if submission.state_enum is State.WITHDRAWN:
        raise Conflict("This case study has already been withdrawn.")
    before = submission.state_enum
    submission.state = State.WITHDRAWN.value
    submission.updated_at = utcnow()
    if before in PUBLIC_STATES:
        bump_revision(session)
    audit.record(session, user, "withdrawn", submission, before=before.value,
                 after=State.WITHDRAWN.value)
    return submission
