"""A real SMTP server on loopback (aiosmtpd) that keeps every message it is sent."""

from __future__ import annotations

import email
import re
import socket
import time
from email.message import Message
from typing import Any

from aiosmtpd.controller import Controller


class Inbox:
    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 OK"

    def wait_for(self, to: str, timeout: float = 10.0) -> Message:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for message in reversed(self.messages):
                if message["To"] == to:
                    return message
            time.sleep(0.02)
        raise AssertionError(f"no mail to {to} in {timeout} s")

    def link_for(self, to: str) -> str:
        body = self.wait_for(to).get_payload(decode=True)
        assert isinstance(body, bytes)
        found = re.search(r"https?://\S+/sign-in/\S+", body.decode())
        assert found, body
        return found.group(0)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class MailServer:
    def __init__(self) -> None:
        self.inbox = Inbox()
        self.port = free_port()
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        self.controller.stop()
