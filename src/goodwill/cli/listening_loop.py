"""`goodwill listening loop | trends | spikes`: the closed loop, the trends and the spike alerts.

Registered on the `goodwill listening` sub-app by `register` (kept apart from the model commands).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from goodwill.audit import service as audit
from goodwill.cases import service as cases
from goodwill.cases import sla
from goodwill.cli.context import state
from goodwill.cli.output import console, print_json, table_rows
from goodwill.errors import InvalidInput
from goodwill.kit.time import parse_instant, utc_now
from goodwill.listening import alerting, closing
from goodwill.listening import trends as trends_
from goodwill.listening.spikes import SpikeRules

ACTOR = "cli"
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON.")]


def parse_bound(value: str | None, option: str) -> datetime | None:
    """A date (UTC midnight) or an ISO 8601 instant with its offset; the error names the option."""
    if value is None:
        return None
    try:
        if len(value.strip()) == 10:
            return datetime.combine(date.fromisoformat(value.strip()), datetime.min.time(), tzinfo=UTC)
        return parse_instant(value, option)
    except ValueError as exc:
        raise InvalidInput(f"{option}: {exc}" if option not in str(exc) else str(exc)) from exc


def run_loop(
    ctx: typer.Context, *, policy: sla.SlaPolicy = sla.DEFAULT_POLICY, limit: int | None = None
) -> closing.LoopReport:
    """The closed loop in its own transaction, audited (also run by `goodwill listening analyse`)."""
    with state(ctx).unit_of_work() as session:
        report = closing.close_loop(session, now=utc_now(), policy=policy, limit=limit)
        audit.record(
            session, actor=ACTOR, action="listening.loop_run", entity_type="feedback",
            details={k: v for k, v in report.as_dict().items() if k not in ("opened", "joined")},
        )  # fmt: skip
    return report


def loop(
    ctx: typer.Context,
    sla_file: Annotated[
        Path | None, typer.Option("--sla", help="The airline's SLA policy, TOML or JSON (default: cases.sla).")
    ] = None,
    limit: Annotated[int | None, typer.Option("--limit", min=1, help="Loop at most this many feedback.")] = None,
    as_json: JsonOption = False,
) -> None:
    """Run the closed loop over analysed feedback: open a case with its SLA (or join the passenger's open one)
    for each that needs a person, and put each passenger's feedback on their timeline. Safe to run again.

    Example:

        goodwill listening loop --json
    """
    policy = cases.load_sla_policy(sla_file) if sla_file else sla.DEFAULT_POLICY
    report = run_loop(ctx, policy=policy, limit=limit)
    summary = report.as_dict()
    if as_json:
        print_json(summary)
        return
    table_rows(
        [
            ("feedback examined", report.examined),
            ("needing a person", report.needing_person),
            ("cases opened", f"{report.cases_opened} {' '.join(report.opened[:10])}".strip()),
            ("cases joined", report.cases_joined),
            ("priorities raised", report.priorities_raised),
            ("timeline entries", report.timeline_entries),
            ("spam skipped", report.spam_skipped),
        ]
    )


_FIGURES = {
    trends_.Metric.NPS: ("nps", "promoters", "detractors"),  # --json also gives the passives
    trends_.Metric.CSAT: ("csat_mean", "csat_pct"),
    trends_.Metric.SENTIMENT: (),
    trends_.Metric.TOPICS: (),
}


def trends(
    ctx: typer.Context,
    metric: Annotated[trends_.Metric, typer.Option("--metric", help="What to measure.")] = trends_.Metric.NPS,
    by: Annotated[trends_.Period, typer.Option("--by", help="Per UTC day or week.")] = trends_.Period.DAY,
    group: Annotated[
        trends_.Grouping, typer.Option("--group", help="Split by route, airport, flight or tier.")
    ] = trends_.Grouping.NONE,
    since: Annotated[str | None, typer.Option("--since", help="From this date or instant (inclusive).")] = None,
    until: Annotated[str | None, typer.Option("--until", help="Up to this date or instant (exclusive).")] = None,
    verbatims: Annotated[
        int, typer.Option("--verbatims", min=0, max=50, help="Feedback shown behind each figure.")
    ] = 3,
    as_json: JsonOption = False,
) -> None:
    """NPS, CSAT, sentiment or topic volumes per day or week, per route, airport, flight or tier, with the
    verbatims behind each figure. Spam is left out.

    Example:

        goodwill listening trends --metric nps --by week --group route --since 2026-03-01 --verbatims 2
    """
    start, end = parse_bound(since, "--since"), parse_bound(until, "--until")
    with state(ctx).unit_of_work() as session:
        rows = trends_.trends(session, metric=metric, by=by, group=group, since=start, until=end, verbatims=verbatims)
        audit.record(
            session, actor=ACTOR, action="listening.trends_viewed", entity_type="feedback",
            details={"metric": metric.value, "by": by.value, "group": group.value, "rows": len(rows)},
        )  # fmt: skip
    if as_json:
        print_json([r.as_dict() for r in rows])
        return
    if not rows:
        console.print("no feedback in this range")
        return
    table = Table(title=f"{metric.value} by {by.value}" + (f" and {group.value}" if group.value != "none" else ""))
    names = ["period", "group", *(["key"] if metric in (trends_.Metric.SENTIMENT, trends_.Metric.TOPICS) else [])]
    names += ["count", *_FIGURES[metric], "verbatim"]
    widths = {"period": 10, "group": max((len(r.group) for r in rows), default=5), "key": 12}
    for name in names[:-1]:
        table.add_column(
            name,
            justify="left" if name in widths else "right",
            no_wrap=True,
            min_width=max(len(name), widths.get(name, 0)),
        )
    table.add_column("verbatim", overflow="fold", min_width=10)
    for r in rows:
        d = r.as_dict()
        quote = r.verbatims[0]["text"][:60] if r.verbatims else ""
        table.add_row(*(str(d[n]) for n in names[:-1]), quote)
    console.print(table)


def spikes(
    ctx: typer.Context,
    window_hours: Annotated[int, typer.Option("--window-hours", min=1, max=168, help="Window length.")] = 24,
    baseline_days: Annotated[
        int, typer.Option("--baseline-days", min=1, max=365, help="How far back the usual level is measured.")
    ] = 28,
    min_count: Annotated[int, typer.Option("--min-count", min=1, help="Fewest messages that make a spike.")] = 5,
    as_json: JsonOption = False,
) -> None:
    """Raise an alert for each topic (or negative sentiment) well above its usual level on a route or at an
    airport in the current window, then list the window's alerts. An alert is raised once per window.

    Example:

        goodwill listening spikes --window-hours 24 --baseline-days 28 --json
    """
    windows = max(1, baseline_days * 24 // window_hours)
    rules = SpikeRules(window_hours=window_hours, baseline_windows=windows, min_count=min_count)
    with state(ctx).unit_of_work() as session:
        run = alerting.detect_spikes(session, now=utc_now(), rules=rules, actor=ACTOR)
        new = {a.id for a in run.raised}
        alerts: list[dict[str, Any]] = [
            {**alerting.alert_json(a), "new": a.id in new}
            for a in alerting.list_alerts(session, since=run.window_start)
        ]
    if as_json:
        print_json({"window_start": run.window_start, "window_end": run.window_end, "alerts": alerts})
        return
    console.print(
        f"window {run.window_start.isoformat()} - {run.window_end.isoformat()}: {len(run.raised)} new alert"
        f"{'s' if len(run.raised) != 1 else ''}",
        highlight=False,
    )
    for a in alerts:
        console.print(
            f"  {'NEW ' if a['new'] else '    '}{a['scope_kind']:<7} {a['scope']:<8} {a['subject']:<22} "
            f"{a['observed']:>5} (usual {a['expected']:.2f}, p={a['p_value']:.1e})",
            highlight=False,
        )


def register(app: typer.Typer) -> None:
    """Add the loop, trends and spikes commands to `goodwill listening`."""
    app.command("loop")(loop)
    app.command("trends")(trends)
    app.command("spikes")(spikes)
