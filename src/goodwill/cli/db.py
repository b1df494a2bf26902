"""`goodwill db`: create and migrate the database."""

from __future__ import annotations

from typing import Annotated

import typer

from goodwill.cli.context import state
from goodwill.cli.output import console, print_json
from goodwill.migrations import runner

app = typer.Typer(help="Create and migrate the database.", no_args_is_help=True)


@app.command("upgrade")
def upgrade(ctx: typer.Context, revision: Annotated[str, typer.Argument(help="Target revision.")] = "head") -> None:
    """Apply migrations up to REVISION (default: the newest).

    Example:

        goodwill --database-url postgresql://localhost/goodwill db upgrade
    """
    engine = state(ctx).engine
    runner.upgrade(engine, revision)
    console.print(f"database at revision {runner.current(engine)}")


@app.command("current")
def current(ctx: typer.Context, as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """Show the database's migration revision.

    Example:

        goodwill db current --json
    """
    revision = runner.current(state(ctx).engine)
    if as_json:
        print_json({"revision": revision})
    else:
        console.print(revision or "empty database (run `goodwill db upgrade`)")
