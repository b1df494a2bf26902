"""Webhooks: events logged in the transaction that caused them, posted signed to a real local HTTP receiver,
retried with backoff, failed after the last attempt, and never logged twice."""

from __future__ import annotations

import itertools
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from goodwill.errors import InvalidInput
from goodwill.kit.money import Money
from goodwill.recovery.models import Entitlement
from goodwill.vouchers import service as vouchers
from goodwill.vouchers.models import VoucherKind
from goodwill.webhooks import service as webhooks
from goodwill.webhooks import signing
from goodwill.webhooks.models import WebhookDelivery
from tests.customers.test_view import _airline, _ana

SECRET = "server-secret-for-webhook-tests-0123456789"
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


class Receiver:
    """A real HTTP server on loopback that answers each POST with the next status of a script (then 200)."""

    def __init__(self, statuses: list[int] | None = None) -> None:
        self.statuses = list(statuses or [])
        self.requests: list[tuple[dict[str, str], bytes]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append((dict(self.headers.items()), body))
                self.send_response(receiver.statuses.pop(0) if receiver.statuses else 200)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    found = Receiver()
    yield found
    found.close()


def _uow(session: Session) -> Any:
    @contextmanager
    def unit() -> Iterator[Session]:
        yield session
        session.flush()

    return unit


def _issue(session: Session, passenger_id: Any, key: str = "goodwill-1") -> Any:
    return vouchers.issue_voucher(
        session,
        passenger_id=passenger_id,
        amount=Money.parse("50.00", "USD"),
        kind=VoucherKind.VOUCHER,
        reason="sorry for the wait",
        idempotency_key=key,
        now=NOW,
        actor="agent-7",
    )


class TestSigning:
    @given(body=st.binary(max_size=200), timestamp=st.integers(min_value=0, max_value=2**33))
    def test_a_signature_verifies_and_any_change_breaks_it(self, body: bytes, timestamp: int) -> None:
        secret = "whsec_test"
        header = signing.signature(secret, timestamp, body)
        assert signing.verify(secret, header, body, now=timestamp)
        assert not signing.verify(secret, header, body + b"x", now=timestamp)
        assert not signing.verify("whsec_other", header, body, now=timestamp)
        assert not signing.verify(secret, header, body, now=timestamp + signing.TOLERANCE_SECONDS + 1)

    def test_each_subscription_has_its_own_secret_and_none_is_stored(self) -> None:
        import uuid

        a, b = uuid.uuid4(), uuid.uuid4()
        assert signing.secret_for(SECRET, a) == signing.secret_for(SECRET, a)
        assert signing.secret_for(SECRET, a) != signing.secret_for(SECRET, b)
        assert signing.secret_for(SECRET, a) != signing.secret_for(SECRET + "x", a)

    def test_the_backoff_grows_then_stops(self) -> None:
        waits = [signing.next_wait(n) for n in range(1, signing.MAX_ATTEMPTS + 1)]
        assert waits[-1] is None
        assert all(a is not None and b is not None and a < b for a, b in itertools.pairwise(waits[:-1]))


class TestDelivery:
    def test_a_voucher_is_announced_signed_once(self, session: Session, receiver: Receiver) -> None:
        _airline(session)
        sub = webhooks.subscribe(
            session, url=receiver.url, events=["voucher.issued"], description=None, actor="admin", now=NOW
        )
        voucher = _issue(session, _ana(session))
        _issue(session, _ana(session))  # the same request again: the same voucher, announced once
        run = webhooks.deliver_due(_uow(session), server_secret=SECRET, now=lambda: NOW)
        assert (run.attempted, run.delivered) == (1, 1)
        headers, body = receiver.requests[0]
        secret = signing.secret_for(SECRET, sub.id)
        assert signing.verify(secret, headers[signing.HEADER], body, now=int(NOW.timestamp()))
        sent = json.loads(body)
        assert (sent["type"], sent["data"]["code"], sent["data"]["amount_minor"]) == (
            "voucher.issued",
            voucher.code,
            5000,
        )
        assert headers["Goodwill-Delivery"] == sent["id"]
        again = webhooks.deliver_due(_uow(session), server_secret=SECRET, now=lambda: NOW + timedelta(hours=1))
        assert again.attempted == 0
        assert len(receiver.requests) == 1

    def test_a_failing_receiver_is_retried_with_backoff_until_it_answers(self, session: Session) -> None:
        receiver = Receiver([500, 503])
        try:
            _airline(session)
            webhooks.subscribe(
                session, url=receiver.url, events=["voucher.issued"], description=None, actor="a", now=NOW
            )
            _issue(session, _ana(session))
            first = webhooks.deliver_due(_uow(session), server_secret=SECRET, now=lambda: NOW)
            assert (first.attempted, first.retrying) == (1, 1)
            delivery = session.scalars(select(WebhookDelivery)).one()
            assert (delivery.attempts, delivery.last_status_code) == (1, 500)
            assert delivery.next_attempt_at == NOW + signing.BACKOFF[0]
            early = webhooks.deliver_due(_uow(session), server_secret=SECRET, now=lambda: NOW + timedelta(seconds=30))
            assert early.attempted == 0
            webhooks.deliver_due(_uow(session), server_secret=SECRET, now=lambda: NOW + signing.BACKOFF[0])
            later = NOW + signing.BACKOFF[0] + signing.BACKOFF[1]
            done = webhooks.deliver_due(_uow(session), server_secret=SECRET, now=lambda: later)
            assert done.delivered == 1
            session.refresh(delivery)
            assert (delivery.status, delivery.attempts, delivery.delivered_at) == ("delivered", 3, later)
            assert len(receiver.requests) == 3
            assert len({json.loads(b)["id"] for _h, b in receiver.requests}) == 1  # the same delivery each time
        finally:
            receiver.close()

    def test_an_unreachable_receiver_fails_after_the_last_attempt_and_can_be_retried(self, session: Session) -> None:
        closed = Receiver()
        url = closed.url
        closed.close()  # nothing listens there now
        _airline(session)
        webhooks.subscribe(session, url=url, events=["voucher.issued"], description=None, actor="a", now=NOW)
        _issue(session, _ana(session))
        at = NOW
        for _attempt in range(signing.MAX_ATTEMPTS):
            run = webhooks.deliver_due(_uow(session), server_secret=SECRET, now=lambda at=at: at)
            assert run.attempted == 1
            at = at + timedelta(days=1)
        delivery = session.scalars(select(WebhookDelivery)).one()
        assert delivery.status == "failed"
        assert delivery.last_status_code is None
        assert delivery.last_error
        assert webhooks.deliver_due(_uow(session), server_secret=SECRET, now=lambda: at).attempted == 0
        webhooks.retry(session, delivery_id=delivery.id, now=at)
        assert (delivery.status, delivery.attempts) == ("pending", 0)

    def test_an_inactive_subscription_hears_nothing(self, session: Session, receiver: Receiver) -> None:
        _airline(session)
        sub = webhooks.subscribe(
            session, url=receiver.url, events=["voucher.issued"], description=None, actor="a", now=NOW
        )
        webhooks.deactivate(session, subscription_id=sub.id, now=NOW)
        _issue(session, _ana(session))
        assert session.scalar(select(func.count()).select_from(WebhookDelivery)) == 0

    def test_bad_subscriptions_are_refused_naming_the_field(self, session: Session) -> None:
        with pytest.raises(InvalidInput, match="url"):
            webhooks.subscribe(session, url="ftp://x", events=["case.opened"], description=None, actor="a", now=NOW)
        with pytest.raises(InvalidInput, match="events: unknown"):
            webhooks.subscribe(
                session, url="https://x.example", events=["case.closed"], description=None, actor="a", now=NOW
            )


def test_a_disruption_announces_every_entitlement_and_case_once(session: Session) -> None:
    sub = webhooks.subscribe(
        session,
        url="https://crm.example.com/hooks",
        events=["entitlement.granted", "case.opened", "voucher.issued"],
        description=None,
        actor="admin",
        now=NOW,
    )
    _airline(session)  # the example airline, a controllable cancellation settled
    granted = session.scalar(select(func.count()).where(Entitlement.status == "granted"))
    logged = dict(
        session.execute(
            select(WebhookDelivery.event_type, func.count())
            .where(WebhookDelivery.subscription_id == sub.id)
            .group_by(WebhookDelivery.event_type)
        ).all()
    )
    assert granted
    assert logged["entitlement.granted"] == granted
    assert logged.get("voucher.issued", 0) >= 1
    payloads = session.scalars(
        select(WebhookDelivery.payload).where(WebhookDelivery.event_type == "entitlement.granted")
    ).all()
    assert all(p["legal_basis"] and p["passenger_id"] for p in payloads)


def test_a_detractor_and_the_case_it_opens_are_announced(session: Session) -> None:
    from goodwill.listening.closing import close_loop
    from tests.listening.loop_helpers import NOW as LOOP_NOW
    from tests.listening.loop_helpers import make_feedback, make_passenger

    sub = webhooks.subscribe(
        session, url="https://crm.example.com/hooks", events=["case.opened", "detractor.received"],
        description=None, actor="admin", now=LOOP_NOW,
    )  # fmt: skip
    ana = make_passenger(session)
    detractor = make_feedback(session, passenger_id=ana, channel="survey", nps=3, text="Never again")
    make_feedback(session, passenger_id=make_passenger(session, first_name="Ben"), nps=9, text="Lovely crew")
    close_loop(session, now=LOOP_NOW)
    close_loop(session, now=LOOP_NOW)  # nothing is looped twice, nothing announced twice
    logged = session.scalars(
        select(WebhookDelivery).where(WebhookDelivery.subscription_id == sub.id).order_by(WebhookDelivery.event_type)
    ).all()
    assert [d.event_type for d in logged] == ["case.opened", "detractor.received"]
    opened, heard = logged
    assert heard.payload["feedback_id"] == str(detractor.id)
    assert heard.payload["nps"] == 3
    assert heard.payload["case_id"] == opened.payload["case_id"]
    assert opened.payload["origin"]["trigger"] == "feedback"


def test_an_event_type_has_one_shape_wherever_it_comes_from(session: Session) -> None:
    sub = webhooks.subscribe(
        session, url="https://crm.example.com/hooks", events=["voucher.issued"], description=None, actor="a", now=NOW
    )
    _airline(session)  # vouchers issued in bulk by the disruption
    _issue(session, _ana(session))  # and one by an agent
    shapes = {
        frozenset(p)
        for p in session.scalars(select(WebhookDelivery.payload).where(WebhookDelivery.subscription_id == sub.id))
    }
    assert len(shapes) == 1


def test_an_unknown_delivery_status_is_refused_by_name(session: Session) -> None:
    sub = webhooks.subscribe(
        session, url="https://crm.example.com/hooks", events=["case.opened"], description=None, actor="a", now=NOW
    )
    with pytest.raises(InvalidInput, match="status: one of pending, delivered, failed"):
        webhooks.deliveries(session, subscription_id=sub.id, status="lost")
