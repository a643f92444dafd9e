"""The admin's page: the audit trail of every state change and decision (who, when, what)."""

from __future__ import annotations

from flask import Flask, Response, request

from search_service.workflow import audit
from search_service.workflow.auth import require_user
from search_service.workflow.db import get_db
from search_service.workflow.models import Role
from search_service.workflow.views import page_blueprint, render

__all__ = ["bp", "init_app"]

bp = page_blueprint("admin", __name__)


@bp.get("/admin/audit")
def audit_trail() -> Response:
    require_user(Role.ADMIN)
    page = request.args.get("page", "1")
    number = int(page) if page.isdigit() and int(page) > 0 else 1
    raw = request.args.get("submission", "")
    submission_id = int(raw) if raw.isdigit() else None
    events = audit.trail(get_db(), submission_id=submission_id, page=number,
                         per_page=audit.PAGE_SIZE + 1)
    return render("workflow/audit.html", events=events[:audit.PAGE_SIZE], page=number,
                  more=len(events) > audit.PAGE_SIZE, submission_id=submission_id)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
