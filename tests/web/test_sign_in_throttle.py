"""A client that keeps failing is held back (ADR 0022): after the limit of failed sign-ins, or of bad API keys, in
its window, every attempt from its address is answered 429 with Retry-After and nothing is checked; other
addresses go on; the window ends on the application's clock; refusals naming nobody do not grow the audit log
one row each; X-Forwarded-For names the client only when the peer is a trusted proxy. Over HTTP, on each backend."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import func, select

from goodwill.access.models import ClientFailures
from goodwill.access.roles import Role
from goodwill.api.app import create_app
from goodwill.audit.models import AuditEntry
from goodwill.config import Settings
from goodwill.store.db import make_engine, make_session_factory, unit_of_work
from goodwill.web.auth import COOKIE
from tests.factories import TEST_PASSWORD, TEST_SECRET, make_api_key
from tests.web.conftest import add_user

LIMIT = 5
WINDOW = timedelta(minutes=10)
START = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


class Clock:
    """The application's clock, moved by the test (no sleeping)."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


MakeApp = Callable[..., FastAPI]


@pytest.fixture
def make_app(db_url: str) -> Iterator[MakeApp]:
    """A factory: the application on a fresh database with the throttle's settings overridden, and a test clock."""
    engines = []

    def make(**overrides: object) -> FastAPI:
        engine = make_engine(db_url)
        engines.append(engine)
        settings = {
            "database_url": db_url,
            "secret_key": SecretStr(TEST_SECRET),
            "client_failure_limit": LIMIT,
            "client_failure_window_seconds": int(WINDOW.total_seconds()),
            **overrides,
        }
        app = create_app(Settings(**settings), engine=engine)  # type: ignore[arg-type]
        app.state.clock = Clock(START)
        return app

    yield make
    for engine in engines:
        engine.dispose()


def browser(app: FastAPI, address: str) -> TestClient:
    return TestClient(app, client=(address, 50_000))


WRONG = "not the password"


def attempt(
    client: TestClient, username: str = "ana", password: str = WRONG, headers: dict[str, str] | None = None
) -> int:
    response = client.post(
        "/sign-in", data={"username": username, "password": password}, headers=headers, follow_redirects=False
    )
    return response.status_code


def audit_rows(app: FastAPI) -> int:
    with unit_of_work(make_session_factory(app.state.engine)) as session:
        return session.scalar(select(func.count()).select_from(AuditEntry)) or 0


def actions(app: FastAPI) -> list[str]:
    with unit_of_work(make_session_factory(app.state.engine)) as session:
        return list(session.scalars(select(AuditEntry.action).order_by(AuditEntry.at)))


