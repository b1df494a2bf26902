"""How a message leaves: one interface, three kinds of channel (docs/MESSAGES.md).

- `SmtpChannel`: email over SMTP with the standard library, one connection kept open for a batch. Replies
  go to `reply+<token>@<reply domain>`; the Message-ID is derived from the message's id, the same on every
  attempt, so a mail store that receives a message twice (a worker killed between the server's "250" and
  our record of it) can tell it is one message.
- `ProviderChannel`: SMS or push by a POST to the airline's provider, signed as our webhooks are (ADR 0017)
  and carrying the message's idempotency key, so the provider sends one text however often we ask.
- `ConsoleChannel`: nothing leaves; the message is stored as delivered (the demo, and the benchmark).

A channel answers `Sent` (with the provider's id for the message, to match replies and receipts), or raises
`Bounced` (this address will never work: the service marks it), or `Unavailable` (try again later).
"""

from __future__ import annotations

import json
import smtplib
import ssl
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import formatdate
from typing import Protocol

from goodwill.kit.time import utc_now
from goodwill.webhooks import signing

TIMEOUT_SECONDS = 10.0
# The namespace of the ids a provider's signing secret is derived from (`signing.secret_for`).
PROVIDER_NAMESPACE = uuid.UUID("6b1f0c52-3d4e-4c3a-9d0e-7a5b2c1d9e80")


@dataclass(frozen=True)
class Envelope:
    message_id: uuid.UUID
    channel: str
    to: str
    subject: str
    body: str  # email: the whole text; SMS and push: the short text
    language: str
    reply_token: str
    idempotency_key: str


@dataclass(frozen=True)
class Sent:
    provider_message_id: str | None


class Bounced(Exception):
    """The address will not work (unknown mailbox, unknown number): do not use it again."""


class Unavailable(Exception):
    """The channel could not take the message now (server down, 4xx, timeout): try again later."""


class Channel(Protocol):
    name: str
    external: bool  # whether a message leaves the building (then each is recorded as soon as it is sent)

    def send(self, envelope: Envelope) -> Sent: ...

    def close(self) -> None: ...


def provider_secret(server_secret: str, channel: str) -> str:
    """The secret our requests to the `channel` provider are signed with (derived, never stored)."""
    return signing.secret_for(server_secret, uuid.uuid5(PROVIDER_NAMESPACE, channel))


class ConsoleChannel:
    """Stores the message as delivered and sends nothing (the demo)."""

    external = False

    def __init__(self, name: str) -> None:
        self.name = name

    def send(self, envelope: Envelope) -> Sent:
        return Sent(f"console-{envelope.message_id.hex}")

    def close(self) -> None:
        return None


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    sender: str
    reply_domain: str
    username: str | None = None
    password: str | None = None
    starttls: bool = False
    timeout: float = TIMEOUT_SECONDS


class SmtpChannel:
    """Email by SMTP (stdlib smtplib), one connection for the batch, opened again after any failure."""

    name = "email"
    external = True

    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings
        self._smtp: smtplib.SMTP | None = None

    def _connection(self) -> smtplib.SMTP:
        if self._smtp is None:
            s = self.settings
            smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
            if s.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if s.username:
                smtp.login(s.username, s.password or "")
            self._smtp = smtp
        return self._smtp

    def message(self, envelope: Envelope) -> EmailMessage:
        mail = EmailMessage()
        mail["From"] = self.settings.sender
        mail["To"] = envelope.to
        mail["Subject"] = envelope.subject
        mail["Reply-To"] = f"reply+{envelope.reply_token}@{self.settings.reply_domain}"
        mail["Message-ID"] = f"<{envelope.message_id}@{self.settings.reply_domain}>"
        mail["Date"] = formatdate(utc_now().timestamp(), usegmt=True)
        mail["Auto-Submitted"] = "auto-generated"
        mail["X-Goodwill-Message"] = str(envelope.message_id)
        mail.set_content(envelope.body)
        mail["Content-Language"] = envelope.language  # after set_content, which clears Content-* headers
        return mail

    def send(self, envelope: Envelope) -> Sent:
        mail = self.message(envelope)
        try:
            self._connection().send_message(mail)
        except smtplib.SMTPRecipientsRefused as exc:
            self.close()
            code = min((c for c, _m in exc.recipients.values()), default=0)
            if 500 <= code < 600:
                raise Bounced(f"SMTP {code}: recipient refused") from None
            raise Unavailable(f"SMTP {code}: recipient deferred") from None
        except smtplib.SMTPResponseException as exc:
            self.close()
            if 500 <= exc.smtp_code < 600 and exc.smtp_code not in (552,):
                raise Bounced(f"SMTP {exc.smtp_code}") from None
            raise Unavailable(f"SMTP {exc.smtp_code}") from None
        except (smtplib.SMTPException, OSError) as exc:
            self.close()
            raise Unavailable(type(exc).__name__) from None
        return Sent(mail["Message-ID"])

    def close(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is None:
            return
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            smtp.close()


Post = Callable[[str, bytes, dict[str, str]], tuple[int | None, bytes]]


def http_post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int | None, bytes]:
    """POST with the standard library: (status, body) for any HTTP answer, (None, reason) when none came."""
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310 - http(s) only
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            return int(response.status), response.read(65_536)
    except urllib.error.HTTPError as exc:
        return int(exc.code), b""
    except (urllib.error.URLError, OSError) as exc:
        return None, type(exc).__name__.encode()


class ProviderChannel:
    """SMS or push through the airline's provider: a signed JSON POST; the provider answers `{"id": ...}`.

    2xx: sent. 404, 410 and 422: the provider does not know this number or device (a bounce). 408, 429,
    5xx or no answer: try again later. Any other 4xx: also a bounce, as retrying cannot change it.
    """

    external = True

    def __init__(
        self, name: str, url: str, *, server_secret: str, post: Post = http_post, now: Callable[[], datetime] = utc_now
    ) -> None:
        self.name = name
        self.url = url
        self._secret = provider_secret(server_secret, name)
        self._post = post
        self._now = now

    def request(self, envelope: Envelope) -> tuple[bytes, dict[str, str]]:
        body = json.dumps(
            {
                "message_id": str(envelope.message_id),
                "channel": envelope.channel,
                "to": envelope.to,
                "text": envelope.body,
                "title": envelope.subject,
                "language": envelope.language,
                "reply_token": envelope.reply_token,
            },
            ensure_ascii=False,
            separators=(",", ":"),
            sort_keys=True,
        ).encode()
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "Goodwill-Messages/1",
            "Idempotency-Key": envelope.idempotency_key,
            signing.HEADER: signing.signature(self._secret, int(self._now().timestamp()), body),
        }
        return body, headers

    def send(self, envelope: Envelope) -> Sent:
        body, headers = self.request(envelope)
        status, answer = self._post(self.url, body, headers)
        if status is not None and 200 <= status < 300:
            try:
                found = json.loads(answer or b"{}").get("id")
            except (ValueError, AttributeError):
                found = None
            return Sent(str(found)[:120] if found else None)
        if status is None or status in (408, 429) or status >= 500:
            raise Unavailable(f"provider: {'no answer' if status is None else f'HTTP {status}'}")
        raise Bounced(f"provider: HTTP {status}")

    def close(self) -> None:
        return None


def reply_domain(sender: str, configured: str | None) -> str:
    return configured or sender.rpartition("@")[2] or "goodwill.example"
