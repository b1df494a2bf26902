"""The disruption control room: flights and their events, who is affected, what is owed and sent.

For the operations controller during a storm: the numbers first (flights, passengers, what is owed by regime,
messages queued and sent and how fast, cases opened), then the charts, then the flights and cases behind them.
The figures refresh themselves (HTMX polling: every 2 s while a replay runs, every 30 s otherwise).

In the demo (a schedule that holds 8-9 February 2013), a supervisor can replay the blizzard from here: the replay
runs in a thread of the server, one at a time per server, and settles the storm in small batches so the figures
rise as it unfolds. It is the same replay as `goodwill storm replay`: running it again pays nobody twice.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse, Response

from goodwill.api.deps import SessionDep
from goodwill.audit import service as audit
from goodwill.demo import storm
from goodwill.errors import RuleViolation
from goodwill.kit.time import utc_now
from goodwill.logging import get_logger
from goodwill.recovery import catalogue, overview
from goodwill.store.db import unit_of_work
from goodwill.web import charts
from goodwill.web.auth import SupervisorPage
from goodwill.web.console import is_htmx, redirect, render

router = APIRouter(include_in_schema=False)
log = get_logger(__name__)

REPLAY_BATCH = 5  # events settled per transaction: small, so the figures rise in many steps
REPLAY_PACE = 0.3  # seconds between batches in the console, so a person can watch it unfold (app.state overrides)
EVENT_TYPES = ("cancellation", "diversion", "delay")


@dataclass(frozen=True)
class ReplayState:
    status: str  # idle | running | done | failed
    done: int
    total: int
    started_at: datetime | None
    finished_at: datetime | None
    started_by: str | None
    report: storm.StormReport | None
    error: str | None

    @property
    def running(self) -> bool:
        return self.status == "running"

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


class StormReplay:
    """The blizzard's replay in a background thread: at most one at a time; its progress read by the page."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._state = ReplayState("idle", 0, 0, None, None, None, None, None)

    def state(self) -> ReplayState:
        with self._lock:
            return self._state

    def _set(self, **changes: Any) -> None:
        with self._lock:
            self._state = ReplayState(**{**self._state.__dict__, **changes})

    def start(self, app: FastAPI, *, by: str) -> bool:
        """Start the replay; False (and nothing started) when one is running."""
        with self._lock:
            if self._thread is not None and self._thread.is_alive():
                return False
            events = storm.blizzard_events()
            self._state = ReplayState("running", 0, len(events), utc_now(), None, by, None, None)
            self._thread = threading.Thread(target=self._run, args=(app, events), name="storm-replay", daemon=True)
            self._thread.start()
            return True

    def join(self, timeout: float | None = None) -> None:
        thread = self._thread
        if thread is not None:
            thread.join(timeout)

    def _run(self, app: FastAPI, events: list[storm.StormEvent]) -> None:
        pace = float(getattr(app.state, "storm_replay_pace", REPLAY_PACE))
        factory = app.state.session_factory

        def progress(done: int) -> None:
            self._set(done=done)
            if pace > 0 and done < len(events):
                time.sleep(pace)

        try:
            report = storm.replay(
                lambda: unit_of_work(factory),
                events,
                policies=catalogue.policies(),
                now=utc_now,
                progress=progress,
                batch=REPLAY_BATCH,
            )
        except Exception as exc:  # the page says it failed; the log has the kind, never personal data
            log.error("storm_replay_failed", error=type(exc).__name__)
            self._set(status="failed", finished_at=utc_now(), error=type(exc).__name__)
            return
        self._set(status="done", done=len(events), finished_at=utc_now(), report=report)


def replay_of(app: FastAPI) -> StormReplay:
    """The server's replay (made on first use)."""
    found = getattr(app.state, "storm_replay", None)
    if found is None:
        found = app.state.storm_replay = StormReplay()
    return found


def _context(request: Request, session: SessionDep) -> dict[str, Any]:
    figures = overview.overview(session)
    replay = replay_of(request.app).state()
    hours = [h for h, _ in figures.timeline]
    timeline = charts.line_chart(
        [h[5:] + "h" for h in hours],
        [charts.Series(t, [by_type.get(t, 0) for _h, by_type in figures.timeline]) for t in EVENT_TYPES],
        title="Flight events by hour (UTC)",
        area=True,
        width=1000,
        height=240,
    )
    speed = charts.bar_chart(
        figures.message_speed,
        title="How fast messages left, from queued to sent",
        label=lambda n: f"{charts.number(n)} message{'' if n == 1 else 's'}",
    )
    return {
        "figures": figures,
        "replay": replay,
        "demo": overview.has_days(session, storm.BLIZZARD_DAYS),
        "flights": overview.worst_flights(session),
        "cases": overview.recent_cases(session),
        "timeline_chart": timeline,
        "speed_chart": speed,
        "event_types": EVENT_TYPES,
        "speed_sample": overview.SPEED_SAMPLE,
        "charts_number": charts.number,
        "money": charts.money,
        "poll": "every 2s" if replay.running else "every 30s",
    }


@router.get("/control-room", response_class=HTMLResponse)
def control_room(request: Request, session: SessionDep, me: SupervisorPage) -> HTMLResponse:
    return render(request, "console/control_room.html", _context(request, session), me=me)


@router.get("/control-room/figures", response_class=HTMLResponse)
def control_room_figures(request: Request, session: SessionDep, me: SupervisorPage) -> HTMLResponse:
    """The figures alone, for the page's polling."""
    return render(request, "console/_control_figures.html", _context(request, session), me=me)


@router.post("/control-room/replay", response_class=HTMLResponse)
def replay_blizzard(request: Request, session: SessionDep, me: SupervisorPage) -> Response:
    """Replay the 8-9 February 2013 blizzard in the background (the demo's schedule only); a second press while
    it runs starts nothing."""
    if not overview.has_days(session, storm.BLIZZARD_DAYS):
        raise RuleViolation("the stored schedule has no flights on 8-9 February 2013: there is no storm to replay")
    started = replay_of(request.app).start(request.app, by=me.username)
    if started:
        audit.record(
            session,
            actor=me.username,
            role=me.principal.role.value,
            action="storm.replay_started",
            entity_type="storm",
            entity_id="nyc-blizzard-2013",
        )
    if is_htmx(request):
        return render(request, "console/_control_figures.html", _context(request, session), me=me)
    return redirect(request, "/control-room")
