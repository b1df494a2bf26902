"""`goodwill worker` delivers the outbox and listens (analyses new feedback, runs the closed loop, detects
spikes); `goodwill messages` lists, shows, previews and retries messages."""

from __future__ import annotations

import signal
import time
import uuid
from datetime import timedelta
from types import FrameType
from typing import Annotated, Any

import typer
from rich.table import Table

from goodwill.audit import service as audit
from goodwill.cli.context import CliState, state
from goodwill.cli.output import console, err_console, print_json, table_rows
from goodwill.config import Settings
from goodwill.errors import InvalidInput
from goodwill.kit.time import utc_now
from goodwill.listening import analysing
from goodwill.listening.language import LanguageMode
from goodwill.listening.scheduled import ListeningJobs, ListeningRun, ListeningWorker
from goodwill.logging import get_logger
from goodwill.notifications import service as messages_service
from goodwill.notifications.channels import (
    Channel,
    ConsoleChannel,
    ProviderChannel,
    SmtpChannel,
    SmtpSettings,
    reply_domain,
)

app = typer.Typer(help="Messages to passengers: the outbox, previews, retries.", no_args_is_help=True)
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON.")]
ACTOR = "cli"
log = get_logger(__name__)


def _id(value: str, what: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise InvalidInput(f"{what}: {value!r} is not an id") from None


def channels_from(settings: Settings, transport: str | None = None) -> dict[str, Channel]:
    """The channels the settings describe: all console (nothing leaves), or SMTP and the providers."""
    chosen = transport or settings.message_transport
    if chosen == "console":
        return {name: ConsoleChannel(name) for name in ("email", "sms", "push")}
    if chosen != "live":
        raise InvalidInput(f"--transport: console or live, not {chosen!r}")
    secret = settings.secret_key.get_secret_value()
    smtp = SmtpSettings(
        host=settings.smtp_host,
        port=settings.smtp_port,
        sender=settings.mail_from,
        reply_domain=reply_domain(settings.mail_from, settings.reply_domain),
        username=settings.smtp_username,
        password=settings.smtp_password.get_secret_value() if settings.smtp_password else None,
        starttls=settings.smtp_starttls,
    )
    found: dict[str, Channel] = {"email": SmtpChannel(smtp)}
    for name, url in (("sms", settings.sms_provider_url), ("push", settings.push_provider_url)):
        found[name] = ProviderChannel(name, url, server_secret=secret) if url else ConsoleChannel(name)
    return found


class _Stop:
    """Set by SIGTERM or SIGINT: the worker finishes the message it is sending, gives the rest back, exits."""

    def __init__(self) -> None:
        self.requested = False

    def __call__(self) -> bool:
        return self.requested

    def handle(self, _signum: int, _frame: FrameType | None) -> None:
        self.requested = True


def listening_worker(st: CliState, jobs: ListeningJobs) -> ListeningWorker | None:
    """The worker's listening jobs, with the model the settings name (loaded now: a missing model stops the
    worker at its start, not at its first feedback)."""
    if not jobs.any:
        return None
    settings = st.settings
    models = analysing.find_models(settings.listening_model) if jobs.analyse else None
    mode = LanguageMode(settings.listening_language_mode)
    return ListeningWorker(st.unit_of_work, jobs=jobs, models=models, mode=mode)


def _add(total: dict[str, int], run: dict[str, int]) -> None:
    for key, value in run.items():
        total[key] = total.get(key, 0) + value


def register(root: typer.Typer) -> None:
    @root.command("worker")
    def worker(
        ctx: typer.Context,
        once: Annotated[bool, typer.Option("--once", help="Do what is due now (every job), then exit.")] = False,
        batch: Annotated[int, typer.Option("--batch", min=1, max=5000, help="Messages claimed at a time.")] = 200,
        idle: Annotated[float, typer.Option("--idle", min=0.05, help="Seconds to wait when nothing is due.")] = 2.0,
        transport: Annotated[
            str | None, typer.Option("--transport", help="console (nothing leaves) or live; default from settings.")
        ] = None,
        lease: Annotated[
            float,
            typer.Option("--lease", min=1, help="Seconds a claimed batch is this worker's before others retake it."),
        ] = 300.0,
        delivery: Annotated[
            bool, typer.Option("--delivery/--no-delivery", help="Deliver the outbox's messages.")
        ] = True,
        listening: Annotated[
            bool,
            typer.Option(
                "--listening/--no-listening",
                help="Analyse new feedback (language, spam, sentiment, topics, urgency), as `goodwill listening "
                "analyse --pending` does, with the model GOODWILL_LISTENING_MODEL names (else the shipped one).",
            ),
        ] = True,
        loop: Annotated[
            bool,
            typer.Option(
                "--loop/--no-loop",
                help="Run the closed loop over analysed feedback, as `goodwill listening loop` does: a case for "
                "each detractor, angry or urgent voice.",
            ),
        ] = True,
        spikes: Annotated[
            bool,
            typer.Option(
                "--spikes/--no-spikes",
                help="Detect spikes by route and airport, as `goodwill listening spikes` does (24 h window, 28 "
                "days of baseline).",
            ),
        ] = True,
        listening_batch: Annotated[
            int,
            typer.Option("--listening-batch", min=1, max=5000, help="Feedback analysed and looped per cycle."),
        ] = ListeningJobs.batch,
        listening_every: Annotated[
            float,
            typer.Option(
                "--listening-every",
                min=0,
                help="Seconds between two looks for new feedback (at once while some waits).",
            ),
        ] = ListeningJobs.every,
        spikes_every: Annotated[
            float, typer.Option("--spikes-every", min=1, help="Seconds between two spike detections.")
        ] = ListeningJobs.spikes_every,
        as_json: JsonOption = False,
    ) -> None:
        """Deliver the outbox and listen: claim due messages with a lease, write each in the passenger's language,
        send it on a channel they allow (SMTP, the SMS/push provider, or the console), retry with backoff; between
        two deliveries, analyse new feedback in small batches, run the closed loop over it (a case for each
        detractor, angry or urgent voice, once) and, every 15 minutes, detect spikes. SIGTERM stops after the
        message in hand; a killed worker's batch is taken again when its lease runs out. Several workers share
        the work: none sends a message, analyses a feedback or opens its case twice.

        Example:

            goodwill worker --batch 500
            goodwill worker --no-listening --no-spikes      # deliver only
            goodwill worker --once --no-delivery --json     # analyse and loop what waits, then exit
        """
        st = state(ctx)
        settings = st.settings
        jobs = ListeningJobs(
            analyse=listening, loop=loop, spikes=spikes, batch=listening_batch, every=listening_every,
            spikes_every=spikes_every,
        )  # fmt: skip
        listener = listening_worker(st, jobs)
        channels = channels_from(settings, transport) if delivery else {}
        stop = _Stop()
        previous = {sig: signal.signal(sig, stop.handle) for sig in (signal.SIGTERM, signal.SIGINT)}
        total: dict[str, int] = {}
        try:
            while not stop():
                busy = False
                if delivery:
                    run = messages_service.deliver_due(
                        st.unit_of_work,
                        channels=channels,
                        server_secret=settings.secret_key.get_secret_value(),
                        airline=settings.airline_name,
                        now=utc_now,
                        limit=batch,
                        lease=timedelta(seconds=lease),
                        stop=stop,
                    )
                    _add(total, run.as_dict())
                    if run.claimed and not as_json and not once:
                        err_console.print(", ".join(f"{k} {v}" for k, v in run.as_dict().items() if v), highlight=False)
                    busy = run.claimed > 0
                if listener is not None and not stop():
                    heard = _listen(listener, once=once)
                    _add(total, heard.as_dict())
                    if heard.busy and not as_json and not once:
                        err_console.print(
                            ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in heard.as_dict().items() if v),
                            highlight=False,
                        )
                    busy = busy or heard.busy
                if not busy:
                    if once:
                        break
                    time.sleep(idle)
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            for channel in channels.values():
                channel.close()
        if as_json:
            print_json(total)
        elif once:
            table_rows([(k, v) for k, v in total.items() if v or k == "claimed"] or [("claimed", 0)])

    root.add_typer(app, name="messages")


