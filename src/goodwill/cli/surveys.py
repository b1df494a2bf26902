"""`goodwill surveys`: invite passengers to a post-flight survey after each flown segment."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated

import typer

from goodwill.audit import service as audit
from goodwill.cli.context import state
from goodwill.cli.output import console, print_json
from goodwill.errors import InvalidInput
from goodwill.kit.time import parse_instant, utc_now
from goodwill.surveys import rules
from goodwill.surveys import service as surveys

app = typer.Typer(help="Post-flight surveys: invitations with fatigue rules.", no_args_is_help=True)

ACTOR = "cli"
DEFAULT_LOOKBACK = timedelta(days=2)


def _instant(value: str | None, option: str) -> datetime | None:
    if value is None:
        return None
    try:
        return parse_instant(value, option)
    except ValueError as exc:
        raise InvalidInput(f"{option}: {exc}") from exc


@app.command("invite")
def invite(
    ctx: typer.Context,
    since: Annotated[
        str | None,
        typer.Option(
            "--since",
            help="Survey legs that arrived from this instant (ISO 8601 with offset); default: 2 days before --now.",
        ),
    ] = None,
    now_option: Annotated[
        str | None,
        typer.Option(
            "--now",
            help="The instant to act at (ISO 8601 with offset); default: the clock. "
            "For replays and the 2013 demo airline.",
        ),
    ] = None,
    window_days: Annotated[
        int, typer.Option("--window-days", min=0, help="At most one invitation per passenger in this many days.")
    ] = rules.DEFAULT_WINDOW.days,
    link_days: Annotated[
        int, typer.Option("--link-days", min=1, help="Days the survey link stays open.")
    ] = rules.DEFAULT_LINK_VALIDITY.days,
    require_consent: Annotated[
        bool,
        typer.Option(
            "--require-consent",
            help="Invite only passengers who said yes to email (default: all but those who said no).",
        ),
    ] = False,
    base_url: Annotated[
        str,
        typer.Option(
            "--base-url",
            envvar="GOODWILL_PUBLIC_URL",
            help="Where passengers reach this Goodwill; the link is BASE_URL/s/TOKEN.",
        ),
    ] = "http://127.0.0.1:8000",
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Decide and count; write nothing.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Invite each passenger whose segment has arrived to a survey (NPS, CSAT, what went wrong, how to fix it).

    One invitation per passenger and segment, in the passenger's language (English when there is no survey in
    it), written to the outbox as a `survey.invitation` email with the link. Suppressed, with the reason
    counted: legs not flown, erased or merged passengers, those already invited for the segment, those who
    refused email, those without an email address, those with an open recovery case, and those invited within
    the window. Links past their date are marked expired. Safe to run again: it invites nobody twice.

    Example:

        goodwill surveys invite --since 2013-02-10T00:00:00Z --now 2013-02-11T00:00:00Z --dry-run --json
    """  # fmt: skip
    now = _instant(now_option, "--now") or utc_now()
    start = _instant(since, "--since") or now - DEFAULT_LOOKBACK
    if start >= now:
        raise InvalidInput("--since must be before --now")
    policy = rules.Policy(
        window=timedelta(days=window_days),
        link_valid_for=timedelta(days=link_days),
        require_consent=require_consent,
    )
    with state(ctx).unit_of_work() as session:
        report = surveys.invite_after_flights(
            session, since=start, now=now, policy=policy, base_url=base_url, dry_run=dry_run
        )
        if not dry_run:
            audit.record(
                session, actor=ACTOR, action="surveys.invited", entity_type="survey_invitation",
                details={**report.as_dict(), "since": start.isoformat(), "now": now.isoformat()},
            )  # fmt: skip
    result = {**report.as_dict(), "since": start, "now": now, "window_days": window_days, "dry_run": dry_run}
    if as_json:
        print_json(result)
        return
    verb = "would invite" if dry_run else "invited"
    console.print(f"{report.legs:,} legs arrived; {verb} {report.invited:,}", highlight=False)
    for reason, count in result["suppressed"].items():
        if count:
            console.print(f"  suppressed {reason}: {count:,}", highlight=False)
    if report.expired:
        console.print(
            f"{'would expire' if dry_run else 'expired'} {report.expired:,} unanswered links", highlight=False
        )
