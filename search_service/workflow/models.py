"""The workflow's tables, as SQLAlchemy 2 typed models. Alembic migrations in ``migrations/``
create and change them; a test checks that the migrated schema matches these models.

A submission holds its case study as a corpus record (the schema's field names, JSON), so the
folder of JSON records stays the exchange format and publishing builds the index from exactly
what the corpus loader would read.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

__all__ = ["Base", "Role", "State", "Decision", "User", "LoginToken", "ApiToken", "Submission",
           "Review", "AuditEvent", "PublicationState", "utcnow", "UTCDateTime", "PUBLIC_STATES",
           "EDITABLE_STATES"]


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Aware UTC datetimes on every database (SQLite keeps no time zone of its own)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None,
                           dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        return value.astimezone(dt.UTC).replace(tzinfo=None)

    def process_result_value(self, value: dt.datetime | None,
                             dialect: Dialect) -> dt.datetime | None:
        return value.replace(tzinfo=dt.UTC) if value is not None else None


class Role(enum.StrEnum):
    """Each role can do everything the one before it can."""

    SUBMITTER = "submitter"
    REVIEWER = "reviewer"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return list(Role).index(self)


class State(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    CHANGES_REQUESTED = "changes_requested"
    ACCEPTED = "accepted"  # accepted, but without consent to publish it externally
    PUBLISHED = "published"
    ESCALATED = "escalated"  # published, and marked for an impact vignette
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class Decision(enum.StrEnum):
    ACCEPT = "accept"
    ESCALATE = "escalate"
    CHANGES = "changes"


PUBLIC_STATES = frozenset({State.PUBLISHED, State.ESCALATED})
EDITABLE_STATES = frozenset({State.DRAFT, State.CHANGES_REQUESTED})


class Base(DeclarativeBase):
    type_annotation_map = {dt.datetime: UTCDateTime, dict[str, Any]: JSON}


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    role: Mapped[str] = mapped_column(String(20), default=Role.SUBMITTER.value)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_signed_in_at: Mapped[dt.datetime | None]

    @property
    def role_enum(self) -> Role:
        return Role(self.role)

    def can(self, role: Role) -> bool:
        return self.active and self.role_enum.rank >= role.rank

    @property
    def can_review(self) -> bool:
        return self.can(Role.REVIEWER)

    @property
    def can_admin(self) -> bool:
        return self.can(Role.ADMIN)


class LoginToken(Base):
    """A one-time sign-in link: only its SHA-256 is stored."""

    __tablename__ = "login_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime]
    used_at: Mapped[dt.datetime | None]

    user: Mapped[User] = relationship()


class ApiToken(Base):
    """A bearer token for scripts: only its SHA-256 is stored; revoked tokens stay listed."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))  # shown in listings to tell tokens apart
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[dt.datetime | None]
    last_used_at: Mapped[dt.datetime | None]

    user: Mapped[User] = relationship()


class Submission(Base):
    __tablename__ = "submissions"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[str | None] = mapped_column(String(80), unique=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    state: Mapped[str] = mapped_column(String(20), default=State.DRAFT.value, index=True)
    record: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # field -> "read" | "inferred" | "missing", when the draft was filled from a document
    origins: Mapped[dict[str, Any]] = mapped_column(default=dict)
    region: Mapped[str | None] = mapped_column(String(40), index=True)  # facet key, for the queue
    round: Mapped[int] = mapped_column(Integer, default=0)  # review round; +1 on each submit
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    submitted_at: Mapped[dt.datetime | None]
    published_at: Mapped[dt.datetime | None]

    owner: Mapped[User] = relationship()
    reviews: Mapped[list[Review]] = relationship(back_populates="submission",
                                                 order_by="Review.id")

    # SQLAlchemy checks the version on every UPDATE, so two writers racing between our own
    # version check and the commit still cannot both win.
    __mapper_args__ = {"version_id_col": version}

    @property
    def state_enum(self) -> State:
        return State(self.state)

    @property
    def title(self) -> str:
        return str(self.record.get("title") or "Untitled draft")


class Review(Base):
    __tablename__ = "reviews"
    __table_args__ = (UniqueConstraint("submission_id", "reviewer_id", "round"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), index=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    round: Mapped[int] = mapped_column(Integer)
    decision: Mapped[str] = mapped_column(String(20))
    criteria: Mapped[dict[str, Any]] = mapped_column(default=dict)
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    submission: Mapped[Submission] = relationship(back_populates="reviews")
    reviewer: Mapped[User] = relationship()


class AuditEvent(Base):
    """Who did what, when: every state change, decision, sign-in and account change."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor: Mapped[str] = mapped_column(String(320))  # the email (or "cli"), kept as written
    action: Mapped[str] = mapped_column(String(40))
    submission_id: Mapped[int | None] = mapped_column(ForeignKey("submissions.id"), index=True)
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)


class PublicationState(Base):
    """One row: the revision of the published set, +1 on every publication or withdrawal.

    Every node compares it with the revision its index was built from (in the generation's
    manifest) and rebuilds when they differ.
    """

    __tablename__ = "publication_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    revision: Mapped[int] = mapped_column(Integer, default=0)
    changed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
