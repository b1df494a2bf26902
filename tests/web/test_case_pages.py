"""The case queue and the case page in the console, on the demo airline: filters, reply through the outbox
(once per form), internal notes, assignment, a goodwill voucher within the agent's limit (once per form), and
resolution with a code; CSRF on every change; errors in the page's alert area for HTMX."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import event, func, select

from goodwill.access.roles import Role
from goodwill.cases.models import Case, Interaction
from goodwill.notifications.models import OutboundMessage
from goodwill.store.db import make_session_factory, unit_of_work
from goodwill.vouchers.models import Voucher
from tests.web.agent_fixtures import Casework, make_casework

Console = Callable[..., tuple[TestClient, str]]
HTMX = {"HX-Request": "true"}
KEY = re.compile(r'name="key" value="([^"]+)"')


@pytest.fixture
def served_app(seeded_app: FastAPI) -> FastAPI:
    return seeded_app


@pytest.fixture
def work(served_app: FastAPI) -> Casework:
    return make_casework(served_app.state.engine, agent="ana", team="care")


def count(app: FastAPI, query: object) -> int:
    with unit_of_work(make_session_factory(app.state.engine)) as session:
        return int(session.scalar(query) or 0)  # type: ignore[call-overload]


def the_case(app: FastAPI, reference: str) -> Case:
    with unit_of_work(make_session_factory(app.state.engine)) as session:
        found = session.scalars(select(Case).where(Case.reference == reference)).one()
        session.expunge(found)
        return found


def keys(page: str) -> list[str]:
    return KEY.findall(page)


def test_the_queue_filters_mine_my_team_and_all(console: Console, work: Casework) -> None:
    client, _ = console(Role.AGENT, "ana")
    mine = client.get("/cases")
    assert mine.status_code == 200
    assert work.mine in mine.text
    assert work.urgent in mine.text
    assert work.team_unassigned not in mine.text
    team = client.get("/cases", params={"view": "team"}, headers=HTMX)
    assert "<html" not in team.text
    assert work.team_unassigned in team.text
    assert work.mine not in team.text
    assert work.other not in team.text
    everything = client.get("/cases", params={"view": "all", "priority": "urgent"})
    assert work.urgent in everything.text
    assert work.other not in everything.text
    assert client.get("/cases", params={"view": "nobody"}).status_code == 400


def test_reply_goes_through_the_outbox_once_per_form(served_app: FastAPI, console: Console, work: Casework) -> None:
    client, csrf = console(Role.AGENT, "ana")
    page = client.get(f"/cases/{work.mine}")
    assert page.status_code == 200
    assert "Answer the passenger" in page.text
    reply_key = keys(page.text)[0]
    form = {"csrf": csrf, "key": reply_key, "body": "We are so sorry. Your refund left today.", "channel": "email"}
    first = client.post(f"/cases/{work.mine}/reply", data=form, headers=HTMX)
    assert first.status_code == 200
    assert "Answer queued for sending by email." in first.text
    assert "We are so sorry. Your refund left today." in first.text  # the thread, redrawn
    assert reply_key not in keys(first.text)  # the redrawn form has a new key
    again = client.post(f"/cases/{work.mine}/reply", data=form, headers=HTMX)  # the double click
    assert "Your answer was already sent." in again.text
    sent = select(func.count()).select_from(OutboundMessage).where(OutboundMessage.kind == "case.reply")
    assert count(served_app, sent) == 1
    case = the_case(served_app, work.mine)
    assert case.status == "open"
    assert case.first_responded_at is not None


def test_a_change_without_the_csrf_token_is_refused(served_app: FastAPI, console: Console, work: Casework) -> None:
    client, _ = console(Role.AGENT, "ana")
    page = client.get(f"/cases/{work.mine}")
    refused = client.post(f"/cases/{work.mine}/reply", data={"key": keys(page.text)[0], "body": "hello"})
    assert refused.status_code == 403
    assert count(served_app, select(func.count()).select_from(OutboundMessage)) == 0


def test_a_note_stays_internal(served_app: FastAPI, console: Console, work: Casework) -> None:
    client, csrf = console(Role.AGENT, "ana")
    done = client.post(f"/cases/{work.mine}/note", data={"csrf": csrf, "body": "Called the station."}, headers=HTMX)
    assert "Note added" in done.text
    assert "Internal note" in done.text
    notes = select(func.count()).select_from(Interaction).where(Interaction.internal.is_(True))
    assert count(served_app, notes) == 1
    assert count(served_app, select(func.count()).select_from(OutboundMessage)) == 0


def test_a_voucher_within_the_limit_once_per_form_and_over_it_refused(
    served_app: FastAPI, console: Console, work: Casework
) -> None:
    client, csrf = console(Role.AGENT, "ana")
    page = client.get(f"/cases/{work.mine}")
    voucher_key = keys(page.text)[1]
    over = {"csrf": csrf, "key": voucher_key, "amount": "150.01", "currency": "USD", "reason": "nine hours"}
    refused = client.post(f"/cases/{work.mine}/voucher", data=over, headers=HTMX)
    assert refused.headers["HX-Retarget"] == "#alerts"
    assert "an agent may give up to 150 USD" in refused.text
    form = {**over, "amount": "75"}
    issued = client.post(f"/cases/{work.mine}/voucher", data=form, headers=HTMX)
    assert re.search(r"Voucher \S+ for 75.00 USD issued.", issued.text)
    assert "75.00 USD" in issued.text  # the cost of the recovery
    again = client.post(f"/cases/{work.mine}/voucher", data=form, headers=HTMX)
    assert "was already issued" in again.text
    assert count(served_app, select(func.count()).select_from(Voucher)) == 1


def test_resolve_needs_a_code_then_the_case_is_resolved(served_app: FastAPI, console: Console, work: Casework) -> None:
    client, csrf = console(Role.AGENT, "ana")
    missing = client.post(f"/cases/{work.mine}/status", data={"csrf": csrf, "status": "resolved"}, headers=HTMX)
    assert missing.headers["HX-Retarget"] == "#alerts"
    assert "resolution_code" in missing.text
    form = {"csrf": csrf, "status": "resolved", "resolution_code": "explained"}
    done = client.post(f"/cases/{work.mine}/status", data=form, headers=HTMX)
    assert "Case resolved (explained)." in done.text
    case = the_case(served_app, work.mine)
    assert (case.status, case.resolution_code) == ("resolved", "explained")
    plain = client.post(f"/cases/{work.mine}/status", data={"csrf": csrf, "status": "open"}, follow_redirects=False)
    assert plain.status_code == 303
    assert plain.headers["location"] == f"/cases/{work.mine}"


def test_take_a_case_and_assign_it(served_app: FastAPI, console: Console, work: Casework) -> None:
    client, csrf = console(Role.AGENT, "ana")
    taken = client.post(f"/cases/{work.team_unassigned}/assign", data={"csrf": csrf, "to_me": "1"}, headers=HTMX)
    assert "Assigned to you (care)." in taken.text
    other = client.post(f"/cases/{work.other}/assign", data={"csrf": csrf, "to_me": "1"}, follow_redirects=False)
    assert other.status_code == 303  # a plain form (the queue's Take): back to the case
    assert the_case(served_app, work.other).team == "baggage"  # taking keeps the case's team
    assert the_case(served_app, work.team_unassigned).assignee == "ana"
    given = client.post(
        f"/cases/{work.team_unassigned}/assign", data={"csrf": csrf, "assignee": "ben", "team": "care"}, headers=HTMX
    )
    assert "Assigned to ben (care)." in given.text


def test_an_unknown_case_is_a_404_page(console: Console) -> None:
    client, _ = console(Role.AGENT)
    page = client.get("/cases/C-9999999")
    assert page.status_code == 404
    assert "no case C-9999999" in page.text


def test_the_answer_is_previewed_as_the_passenger_will_read_it_and_nothing_is_sent(
    served_app: FastAPI, console: Console, work: Casework
) -> None:
    client, csrf = console(Role.AGENT, "ana")
    form = {"csrf": csrf, "body": "Your refund left today.", "channel": "email"}
    shown = client.post(f"/cases/{work.mine}/reply-preview", data=form, headers=HTMX)
    assert shown.status_code == 200
    assert 'data-testid="reply-preview"' in shown.text
    assert "Your refund left today." in shown.text
    assert work.mine in shown.text  # the template names the case
    texted = client.post(f"/cases/{work.mine}/reply-preview", data={**form, "channel": "sms"}, headers=HTMX)
    assert "their phone shows" in texted.text
    assert count(served_app, select(func.count()).select_from(OutboundMessage)) == 0


def test_a_change_is_committed_before_its_answer_leaves(served_app: FastAPI, console: Console, work: Casework) -> None:
    """A plain form's redirect must not overtake its commit: the browser follows a 303 at once, and the page it
    asks for must show the change (and a commit that fails must not follow a success already sent)."""
    client, csrf = console(Role.AGENT, "ana")
    order: list[str] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        async def sent(message: Any) -> None:
            if message["type"] == "http.response.start":
                order.append("answered")
            await send(message)

        await served_app(scope, receive, sent)

    event.listen(served_app.state.session_factory, "after_commit", lambda _session: order.append("committed"))
    watched = TestClient(app, cookies=client.cookies)
    taken = watched.post(
        f"/cases/{work.team_unassigned}/assign", data={"csrf": csrf, "to_me": "1"}, follow_redirects=False
    )
    assert taken.status_code == 303
    assert order.index("committed") < order.index("answered")
