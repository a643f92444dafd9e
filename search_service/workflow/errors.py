"""The workflow's exceptions, each with the HTTP status it answers and a message that says
what to do. The one error handler (:mod:`search_service.errors`) turns them into
``{"ok": false, "status": N, "error": msg}`` (plus ``problems`` for an invalid record)::

    WorkflowError
     ├── NotSignedIn          401  no session and no valid bearer token
     ├── Forbidden            403  signed in, but not allowed (role, ownership)
     ├── NotFound             404  no such submission
     ├── Conflict             409  someone else changed it first, or the state does not allow it
     ├── InvalidSubmission    400  the record has problems (each listed)
     ├── BadUpload            400  not a .docx/.pdf, too large, or unreadable
     ├── SignInRefused        400  an address outside the allowed domains, a used/expired link
     ├── PreconditionRequired 428  a change without If-Match
     └── DatabaseNotReady     503  the database needs `impact-search db upgrade`
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["WorkflowError", "NotSignedIn", "Forbidden", "NotFound", "Conflict",
           "InvalidSubmission", "BadUpload", "SignInRefused", "PreconditionRequired",
           "DatabaseNotReady", "FieldProblem"]

FieldProblem = tuple[str, str]  # (field, reason)


class WorkflowError(Exception):
    status = 400

    def __init__(self, message: str, problems: Sequence[FieldProblem] = ()) -> None:
        super().__init__(message)
        self.problems = list(problems)


class NotSignedIn(WorkflowError):
    status = 401

    def __init__(self, message: str = "Sign in first: use the emailed sign-in link, or send "
                 "'Authorization: Bearer TOKEN' (impact-search tokens create EMAIL).") -> None:
        super().__init__(message)


class Forbidden(WorkflowError):
    status = 403


class NotFound(WorkflowError):
    status = 404


class Conflict(WorkflowError):
    status = 409


class InvalidSubmission(WorkflowError):
    status = 400


class BadUpload(WorkflowError):
    status = 400


class SignInRefused(WorkflowError):
    status = 400


class PreconditionRequired(WorkflowError):
    status = 428


class DatabaseNotReady(WorkflowError):
    status = 503
