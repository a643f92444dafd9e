"""Alembic's entry point, run by :func:`search_service.workflow.db.upgrade` (``impact-search db
upgrade``, and on first use of the embedded SQLite database). The caller passes an open
connection in ``config.attributes["connection"]``; nothing here reads a file or the
environment."""

from __future__ import annotations

from alembic import context

from search_service.workflow.models import Base

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata,
                  render_as_batch=connection.dialect.name == "sqlite")
with context.begin_transaction():
    context.run_migrations()