class TestSignIn:
    def test_after_the_limit_even_the_right_password_is_answered_429_with_when_to_return(
        self, make_app: MakeApp
    ) -> None:
        app = make_app()
        add_user(app, "ana", Role.AGENT)
        # Spread over the accounts so the per-account lock (5) is not what stops it: one real, the rest unknown.
        client = browser(app, "203.0.113.7")
        assert [attempt(client, name) for name in ("ana", "bob", "cy", "dee", "eve")] == [401] * LIMIT
        refused = client.post("/sign-in", data={"username": "ana", "password": TEST_PASSWORD}, follow_redirects=False)
        assert refused.status_code == 429
        assert refused.headers["retry-after"] == str(int(WINDOW.total_seconds()))
        said = "Please wait:</strong> too many failed attempts from your network; try again after 08:10 UTC"
        assert f"{said} (in 10 minutes)" in refused.text
        assert COOKIE not in refused.headers.get("set-cookie", "")
        with unit_of_work(make_session_factory(app.state.engine)) as session:
            row = session.scalars(select(ClientFailures)).one()
            assert row.failures == LIMIT  # the 429 was not counted: it cost one read
            assert "203.0.113.7" not in row.client_key  # only the keyed hash is stored
        # The right password was not even checked: the account's own count and lock are untouched.
        app.state.clock.now = START + WINDOW  # the window is over
        assert attempt(client, "ana", TEST_PASSWORD) == 303

    def test_the_default_limit_is_twenty_in_ten_minutes(self, db_url: str) -> None:
        settings = Settings(database_url=db_url, secret_key=SecretStr(TEST_SECRET))
        assert (settings.client_failure_limit, settings.client_failure_window_seconds) == (20, 600)
        engine = make_engine(db_url)
        app = create_app(settings, engine=engine)
        client = browser(app, "203.0.113.7")
        assert {attempt(client, f"nobody-{i}") for i in range(20)} == {401}
        assert attempt(client, "nobody-20") == 429
        engine.dispose()

    def test_another_address_is_unaffected_and_its_success_resets_nobody(self, make_app: MakeApp) -> None:
        app = make_app()
        add_user(app, "ana", Role.AGENT)
        add_user(app, "sam", Role.SUPERVISOR)
        sprayer, colleague = browser(app, "203.0.113.7"), browser(app, "198.51.100.20")
        for name in ("u1", "u2", "u3", "u4"):
            assert attempt(sprayer, name) == 401
        assert attempt(colleague, "sam", TEST_PASSWORD) == 303  # a correct sign-in elsewhere ...
        assert attempt(sprayer, "u5") == 401  # ... did not reset the sprayer's count: this was its fifth
        assert attempt(sprayer, "ana", TEST_PASSWORD) == 429
        assert attempt(browser(app, "198.51.100.20"), "ana", TEST_PASSWORD) == 303

    def test_the_window_ends_on_the_clock(self, make_app: MakeApp) -> None:
        app = make_app()
        add_user(app, "ana", Role.AGENT)
        client = browser(app, "203.0.113.7")
        for i in range(LIMIT):
            app.state.clock.now = START + timedelta(minutes=i)  # the window starts at the first failure
            assert attempt(client, f"nobody-{i}") == 401
        app.state.clock.now = START + WINDOW - timedelta(seconds=1)
        last = client.post("/sign-in", data={"username": "ana", "password": TEST_PASSWORD}, follow_redirects=False)
        assert last.status_code == 429
        assert last.headers["retry-after"] == "1"
        app.state.clock.now = START + WINDOW
        assert attempt(client, "ana", TEST_PASSWORD) == 303
        with unit_of_work(make_session_factory(app.state.engine)) as session:
            assert session.scalars(select(ClientFailures)).all() == []  # the ended window was cleared

    def test_a_hundred_unknown_usernames_add_a_bounded_number_of_audit_rows(self, make_app: MakeApp) -> None:
        app = make_app(client_failure_limit=1000)  # never throttled: the bound is the audit's own
        add_user(app, "ana", Role.AGENT)
        client = browser(app, "203.0.113.7")
        before = audit_rows(app)
        assert {attempt(client, f"guess-{i}") for i in range(100)} == {401}
        assert audit_rows(app) - before == 1  # the window's first refusal naming nobody
        app.state.clock.now = START + WINDOW  # the window ends; the next sign-in anywhere clears it
        assert attempt(browser(app, "198.51.100.20"), "ana", TEST_PASSWORD) == 303
        assert set(actions(app)[-2:]) == {"user.sign_in", "user.sign_ins_refused"}
        assert audit_rows(app) - before == 3  # + ana's sign-in + the window's summary
        with unit_of_work(make_session_factory(app.state.engine)) as session:
            summary = session.scalars(select(AuditEntry).where(AuditEntry.action == "user.sign_ins_refused")).one()
            assert summary.details["count"] == 100
            assert summary.entity_type == "client"
            assert "203.0.113.7" not in str(summary.details)

    def test_a_hundred_unknown_usernames_under_the_default_throttle(self, make_app: MakeApp) -> None:
        app = make_app(client_failure_limit=20)
        client = browser(app, "203.0.113.7")
        before = audit_rows(app)
        codes = [attempt(client, f"guess-{i}") for i in range(100)]
        assert codes == [401] * 20 + [429] * 80
        assert audit_rows(app) - before == 2
        assert actions(app)[-2:] == ["user.sign_in_refused", "client.throttled"]

    def test_refusals_for_real_accounts_stay_audited_one_by_one(self, make_app: MakeApp) -> None:
        app = make_app()
        add_user(app, "ana", Role.AGENT)
        add_user(app, "bob", Role.AGENT)
        client = browser(app, "203.0.113.7")
        for name in ("ana", "bob", "ana", "nobody", "nobody-else"):
            assert attempt(client, name) == 401
        refused = [a for a in actions(app) if a == "user.sign_in_refused"]
        assert len(refused) == 4  # ana, bob, ana, and the first unknown one
        with unit_of_work(make_session_factory(app.state.engine)) as session:
            reasons = session.scalars(
                select(AuditEntry.details).where(AuditEntry.action == "user.sign_in_refused")
            ).all()
            assert all(d["client"] == reasons[0]["client"] for d in reasons)  # one client, one keyed hash

    def test_every_refusal_says_the_same_thing(self, make_app: MakeApp) -> None:
        app = make_app()
        add_user(app, "ana", Role.AGENT)
        client = browser(app, "203.0.113.7")
        wrong = client.post("/sign-in", data={"username": "ana", "password": "not the password"})
        unknown = client.post("/sign-in", data={"username": "nobody", "password": "not the password"})
        message = "the username or password is not right, or the account is locked or disabled"
        assert message in wrong.text
        assert message in unknown.text


