"""Every command documents itself (one-line help and an Example), and the basic commands work."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
import typer
from typer.main import get_command
from typer.testing import CliRunner

from goodwill.cli import app

runner = CliRunner()


def _commands() -> Iterator[tuple[str, object]]:
    root = get_command(app)

    def walk(command: object, path: str) -> Iterator[tuple[str, object]]:
        sub = getattr(command, "commands", None)
        if sub:
            for name, child in sub.items():
                yield from walk(child, f"{path} {name}".strip())
        else:
            yield path, command

    yield from walk(root, "")


COMMANDS = sorted(name for name, _ in _commands())


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_has_help_with_an_example(name: str) -> None:
    result = runner.invoke(app, [*name.split(), "--help"])
    assert result.exit_code == 0, result.output
    command = dict(_commands())[name]
    help_text = getattr(command, "help", "") or ""
    assert help_text.strip(), f"`goodwill {name}` has no help"
    assert "Example:" in help_text, f"`goodwill {name}` help has no Example block"
    example = help_text.split("Example:", 1)[1]
    assert "goodwill" in example
    assert name.split()[-1] in example, f"the example of `goodwill {name}` does not run it"


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output.startswith("goodwill ")


def test_db_current_and_keys_round_trip(db_url: str) -> None:
    result = runner.invoke(app, ["--database-url", db_url, "db", "current", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["revision"]

    created = runner.invoke(app, ["--database-url", db_url, "keys", "create", "--role", "agent", "--json", "desk-1"])
    assert created.exit_code == 0, created.output
    key = json.loads(created.output)
    assert key["role"] == "agent"
    assert key["token"].startswith(key["prefix"] + ".")

    listed = json.loads(runner.invoke(app, ["--database-url", db_url, "keys", "list", "--json"]).output)
    assert [k["prefix"] for k in listed] == [key["prefix"]]
    assert "token" not in listed[0]

    revoked = runner.invoke(app, ["--database-url", db_url, "keys", "revoke", key["prefix"]])
    assert revoked.exit_code == 0
    listed = json.loads(runner.invoke(app, ["--database-url", db_url, "keys", "list", "--json"]).output)
    assert listed[0]["revoked_at"] is not None


def test_expected_error_exits_1_with_a_message_not_a_traceback(db_url: str) -> None:
    result = runner.invoke(app, ["--database-url", db_url, "keys", "revoke", "gw_doesnotexist"])
    assert result.exit_code == 1
    assert "no API key gw_doesnotexist" in result.output
    assert "Traceback" not in result.output


def test_unknown_role_is_refused(db_url: str) -> None:
    result = runner.invoke(app, ["--database-url", db_url, "keys", "create", "--role", "pilot", "x"])
    assert result.exit_code == 2


def test_typer_app_is_the_console_script() -> None:
    assert isinstance(app, typer.Typer)
