"""Security headers: a strict Content Security Policy and its companions, on every response.

The default policy lets a page load only this origin's own scripts, styles, images and API;
nothing inline (no ``unsafe-inline``, no ``unsafe-eval``), no plugins, no third parties, and
only this site may frame it. A route or blueprint that needs something else changes the
policy for its own responses only, by directive::

    @bp.get("/embed")
    @security.policy(frame_ancestors="https:")     # for one view
    def embed(): ...

    bp.before_request(lambda: security.update_policy(connect_src="*"))  # for a blueprint

``update_policy`` may also be called inside a view. ``None`` removes a directive. Headers
other than the CSP are overridable the same way through :func:`set_header`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import Response, g

__all__ = ["DEFAULT_POLICY", "DEFAULT_HEADERS", "apply", "policy", "update_policy",
           "set_header", "render_policy"]

DEFAULT_POLICY: dict[str, str] = {
    "default-src": "'none'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self'",
    "font-src": "'self'",
    "connect-src": "'self'",
    "manifest-src": "'self'",
    "form-action": "'self'",
    "base-uri": "'none'",
    "frame-ancestors": "'self'",
}

DEFAULT_HEADERS: dict[str, str] = {
    "X-Content-Type-Options": "nosniff",
    # Search terms and draft text live in URLs; other sites are not told them.
    "Referrer-Policy": "same-origin",
}

F = TypeVar("F", bound=Callable[..., Any])


def _directive(name: str) -> str:
    return name.replace("_", "-")


def update_policy(**directives: str | None) -> None:
    """Change this response's CSP: ``frame_ancestors="https:"``; ``None`` drops a directive."""
    overrides: dict[str, str | None] = g.setdefault("csp_overrides", {})
    overrides.update({_directive(k): v for k, v in directives.items()})


def set_header(name: str, value: str | None) -> None:
    """Change (or, with ``None``, drop) one of the default security headers for this response."""
    headers: dict[str, str | None] = g.setdefault("security_headers", {})
    headers[name] = value


def policy(**directives: str | None) -> Callable[[F], F]:
    """Decorator form of :func:`update_policy` for one view."""

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            update_policy(**directives)
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorate


def render_policy(overrides: dict[str, str | None] | None = None) -> str:
    merged: dict[str, str | None] = {**DEFAULT_POLICY, **(overrides or {})}
    return "; ".join(f"{name} {value}" for name, value in merged.items() if value is not None)


def apply(response: Response) -> Response:
    overrides: dict[str, str | None] = g.get("csp_overrides", {})
    response.headers.setdefault("Content-Security-Policy", render_policy(overrides))
    headers: dict[str, str | None] = {**DEFAULT_HEADERS, **g.get("security_headers", {})}
    for name, value in headers.items():
        if value is None:
            response.headers.pop(name, None)
        else:
            response.headers.setdefault(name, value)
    return response
