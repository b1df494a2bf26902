"""Console users: password rules, sign-in with lockout, sessions that end (sign-out, expiry, idle, a new role)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from goodwill.access import passwords, users
from goodwill.access.models import ConsoleSession
from goodwill.access.roles import Role
from goodwill.audit.models import AuditEntry
from goodwill.errors import Conflict, InvalidInput, PermissionDenied
from goodwill.kit.time import utc_now
from tests.factories import TEST_PASSWORD, TEST_SECRET, make_user


def test_a_password_hash_checks_only_its_password_and_carries_its_parameters() -> None:
    stored = passwords.hash_password("a long enough password")
    assert stored.startswith(f"scrypt${passwords.N}${passwords.R}${passwords.P}$")
    assert passwords.check_password("a long enough password", stored)
    assert not passwords.check_password("a long enough passworD", stored)
    assert passwords.hash_password("a long enough password") != stored  # salted
    assert not passwords.check_password("anything", "md5$abc")
    assert not passwords.check_password("anything", "garbage")


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("short", "at least 12"),
        ("aaaaaaaaaaaaaaaa", "different characters"),
        ("my name is ana, ok?", "username"),
        ("x" * 300, "at most"),
    ],
)
def test_weak_passwords_are_refused_with_the_reason(password: str, problem: str) -> None:
    found = passwords.password_problem(password, username="ana")
    assert found is not None
    assert problem in found
    assert passwords.password_problem("correct horse battery staple", username="ana") is None


def test_create_user_validates_and_refuses_a_taken_username(session: Session) -> None:
    make_user(session, username="ana")
    with pytest.raises(Conflict):
        make_user(session, username="ANA ")
    with pytest.raises(InvalidInput) as bad:
        users.create_user(session, username="Bad Name", name="x", role=Role.AGENT, password=TEST_PASSWORD, actor="t")
    assert bad.value.problems[0]["loc"] == ["body", "username"]
    with pytest.raises(InvalidInput) as machine:
        users.create_user(session, username="bot", name="Bot", role=Role.INTEGRATION, password=TEST_PASSWORD, actor="t")
    assert machine.value.problems[0]["loc"] == ["body", "role"]


def test_sign_in_opens_a_session_that_resolves_to_the_person_and_role(session: Session) -> None:
    make_user(session, username="sam", role=Role.SUPERVISOR, team="east")
    signed, cookie = users.sign_in(session, username="Sam", password=TEST_PASSWORD, server_secret=TEST_SECRET)
    assert cookie.startswith("gs_")
    again = users.resolve_session(session, cookie=cookie, server_secret=TEST_SECRET)
    assert again.principal.role is Role.SUPERVISOR
    assert again.principal.actor == "user:sam"
    assert again.team == "east"
    assert again.csrf_token == signed.csrf_token
    stored = session.scalars(select(ConsoleSession)).one()
    assert cookie not in (stored.secret_hash, stored.prefix)  # only a hash of the secret is kept
    with pytest.raises(PermissionDenied):
        users.resolve_session(session, cookie=cookie, server_secret="another-server-secret-0123456789abc")
    with pytest.raises(PermissionDenied):
        users.resolve_session(session, cookie=cookie[:-3] + "xyz", server_secret=TEST_SECRET)


def test_wrong_passwords_lock_the_account_and_say_the_same_as_an_unknown_user(session: Session) -> None:
    make_user(session, username="ana")
    messages = set()
    for _ in range(users.LOCK_AFTER):
        with pytest.raises(PermissionDenied) as refused:
            users.sign_in(session, username="ana", password="wrong password!", server_secret=TEST_SECRET)
        messages.add(refused.value.message)
    with pytest.raises(PermissionDenied) as unknown:
        users.sign_in(session, username="nobody", password=TEST_PASSWORD, server_secret=TEST_SECRET)
    messages.add(unknown.value.message)
    assert len(messages) == 1
    with pytest.raises(PermissionDenied):  # locked: even the right password is refused
        users.sign_in(session, username="ana", password=TEST_PASSWORD, server_secret=TEST_SECRET)
    later = utc_now() + users.LOCK_FOR + timedelta(seconds=1)
    users.sign_in(session, username="ana", password=TEST_PASSWORD, server_secret=TEST_SECRET, now=later)
    reasons = [
        e.details["reason"]
        for e in session.scalars(select(AuditEntry).where(AuditEntry.action == "user.sign_in_refused"))
    ]
    assert reasons.count("wrong password") == users.LOCK_AFTER - 1
    assert "wrong password; locked" in reasons
    assert "locked" in reasons
    assert "unknown username" in reasons


def test_sessions_end_on_sign_out_expiry_idleness_a_new_role_or_disabling(session: Session) -> None:
    make_user(session, username="ana")
    now = utc_now()

    def open_() -> str:
        return users.sign_in(session, username="ana", password=TEST_PASSWORD, server_secret=TEST_SECRET, now=now)[1]

    def resolves(cookie: str, at: object = None) -> bool:
        try:
            users.resolve_session(session, cookie=cookie, server_secret=TEST_SECRET, now=at or now)  # type: ignore[arg-type]
        except PermissionDenied:
            return False
        return True

    cookie = open_()
    signed = users.resolve_session(session, cookie=cookie, server_secret=TEST_SECRET, now=now)
    users.sign_out(session, session_id=signed.session_id, now=now)
    assert not resolves(cookie)

    cookie = open_()
    assert resolves(cookie, now + timedelta(minutes=90))  # active within the idle limit, and seen again
    assert not resolves(cookie, now + users.SESSION_LIFETIME + timedelta(seconds=1))
    assert not resolves(open_(), now + users.IDLE_LIMIT + timedelta(minutes=1))

    cookie = open_()
    users.update_user(session, username="ana", actor="test", role=Role.SUPERVISOR, now=now)
    assert not resolves(cookie)
    cookie = open_()
    users.update_user(session, username="ana", actor="test", team="west", now=now)
    assert resolves(cookie)  # a new team does not sign anyone out
    users.update_user(session, username="ana", actor="test", disabled=True, now=now)
    assert not resolves(cookie)
    with pytest.raises(PermissionDenied):
        open_()
