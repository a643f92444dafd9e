"""The workflow's commands, added to the one ``impact-search`` CLI (``search_service.cli``):
``db upgrade|load|publish``, ``users add|list|role|remove``, ``tokens create|list|revoke`` and
``export``. A thin shell: each command's work is a function of the workflow package.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click

from search_service.workflow.errors import WorkflowError

if TYPE_CHECKING:  # imported when a command runs: `impact-search --help` loads no Flask
    from flask import Flask
    from sqlalchemy.orm import Session

__all__ = ["db_group", "users_group", "tokens_group", "export_command", "COMMANDS"]

ROLES = click.Choice(["submitter", "reviewer", "admin"])


def _app() -> Flask:
    from search_service import create_app

    return create_app()


@contextmanager
def _session(ready: bool = True) -> Iterator[Session]:
    """A session on the configured database (IMPACT_SEARCH_DATABASE_URL, else the instance
    folder's SQLite), committed when the command succeeds."""
    from search_service.workflow.db import database

    app = _app()
    with app.app_context():
        db = database()
        try:
            session = db.session() if ready else db.sessions()
        except WorkflowError as exc:
            raise click.ClickException(str(exc)) from None
        try:
            yield session
            session.commit()
        except WorkflowError as exc:
            session.rollback()
            raise click.ClickException(str(exc)) from None
        finally:
            session.close()
            db.dispose()


@click.group("db")
def db_group() -> None:
    """The workflow database: migrate, load records, publish."""


@db_group.command("upgrade")
@click.option("--seed/--no-seed", default=True, show_default=True,
              help="On an empty database, load the bundled collection as published.")
def db_upgrade(seed: bool) -> None:
    """Migrate the database to the current schema (run after every upgrade)."""
    from search_service.workflow.collection import seed_bundled
    from search_service.workflow.db import database, head_revision, upgrade

    app = _app()
    with app.app_context():
        db = database()
        before, seeded = upgrade(db.engine, seed_bundled if seed else None)
        db.dispose()
    click.echo(f"Database {db.engine.url.render_as_string(hide_password=True)}: schema "
               f"{before or 'empty'} -> {head_revision()}"
               + (f"; seeded {seeded} case studies" if seeded else ""))


@db_group.command("load")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
def db_load(folder: Path) -> None:
    """Load a folder of case study JSON (an export, or the importer's output): published
    when consented, updated by id. The index follows at the next request."""
    from indexer.sources.corpus import load_corpus
    from search_service.workflow.collection import load_records

    loaded = load_corpus(folder)
    for problem in loaded.problems:
        click.echo(f"skipped: {problem}", err=True)
    with _session() as session:
        added, updated = load_records(session, loaded.records)
    click.echo(f"Loaded {folder}: {added} added, {updated} updated, "
               f"{len(loaded.skipped)} skipped with problems.")


@db_group.command("publish")
def db_publish() -> None:
    """Build this node's index from the database now, if it is behind."""
    from search_service.workflow import publisher

    app = _app()
    with app.app_context():
        found = publisher(app)
        found.build_if_behind()
        click.echo(f"Index at {found.root} follows database revision "
                   f"{found.status()['index_revision']}.")


@click.group("users")
def users_group() -> None:
    """Accounts: submitters sign up by link; reviewers and admins are made here."""


@users_group.command("add")
@click.argument("email")
@click.option("--role", type=ROLES, default="submitter", show_default=True)
def users_add(email: str, role: str) -> None:
    """Add EMAIL (any domain) with a role, or reopen it."""
    from search_service.workflow.accounts import add_user
    from search_service.workflow.models import Role

    with _session() as session:
        user = add_user(session, email, Role(role))
        click.echo(f"{user.email}: {user.role}")


@users_group.command("role")
@click.argument("email")
@click.argument("role", type=ROLES)
def users_role(email: str, role: str) -> None:
    """Change EMAIL's role."""
    from search_service.workflow.accounts import set_role
    from search_service.workflow.models import Role

    with _session() as session:
        user = set_role(session, email, Role(role))
        click.echo(f"{user.email}: {user.role}")


@users_group.command("remove")
@click.argument("email")
def users_remove(email: str) -> None:
    """Close EMAIL's account (its case studies and the audit trail stay)."""
    from search_service.workflow.accounts import remove_user

    with _session() as session:
        user = remove_user(session, email)
        click.echo(f"{user.email}: closed")


@users_group.command("list")
def users_list() -> None:
    """Every account with its role."""
    from search_service.workflow.accounts import list_users
    from search_service.workflow.collection import COLLECTION_OWNER

    with _session() as session:
        for user in list_users(session):
            if user.email != COLLECTION_OWNER:
                click.echo(f"{user.email}\t{user.role}\t{'active' if user.active else 'closed'}")


@click.group("tokens")
def tokens_group() -> None:
    """Bearer tokens for the JSON API (stored hashed; shown once)."""


@tokens_group.command("create")
@click.argument("email")
def tokens_create(email: str) -> None:
    """A new token for EMAIL, printed once: send it as 'Authorization: Bearer TOKEN'."""
    from search_service.workflow.accounts import create_api_token

    with _session() as session:
        token = create_api_token(session, email)
    click.echo(token)


@tokens_group.command("list")
@click.argument("email")
def tokens_list(email: str) -> None:
    """EMAIL's tokens: prefix, created, last used, revoked."""
    from sqlalchemy import select

    from search_service.workflow.accounts import find_user
    from search_service.workflow.models import ApiToken

    with _session() as session:
        user = find_user(session, email)
        if user is None:
            raise click.ClickException(f"No user {email}.")
        for token in session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)):
            click.echo(f"{token.prefix}…\tcreated {token.created_at:%Y-%m-%d}\t"
                       f"last used {token.last_used_at or 'never'}\t"
                       f"{'revoked' if token.revoked_at else 'active'}")


@tokens_group.command("revoke")
@click.argument("email")
@click.option("--prefix", help="Only the token starting with this (as `tokens list` shows).")
def tokens_revoke(email: str, prefix: str | None) -> None:
    """Revoke EMAIL's tokens (all, or the one with --prefix)."""
    from search_service.workflow.accounts import revoke_api_tokens

    with _session() as session:
        count = revoke_api_tokens(session, email, prefix)
    click.echo(f"Revoked {count} token(s) of {email}.")


@click.command("export")
@click.option("--out", "out", type=click.Path(file_okay=False, path_type=Path),
              default=Path("export"), show_default=True,
              help="Folder for <id>.json files and listing.csv.")
def export_command(out: Path) -> None:
    """Write the published case studies as corpus JSON and the national listing CSV."""
    from search_service.workflow.collection import (
        export_corpus,
        export_listing,
        published_records,
    )

    with _session() as session:
        records = published_records(session)
    export_corpus(records, out / "cases")
    export_listing(records, out / "listing.csv")
    click.echo(f"Exported {len(records)} published case studies to {out / 'cases'} and "
               f"{out / 'listing.csv'}")


COMMANDS = (db_group, users_group, tokens_group, export_command)
