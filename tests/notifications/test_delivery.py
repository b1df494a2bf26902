"""Delivering the outbox on a real database, to a real SMTP server (aiosmtpd) and a loopback SMS provider."""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from goodwill.cases import service as cases
from goodwill.cases.models import Case, CaseEvent, Interaction
from goodwill.customers.models import Consent, Passenger
from goodwill.notifications import replies
from goodwill.notifications import service as notify
from goodwill.notifications.channels import (
    Channel,
    ConsoleChannel,
    ProviderChannel,
    SmtpChannel,
    SmtpSettings,
    provider_secret,
)
from goodwill.notifications.models import AddressBounce, MessageStatus, OutboundMessage
from goodwill.webhooks import signing
from tests.notifications.world import NOW, SmtpServer, build, cancel, person

SECRET = "test-secret-for-reply-tokens-0123456789"
AIRLINE = "Goodwill Demo Air"


@contextmanager
def _same(session: Session) -> Iterator[Session]:
    """The test's session as a unit of work (the outer transaction rolls everything back)."""
    yield session
    session.flush()


def _deliver(session: Session, channels: dict[str, Channel], *, now: datetime = NOW, limit: int = 200) -> Any:
    try:
        return notify.deliver_due(
            lambda: _same(session), channels=channels, server_secret=SECRET, airline=AIRLINE, now=lambda: now,
            limit=limit,
        )  # fmt: skip
    finally:
        for channel in channels.values():
            channel.close()


def _smtp(server: SmtpServer) -> dict[str, Channel]:
    return {
        "email": SmtpChannel(SmtpSettings("127.0.0.1", server.port, "care@goodwill.example", "goodwill.example")),
        "sms": ConsoleChannel("sms"),
        "push": ConsoleChannel("push"),
    }


def _messages(session: Session) -> list[OutboundMessage]:
    session.expire_all()
    return list(session.scalars(select(OutboundMessage).order_by(OutboundMessage.id)))


class TestEmailOverSmtp:
    def test_each_passenger_gets_one_personal_mail_in_their_language(self, session: Session) -> None:
        build(
            session,
            people=[
                person(1, tier="platinum"),
                person(2, language="es"),
                person(3, language="fr"),
                person(4, language="de"),
            ],
        )
        with SmtpServer() as server:
            run = _deliver(session, _smtp(server))
            mailbox = server.mailbox
        assert run.sent == 4
        assert len(mailbox.messages) == 4
        (en,) = mailbox.to("p1@example.com")
        assert en["Subject"] == "Your flight B6 101 on 14 Feb is cancelled"
        text = en.get_payload(decode=True).decode()
        assert text.startswith("Dear Pax1,")
        assert "The cause was ours: a crew shortage." in text
        assert "$50.00" in text
        assert "within 4 hours" in text
        assert "B6 103 Saturday 14 February at 13:00" in text  # the next flights on the route
        assert "As a Platinum member" in text
        assert en["Reply-To"].startswith("reply+")
        assert en["Content-Language"] == "en"
        token = en["Reply-To"].split("+", 1)[1].split("@")[0]
        (es,) = mailbox.to("p2@example.com")
        assert es["Subject"] == "Su vuelo B6 101 del 14 feb está cancelado"
        assert "50,00 US$" in es.get_payload(decode=True).decode()
        (fr,) = mailbox.to("p3@example.com")
        assert fr["Subject"] == "Votre vol B6 101 du 14 fév est annulé"
        (de,) = mailbox.to("p4@example.com")
        assert de["Content-Language"] == "en"  # no German templates: English
        stored = _messages(session)
        assert {m.status for m in stored} == {MessageStatus.SENT.value}
        first = next(m for m in stored if m.recipient == "p1@example.com")
        assert first.sent_at == NOW
        assert first.body == text.replace("\r\n", "\n").strip()
        assert first.provider_message_id == en["Message-ID"]
        assert replies.message_of(SECRET, token) == first.id
        assert _deliver(session, _smtp(server)).claimed == 0  # nothing twice

    def test_a_refused_mailbox_is_marked_and_the_next_channel_is_tried(self, session: Session) -> None:
        build(session, people=[person(1, phone="+1 212 555 0101", consent_sms=True)])
        with SmtpServer() as server:
            server.mailbox.refuse.add("p1@example.com")
            first = _deliver(session, _smtp(server))
            assert first.bounced == 1
            (message,) = _messages(session)
            assert message.status == MessageStatus.PENDING.value
            assert message.last_error.startswith("bounced")
            assert session.scalar(select(AddressBounce.channel)) == "email"
            second = _deliver(session, _smtp(server))
        assert second.sent == 1
        (message,) = _messages(session)
        assert (message.status, message.channel, message.recipient) == ("sent", "sms", "+12125550101")

    def test_a_server_that_is_down_is_retried_with_backoff_then_given_up(self, session: Session) -> None:
        build(session, people=[person(1)])
        dead = {
            "email": SmtpChannel(SmtpSettings("127.0.0.1", 9, "care@goodwill.example", "goodwill.example", timeout=2))
        }
        at = NOW
        waits = []
        for _attempt in range(7):
            run = _deliver(session, dead, now=at)
            assert run.claimed == 1
            (message,) = _messages(session)
            if message.next_attempt_at is None:
                break
            waits.append(message.next_attempt_at - at)
            at = message.next_attempt_at
        assert waits == list(signing.BACKOFF)
        assert (message.status, message.attempts) == (MessageStatus.FAILED.value, 7)


