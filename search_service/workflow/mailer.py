"""Sending sign-in links: SMTP in production, the console in development (no ``SMTP_HOST``).

Only the link goes in the mail; nothing about the person's case studies.
"""

from __future__ import annotations

import logging
import smtplib
import sys
from collections.abc import Mapping
from email.message import EmailMessage
from typing import Any

__all__ = ["send_sign_in_link", "MailProblem"]

log = logging.getLogger("impact_search.workflow.mail")


class MailProblem(Exception):
    """The mail server refused or could not be reached."""


def _message(config: Mapping[str, Any], to: str, link: str, minutes: int,
             service: str) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = f"Your sign-in link for {service}"
    message["From"] = str(config["MAIL_FROM"])
    message["To"] = to
    message.set_content(
        f"Use this link to sign in to {service}:\n\n{link}\n\n"
        f"It works once, within {minutes} minutes. If you did not ask to sign in, ignore "
        "this email: nobody can sign in without the link.\n"
    )
    return message


def send_sign_in_link(config: Mapping[str, Any], to: str, link: str, service: str) -> None:
    minutes = int(config["SIGNIN_LINK_MINUTES"])
    host = str(config["SMTP_HOST"] or "")
    if not host:
        # Development: no mail server configured, so the person running the service sees it.
        print(f"Sign-in link for {to} (valid {minutes} minutes, once): {link}",
              file=sys.stderr, flush=True)
        return
    message = _message(config, to, link, minutes, service)
    try:
        with smtplib.SMTP(host, int(config["SMTP_PORT"]), timeout=20) as smtp:
            if config["SMTP_STARTTLS"]:
                smtp.starttls()
            if config["SMTP_USERNAME"]:
                smtp.login(str(config["SMTP_USERNAME"]), str(config["SMTP_PASSWORD"]))
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        log.error("could not send a sign-in link through %s: %s", host, exc)
        raise MailProblem(str(exc)) from exc
