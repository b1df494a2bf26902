"""Settings come from GOODWILL_* variables and refuse unsafe production setups; logs carry no personal data."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from goodwill.config import Settings
from goodwill.logging import configure_logging, get_logger


def test_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOODWILL_DATABASE_URL", "postgresql://db.internal/goodwill")
    monkeypatch.setenv("GOODWILL_PORT", "9000")
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.database_url == "postgresql://db.internal/goodwill"
    assert settings.port == 9000


def test_production_refuses_the_default_secret() -> None:
    with pytest.raises(ValidationError, match="GOODWILL_SECRET_KEY"):
        Settings(environment="production", database_url="postgresql://db/goodwill")


def test_production_refuses_sqlite_unless_allowed() -> None:
    secret = "s" * 40
    with pytest.raises(ValidationError, match="SQLite"):
        Settings(environment="production", secret_key=secret, database_url="sqlite:///x.db")  # type: ignore[arg-type]
    allowed = Settings(
        environment="production",
        secret_key=secret,  # type: ignore[arg-type]
        database_url="sqlite:///x.db",
        allow_sqlite_in_production=True,
    )
    assert allowed.environment == "production"


def test_logs_are_json_events_and_personal_fields_are_redacted(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("INFO", "json")
    log = get_logger("test")
    log.info("customers.passenger_merged", passenger_id="p-1", email="ana@example.com", name="Ana Ruiz")
    line = capsys.readouterr().err.strip().splitlines()[-1]
    event = json.loads(line)
    assert event["event"] == "customers.passenger_merged"
    assert event["passenger_id"] == "p-1"
    assert event["email"] == "[redacted]"
    assert event["name"] == "[redacted]"
    assert "ana@example.com" not in line
