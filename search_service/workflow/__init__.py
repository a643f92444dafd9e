"""The campaign's own workflow: submit, review, publish, on a real database.

Read this first. The package is one room of the web layer, wired by :func:`init_app`:

- ``models.py`` (SQLAlchemy 2) and ``migrations/`` (Alembic, run in code by ``db.py``): users,
  one-time sign-in links, API tokens (hashed), submissions (a corpus record each, with a
  version for optimistic concurrency), reviews, the audit trail, the published revision.
- Flask-free services, each taking a SQLAlchemy session and the acting user:
  ``accounts`` (sign-in links, roles, tokens), ``submissions`` (the state machine),
  ``reviews`` (queue and decisions), ``checklist`` (hints and precedents for a draft),
  ``collection`` (seed, load, export), ``importing`` (the adapter to the document importer),
  ``publishing`` (each node's index follows the published revision in the database).
- The web: ``auth`` (who is asking; CSRF), the page blueprints ``account_pages``,
  ``submit_pages``, ``review_pages``, ``admin_pages`` and the JSON API ``api`` (the same
  service functions; the JSON twin of each page's operation). Templates in
  ``templates/workflow/``; the one script ``web/js/workflow.js`` (CSP-safe).

Rules kept by tests: every state change writes an audit entry in the same transaction; a
quoted person's name without consent reaches no public output (publishing goes through
:func:`indexer.build.build_generation`, which applies consent); every form carries a CSRF
token; every route states the role it needs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the parts are imported by init_app: `impact-search --help` loads no Flask
    from flask import Flask

    from search_service.workflow.publishing import Publisher

__all__ = ["init_app", "publisher"]

# Endpoint -> rate-limit budget (see search_service.production.ratelimit).
RATE_BUDGETS = {
    "account.request_link": "signin",
    "account.redeem": "signin",
    "submit.assist": "similar",
    "submit.upload_new": "similar",
    "submit.upload_into": "similar",
}


def publisher(app: Flask) -> Publisher:
    found: Publisher = app.extensions["workflow_publisher"]
    return found


def _follow_database(_error: BaseException | None) -> None:
    # After the response is made (a teardown, outside the hook order production declares):
    # every request may notice that the database has published something new.
    from flask import current_app

    found: Publisher = current_app.extensions["workflow_publisher"]
    found.check()


def init_app(app: Flask) -> None:
    from pathlib import Path

    from search_service.workflow import (
        account_pages,
        admin_pages,
        api,
        auth,
        db,
        review_pages,
        submit_pages,
    )
    from search_service.workflow.collection import seed_bundled
    from search_service.workflow.publishing import Publisher

    database = db.init_app(app, seed_bundled)
    app.extensions["workflow_publisher"] = Publisher(
        database, Path(app.config["INDEX_DIR"]),
        poll_seconds=float(app.config["DATABASE_POLL_SECONDS"]),
        debounce_seconds=float(app.config["PUBLISH_DEBOUNCE_SECONDS"]))
    app.teardown_request(_follow_database)
    auth.init_app(app)
    app.extensions.setdefault("rate_budgets", {}).update(RATE_BUDGETS)
    app.extensions.setdefault("private_blueprints", set()).update(
        {"workflow_api", "account", "submit", "review", "admin"})
    for part in (account_pages, submit_pages, review_pages, admin_pages, api):
        part.init_app(app)
