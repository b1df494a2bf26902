"""`goodwill webhooks`: subscribe the airline's systems to Goodwill's events, deliver them, read the log."""

from __future__ import annotations

import time
import uuid
from typing import Annotated

import typer
from rich.table import Table

from goodwill.audit import service as audit
from goodwill.cli.context import state
from goodwill.cli.output import console, print_json, table_rows
from goodwill.errors import InvalidInput
from goodwill.kit.time import utc_now
from goodwill.webhooks import service as webhooks
from goodwill.webhooks import signing

app = typer.Typer(
    help="Webhooks: subscriptions, delivery with signatures and retries, the delivery log.", no_args_is_help=True
)

ACTOR = "cli"
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON.")]


def _id(value: str, what: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise InvalidInput(f"{what}: {value!r} is not an id") from None


@app.command("add")
def add(
    ctx: typer.Context,
    url: Annotated[str, typer.Argument(help="Where to POST (http or https).")],
    event: Annotated[list[str], typer.Option("--event", help=f"One of: {', '.join(webhooks.EVENT_TYPES)}; repeat.")],
    description: Annotated[str | None, typer.Option("--description")] = None,
    as_json: JsonOption = False,
) -> None:
    """Subscribe a URL to events; prints the signing secret once.

    Example:

        goodwill webhooks add https://crm.example.com/hooks/goodwill --event case.opened --event voucher.issued
    """
    st = state(ctx)
    with st.unit_of_work() as session:
        made = webhooks.subscribe(session, url=url, events=event, description=description, actor=ACTOR, now=utc_now())
        audit.record(
            session,
            actor=ACTOR,
            action="webhook.subscribed",
            entity_type="webhook_subscription",
            entity_id=str(made.id),
            details={"events": made.events},
        )
        data = {
            "id": made.id,
            "url": made.url,
            "events": made.events,
            "secret": signing.secret_for(st.settings.secret_key.get_secret_value(), made.id),
        }
    if as_json:
        print_json(data)
        return
    table_rows([(k, ", ".join(v) if isinstance(v, list) else v) for k, v in data.items()])
    console.print(f"Keep the secret: it is shown once. Requests carry `{signing.HEADER}`.")


@app.command("list")
def list_(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """Every subscription.

    Example:

        goodwill webhooks list
    """
    with state(ctx).unit_of_work() as session:
        rows = [(s.id, s.url, s.events, s.active) for s in webhooks.subscriptions(session)]
    if as_json:
        print_json([{"id": i, "url": u, "events": e, "active": a} for i, u, e, a in rows])
        return
    table = Table("id", "url", "events", "active")
    for i, u, e, a in rows:
        table.add_row(str(i), u, ", ".join(e), "yes" if a else "no")
    console.print(table)


@app.command("remove")
def remove(ctx: typer.Context, subscription_id: Annotated[str, typer.Argument()]) -> None:
    """Stop a subscription; its delivery log is kept.

    Example:

        goodwill webhooks remove 01a2...
    """
    with state(ctx).unit_of_work() as session:
        done = webhooks.deactivate(session, subscription_id=_id(subscription_id, "SUBSCRIPTION_ID"), now=utc_now())
        audit.record(
            session,
            actor=ACTOR,
            action="webhook.deactivated",
            entity_type="webhook_subscription",
            entity_id=str(done.id),
        )
    console.print(f"{done.url}: stopped")


@app.command("deliveries")
def deliveries(
    ctx: typer.Context,
    subscription_id: Annotated[str, typer.Argument()],
    status: Annotated[str | None, typer.Option("--status", help="pending, delivered or failed")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=500)] = 50,
    as_json: JsonOption = False,
) -> None:
    """A subscription's delivery log, newest first.

    Example:

        goodwill webhooks deliveries 01a2... --status failed
    """
    with state(ctx).unit_of_work() as session:
        rows = [
            {
                "id": d.id,
                "event": d.event_type,
                "key": d.event_key,
                "status": d.status,
                "attempts": d.attempts,
                "last_status_code": d.last_status_code,
                "last_error": d.last_error,
                "next_attempt_at": d.next_attempt_at,
                "delivered_at": d.delivered_at,
            }
            for d in webhooks.deliveries(
                session, subscription_id=_id(subscription_id, "SUBSCRIPTION_ID"), status=status, limit=limit
            )
        ]
    if as_json:
        print_json(rows)
        return
    table = Table("event", "key", "status", "attempts", "last answer", "next attempt")
    for r in rows:
        table.add_row(
            str(r["event"]),
            str(r["key"]),
            str(r["status"]),
            str(r["attempts"]),
            str(r["last_status_code"] or r["last_error"] or ""),
            str(r["next_attempt_at"] or ""),
        )
    console.print(table)


@app.command("deliver")
def deliver(
    ctx: typer.Context,
    watch: Annotated[float | None, typer.Option("--watch", help="Keep delivering, pausing this many seconds.")] = None,
    as_json: JsonOption = False,
) -> None:
    """Send every delivery that is due (signed), record each answer, and schedule retries with backoff.

    Example:

        goodwill webhooks deliver --watch 5
    """
    st = state(ctx)
    secret = st.settings.secret_key.get_secret_value()
    while True:
        run = webhooks.deliver_due(st.unit_of_work, server_secret=secret, now=utc_now)
        data = {"attempted": run.attempted, "delivered": run.delivered, "retrying": run.retrying, "failed": run.failed}
        if as_json:
            print_json(data)
        elif run.attempted or watch is None:
            table_rows(list(data.items()))
        if watch is None:
            return
        if run.attempted == 0:
            time.sleep(watch)


@app.command("retry")
def retry(ctx: typer.Context, delivery_id: Annotated[str, typer.Argument()]) -> None:
    """Send a failed delivery again, with a fresh round of attempts.

    Example:

        goodwill webhooks retry 01a2...
    """
    with state(ctx).unit_of_work() as session:
        done = webhooks.retry(session, delivery_id=_id(delivery_id, "DELIVERY_ID"), now=utc_now())
        audit.record(
            session,
            actor=ACTOR,
            action="webhook.retried",
            entity_type="webhook_subscription",
            entity_id=str(done.subscription_id),
            details={"delivery": str(done.id)},
        )
    console.print(f"{done.event_key}: {done.status}")
