"""A local SMTP server (aiosmtpd on 127.0.0.1, a free port) that keeps what it receives, and the
Airflow connection that sends to it: for the notification tests."""

from __future__ import annotations

import email
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import Message

from tests.support.standalone import free_port

SENDER = "fou-datalagret@example.org"


@dataclass
class Inbox:
    port: int
    messages: list[Message] = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's handler API)
        msg = email.message_from_bytes(envelope.original_content or envelope.content)
        msg["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        self.messages.append(msg)
        return "250 OK"

    @property
    def connection(self) -> str:
        """AIRFLOW_CONN_SMTP_DEFAULT for this server: plain SMTP on loopback, no login."""
        extra = {"disable_ssl": True, "disable_tls": True, "from_email": SENDER, "retry_limit": 0, "timeout": 10}
        return json.dumps({"conn_type": "smtp", "host": "127.0.0.1", "port": self.port, "extra": extra})


def text_of(msg: Message) -> str:
    """Subject and the decoded body of every part, as one text."""
    from email.header import decode_header, make_header

    parts = [str(make_header(decode_header(msg["Subject"] or "")))]
    for part in msg.walk():
        if part.get_content_maintype() == "text":
            parts.append(part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8"))
    return "\n".join(parts)


@contextmanager
def smtp_server() -> Iterator[Inbox]:
    from aiosmtpd.controller import Controller

    inbox = Inbox(free_port())
    controller = Controller(inbox, hostname="127.0.0.1", port=inbox.port)
    controller.start()
    try:
        yield inbox
    finally:
        controller.stop()
