"""Accounts without passwords: one-time sign-in links by email, roles, and API tokens.

NHS staff all have a work address, so an address in a configured domain (``SIGNIN_DOMAINS``)
may ask for a link; the first sign-in makes a submitter account. Reviewers and admins are made
on the command line. Links and tokens are random; only their SHA-256 is stored, so a copy of the
database signs nobody in. A link works once, within ``SIGNIN_LINK_MINUTES``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from search_service.workflow import audit
from search_service.workflow.errors import NotSignedIn, SignInRefused
from search_service.workflow.models import ApiToken, LoginToken, Role, User, utcnow

__all__ = ["normalise_email", "domain_allowed", "request_link", "redeem_link", "hash_token",
           "create_api_token", "revoke_api_tokens", "user_for_token", "add_user", "set_role",
           "remove_user", "find_user", "list_users", "TOKEN_PREFIX"]

TOKEN_PREFIX = "isk_"
_LABEL = r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?"
_EMAIL = re.compile(rf"[^@\s]{{1,64}}@{_LABEL}(?:\.{_LABEL})+")


def normalise_email(raw: str) -> str:
    email = raw.strip().lower()
    if len(email) > 254 or not _EMAIL.fullmatch(email):
        raise SignInRefused("Enter your work email address, like name@nhs.net")
    return email


def domain_allowed(email: str, domains: Iterable[str]) -> bool:
    host = email.rpartition("@")[2]
    return any(host == d or host.endswith("." + d) for d in (d.lower().strip() for d in domains)
               if d)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def find_user(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(User.email == email.strip().lower()))


def request_link(session: Session, raw_email: str, domains: Iterable[str],
                 minutes: int) -> tuple[User, str]:
    """A new one-time link token for the address (made a submitter on first use)."""
    email = normalise_email(raw_email)
    user = find_user(session, email)
    if user is not None and not user.active:
        raise SignInRefused("This account is closed. Ask an administrator to reopen it.")
    if user is None:
        domains = list(domains)
        if not domain_allowed(email, domains):
            raise SignInRefused("Use your NHS work email address (ending " +
                                " or ".join(f"@{d}" for d in domains) + ").")
        user = User(email=email, role=Role.SUBMITTER.value)
        session.add(user)
        session.flush()
        audit.record(session, user, "account_created", role=user.role)
    token = secrets.token_urlsafe(32)
    session.add(LoginToken(user_id=user.id, token_hash=hash_token(token),
                           expires_at=utcnow() + dt.timedelta(minutes=minutes)))
    return user, token


def redeem_link(session: Session, token: str) -> User:
    """The user a link signs in, once: raises :class:`SignInRefused` if used or expired."""
    found = session.scalar(select(LoginToken).where(LoginToken.token_hash == hash_token(token)))
    now = utcnow()
    if found is None:
        raise SignInRefused("This sign-in link is not valid. Ask for a new one.")
    if found.used_at is not None:
        raise SignInRefused("This sign-in link has already been used. Ask for a new one.")
    if found.expires_at < now:
        raise SignInRefused("This sign-in link has expired. Ask for a new one.")
    if not found.user.active:
        raise SignInRefused("This account is closed. Ask an administrator to reopen it.")
    found.used_at = now
    found.user.last_signed_in_at = now
    audit.record(session, found.user, "signed_in")
    return found.user


def create_api_token(session: Session, email: str) -> str:
    """A new bearer token for ``email``; the only time its value is seen."""
    user = _existing(session, email)
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    session.add(ApiToken(user_id=user.id, token_hash=hash_token(token), prefix=token[:12]))
    audit.record(session, audit.CLI_ACTOR, "token_created", user=user.email, prefix=token[:12])
    return token


def revoke_api_tokens(session: Session, email: str, prefix: str | None = None) -> int:
    """Revoke ``email``'s tokens (or the one starting with ``prefix``); returns how many."""
    user = _existing(session, email)
    query = select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
    tokens = [t for t in session.scalars(query) if prefix is None or t.prefix.startswith(prefix)]
    for token in tokens:
        token.revoked_at = utcnow()
    if tokens:
        audit.record(session, audit.CLI_ACTOR, "token_revoked", user=user.email,
                     prefixes=[t.prefix for t in tokens])
    return len(tokens)


def user_for_token(session: Session, token: str) -> User:
    found = session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(token)))
    if found is None or found.revoked_at is not None or not found.user.active:
        raise NotSignedIn("The bearer token is not valid or has been revoked: create one with "
                          "`impact-search tokens create EMAIL`.")
    found.last_used_at = utcnow()
    return found.user


def _existing(session: Session, email: str) -> User:
    user = find_user(session, email)
    if user is None:
        raise SignInRefused(f"No user {email}: add one with `impact-search users add {email}`.")
    return user


def add_user(session: Session, raw_email: str, role: Role, actor: str = audit.CLI_ACTOR) -> User:
    """Add a user (any domain: an administrator chose them), or reopen and set their role."""
    email = normalise_email(raw_email)
    user = find_user(session, email)
    if user is None:
        user = User(email=email, role=role.value, active=True)
        session.add(user)
        session.flush()
        audit.record(session, actor, "user_added", user=email, role=role.value)
        return user
    user.active = True
    return set_role(session, email, role, actor)


def set_role(session: Session, email: str, role: Role, actor: str = audit.CLI_ACTOR) -> User:
    user = _existing(session, email)
    if user.role != role.value:
        audit.record(session, actor, "role_changed", user=user.email, before=user.role,
                     after=role.value)
        user.role = role.value
    return user


def remove_user(session: Session, email: str, actor: str = audit.CLI_ACTOR) -> User:
    """Close an account: it can no longer sign in, and its tokens stop working. Its case
    studies and reviews stay, so the audit trail still reads."""
    user = _existing(session, email)
    user.active = False
    revoke_api_tokens(session, email)
    audit.record(session, actor, "user_removed", user=user.email)
    return user


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.email)))