def _listen(listener: ListeningWorker, *, once: bool) -> ListeningRun:
    """One listening step; a failure is logged and the worker goes on delivering (it tries again later), except
    in a single pass (--once), which fails."""
    try:
        return listener.step(now=utc_now)
    except Exception:
        if once:
            raise
        log.exception("worker.listening_failed")
        return ListeningRun()


def _row(m: Any) -> dict[str, Any]:
    return {
        "id": m.id,
        "passenger_id": m.passenger_id,
        "kind": m.kind,
        "template": m.template,
        "channel": m.channel,
        "language": m.language,
        "status": m.status,
        "attempts": m.attempts,
        "created_at": m.created_at,
        "sent_at": m.sent_at,
        "next_attempt_at": m.next_attempt_at,
        "last_error": m.last_error,
        "flight_event_id": m.flight_event_id,
        "case_id": m.case_id,
    }


@app.command("list")
def list_(
    ctx: typer.Context,
    status: Annotated[str | None, typer.Option("--status", help="pending, sending, sent, failed, ...")] = None,
    passenger: Annotated[str | None, typer.Option("--passenger", help="A passenger id.")] = None,
    event: Annotated[str | None, typer.Option("--event", help="A flight event id.")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=1000)] = 50,
    as_json: JsonOption = False,
) -> None:
    """The outbox, newest first, with each message's delivery status.

    Example:

        goodwill messages list --status failed
    """
    with state(ctx).unit_of_work() as session:
        rows = [
            _row(m)
            for m in messages_service.messages(
                session,
                status=status,
                passenger_id=_id(passenger, "--passenger") if passenger else None,
                flight_event_id=_id(event, "--event") if event else None,
                limit=limit,
            )
        ]
    if as_json:
        print_json(rows)
        return
    table = Table("id", "kind", "channel", "lang", "status", "attempts", "sent", "error")
    for r in rows:
        table.add_row(
            str(r["id"]), r["kind"], r["channel"], r["language"], r["status"], str(r["attempts"]),
            str(r["sent_at"] or ""), str(r["last_error"] or ""),
        )  # fmt: skip
    console.print(table)


