"""The client throttle (ADR 0022): who a client is, the keyed hash that stands for it, when it may try again
(pure, table-driven); and the counts in the database: windows that end on the given clock, a count that two
sessions share, the audit kept to a few rows per client and window."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from goodwill.access import service as access
from goodwill.access import throttle, users
from goodwill.access.models import ClientFailures
from goodwill.audit.models import AuditEntry
from goodwill.errors import PermissionDenied
from goodwill.store.db import make_session_factory, unit_of_work
from tests.factories import TEST_PASSWORD, TEST_SECRET, make_api_key, make_user

NOW = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
POLICY = throttle.Policy(limit=3, window=timedelta(minutes=10))
PROXIES = throttle.parse_networks("10.0.0.0/8, 2001:db8:ffff::/48")


@pytest.mark.parametrize(
    ("peer", "forwarded", "expected"),
    [
        pytest.param("203.0.113.7", [], "203.0.113.7", id="a-direct-client-is-its-peer"),
        pytest.param("203.0.113.7", ["192.0.2.1"], "203.0.113.7", id="an-untrusted-peer's-header-is-ignored"),
        pytest.param("10.1.2.3", ["203.0.113.7"], "203.0.113.7", id="a-trusted-proxy-names-the-client"),
        pytest.param("10.1.2.3", ["192.0.2.1, 203.0.113.7"], "203.0.113.7", id="what-the-client-wrote-is-left-of-it"),
        pytest.param("10.1.2.3", ["203.0.113.7, 10.4.4.4"], "203.0.113.7", id="a-chain-of-trusted-proxies"),
        pytest.param("10.1.2.3", ["192.0.2.1", "203.0.113.7"], "203.0.113.7", id="two-headers-read-as-one-list"),
        pytest.param("10.1.2.3", ["10.4.4.4"], "10.4.4.4", id="only-proxies-the-leftmost-is-the-client"),
        pytest.param("10.1.2.3", ["junk"], "10.1.2.3", id="garbage-stops-at-the-proxy"),
        pytest.param("10.1.2.3", [], "10.1.2.3", id="a-proxy-without-a-header-is-the-client"),
        pytest.param("2001:db8:1:2:aaaa::1", [], "2001:db8:1:2::/64", id="ipv6-by-its-64"),
        pytest.param("::ffff:203.0.113.7", [], "203.0.113.7", id="ipv4-mapped-ipv6-is-ipv4"),
        pytest.param("testclient", ["192.0.2.1"], "testclient", id="a-peer-that-is-no-address-stands-for-itself"),
        pytest.param(None, [], "unknown", id="no-peer"),
    ],
)
def test_who_the_client_is(peer: str | None, forwarded: list[str], expected: str) -> None:
    assert throttle.client_address(peer, forwarded, PROXIES) == expected


def test_without_trusted_proxies_no_header_is_read() -> None:
    assert throttle.client_address("10.1.2.3", ["203.0.113.7"], ()) == "10.1.2.3"


def test_the_key_is_a_keyed_hash_of_the_address() -> None:
    key = throttle.client_key("203.0.113.7", TEST_SECRET)
    assert len(key) == 64
    assert "203" not in key
    assert key == throttle.client_key("203.0.113.7", TEST_SECRET)
    assert key != throttle.client_key("203.0.113.8", TEST_SECRET)
    assert key != throttle.client_key("203.0.113.7", "another-server-secret-0123456789abc")


@pytest.mark.parametrize(
    ("failures", "ends_in", "blocked"),
    [
        pytest.param(2, timedelta(minutes=5), False, id="under-the-limit"),
        pytest.param(3, timedelta(minutes=5), True, id="at-the-limit-within-the-window"),
        pytest.param(9, timedelta(seconds=1), True, id="over-the-limit-one-second-left"),
        pytest.param(3, timedelta(0), False, id="the-window-ended-now"),
        pytest.param(3, -timedelta(minutes=1), False, id="the-window-ended-before"),
    ],
)
def test_when_a_client_is_held_back(failures: int, ends_in: timedelta, blocked: bool) -> None:
    until = throttle.blocked_until(failures=failures, window_ends=NOW + ends_in, now=NOW, policy=POLICY)
    assert until == (NOW + ends_in if blocked else None)


@pytest.mark.parametrize(
    ("left", "seconds", "words"),
    [
        (timedelta(minutes=10), 600, "in 10 minutes"),
        (timedelta(seconds=0.2), 1, "in 1 minute)"),
        (timedelta(seconds=61), 61, "in 2 minutes"),
    ],
)
def test_the_refusal_says_when_to_return(left: timedelta, seconds: int, words: str) -> None:
    refused = throttle.TooManyAttempts(until=NOW + left, now=NOW)
    assert refused.retry_after == seconds
    assert words in refused.message
    assert "try again after 08:" in refused.message


def test_a_bad_network_is_refused() -> None:
    with pytest.raises(ValueError, match="nope"):
        throttle.parse_networks("10.0.0.0/8,nope")
    assert throttle.parse_networks(" ") == ()


def client(address: str = "203.0.113.7", policy: throttle.Policy = POLICY) -> throttle.Client:
    return throttle.Client(key=throttle.client_key(address, TEST_SECRET), policy=policy)


def refusals(session: Session) -> int:
    actions = ("user.sign_in_refused", "user.sign_ins_refused", "client.throttled")
    return session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action.in_(actions))) or 0


class TestSignInThrottle:
    def test_the_limit_refuses_before_the_password_is_checked_until_the_window_ends(self, session: Session) -> None:
        make_user(session, username="ana")
        me = client()
        for name in ("ana", "nobody", "nobody-else"):
            with pytest.raises(PermissionDenied):
                users.sign_in(session, username=name, password="wrong!", server_secret=TEST_SECRET, client=me, now=NOW)
        later = NOW + timedelta(minutes=9)
        with pytest.raises(throttle.TooManyAttempts) as held:
            users.sign_in(
                session, username="ana", password=TEST_PASSWORD, server_secret=TEST_SECRET, client=me, now=later
            )
        assert held.value.retry_after == 60
        assert users.get_user(session, "ana").failed_sign_ins == 1  # the held attempt touched no account
        signed, _ = users.sign_in(
            session,
            username="ana",
            password=TEST_PASSWORD,
            server_secret=TEST_SECRET,
            client=client("198.51.100.2"),
            now=later,
        )
        assert signed.username == "ana"  # another client is not held back
        users.sign_in(
            session,
            username="ana",
            password=TEST_PASSWORD,
            server_secret=TEST_SECRET,
            client=me,
            now=NOW + POLICY.window,
        )
        assert session.scalars(select(ClientFailures)).all() == []  # the ended window is gone

    def test_unknown_usernames_are_audited_once_per_client_and_window(self, session: Session) -> None:
        me = client(policy=throttle.Policy(limit=1000, window=timedelta(minutes=10)))
        other = client("198.51.100.2", policy=me.policy)
        for i in range(100):
            with pytest.raises(PermissionDenied):
                users.sign_in(
                    session, username=f"guess-{i}", password="x", server_secret=TEST_SECRET, client=me, now=NOW
                )
        with pytest.raises(PermissionDenied):
            users.sign_in(session, username="guess", password="x", server_secret=TEST_SECRET, client=other, now=NOW)
        assert refusals(session) == 2  # one per client
        first = session.scalars(select(AuditEntry).where(AuditEntry.action == "user.sign_in_refused")).first()
        assert first is not None
        assert first.details["reason"] == "unknown username"
        assert first.details["more_counted_until"] == (NOW + timedelta(minutes=10)).isoformat()
        assert access.forget_ended_windows(session, now=NOW + timedelta(minutes=10)) == 2
        summary = session.scalars(select(AuditEntry).where(AuditEntry.action == "user.sign_ins_refused")).one()
        assert summary.entity_id == me.key
        assert summary.details["count"] == 100  # the other client's one refusal needs no summary
        assert refusals(session) == 3

    def test_without_a_client_each_refusal_is_audited_as_before(self, session: Session) -> None:
        for i in range(3):
            with pytest.raises(PermissionDenied):
                users.sign_in(session, username=f"guess-{i}", password="x", server_secret=TEST_SECRET, now=NOW)
        assert refusals(session) == 3
        assert session.scalars(select(ClientFailures)).all() == []

    def test_reaching_the_limit_is_audited_once(self, session: Session) -> None:
        me = client()
        for i in range(POLICY.limit):
            with pytest.raises(PermissionDenied):
                users.sign_in(
                    session, username=f"guess-{i}", password="x", server_secret=TEST_SECRET, client=me, now=NOW
                )
        for _ in range(5):
            with pytest.raises(throttle.TooManyAttempts):
                users.sign_in(session, username="guess", password="x", server_secret=TEST_SECRET, client=me, now=NOW)
        throttled = session.scalars(select(AuditEntry).where(AuditEntry.action == "client.throttled")).one()
        assert throttled.details == {
            "scope": "sign_in",
            "failures": POLICY.limit,
            "until": (NOW + POLICY.window).isoformat(),
        }


class TestApiKeyThrottle:
    def test_bad_keys_count_and_then_even_a_good_one_waits(self, session: Session) -> None:
        token = make_api_key(session)
        me = client()
        for bad in ("nonsense", token[:-4] + "xxxx", "gw_000000000000.aaaaaaaaaaaaaaaaaaaaaaaa"):
            with pytest.raises(PermissionDenied):
                access.authenticate(session, token=bad, server_secret=TEST_SECRET, client=me, now=NOW)
        with pytest.raises(throttle.TooManyAttempts):
            access.authenticate(session, token=token, server_secret=TEST_SECRET, client=me, now=NOW)
        assert access.authenticate(
            session, token=token, server_secret=TEST_SECRET, client=client("198.51.100.2"), now=NOW
        )
        after = NOW + POLICY.window
        assert access.authenticate(session, token=token, server_secret=TEST_SECRET, client=me, now=after).role


def test_concurrent_failures_from_several_processes_each_get_their_own_count(url_engine: Engine) -> None:
    """Several server processes are several connections to one database: failures counted at the same moment
    land in one row, each sees its own count, and exactly one of them reaches (and audits) the limit."""
    factory = make_session_factory(url_engine)
    me = client(policy=throttle.Policy(limit=6, window=timedelta(minutes=10)))
    start = threading.Barrier(6)
    seen: list[int] = []

    def fail() -> None:
        start.wait()
        with unit_of_work(factory) as session:
            seen.append(access.count_client_failure(session, scope=access.SIGN_IN, client=me, now=NOW).failures)

    with ThreadPoolExecutor(max_workers=6) as pool:
        for future in [pool.submit(fail) for _ in range(6)]:
            future.result()
    assert sorted(seen) == [1, 2, 3, 4, 5, 6]
    with unit_of_work(factory) as session:
        assert session.scalars(select(ClientFailures.failures)).one() == 6
        assert session.scalar(select(func.count()).where(AuditEntry.action == "client.throttled")) == 1
        with pytest.raises(throttle.TooManyAttempts):
            access.refuse_throttled_client(session, scope=access.SIGN_IN, client=me, now=NOW)
