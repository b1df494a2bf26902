"""`goodwill users`: the people who sign in to the console, each with one role."""

from __future__ import annotations

import secrets
import sys
from typing import Annotated

import typer

from goodwill.access import users
from goodwill.access.models import User
from goodwill.access.roles import Role
from goodwill.cli.context import state
from goodwill.cli.output import console, print_json
from goodwill.errors import InvalidInput

app = typer.Typer(help="Add, list and change the people who sign in to the console.", no_args_is_help=True)

ACTOR = "cli"

PasswordStdin = Annotated[
    bool, typer.Option("--password-stdin", help="Read the password from the first line of standard input.")
]
Generate = Annotated[bool, typer.Option("--generate", help="Make a random password and print it once.")]


def _password(*, from_stdin: bool, generate: bool) -> tuple[str, bool]:
    """The new password and whether to print it. Never an option's value: it would stay in the shell's history."""
    if from_stdin and generate:
        raise InvalidInput("choose --password-stdin or --generate, not both")
    if generate:
        return secrets.token_urlsafe(12), True
    if from_stdin:
        return sys.stdin.readline().rstrip("\n"), False
    return typer.prompt("Password (12 characters or more)", hide_input=True, confirmation_prompt=True), False


def _row(user: User) -> dict[str, object]:
    return {
        "username": user.username,
        "name": user.name,
        "email": user.email,
        "role": user.role,
        "team": user.team,
        "disabled": user.disabled_at is not None,
        "last_sign_in_at": user.last_sign_in_at,
    }


@app.command("add")
def add(
    ctx: typer.Context,
    username: Annotated[str, typer.Argument(help="Sign-in name; also how cases name their agent.")],
    name: Annotated[str, typer.Option("--name", help="The person's full name.")],
    role: Annotated[Role, typer.Option("--role", help="agent, supervisor, manager or admin.")] = Role.AGENT,
    team: Annotated[str | None, typer.Option("--team", help="The team whose queue they work.")] = None,
    email: Annotated[str | None, typer.Option("--email")] = None,
    password_stdin: PasswordStdin = False,
    generate: Generate = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Add a person who signs in to the console.

    Example:

        goodwill users add maria.lopez --name "María López" --role agent --team care --generate
    """
    password, show = _password(from_stdin=password_stdin, generate=generate)
    with state(ctx).unit_of_work() as session:
        user = users.create_user(
            session, username=username, name=name, role=role, password=password, email=email, team=team, actor=ACTOR
        )
        row = _row(user)
    if as_json:
        print_json({**row, **({"password": password} if show else {})})
        return
    console.print(f"added {row['username']} ({row['role']}{', ' + str(row['team']) if row['team'] else ''})")
    if show:
        console.print(f"password: {password}\nIt is not shown again; they can sign in at /sign-in.")


@app.command("list")
def list_(ctx: typer.Context, as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """List the people who may sign in (never their passwords).

    Example:

        goodwill users list
    """
    with state(ctx).unit_of_work() as session:
        rows = [_row(u) for u in users.list_users(session)]
    if as_json:
        print_json(rows)
        return
    for r in rows:
        status = "disabled" if r["disabled"] else "active"
        console.print(f"{r['username']:<24} {r['role']:<11} {r['team'] or '-':<12} {status:<8} {r['name']}")


@app.command("set")
def set_(
    ctx: typer.Context,
    username: Annotated[str, typer.Argument()],
    role: Annotated[Role | None, typer.Option("--role")] = None,
    team: Annotated[str | None, typer.Option("--team", help="'' removes the team.")] = None,
    name: Annotated[str | None, typer.Option("--name")] = None,
    email: Annotated[str | None, typer.Option("--email")] = None,
    disable: Annotated[bool, typer.Option("--disable", help="Refuse their sign-in and end their sessions.")] = False,
    enable: Annotated[bool, typer.Option("--enable")] = False,
    new_password: Annotated[bool, typer.Option("--password", help="Set a new password (prompted).")] = False,
    password_stdin: PasswordStdin = False,
    generate: Generate = False,
) -> None:
    """Change a person's role, team, name or email; disable or enable them; set a new password.
    A new role, password or a disabling ends their open sessions.

    Example:

        goodwill users set maria.lopez --role supervisor --team care-east
    """
    if disable and enable:
        raise InvalidInput("choose --disable or --enable, not both")
    password, show = (None, False)
    if new_password or password_stdin or generate:
        password, show = _password(from_stdin=password_stdin, generate=generate)
    with state(ctx).unit_of_work() as session:
        user = users.update_user(
            session,
            username=username,
            actor=ACTOR,
            role=role,
            team=team,
            name=name,
            email=email,
            disabled=True if disable else False if enable else None,
            password=password,
        )
        row = _row(user)
    console.print(f"{row['username']}: {row['role']}, {'disabled' if row['disabled'] else 'active'}")
    if show:
        console.print(f"password: {password}")