class TestConsentAndQuietHours:
    def test_no_consent_means_no_message(self, session: Session) -> None:
        build(session, people=[person(1, consent_email=False), person(2)])
        run = _deliver(session, {"email": ConsoleChannel("email")})
        assert (run.sent, run.suppressed) == (1, 1)
        refused = next(m for m in _messages(session) if m.status == MessageStatus.SUPPRESSED.value)
        assert "email:no_consent" in (refused.last_error or "")

    def test_texts_need_a_yes(self, session: Session) -> None:
        build(session, people=[person(1, phone="+1 212 555 0101", preferences={"channel": "sms"})])
        console = {name: ConsoleChannel(name) for name in ("email", "sms", "push")}
        _deliver(session, console)
        (message,) = _messages(session)
        assert message.channel == "email"  # no yes to texts: the email it is

    def test_a_text_waits_for_the_end_of_the_quiet_hours_unless_the_flight_is_near(self, session: Session) -> None:
        texts = {"phone": "+1 212 555 0101", "consent_sms": True, "home_airport": "JFK"}
        build(session, people=[person(1, **texts, preferences={"channel": "sms", "quiet_hours": "06:00-09:00"})])
        console = {name: ConsoleChannel(name) for name in ("email", "sms", "push")}
        # 07:00 in New York, in the quiet hours, the flight 3 hours away: it goes now.
        assert _deliver(session, console).sent == 1
        (message,) = _messages(session)
        assert message.channel == "sms"
        assert "is cancelled" in message.body

    def test_a_text_about_a_flight_far_away_waits_for_the_morning(self, session: Session) -> None:
        texts = {"phone": "+1 212 555 0101", "consent_sms": True, "home_airport": "JFK"}
        build(session, people=[person(1, **texts, preferences={"channel": "sms"})])
        night = datetime(2026, 2, 13, 4, 0, tzinfo=UTC)  # 23:00 in New York the day before, 30 h before departure
        for message in _messages(session):
            message.scheduled_at = night
        session.flush()
        console = {name: ConsoleChannel(name) for name in ("email", "sms", "push")}
        run = _deliver(session, console, now=night)
        assert run.deferred == 1
        (message,) = _messages(session)
        assert message.status == MessageStatus.PENDING.value
        assert message.next_attempt_at == datetime(2026, 2, 13, 12, 0, tzinfo=UTC)  # 07:00 in New York
        assert message.attempts == 0
        assert _deliver(session, console, now=night + timedelta(hours=1)).claimed == 0
        morning = _deliver(session, console, now=datetime(2026, 2, 13, 12, 0, tzinfo=UTC))
        assert morning.sent == 1
        (message,) = _messages(session)
        assert message.channel == "sms"

    def test_opting_out_by_stop_closes_texts(self, session: Session) -> None:
        build(session, people=[person(1, phone="+1 212 555 0101", consent_sms=True, preferences={"channel": "sms"})])
        console = {name: ConsoleChannel(name) for name in ("email", "sms", "push")}
        _deliver(session, console)
        (message,) = _messages(session)
        inbound = notify.receive_reply(
            session, server_secret=SECRET, channel="sms", external_id="sms-1", body="STOP", now=NOW,
            token=replies.token_for(SECRET, message.id),
        )  # fmt: skip
        assert inbound.opted_out
        consent = session.scalars(select(Consent).where(Consent.channel == "sms")).one()
        assert consent.granted is False
        assert consent.source == "reply:stop"


