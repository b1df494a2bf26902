"""The console's message page: what a passenger was told, or will be, in their language or another; linked from
the passenger's 360 timeline."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from goodwill.access.roles import Role
from goodwill.audit.models import AuditEntry
from goodwill.customers.models import Passenger
from goodwill.notifications.models import OutboundMessage
from goodwill.store.db import make_session_factory, unit_of_work
from tests.notifications import world
from tests.web.conftest import BrowserPage, add_user

Console = Callable[..., tuple[TestClient, str]]


def _a_cancellation(app: FastAPI) -> OutboundMessage:
    """B6 101 cancelled for Pax0 (French) and Pax1; returns Pax0's pending notice."""
    with unit_of_work(make_session_factory(app.state.engine)) as session:
        world.build(session, people=[world.person(0, language="fr"), world.person(1)])
        message = None
        for row in session.scalars(select(OutboundMessage)).all():
            passenger = session.get(Passenger, row.passenger_id)
            if passenger is not None and passenger.first_name == "Pax0":
                message = row
        assert message is not None
        session.expunge(message)
        return message


def test_a_pending_notice_is_shown_as_it_would_be_written_in_their_language_or_another(
    app: FastAPI, console: Console
) -> None:
    message = _a_cancellation(app)
    agent, _ = console(Role.AGENT)
    page = agent.get(f"/messages/{message.id}")
    assert page.status_code == 200
    assert "Not sent yet" in page.text
    assert "Pax0" in page.text
    assert "B6 101" in page.text or "B6101" in page.text
    assert 'lang="fr"' in page.text  # written in the passenger's language
    english = agent.get(f"/messages/{message.id}?language=en")
    assert english.status_code == 200
    assert 'data-testid="message-body" lang="en"' in english.text
    assert english.text != page.text
    refused = agent.get(f"/messages/{message.id}?language=de")
    assert refused.status_code == 400
    assert "no message template in &#39;de&#39;" in refused.text
    with unit_of_work(make_session_factory(app.state.engine)) as session:
        seen = session.scalars(select(AuditEntry).where(AuditEntry.action == "message.previewed")).all()
        assert len(seen) == 2
        assert all(e.entity_id == str(message.id) for e in seen)
    with unit_of_work(make_session_factory(app.state.engine)) as session:
        stored = session.get(OutboundMessage, message.id)
        assert stored is not None
        assert (stored.body, stored.subject, stored.status) == (message.body, message.subject, "pending")  # unwritten


def test_the_360_timeline_links_each_message_to_its_page(app: FastAPI, browser_page: BrowserPage) -> None:
    message = _a_cancellation(app)
    add_user(app, "ana", Role.AGENT)
    tab = browser_page
    tab.sign_in("ana")
    tab.goto(f"/passengers/{message.passenger_id}")
    tab.page.locator(f'a[href="/messages/{message.id}"]').click()
    tab.page.wait_for_url(f"**/messages/{message.id}")
    assert "Pax0" in tab.page.get_by_test_id("message-body").inner_text()
    assert tab.page.get_by_test_id("message-status").inner_text() == "pending"
    tab.screenshot("message")
    tab.page.get_by_role("link", name="English").click()
    tab.page.wait_for_url("**language=en")
    assert tab.page.get_by_test_id("message-short").inner_text()
