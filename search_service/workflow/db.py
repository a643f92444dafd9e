"""The workflow database: one engine per app, one session per request (flaskr's ``get_db()``).

The default is SQLite in the instance folder, migrated (and seeded with the bundled collection)
on first use, so ``make run`` needs nothing else. A server database (PostgreSQL through
``DATABASE_URL``) is migrated by ``impact-search db upgrade``; until then requests that need
it answer 503 with that command. Migrations are Alembic's, run in code (``migrations/``).
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import threading
from collections.abc import Callable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flask import Flask, current_app, g
from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.orm import Session, sessionmaker

if TYPE_CHECKING:
    from alembic.config import Config

from search_service.workflow.errors import DatabaseNotReady

__all__ = ["Database", "get_db", "database", "upgrade", "head_revision", "current_revision",
           "make_engine", "database_url",
           "init_app"]

log = logging.getLogger("impact_search.workflow")
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
UPGRADE_HINT = "impact-search db upgrade"
Seeder = Callable[[Session], int]


def _alembic_config(connection: Connection | None = None) -> Config:
    from alembic.config import Config  # imported when migrating, not on every start

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


@lru_cache(maxsize=1)
def head_revision() -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets readers (search requests checking the revision) run while a decision commits;
    # the busy timeout makes gunicorn workers wait for each other's writes instead of failing.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5)


@contextlib.contextmanager
def _migration_lock(engine: Engine) -> Iterator[None]:
    """One migrator at a time: gunicorn workers or nodes may all start at once."""
    if engine.dialect.name == "sqlite":
        path = Path(engine.url.database or "workflow.sqlite").with_suffix(".migrate-lock")
        with open(path, "a+b") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
        return
    with engine.connect() as connection:
        connection.execute(text("SELECT pg_advisory_lock(4212013)"))
        try:
            yield
        finally:
            connection.execute(text("SELECT pg_advisory_unlock(4212013)"))
            connection.commit()


def upgrade(engine: Engine, seeder: Seeder | None = None) -> tuple[str | None, int]:
    """Migrate to the newest revision; then, on an empty database, run ``seeder``.

    Returns (the revision it started from, the number of records seeded).
    """
    with _migration_lock(engine):
        before = current_revision(engine)
        if before != head_revision():
            from alembic import command

            with engine.begin() as connection:
                command.upgrade(_alembic_config(connection), "head")
        seeded = 0
        if seeder is not None:
            with Session(engine) as session:
                seeded = seeder(session)
                session.commit()
    return before, seeded


class Database:
    """The engine and session factory of one app; made ready (migrated) on first use."""

    def __init__(self, url: str, seeder: Seeder | None = None) -> None:
        self.url = url
        self.engine = make_engine(url)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        self.seeder = seeder
        self._ready = False
        self._lock = threading.Lock()

    @property
    def embedded(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    def ensure_ready(self) -> None:
        if self._ready:
            return
        with self._lock:
            if self._ready:
                return
            if self.embedded:
                upgrade(self.engine, self.seeder)
            elif current_revision(self.engine) != head_revision():
                raise DatabaseNotReady(
                    "The workflow database is not at the current schema: run "
                    f"`{UPGRADE_HINT}` (with IMPACT_SEARCH_DATABASE_URL set), then retry.")
            self._ready = True

    def session(self) -> Session:
        self.ensure_ready()
        return self.sessions()

    def dispose(self) -> None:
        self.engine.dispose()


def database_url(app: Flask) -> str:
    url = app.config.get("DATABASE_URL")
    if url:
        return str(url)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{Path(app.instance_path) / 'workflow.sqlite'}"


def database() -> Database:
    db: Database = current_app.extensions["workflow_db"]
    return db


def get_db() -> Session:
    """This request's session, opened on first use and closed when the request ends."""
    session: Session | None = g.get("db_session")
    if session is None:
        session = g.db_session = database().session()
    return session


def _close(_error: BaseException | None) -> None:
    session: Session | None = g.pop("db_session", None)
    if session is not None:
        session.close()


def init_app(app: Flask, seeder: Seeder | None) -> Database:
    db = Database(database_url(app), seeder)
    app.extensions["workflow_db"] = db
    app.teardown_appcontext(_close)
    return db
