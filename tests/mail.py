"""A real SMTP server on loopback (aiosmtpd) for the tests that read back what the worker
sent, and the settings that point a worker at it."""

import contextlib
import email
import email.policy
import socket
import time

from aiosmtpd.controller import Controller


class Inbox:
    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.original_content or envelope.content,
                                           policy=email.policy.default)
        message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        self.messages.append(message)
        return "250 OK"

    def wait_for(self, count: int = 1, timeout: float = 90, settle: float = 1.0) -> list:
        """The messages once `count` arrived (and `settle` seconds passed without more, so a
        mail sent twice would show)."""
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(settle)
        return list(self.messages)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def smtp_server():
    """Yields (inbox, worker environment)."""
    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, {"EMAIL_BACKEND": "smtp", "EMAIL_HOST": "127.0.0.1",
                      "EMAIL_PORT": str(port), "EMAIL_USE_TLS": "0", "EMAIL_USE_SSL": "0",
                      "SITE_URL": "http://testserver"}
    finally:
        controller.stop()


def body_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def link_in(message, prefix: str = "http://testserver") -> str:
    """The first link in the mail, as a path the test client can open."""
    for word in body_of(message).split():
        if word.startswith(prefix):
            return word[len(prefix):]
    raise AssertionError(f"no link in {body_of(message)!r}")
