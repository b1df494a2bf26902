"""The demo's worker: while `goodwill demo` serves, the messages a storm writes are delivered on the console
channel (nothing leaves the machine), so the control room can show how fast they left."""

from __future__ import annotations

import threading
import time

from pydantic import SecretStr
from sqlalchemy import func, select

from goodwill.cli.context import CliState
from goodwill.cli.demo import _deliver_while_serving
from goodwill.config import Settings
from goodwill.notifications.models import MessageStatus, OutboundMessage
from tests.factories import TEST_SECRET
from tests.notifications import world


def test_the_demo_worker_sends_what_the_storm_wrote_and_stops_when_asked(db_url: str) -> None:
    settings = Settings(database_url=db_url, secret_key=SecretStr(TEST_SECRET), message_transport="live")
    st = CliState(settings=settings)
    try:
        _deliver_and_stop(st)
    finally:
        st.close()  # no connection left for the garbage collector


def _deliver_and_stop(st: CliState) -> None:
    people = [{"email": f"p{i}@example.org", "first_name": f"P{i}"} for i in range(3)]
    with st.unit_of_work() as session:
        world.build(session, people=people)
        pending = session.scalar(select(func.count()).where(OutboundMessage.status == MessageStatus.PENDING.value))
    assert pending == 3
    stop = threading.Event()
    worker = threading.Thread(target=_deliver_while_serving, args=(st, stop), daemon=True)
    worker.start()
    deadline = time.monotonic() + 60
    sent = 0
    while time.monotonic() < deadline and sent < 3:
        time.sleep(0.2)
        with st.unit_of_work() as session:
            sent = session.scalar(select(func.count()).where(OutboundMessage.sent_at.is_not(None))) or 0
    stop.set()
    worker.join(timeout=10)
    assert not worker.is_alive()
    assert sent == 3  # on the console channel, although the settings say live: the demo never sends real mail