@app.command("show")
def show(ctx: typer.Context, message_id: Annotated[str, typer.Argument()], as_json: JsonOption = False) -> None:
    """One message: its delivery status and its words (as sent, or as they would be written now).

    Example:

        goodwill messages show 01a2...
    """
    st = state(ctx)
    with st.unit_of_work() as session:
        message, rendered = messages_service.preview_message(
            session, message_id=_id(message_id, "MESSAGE_ID"), now=utc_now(), airline=st.settings.airline_name
        )
        data = _row(message) | {"subject": rendered.subject, "body": rendered.body, "short": rendered.short}
    if as_json:
        print_json(data)
        return
    table_rows([(k, v) for k, v in data.items() if k not in ("subject", "body", "short")])
    console.print(f"\n[bold]{data['subject']}[/bold]\n", highlight=False)
    console.print(data["body"], highlight=False, markup=False)


@app.command("preview")
def preview(
    ctx: typer.Context,
    event: Annotated[str, typer.Option("--event", help="A flight event id.")],
    passenger: Annotated[str, typer.Option("--passenger", help="A passenger id.")],
    language: Annotated[str | None, typer.Option("--language", help="en, es, fr; default: theirs.")] = None,
    channel: Annotated[str, typer.Option("--channel", help="email, sms or push")] = "email",
    as_json: JsonOption = False,
) -> None:
    """What a passenger would read about a flight event, were it sent now (nothing is sent or written).

    Example:

        goodwill messages preview --event 01a2... --passenger 6f1c... --language fr
    """
    st = state(ctx)
    with st.unit_of_work() as session:
        rendered = messages_service.preview_event(
            session,
            event_id=_id(event, "--event"),
            passenger_id=_id(passenger, "--passenger"),
            now=utc_now(),
            airline=st.settings.airline_name,
            language=language,
            channel=channel,
        )
    data = {
        "language": rendered.language,
        "template": rendered.template,
        "subject": rendered.subject,
        "body": rendered.body,
        "short": rendered.short,
    }
    if as_json:
        print_json(data)
        return
    console.print(f"[bold]{rendered.subject}[/bold]  ({rendered.language}, {rendered.template})\n", highlight=False)
    console.print(rendered.short if channel != "email" else rendered.body, highlight=False, markup=False)


@app.command("retry")
def retry(ctx: typer.Context, message_id: Annotated[str, typer.Argument()]) -> None:
    """Send a failed or suppressed message again, with a fresh round of attempts.

    Example:

        goodwill messages retry 01a2...
    """
    with state(ctx).unit_of_work() as session:
        message = messages_service.retry(session, message_id=_id(message_id, "MESSAGE_ID"), now=utc_now())
        audit.record(
            session, actor=ACTOR, action="message.retried", entity_type="outbound_message", entity_id=str(message.id)
        )
        status = message.status
    console.print(f"{message_id}: {status}")
