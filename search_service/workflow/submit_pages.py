"""The librarian's pages: my case studies, the form (save any time, check, submit), starting
from a document, the status page with reviewers' comments, and withdrawing.

Without JavaScript, "Save and check" saves the draft and shows the checklist hints and the
precedents; with it, ``web/js/workflow.js`` posts the form to :func:`assist` as the writer
types and swaps in the same panel (rendered by the same template).
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, current_app, flash, redirect, request, url_for
from werkzeug.datastructures import MultiDict

from search_service.current import get_generation
from search_service.workflow import checklist, submissions
from search_service.workflow.auth import require_user
from search_service.workflow.db import get_db
from search_service.workflow.errors import BadUpload, Conflict, InvalidSubmission
from search_service.workflow.importing import (
    ACCEPTED,
    OCR_PAGES,
    Prefill,
    read_upload,
    with_people_of,
)
from search_service.workflow.models import EDITABLE_STATES, Submission
from search_service.workflow.preview import preview
from search_service.workflow.records import FORM_FIELDS, choices, form_values, parse_form
from search_service.workflow.views import page_blueprint, problems_by_field, render

__all__ = ["bp", "init_app"]

bp = page_blueprint("submit", __name__)


def _organisations() -> list[str]:
    try:
        return sorted(set(get_generation().columns.labels["organisation"]))
    except Exception:  # noqa: BLE001 - the form works without the suggestions
        return []


def _form(submission: Submission | None, values: dict[str, Any], *, status: int = 200,
          errors: dict[str, str] | None = None, message: str | None = None) -> Response:
    record, _ = parse_form(MultiDict(_multi(values)))
    return render("workflow/form.html", status, submission=submission, values=values,
                  errors=errors or {}, message=message, fields=FORM_FIELDS, choices=choices,
                  origins=submission.origins if submission else {},
                  organisations=_organisations(), ocr_pages=OCR_PAGES,
                  assistance=checklist.assist(get_generation(), record))


def _multi(values: dict[str, Any]) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    for key, value in values.items():
        pairs += [(key, str(v)) for v in value] if isinstance(value, list) else [(key, str(value))]
    return pairs


def _posted_values() -> dict[str, Any]:
    return {f.name: request.form.getlist(f.name) if f.kind == "checkboxes"
            else request.form.get(f.name, "") for f in FORM_FIELDS}


@bp.get("/submissions")
def my_submissions() -> Response:
    user = require_user()
    return render("workflow/submissions.html", submissions=submissions.mine(get_db(), user))


@bp.get("/submissions/new")
def new() -> Response:
    require_user()
    return _form(None, form_values({}))


@bp.post("/submissions/new")
def create() -> Response:
    user = require_user()
    record, problems = parse_form(request.form)
    if problems:
        return _form(None, _posted_values(), status=400, errors=dict(problems))
    session = get_db()
    try:
        submission = submissions.create(session, user, record)
    except InvalidSubmission as invalid:
        return _form(None, _posted_values(), status=400, errors=problems_by_field(invalid))
    session.commit()
    return _after_save(submission)


def _after_save(submission: Submission) -> Response:
    action = request.form.get("action", "save")
    if action == "submit":
        return _submit(submission)
    flash("Your draft has been saved." if action == "save" else
          "Your draft has been saved and checked: see the hints below.")
    anchor = "#assist" if action == "check" else ""
    return redirect(url_for("submit.edit", submission_id=submission.id) + anchor)  # type: ignore[return-value]


def _submit(submission: Submission) -> Response:
    session = get_db()
    user = require_user()
    try:
        submissions.submit(session, submission, user)
    except InvalidSubmission as invalid:
        session.rollback()
        return _form(submission, form_values(submission.record), status=400,
                     errors=problems_by_field(invalid),
                     message="Your draft is saved, but it cannot be submitted yet.")
    session.commit()
    flash("Your case study has been submitted for review.")
    return redirect(url_for("submit.status", submission_id=submission.id))  # type: ignore[return-value]


def _owned(submission_id: int) -> Submission:
    user = require_user()
    submission = submissions.get(get_db(), submission_id)
    submissions.check_owner(submission, user)
    return submission


@bp.get("/submissions/<int:submission_id>/edit")
def edit(submission_id: int) -> Response:
    submission = _owned(submission_id)
    if submission.state_enum not in EDITABLE_STATES:
        return redirect(url_for("submit.status", submission_id=submission_id))  # type: ignore[return-value]
    return _form(submission, form_values(submission.record))


@bp.post("/submissions/<int:submission_id>/edit")
def save(submission_id: int) -> Response:
    submission = _owned(submission_id)
    user = require_user()
    record, problems = parse_form(request.form)
    if problems:
        return _form(submission, _posted_values(), status=400, errors=dict(problems))
    session = get_db()
    try:
        submissions.update(session, submission, user, record, replace=True,
                           expected_version=_version())
        session.commit()
    except InvalidSubmission as invalid:
        return _form(submission, _posted_values(), status=400, errors=problems_by_field(invalid))
    except Conflict as conflict:
        session.rollback()
        return _form(submission, _posted_values(), status=409, message=str(conflict))
    return _after_save(submission)


def _version() -> int | None:
    raw = request.form.get("version", "")
    return int(raw) if raw.isdigit() else None


@bp.post("/submissions/assist")
def assist() -> Response:
    """The checklist and precedents panel for the form as it is now (not saved)."""
    require_user()
    record, _ = parse_form(request.form)
    return render("workflow/_assist.html", assistance=checklist.assist(get_generation(), record))


def _upload() -> Prefill:
    uploaded = request.files.get("document")
    if uploaded is None or not uploaded.filename:
        raise BadUpload(f"Choose a file to upload: {ACCEPTED}.")
    try:
        data = uploaded.read(int(current_app.config["UPLOAD_MAX_BYTES"]) + 1)
    finally:
        uploaded.close()  # read in memory, then dropped: never stored, never served
    return read_upload(data, uploaded.filename, int(current_app.config["UPLOAD_MAX_BYTES"]))


@bp.post("/submissions/upload")
def upload_new() -> Response:
    user = require_user()
    try:
        prefill = _upload()
    except BadUpload as bad:
        return _form(None, form_values({}), status=400, errors={"document": str(bad)})
    session = get_db()
    submission = submissions.create(session, user, prefill.record, prefill.origins,
                                    prefill.provenance)
    session.commit()
    for warning in prefill.warnings:
        flash(warning)
    flash("The form has been filled in from your document. Check every marked field.")
    return redirect(url_for("submit.edit", submission_id=submission.id))  # type: ignore[return-value]


@bp.post("/submissions/<int:submission_id>/upload")
def upload_into(submission_id: int) -> Response:
    submission = _owned(submission_id)
    user = require_user()
    try:
        prefill = _upload()
    except BadUpload as bad:
        return _form(submission, form_values(submission.record), status=400,
                     errors={"document": str(bad)})
    # Fill only what the writer has not written yet: their own words are never overwritten.
    missing = {k: v for k, v in prefill.record.items() if not submission.record.get(k)}
    session = get_db()
    submissions.update(session, submission, user, missing, expected_version=_version(),
                       origins={**submission.origins, **{k: v for k, v in
                                                          prefill.origins.items()
                                                          if k.split("__")[0] in missing}},
                       provenance=with_people_of(prefill.provenance,
                                                 submission.record.get("provenance")))
    session.commit()
    for warning in prefill.warnings:
        flash(warning)
    flash(f"{len(missing)} empty field(s) were filled in from your document. Check each one.")
    return redirect(url_for("submit.edit", submission_id=submission.id))  # type: ignore[return-value]


@bp.get("/submissions/<int:submission_id>")
def status(submission_id: int) -> Response:
    user = require_user()
    submission = submissions.get(get_db(), submission_id)
    submissions.check_readable(submission, user)
    return render("workflow/status.html", submission=submission, case=preview(submission.record),
                  owner=submission.owner_id == user.id, admin=user.can_admin)


@bp.get("/submissions/<int:submission_id>/withdraw")
def confirm_withdraw(submission_id: int) -> Response:
    user = require_user()
    submission = submissions.get(get_db(), submission_id)
    submissions.check_can_withdraw(submission, user)
    return render("workflow/withdraw.html", submission=submission)


@bp.post("/submissions/<int:submission_id>/withdraw")
def withdraw(submission_id: int) -> Response:
    user = require_user()
    session = get_db()
    submission = submissions.get(session, submission_id)
    submissions.withdraw(session, submission, user, expected_version=_version())
    session.commit()
    flash("The case study has been withdrawn. If it was published, it leaves search within "
          "a minute.")
    return redirect(url_for("submit.status", submission_id=submission_id))  # type: ignore[return-value]


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
