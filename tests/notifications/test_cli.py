"""`goodwill worker` and `goodwill messages list|show|preview|retry` on a database."""

from __future__ import annotations

import json
import uuid

from sqlalchemy import Engine, select
from typer.testing import CliRunner

from goodwill.cli import app
from goodwill.customers.models import Passenger
from goodwill.notifications.models import OutboundMessage
from goodwill.store.db import make_session_factory, unit_of_work
from tests.notifications.world import build, person

runner = CliRunner()


def test_the_worker_delivers_and_the_messages_read_back(db_url: str, url_engine: Engine) -> None:
    with unit_of_work(make_session_factory(url_engine)) as session:
        event = build(session, people=[person(1, language="fr"), person(2, consent_email=False)])
        event_id = str(event.id)
        passenger_id = str(session.scalars(select(Passenger.id).where(Passenger.first_name == "Pax1")).one())

    def run(*args: str) -> str:
        result = runner.invoke(app, ["--database-url", db_url, *args])
        assert result.exit_code == 0, result.output
        return result.output

    preview = json.loads(
        run("messages", "preview", "--event", event_id, "--passenger", passenger_id, "--language", "es", "--json")
    )
    assert preview["subject"] == "Su vuelo B6 101 del 14 feb está cancelado"
    delivered = json.loads(run("worker", "--once", "--json"))
    assert (delivered["claimed"], delivered["sent"], delivered["suppressed"]) == (2, 1, 1)
    listed = json.loads(run("messages", "list", "--json"))
    assert sorted(m["status"] for m in listed) == ["sent", "suppressed"]
    sent = next(m for m in listed if m["status"] == "sent")
    shown = json.loads(run("messages", "show", str(sent["id"]), "--json"))
    assert shown["body"].startswith("Bonjour Pax1,")
    suppressed = next(m for m in listed if m["status"] == "suppressed")
    assert "pending" in run("messages", "retry", str(suppressed["id"]))
    with unit_of_work(make_session_factory(url_engine)) as session:
        again = session.get(OutboundMessage, uuid.UUID(suppressed["id"]))
        assert again is not None
        assert (again.status, again.attempts) == ("pending", 0)
    bad = runner.invoke(app, ["--database-url", db_url, "messages", "show", "not-an-id"])
    assert bad.exit_code == 1
    assert "not an id" in bad.output
