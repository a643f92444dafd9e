"""The request body limit for chunked bodies too.

``MAX_CONTENT_LENGTH`` is checked by Werkzeug against ``Content-Length``. A chunked body has
none, and Werkzeug then silently cuts it at the limit, so an oversized draft reached the view
cut short and got a confusing 400. This hook reads a chunked body (at most one byte past the
limit), answers 413 through the one error handler when it is over, and otherwise hands the
view the body with its length, as if it had been sent with ``Content-Length``.
"""

from __future__ import annotations

import io

from flask import current_app, request
from werkzeug.exceptions import RequestEntityTooLarge

__all__ = ["limit_chunked_body"]


def limit_chunked_body() -> None:
    environ = request.environ
    if environ.get("CONTENT_LENGTH") or "chunked" not in environ.get(
            "HTTP_TRANSFER_ENCODING", "").lower():
        return
    limit = int(current_app.config["MAX_CONTENT_LENGTH"])
    body = environ["wsgi.input"].read(limit + 1)
    if len(body) > limit:
        raise RequestEntityTooLarge()
    environ["wsgi.input"] = io.BytesIO(body)
    environ["CONTENT_LENGTH"] = str(len(body))
