"""`goodwill serve`: run the web console and API."""

from __future__ import annotations

from typing import Annotated

import typer

from goodwill.cli.context import state


def serve_app(ctx: typer.Context, host: str, port: int) -> None:
    import uvicorn

    from goodwill.api.app import create_app

    st = state(ctx)
    app = create_app(st.settings, engine=st.engine)
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)


def register(root: typer.Typer) -> None:
    @root.command("serve")
    def serve(
        ctx: typer.Context,
        host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
        port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    ) -> None:
        """Serve the console and the API (the database must be migrated: `goodwill db upgrade`).

        Example:

            goodwill --database-url sqlite:///demo.db serve --port 8000
        """
        serve_app(ctx, host, port)