class TestIdempotencyAndUpdates:
    def test_a_revision_replaces_a_pending_message_and_later_ones_say_update(self, session: Session) -> None:
        event = build(session, people=[person(1)])
        cancel(session, "E-101", revision=2)  # before anything was sent: the first is replaced
        console = {"email": ConsoleChannel("email")}
        run = _deliver(session, console)
        assert run.sent == 1
        statuses = sorted(m.status for m in _messages(session))
        assert statuses == ["replaced", "sent"]
        cancel(session, "E-101", revision=3, cause="weather")  # after: a new message, as an update
        _deliver(session, console)
        last = _messages(session)[-1]
        assert last.flight_event_id == event.id
        assert last.subject.startswith("Update: ")
        assert "The weather made it unsafe to fly." in last.body

    def test_two_workers_never_take_the_same_message(self, session: Session) -> None:
        build(session, people=[person(i) for i in range(10)])
        first = notify.claim_due(session, now=NOW, limit=6)
        second = notify.claim_due(session, now=NOW, limit=6)
        assert len(first) == 6
        assert len(second) == 4
        assert not {c.id for c in first} & {c.id for c in second}
        assert notify.claim_due(session, now=NOW + notify.LEASE, limit=20)  # a dead worker's lease runs out


class TestProviderWebhook:
    def test_a_text_is_posted_signed_with_the_idempotency_key(self, session: Session) -> None:
        received: list[tuple[dict[str, str], bytes]] = []

        class Receiver(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                received.append((dict(self.headers), body))
                answer = json.dumps({"id": "SM-0001"}).encode()
                self.send_response(202)
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *_args: Any) -> None:
                return None

        server = HTTPServer(("127.0.0.1", 0), Receiver)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            build(
                session, people=[person(1, phone="+1 212 555 0101", consent_sms=True, preferences={"channel": "sms"})]
            )
            url = f"http://127.0.0.1:{server.server_port}/sms"
            channels: dict[str, Channel] = {"sms": ProviderChannel("sms", url, server_secret=SECRET, now=lambda: NOW)}
            assert _deliver(session, channels).sent == 1
        finally:
            server.shutdown()
            server.server_close()
        ((headers, body),) = received
        payload = json.loads(body)
        assert payload["to"] == "+12125550101"
        assert "B6 101" in payload["text"]
        assert len(payload["text"]) <= 480
        (message,) = _messages(session)
        assert headers["Idempotency-Key"] == message.idempotency_key
        secret = provider_secret(SECRET, "sms")
        assert signing.verify(secret, headers["Goodwill-Signature"], body, now=int(NOW.timestamp()))
        assert message.provider_message_id == "SM-0001"


