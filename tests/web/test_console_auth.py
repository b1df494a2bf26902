"""Signing in to the console and what each role may open, over HTTP (the browser walk is in test_browser_*)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from goodwill.access.models import User
from goodwill.access.roles import Role
from goodwill.audit.models import AuditEntry
from goodwill.store.db import make_session_factory, unit_of_work
from goodwill.web.auth import COOKIE
from tests.factories import TEST_PASSWORD
from tests.web.conftest import add_user, sign_in

Console = Callable[..., tuple[TestClient, str]]


def test_a_page_sends_a_stranger_to_sign_in_and_back_after(app: FastAPI) -> None:
    add_user(app, "ana", Role.AGENT)
    client = TestClient(app)
    first = client.get("/admin/users?x=1", follow_redirects=False)
    assert first.status_code == 303
    assert first.headers["location"] == "/sign-in?next=/admin/users%3Fx%3D1"
    htmx = client.get("/home", headers={"HX-Request": "true"}, follow_redirects=False)
    assert htmx.headers["hx-redirect"] == "/sign-in?next=/home"
    done = client.post(
        "/sign-in", data={"username": "ana", "password": TEST_PASSWORD, "next": "/home"}, follow_redirects=False
    )
    assert done.status_code == 303
    assert done.headers["location"] == "/home"
    cookie = done.headers["set-cookie"]
    assert COOKIE in cookie
    assert "httponly" in cookie.lower()
    assert "samesite=strict" in cookie.lower()
    home = client.get("/home")
    assert home.status_code == 200
    assert "Ana" in home.text
    assert "default-src 'self'" in home.headers["content-security-policy"]


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example/", "/\\evil.example"])
def test_after_sign_in_the_browser_stays_on_this_site(app: FastAPI, target: str) -> None:
    add_user(app, "ana", Role.AGENT)
    client = TestClient(app)
    done = client.post(
        "/sign-in", data={"username": "ana", "password": TEST_PASSWORD, "next": target}, follow_redirects=False
    )
    assert done.headers["location"] == "/home"


def test_a_wrong_password_is_refused_and_counted_even_though_the_page_answers(app: FastAPI) -> None:
    add_user(app, "ana", Role.AGENT)
    client = TestClient(app)
    refused = client.post("/sign-in", data={"username": "ana", "password": "not the password"})
    assert refused.status_code == 401
    assert "not right" in refused.text
    assert 'value="ana"' in refused.text  # the username stays filled in
    assert COOKIE not in refused.headers.get("set-cookie", "")
    with unit_of_work(make_session_factory(app.state.engine)) as session:
        user = session.scalars(select(User).where(User.username == "ana")).one()
        assert user.failed_sign_ins == 1  # committed although the sign-in failed
        actions = list(session.scalars(select(AuditEntry.action).where(AuditEntry.entity_id == str(user.id))))
        assert "user.sign_in_refused" in actions
        assert TEST_PASSWORD not in str(list(session.scalars(select(AuditEntry.details))))


@pytest.mark.parametrize(
    ("role", "page", "allowed"),
    [
        (Role.AGENT, "/home", True),
        (Role.AGENT, "/admin/users", False),
        (Role.SUPERVISOR, "/admin/users", False),
        (Role.MANAGER, "/admin/users", False),
        (Role.ADMIN, "/admin/users", True),
        (Role.ADMIN, "/home", True),
    ],
)
def test_each_role_opens_only_its_pages(console: Console, role: Role, page: str, allowed: bool) -> None:
    client, _ = console(role)
    response = client.get(page)
    assert response.status_code == (200 if allowed else 403)
    if not allowed:
        assert "Not for your role" in response.text
        assert f"needs the {Role.ADMIN.value} role" in response.text


def test_the_navigation_shows_each_role_only_what_it_may_open(console: Console) -> None:
    agent, _ = console(Role.AGENT)
    admin, _ = console(Role.ADMIN)
    agent_page = agent.get("/home").text
    admin_page = admin.get("/home").text
    assert 'href="/cases"' in agent_page
    assert 'href="/admin/users"' not in agent_page
    assert 'href="/voice"' not in agent_page
    for path in ("/cases", "/control-room", "/voice", "/value", "/admin/users"):
        assert f'href="{path}"' in admin_page


def test_a_change_without_the_session_csrf_token_is_refused(app: FastAPI, console: Console) -> None:
    admin, csrf = console(Role.ADMIN)
    add_user(app, "ana", Role.AGENT)
    forged = admin.post("/admin/users/ana", data={"role": "admin"})
    assert forged.status_code == 403
    assert "security token" in forged.text
    wrong = admin.post("/admin/users/ana", data={"role": "admin", "csrf": "x" * 43})
    assert wrong.status_code == 403
    done = admin.post("/admin/users/ana", data={"role": "supervisor"}, headers={"X-CSRF-Token": csrf})
    assert done.status_code == 200
    assert 'value="supervisor" selected' in done.text


def test_an_admin_adds_a_user_who_can_then_sign_in_and_bad_input_is_named(app: FastAPI, console: Console) -> None:
    admin, csrf = console(Role.ADMIN, "root")
    form = {"username": "maria", "name": "María López", "role": "agent", "team": "care", "csrf": csrf}
    weak = admin.post("/admin/users", data={**form, "password": "short"}, headers={"HX-Request": "true"})
    assert weak.headers["hx-retarget"] == "#alerts"
    assert "password: a password needs at least 12 characters" in weak.text
    made = admin.post("/admin/users", data={**form, "password": TEST_PASSWORD}, follow_redirects=False)
    assert made.status_code == 303
    maria = TestClient(app)
    sign_in(maria, "maria")
    assert "María" in maria.get("/home").text
    taken = admin.post("/admin/users", data={**form, "password": TEST_PASSWORD})
    assert taken.status_code == 400
    assert "taken" in taken.text


def test_an_admin_cannot_lock_themselves_out(console: Console) -> None:
    admin, csrf = console(Role.ADMIN, "root")
    response = admin.post("/admin/users/root", data={"disabled": "true", "csrf": csrf})
    assert response.status_code == 400
    assert admin.get("/admin/users").status_code == 200


def test_disabling_a_user_signs_them_out_at_once(app: FastAPI, console: Console) -> None:
    admin, csrf = console(Role.ADMIN, "root")
    agent, _ = console(Role.AGENT, "ana")
    assert agent.get("/home").status_code == 200
    admin.post("/admin/users/ana", data={"disabled": "true", "csrf": csrf})
    after = agent.get("/home", follow_redirects=False)
    assert after.status_code == 303
    assert after.headers["location"].startswith("/sign-in")


def test_sign_out_ends_the_session_and_needs_the_token(console: Console) -> None:
    agent, csrf = console(Role.AGENT)
    assert agent.post("/sign-out", data={}).status_code == 403
    out = agent.post("/sign-out", data={"csrf": csrf}, follow_redirects=False)
    assert out.status_code == 303
    assert agent.get("/home", follow_redirects=False).status_code == 303


def test_an_api_key_is_no_console_session(app: FastAPI) -> None:
    client = TestClient(app)
    assert client.get("/home", headers={"Authorization": "Bearer gw_x.y"}, follow_redirects=False).status_code == 303


def test_a_malformed_address_is_a_page_naming_the_field_and_the_api_keeps_its_json(console: Console) -> None:
    agent, _ = console(Role.AGENT)
    page = agent.get("/messages/not-a-uuid")
    assert page.status_code == 422  # as the API says it: the request is malformed
    assert page.headers["content-type"].startswith("text/html")
    assert "message_id: Input should be a valid UUID" in page.text
    api = agent.get("/api/v1/passengers/not-a-uuid", headers={"Authorization": "Bearer gw_x.y"})
    assert api.headers["content-type"].startswith("application/json")
