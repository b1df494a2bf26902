"""`goodwill users`: add with a password from stdin or generated, list, change, and refusals named."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from goodwill.cli import app
from tests.factories import TEST_PASSWORD

runner = CliRunner()


def test_users_add_list_set_round_trip(db_url: str) -> None:
    base = ["--database-url", db_url, "users"]
    added = runner.invoke(
        app, [*base, "add", "maria", "--name", "María López", "--team", "care", "--password-stdin", "--json"],
        input=TEST_PASSWORD + "\n",
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    assert json.loads(added.output)["role"] == "agent"
    assert "password" not in json.loads(added.output)
    generated = runner.invoke(
        app, [*base, "add", "sam", "--name", "Sam", "--role", "supervisor", "--generate", "--json"]
    )
    assert generated.exit_code == 0, generated.output
    assert len(json.loads(generated.output)["password"]) >= 12
    changed = runner.invoke(app, [*base, "set", "maria", "--role", "manager", "--disable"])
    assert changed.exit_code == 0, changed.output
    assert "manager, disabled" in changed.output
    listed = json.loads(runner.invoke(app, [*base, "list", "--json"]).output)
    assert [(u["username"], u["role"], u["disabled"]) for u in listed] == [
        ("maria", "manager", True),
        ("sam", "supervisor", False),
    ]


def test_a_weak_password_or_a_machine_role_is_refused_by_name(db_url: str) -> None:
    base = ["--database-url", db_url, "users", "add"]
    weak = runner.invoke(app, [*base, "ana", "--name", "Ana", "--password-stdin"], input="short\n")
    assert weak.exit_code == 1
    assert "at least 12 characters" in weak.output
    machine = runner.invoke(app, [*base, "bot", "--name", "Bot", "--role", "integration", "--generate"])
    assert machine.exit_code == 1
    assert "a person may be one of" in machine.output
