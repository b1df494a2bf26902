"""`goodwill keys`: API keys for people and systems."""

from __future__ import annotations

from typing import Annotated

import typer

from goodwill.access import service as access
from goodwill.access.roles import Role
from goodwill.audit import service as audit
from goodwill.cli.context import state
from goodwill.cli.output import console, print_json

app = typer.Typer(help="Create, list and revoke API keys.", no_args_is_help=True)


@app.command("create")
def create(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Who or what the key is for.")],
    role: Annotated[Role, typer.Option("--role", help="The role the key carries.")] = Role.INTEGRATION,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Create an API key. The token is printed once and never stored.

    Example:

        goodwill keys create --role integration ops-feed
    """
    st = state(ctx)
    with st.unit_of_work() as session:
        key, token = access.create_key(
            session, name=name, role=role, server_secret=st.settings.secret_key.get_secret_value()
        )
        audit.record(
            session,
            actor="cli",
            action="api_key.created",
            entity_type="api_key",
            entity_id=key.prefix,
            details={"role": role.value},
        )
        prefix = key.prefix
    if as_json:
        print_json({"prefix": prefix, "role": role.value, "name": name, "token": token})
    else:
        console.print(f"API key for {name} ({role.value}):\n{token}\nKeep it secret; it is not shown again.")


@app.command("list")
def list_(ctx: typer.Context, as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """List API keys (prefixes and roles; secrets are never shown).

    Example:

        goodwill keys list --json
    """
    with state(ctx).unit_of_work() as session:
        rows = [
            {"prefix": k.prefix, "name": k.name, "role": k.role, "created_at": k.created_at, "revoked_at": k.revoked_at}
            for k in access.list_keys(session)
        ]
    if as_json:
        print_json(rows)
    else:
        for r in rows:
            status = "revoked" if r["revoked_at"] else "active"
            console.print(f"{r['prefix']}  {r['role']:<12} {status:<8} {r['name']}")


@app.command("revoke")
def revoke(ctx: typer.Context, prefix: Annotated[str, typer.Argument(help="The key's prefix, gw_….")]) -> None:
    """Revoke an API key at once.

    Example:

        goodwill keys revoke gw_1a2b3c4d5e6f
    """
    with state(ctx).unit_of_work() as session:
        access.revoke_key(session, prefix=prefix)
        audit.record(session, actor="cli", action="api_key.revoked", entity_type="api_key", entity_id=prefix)
    console.print(f"revoked {prefix}")
