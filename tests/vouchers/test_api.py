"""The vouchers API: agents read (and every read is audited), integrations redeem with an Idempotency-Key."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx2 import Response
from pydantic import SecretStr
from sqlalchemy import Engine, select

from goodwill.access.roles import Role
from goodwill.api.app import create_app
from goodwill.audit.models import AuditEntry
from goodwill.config import Settings
from goodwill.store.db import make_session_factory, unit_of_work
from goodwill.vouchers.models import LedgerEntry
from tests.factories import TEST_SECRET, make_api_key
from tests.vouchers.helpers import make_passenger, make_voucher, usd

ISSUED = datetime(2020, 1, 1, tzinfo=UTC)


@dataclass
class Seed:
    passenger: uuid.UUID
    code: str
    expired_code: str
    agent: dict[str, str]
    integration: dict[str, str]


@pytest.fixture
def app(db_url: str, url_engine: Engine) -> FastAPI:
    return create_app(Settings(database_url=db_url, secret_key=SecretStr(TEST_SECRET)), engine=url_engine)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def seed(app: FastAPI) -> Seed:
    with unit_of_work(make_session_factory(app.state.engine)) as session:
        passenger = make_passenger(session)
        code = make_voucher(session, passenger_id=passenger, amount=usd("100.00"), now=ISSUED, expires_at=None).code
        expired = make_voucher(
            session, passenger_id=passenger, amount=usd("10.00"), now=ISSUED, expires_at=ISSUED.replace(year=2021)
        ).code
        agent = make_api_key(session, role=Role.AGENT, name="desk-1")
        integration = make_api_key(session, role=Role.INTEGRATION, name="pos")
    return Seed(
        passenger, code, expired, {"Authorization": f"Bearer {agent}"}, {"Authorization": f"Bearer {integration}"}
    )


def redeem(client: TestClient, seed: Seed, amount: str, key: str | None, code: str | None = None) -> Response:
    headers = {**seed.integration, **({"Idempotency-Key": key} if key else {})}
    return client.post(
        f"/api/v1/vouchers/{code or seed.code}/redemptions", json={"amount": amount, "currency": "USD"}, headers=headers
    )


def audit_entries(engine: Engine, action: str) -> list[tuple[str, str | None, str | None]]:
    with engine.connect() as connection:
        rows = connection.execute(
            select(AuditEntry.actor, AuditEntry.role, AuditEntry.entity_id).where(AuditEntry.action == action)
        ).all()
    return [tuple(r) for r in rows]  # type: ignore[misc]


class TestAuthentication:
    @pytest.mark.parametrize(
        ("method", "path"),
        [("get", "/api/v1/passengers/{p}/vouchers"), ("get", "/api/v1/vouchers/{c}"),
         ("post", "/api/v1/vouchers/{c}/redemptions")],
    )  # fmt: skip
    def test_without_a_key_is_401(self, client: TestClient, seed: Seed, method: str, path: str) -> None:
        response = client.request(method, path.format(p=seed.passenger, c=seed.code), json={})
        assert response.status_code == 401
        assert response.json()["error"] == "NotAuthenticated"

    def test_an_integration_key_cannot_read_a_passengers_vouchers(self, client: TestClient, seed: Seed) -> None:
        for path in (f"/api/v1/passengers/{seed.passenger}/vouchers", f"/api/v1/vouchers/{seed.code}"):
            response = client.get(path, headers=seed.integration)
            assert response.status_code == 403
            assert response.json()["error"] == "PermissionDenied"
            assert "agent" in response.json()["detail"]

    def test_an_agent_key_cannot_redeem(self, client: TestClient, seed: Seed) -> None:
        response = client.post(
            f"/api/v1/vouchers/{seed.code}/redemptions",
            json={"amount": "1.00", "currency": "USD"},
            headers={**seed.agent, "Idempotency-Key": "k"},
        )
        assert response.status_code == 403
        assert "integration" in response.json()["detail"]


class TestReading:
    def test_an_agent_lists_a_passengers_vouchers_and_the_read_is_audited(
        self, client: TestClient, seed: Seed, url_engine: Engine
    ) -> None:
        redeem(client, seed, "25.50", "k1")
        response = client.get(f"/api/v1/passengers/{seed.passenger}/vouchers", headers=seed.agent)
        assert response.status_code == 200
        by_code = {v["code"]: v for v in response.json()}
        assert set(by_code) == {seed.code, seed.expired_code}
        active = by_code[seed.code]
        assert (active["status"], active["balance"], active["redeemed"]["amount_minor"]) == (
            "active", {"amount": "74.50", "amount_minor": 7450, "currency": "USD"}, 2550
        )  # fmt: skip
        assert by_code[seed.expired_code]["status"] == "expired"
        assert audit_entries(url_engine, "vouchers.listed") == [("key:desk-1", "agent", str(seed.passenger))]

    def test_one_voucher_with_its_entries(self, client: TestClient, seed: Seed, url_engine: Engine) -> None:
        redeem(client, seed, "30.00", "k1")
        response = client.get(f"/api/v1/vouchers/{seed.code.lower()}", headers=seed.agent)
        assert response.status_code == 200
        body = response.json()
        assert body["code"] == seed.code
        assert [(e["entry_type"], e["amount"]["amount_minor"]) for e in body["entries"]] == [
            ("issue", 10000), ("redeem", -3000)
        ]  # fmt: skip
        assert len(audit_entries(url_engine, "voucher.viewed")) == 1

    def test_an_unknown_code_is_404_in_the_one_error_body(self, client: TestClient, seed: Seed) -> None:
        response = client.get("/api/v1/vouchers/GW-2222-2222", headers=seed.agent)
        assert response.status_code == 404
        assert response.json() == {"error": "NotFound", "detail": "no voucher GW-2222-2222", "problems": []}


class TestRedemption:
    def test_a_redemption_is_201_and_a_replay_200_with_the_same_result(
        self, client: TestClient, seed: Seed, url_engine: Engine
    ) -> None:
        first = redeem(client, seed, "25.00", "pos-1")
        assert first.status_code == 201, first.text
        body = first.json()
        assert (body["code"], body["amount"]["amount_minor"], body["balance"]["amount"]) == (seed.code, 2500, "75.00")
        again = redeem(client, seed, "25.00", "pos-1")
        assert again.status_code == 200
        assert again.json()["id"] == body["id"]
        with url_engine.connect() as connection:
            redemptions = connection.execute(select(LedgerEntry.id).where(LedgerEntry.entry_type == "redeem")).all()
        assert len(redemptions) == 1
        assert len(audit_entries(url_engine, "voucher.redeemed")) == 1

    def test_the_same_key_with_another_amount_is_409(self, client: TestClient, seed: Seed) -> None:
        redeem(client, seed, "25.00", "pos-1")
        response = redeem(client, seed, "26.00", "pos-1")
        assert response.status_code == 409
        assert response.json()["error"] == "IdempotencyKeyReused"

    def test_more_than_the_balance_is_400_with_what_is_left(self, client: TestClient, seed: Seed) -> None:
        response = redeem(client, seed, "100.01", "pos-1")
        assert response.status_code == 400
        assert response.json()["error"] == "InsufficientBalance"
        assert "has 100.00 USD left" in response.json()["detail"]

    def test_an_expired_voucher_is_400(self, client: TestClient, seed: Seed) -> None:
        response = redeem(client, seed, "1.00", "pos-1", code=seed.expired_code)
        assert response.status_code == 400
        assert response.json()["error"] == "VoucherExpired"

    def test_without_an_idempotency_key_is_422(self, client: TestClient, seed: Seed) -> None:
        response = redeem(client, seed, "1.00", None)
        assert response.status_code == 422
        assert response.json()["problems"][0]["loc"] == ["header", "Idempotency-Key"]

    @pytest.mark.parametrize("amount", ["1.001", "ten", "NaN"])
    def test_an_amount_that_is_not_exact_money_is_400(self, client: TestClient, seed: Seed, amount: str) -> None:
        response = redeem(client, seed, amount, "pos-1")
        assert response.status_code == 400
        assert response.json()["problems"][0]["loc"] == ["body", "amount"]

    def test_amounts_are_parsed_exactly(self, client: TestClient, seed: Seed) -> None:
        for i in range(3):
            redeem(client, seed, "0.10", f"dime-{i}")
        body = client.get(f"/api/v1/vouchers/{seed.code}", headers=seed.agent).json()
        assert body["balance"]["amount"] == "99.70"
