"""The service's own absolute address, for every link that leaves the page it is on: feeds,
the OpenSearch description, the sitemap and robots.txt, canonical links, impact cards and
their QR codes, exports, the widget's embed code and sign-in emails.

A Host header is whatever the client sent (nginx passes it on). Links built from it can be
poisoned: a feed or sitemap fetched once with ``Host: attacker.example`` is kept by caches and
feed readers with every entry pointing there, and a sign-in email would carry its one-time
link to that host. So the address is:

- the ``PUBLIC_URL`` setting when it is set;
- else, under the development server (``impact-search serve``), the address the request came
  to: a person trying the service on their own machine;
- else (``serve --prod``) :data:`PLACEHOLDER`, which leads nowhere, with a start-up warning;
  sign-in then refuses to send links rather than send a wrong one.
"""

from __future__ import annotations

from flask import current_app, request

__all__ = ["PLACEHOLDER", "public_url", "public_url_known"]

PLACEHOLDER = "https://YOUR-SERVICE-ADDRESS"


def public_url_known() -> bool:
    """Is there an address links may be built from (the setting, or development)?"""
    return bool(current_app.config["PUBLIC_URL"]) or not current_app.config.get("PRODUCTION")


def public_url() -> str:
    """The service's origin (``https://host[:port]``), no trailing slash; see the module."""
    configured = str(current_app.config["PUBLIC_URL"] or "").rstrip("/")
    if configured:
        return configured
    if current_app.config.get("PRODUCTION"):
        return PLACEHOLDER
    return request.host_url.rstrip("/")
