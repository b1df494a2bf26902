"""Settings, read once from GOODWILL_* environment variables (and an optional .env file)."""

from __future__ import annotations

import ipaddress
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_SECRET = "change-me"  # noqa: S105 - the placeholder production refuses


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="GOODWILL_", env_file=".env", extra="ignore")

    environment: Literal["development", "test", "production"] = "development"
    database_url: str = "sqlite:///goodwill.db"
    secret_key: SecretStr = SecretStr(DEFAULT_SECRET)
    allow_sqlite_in_production: bool = False
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_format: Literal["json", "console"] = "console"
    host: str = "127.0.0.1"
    port: int = 8000
    shared_data: Path = Path("../shared/data")
    airline_code: str = "B6"
    airline_name: str = "Goodwill Demo Air"
    # The listening model directory (`goodwill listening train --out`); unset: the model Goodwill ships.
    listening_model: Path | None = None
    # Language detection: fast (lingua's low accuracy mode) or accurate (ADR 0013).
    listening_language_mode: Literal["fast", "accurate"] = "fast"
    # The SLA policy file (TOML or JSON: targets, tier factors, business hours); unset: the defaults, round the clock.
    sla_policy: Path | None = None
    # Messages to passengers (docs/MESSAGES.md). "console": stored as delivered, nothing leaves (the demo);
    # "live": email by SMTP, SMS and push by a signed POST to the airline's provider.
    message_transport: Literal["console", "live"] = "console"
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 25
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_starttls: bool = False
    mail_from: str = "care@goodwill.example"
    # Replies come back to reply+<token>@<reply_domain> (default: the domain of mail_from).
    reply_domain: str | None = None
    sms_provider_url: str | None = None
    push_provider_url: str | None = None
    # A client (an IPv4 address, an IPv6 /64) that fails this many sign-ins, or API key authentications, within
    # the window is answered 429 until the window ends, without its password or key being checked (ADR 0022).
    client_failure_limit: int = Field(default=20, ge=1)
    client_failure_window_seconds: int = Field(default=600, ge=1)
    # The reverse proxies (addresses or networks, comma-separated: "10.0.0.0/8,127.0.0.1") whose X-Forwarded-For
    # header names the client. Empty (the default): the header is ignored and the client is the connection's peer.
    trusted_proxies: str = ""

    @field_validator("trusted_proxies")
    @classmethod
    def _proxies_are_networks(cls, value: str) -> str:
        for part in value.split(","):
            if part.strip():
                ipaddress.ip_network(part.strip(), strict=False)  # ValueError names what is not a network
        return value

    @model_validator(mode="after")
    def _enforce_production_safety(self) -> Settings:
        if self.environment == "production":
            if self.secret_key.get_secret_value() == DEFAULT_SECRET or len(self.secret_key) < 32:
                raise ValueError("GOODWILL_SECRET_KEY must be set to a random value of 32+ characters in production")
            if self.database_url.startswith("sqlite") and not self.allow_sqlite_in_production:
                raise ValueError("production on SQLite needs GOODWILL_ALLOW_SQLITE_IN_PRODUCTION=true; use PostgreSQL")
        return self


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings; read once."""
    return Settings()