class TestForwardedFor:
    def test_the_header_is_ignored_unless_the_peer_is_a_trusted_proxy(self, make_app: MakeApp) -> None:
        app = make_app()  # no trusted proxies
        client = browser(app, "203.0.113.7")
        for i in range(LIMIT):
            assert attempt(client, f"x{i}", headers={"X-Forwarded-For": f"192.0.2.{i}"}) == 401
        assert attempt(client, "x", headers={"X-Forwarded-For": "192.0.2.200"}) == 429  # one client all along

    def test_a_trusted_proxy_names_the_client_and_a_forged_header_does_not_escape(self, make_app: MakeApp) -> None:
        app = make_app(trusted_proxies="10.0.0.0/8")
        proxy = browser(app, "10.1.2.3")
        for i in range(LIMIT):  # the client forges a new address each time; the proxy appends the real one
            forged = f"192.0.2.{i}, 203.0.113.7"
            assert attempt(proxy, f"x{i}", headers={"X-Forwarded-For": forged}) == 401
        assert attempt(proxy, "x", headers={"X-Forwarded-For": "203.0.113.7"}) == 429
        assert attempt(proxy, "x", headers={"X-Forwarded-For": "198.51.100.20"}) == 401  # another client
        assert attempt(browser(app, "10.9.9.9"), "x", headers={"X-Forwarded-For": "203.0.113.7"}) == 429

    def test_a_bad_trusted_proxies_setting_stops_the_start(self) -> None:
        with pytest.raises(ValueError, match="not-a-network"):
            Settings(trusted_proxies="10.0.0.0/8, not-a-network")


class TestApiKeys:
    def test_bad_keys_from_one_client_are_answered_429_then_even_a_good_one(self, make_app: MakeApp) -> None:
        app = make_app()
        with unit_of_work(make_session_factory(app.state.engine)) as session:
            good = make_api_key(session, role=Role.ADMIN)
        client = browser(app, "203.0.113.7")
        bad = good[:-4] + "xxxx"
        for token in ("nonsense", bad, "gw_000000000000.aaaaaaaaaaaaaaaaaaaaaaaa", bad, bad):
            response = client.get("/api/v1/users", headers={"Authorization": f"Bearer {token}"})
            assert response.status_code == 401
        refused = client.get("/api/v1/users", headers={"Authorization": f"Bearer {good}"})
        assert refused.status_code == 429
        assert refused.headers["retry-after"] == "600"
        assert refused.json()["error"] == "TooManyAttempts"
        assert "try again after 08:10 UTC" in refused.json()["detail"]
        other = browser(app, "198.51.100.20").get("/api/v1/users", headers={"Authorization": f"Bearer {good}"})
        assert other.status_code == 200
        app.state.clock.now = START + WINDOW
        assert client.get("/api/v1/users", headers={"Authorization": f"Bearer {good}"}).status_code == 200
        assert "client.throttled" in actions(app)

    def test_no_key_at_all_counts_for_nothing(self, make_app: MakeApp) -> None:
        app = make_app()
        client = browser(app, "203.0.113.7")
        for _ in range(LIMIT * 2):
            assert client.get("/api/v1/users").status_code == 401
        with unit_of_work(make_session_factory(app.state.engine)) as session:
            assert session.scalars(select(ClientFailures)).all() == []

    def test_the_api_and_the_sign_in_count_apart(self, make_app: MakeApp) -> None:
        app = make_app()
        add_user(app, "ana", Role.AGENT)
        client = browser(app, "203.0.113.7")
        for _ in range(LIMIT):
            assert client.get("/api/v1/users", headers={"Authorization": "Bearer nonsense"}).status_code == 401
        assert attempt(client, "ana", TEST_PASSWORD) == 303
