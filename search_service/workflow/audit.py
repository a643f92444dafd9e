"""The audit trail: who did what, when. Written in the same transaction as the change it
describes, so a change is never without its entry (nor an entry without its change)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from search_service.workflow.models import AuditEvent, Submission, User

__all__ = ["record", "trail", "CLI_ACTOR", "PAGE_SIZE"]

CLI_ACTOR = "command line"
PAGE_SIZE = 50


def record(session: Session, actor: User | str, action: str,
           submission: Submission | None = None, **detail: Any) -> AuditEvent:
    """Add an entry for ``action`` by ``actor`` (a user, or a name such as the command line)."""
    if submission is not None and submission.id is None:
        session.flush()  # a new submission needs its id for the entry
    event = AuditEvent(
        actor_id=actor.id if isinstance(actor, User) else None,
        actor=actor.email if isinstance(actor, User) else actor,
        action=action,
        submission_id=submission.id if submission is not None else None,
        detail=detail,
    )
    session.add(event)
    return event


def trail(session: Session, *, submission_id: int | None = None, page: int = 1,
          per_page: int = PAGE_SIZE) -> list[AuditEvent]:
    """Entries newest first, optionally for one submission."""
    query = select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    if submission_id is not None:
        query = query.where(AuditEvent.submission_id == submission_id)
    query = query.offset((max(page, 1) - 1) * per_page).limit(per_page)
    return list(session.scalars(query))
