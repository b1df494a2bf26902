"""The `goodwill` command line (Typer): the root app, its global options and error handling."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from typer._click.core import Context as ClickContext  # Typer 0.29 vendors click; invoke() takes this type
from typer.core import TyperGroup

from goodwill import __version__
from goodwill.cli.context import CliState
from goodwill.cli.output import err_console
from goodwill.config import Settings
from goodwill.errors import GoodwillError, InvalidInput
from goodwill.logging import configure_logging


class GoodwillGroup(TyperGroup):
    """Turns expected errors into a clear message on stderr and exit status 1, never a traceback."""

    def invoke(self, ctx: ClickContext) -> Any:
        try:
            return super().invoke(ctx)
        except GoodwillError as exc:
            err_console.print(f"[bold red]error:[/bold red] {exc.message}", highlight=False, soft_wrap=True)
            if isinstance(exc, InvalidInput):
                for problem in exc.problems[:50]:
                    err_console.print(
                        f"  {problem.get('where', '')}: {problem['msg']}", highlight=False, soft_wrap=True
                    )
                if len(exc.problems) > 50:
                    err_console.print(f"  … and {len(exc.problems) - 50} more", highlight=False)
            raise typer.Exit(1) from None
        finally:
            obj = ctx.obj
            if isinstance(obj, CliState):
                obj.close()


app = typer.Typer(
    name="goodwill",
    cls=GoodwillGroup,
    help="Goodwill: remember every passenger, recover every disruption, listen to every voice.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode="markdown",
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"goodwill {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    database_url: Annotated[
        str | None,
        typer.Option(
            "--database-url", envvar="GOODWILL_DATABASE_URL", help="SQLAlchemy URL; default sqlite:///goodwill.db"
        ),
    ] = None,
    version: Annotated[  # noqa: ARG001 - handled by its eager callback
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version.")
    ] = False,
) -> None:
    """Goodwill's command line.

    Example:

        goodwill --database-url sqlite:///demo.db db upgrade
    """
    overrides: dict[str, Any] = {}
    if database_url:
        overrides["database_url"] = database_url
    settings = Settings(**overrides)
    configure_logging(settings.log_level, settings.log_format)
    ctx.obj = CliState(settings=settings)


def _register() -> None:
    from goodwill.cli import (
        access,
        bench,
        cases,
        db,
        demo,
        imports,
        listening,
        listening_loop,
        notifications,
        passengers,
        privacy,
        recovery,
        serve,
        storm,
        surveys,
        users,
        vouchers,
        webhooks,
    )

    app.add_typer(db.app, name="db")
    app.add_typer(access.app, name="keys")
    app.add_typer(imports.app, name="import")
    app.add_typer(bench.app, name="bench")
    app.add_typer(cases.app, name="cases")
    listening_loop.register(listening.app)
    app.add_typer(listening.app, name="listening")
    app.add_typer(passengers.app, name="passengers")
    app.add_typer(privacy.app, name="privacy")
    app.add_typer(recovery.app, name="recovery")
    app.add_typer(storm.app, name="storm")
    app.add_typer(surveys.app, name="surveys")
    app.add_typer(users.app, name="users")
    app.add_typer(vouchers.app, name="vouchers")
    app.add_typer(webhooks.app, name="webhooks")
    demo.register(app)
    notifications.register(app)
    serve.register(app)


_register()


def main() -> None:
    app()
