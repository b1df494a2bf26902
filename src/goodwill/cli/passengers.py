"""`goodwill passengers`: find a passenger, read their customer 360, and keep every passenger's value current."""

from __future__ import annotations

import uuid
from typing import Annotated

import typer
from rich.table import Table

from goodwill.audit import service as audit
from goodwill.cli.context import state
from goodwill.cli.output import console, print_json, table_rows
from goodwill.customers.value import refresh_value
from goodwill.customers.view import SEARCH_LIMIT, Customer360, customer_360, search_passengers
from goodwill.errors import InvalidInput
from goodwill.kit.time import utc_now

app = typer.Typer(help="Find passengers and read everything about them.", no_args_is_help=True)

ACTOR = "cli"
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON.")]


@app.command("search")
def search(
    ctx: typer.Context,
    query: Annotated[str, typer.Argument(help="A name, email, phone, loyalty number, @handle or record locator.")],
    limit: Annotated[int, typer.Option("--limit", min=1, max=100)] = SEARCH_LIMIT,
    as_json: JsonOption = False,
) -> None:
    """Find passengers. A name matches by prefix in any case, with or without accents.

    Example:

        goodwill passengers search "ana lop"
    """
    with state(ctx).unit_of_work() as session:
        found = search_passengers(session, query=query, limit=limit)
        audit.record(
            session,
            actor=ACTOR,
            action="passengers.searched",
            entity_type="passenger",
            details={"shown": [str(m.id) for m in found]},
        )
    if as_json:
        print_json([m.model_dump(mode="json") for m in found])
        return
    if not found:
        console.print("No passenger matches.")
        return
    table = Table("id", "name", "tier", "home", "matched on", "email")
    for m in found:
        table.add_row(
            str(m.id), f"{m.first_name} {m.last_name}", m.tier, m.home_airport or "", m.matched_on, ", ".join(m.emails)
        )
    console.print(table)


@app.command("show")
def show(
    ctx: typer.Context,
    passenger_id: Annotated[str, typer.Argument(help="The passenger's id (from `goodwill passengers search`).")],
    as_json: JsonOption = False,
) -> None:
    """The customer 360: profile, value, trips and disruptions, what was owed and paid, feedback, timeline,
    cases and wishes.

    Example:

        goodwill passengers show 6f1c... --json
    """
    try:
        pid = uuid.UUID(passenger_id)
    except ValueError:
        raise InvalidInput(f"PASSENGER_ID: {passenger_id!r} is not a passenger id") from None
    with state(ctx).unit_of_work() as session:
        view = customer_360(session, passenger_id=pid, now=utc_now())
        audit.record(
            session, actor=ACTOR, action="passenger.viewed", entity_type="passenger", entity_id=str(view.profile.id)
        )
    if as_json:
        print_json(view.model_dump(mode="json"))
        return
    _print(view)


def _print(view: Customer360) -> None:
    p, v = view.profile, view.value
    rank = f"#{v.rank} of {v.ranked_passengers} (top {v.top_percent}%)" if v.rank else "not ranked"
    table_rows(
        [
            ("Passenger", f"{p.first_name} {p.last_name} ({p.id})"),
            ("Tier", p.tier),
            ("Language / home", f"{p.language} / {p.home_airport or '-'}"),
            ("Lifetime revenue", f"{v.lifetime_revenue.amount} {v.lifetime_revenue.currency}, {rank}"),
            ("Identities", ", ".join(f"{i.kind}: {i.value}" for i in view.identities) or "-"),
            ("Upcoming trips", len(view.upcoming_trips)),
            ("Past trips", view.past_trips_total),
            ("Entitlements", len(view.entitlements)),
            ("Compensation paid", ", ".join(f"{a.amount} {a.currency}" for a in view.compensation_paid) or "-"),
            ("Vouchers", ", ".join(f"{x.code} {x.balance.amount} {x.balance.currency}" for x in view.vouchers) or "-"),
            ("Open cases", ", ".join(f"{c.reference} {c.priority} {c.status}" for c in view.open_cases) or "-"),
            ("Wishes", "; ".join(w.text for w in view.wishes) or "-"),
        ]
    )
    trips = [*view.upcoming_trips, *view.past_trips]
    if trips:
        table = Table("PNR", "legs", "departs", "disruptions")
        for t in trips:
            legs = ", ".join(f"{leg.flight} {leg.origin}-{leg.destination}" for leg in t.legs)
            events = ", ".join(e.type for leg in t.legs for e in leg.events)
            table.add_row(t.pnr, legs, t.departs.isoformat(timespec="minutes") if t.departs else "", events or "-")
        console.print(table)
    if view.timeline:
        table = Table("when", "way", "channel", "what")
        for item in view.timeline[:10]:
            table.add_row(
                item.at.isoformat(timespec="minutes"), item.direction, item.channel, (item.subject or item.body)[:70]
            )
        console.print(table)


@app.command("refresh-value")
def refresh(
    ctx: typer.Context,
    currency: Annotated[
        str | None, typer.Option("--currency", help="Reporting currency (default: the one most bookings use).")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Recompute every passenger's lifetime revenue and rank (1 = most revenue). Run after an import.

    Example:

        goodwill passengers refresh-value
    """
    with state(ctx).unit_of_work() as session:
        report = refresh_value(session, currency=currency)
        audit.record(
            session,
            actor=ACTOR,
            action="passengers.value_refreshed",
            entity_type="passenger",
            details={"ranked": report.passengers_ranked, "currency": report.currency},
        )
    data = {
        "currency": report.currency,
        "passengers_ranked": report.passengers_ranked,
        "revenue_minor": report.revenue_minor,
        "fares_in_other_currencies": report.other_currency_fares,
    }
    if as_json:
        print_json(data)
    else:
        table_rows([(k.replace("_", " ").capitalize(), v) for k, v in data.items()])