class TestReplies:
    def test_a_reply_lands_on_the_timeline_and_the_case(self, session: Session) -> None:
        build(session, people=[person(1, tier="platinum")])  # top tier: the fan-out opens a recovery case
        _deliver(session, {"email": ConsoleChannel("email")})
        (message,) = _messages(session)
        address = f"reply+{replies.token_for(SECRET, message.id)}@goodwill.example"
        inbound = notify.receive_reply(
            session, server_secret=SECRET, channel="email", external_id="<abc@mail.example>",
            body="Please put me on B6 103.", now=NOW + timedelta(minutes=5), token=address,
        )  # fmt: skip
        case = session.scalars(select(Case)).one()
        assert inbound.case_reference == case.reference
        interaction = session.get(Interaction, inbound.interaction.id)
        assert interaction is not None
        assert (interaction.direction, interaction.case_id, interaction.message_id) == ("inbound", case.id, message.id)
        pid = session.scalar(select(Passenger.id))
        assert interaction.passenger_id == pid
        kinds = list(session.scalars(select(CaseEvent.kind).where(CaseEvent.case_id == case.id)))
        assert "passenger_replied" in kinds
        again = notify.receive_reply(
            session, server_secret=SECRET, channel="email", external_id="<abc@mail.example>",
            body="Please put me on B6 103.", now=NOW, token=address,
        )  # fmt: skip
        assert again.replayed
        assert again.interaction.id == interaction.id

    def test_a_forged_token_is_not_ours(self) -> None:
        token = replies.token_for(SECRET, uuid.uuid4())
        assert replies.message_of("another-secret", token) is None
        assert replies.message_of(SECRET, token[:-1] + ("0" if token[-1] != "0" else "1")) is None


def test_a_survey_link_is_blanked_once_sent() -> None:
    assert notify.SURVEY_LINK.sub(notify.SENT_LINK, "Tell us: https://x.example/s/AbCdEfGhIjKlMnOpQrStUv_-12 ok") == (
        "Tell us: https://x.example/s/(sent) ok"
    )
    assert datetime.now(UTC) > NOW


def test_an_agents_answer_is_framed_with_the_case_reference(session: Session) -> None:
    build(session, people=[person(1, tier="platinum", language="es")])
    case = session.scalars(select(Case)).one()
    cases.reply_to_case(
        session, reference=case.reference, body="Le hemos reservado el B6 103.", author="agent-7",
        idempotency_key="k1", now=NOW,
    )  # fmt: skip
    _deliver(session, {"email": ConsoleChannel("email")})
    reply = next(m for m in _messages(session) if m.kind == "case.reply")
    assert reply.status == MessageStatus.SENT.value
    assert reply.body.startswith("Hola, Pax1:")
    assert "Le hemos reservado el B6 103." in reply.body
    assert case.reference in reply.body


def test_a_survey_links_token_is_blanked_once_the_invitation_is_sent(session: Session) -> None:
    build(session, people=[person(1)])
    pid = session.scalar(select(Passenger.id))
    link = "https://goodwill.example/s/AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-abcd"
    session.add(
        OutboundMessage(
            passenger_id=pid, channel="email", kind="survey.invitation", template="survey_invitation", language="en",
            subject="How was your flight?", body=f"Tell us: {link}\nThank you.", status="pending",
            scheduled_at=NOW, idempotency_key="survey:test",
        )
    )  # fmt: skip
    session.flush()
    with SmtpServer() as server:
        _deliver(session, _smtp(server))
        (mail,) = [m for m in server.mailbox.messages if m["Subject"] == "How was your flight?"]
    assert link in mail.get_content()  # the passenger gets the link
    survey = next(m for m in _messages(session) if m.kind == "survey.invitation")
    assert survey.status == MessageStatus.SENT.value
    assert "AbCdEfGh" not in survey.body  # the database no longer holds the token (ADR 0014)
    assert "https://goodwill.example/s/(sent)" in survey.body
