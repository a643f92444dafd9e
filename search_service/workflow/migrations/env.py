"""Alembic's entry point, run by :func:`search_service.workflow.db.upgrade` (``impact-search db
upgrade``, and on first use of the embedded SQLite database). The caller passes an open
connection in ``config.attributes["connection"]``; nothing here reads a file or the
environment. Importing this module outside a migration does nothing.
"""

from __future__ import annotations

from alembic import context

from search_service.workflow.models import Base

__all__ = ["run_migrations"]


def run_migrations() -> None:
    connection = context.config.attributes["connection"]
    context.configure(connection=connection, target_metadata=Base.metadata,
                      render_as_batch=connection.dialect.name == "sqlite")
    with context.begin_transaction():
        context.run_migrations()


if getattr(context, "_proxy", None) is not None:  # inside `alembic upgrade`, not an import
    run_migrations()
