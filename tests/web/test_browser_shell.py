"""The console's frame in a real Chromium: sign in, the navigation by role, an HTMX change, sign out."""

from __future__ import annotations

from fastapi import FastAPI

from goodwill.access.roles import Role
from tests.factories import TEST_PASSWORD
from tests.web.conftest import BrowserPage, add_user


def test_an_agent_signs_in_sees_their_areas_and_signs_out(app: FastAPI, browser_page: BrowserPage) -> None:
    add_user(app, "ana", Role.AGENT, name="Ana Ortiz")
    tab = browser_page
    tab.sign_in("ana", "not the password")
    tab.expect_http_error(401)
    assert "not right" in tab.page.get_by_test_id("sign-in-error").inner_text()
    tab.screenshot("sign-in-refused")
    tab.page.get_by_label("Password").fill(TEST_PASSWORD)
    tab.page.get_by_role("button", name="Sign in").click()
    tab.page.wait_for_url("**/home")
    assert "Ana Ortiz" in tab.page.get_by_test_id("me").inner_text()
    nav = tab.page.get_by_role("navigation", name="Console")
    assert nav.get_by_role("link", name="Cases").is_visible()
    assert nav.get_by_role("link", name="Users").count() == 0
    assert float(tab.page.get_by_test_id("build-ms").inner_text()) > 0  # the footer says how long the page took
    tab.screenshot("home")
    tab.goto("/admin/users")
    tab.expect_http_error(403)
    assert "Not for your role" in tab.page.content()
    tab.page.get_by_role("button", name="Sign out").click()
    tab.page.wait_for_url("**/sign-in")
    tab.goto("/home")
    assert tab.page.url.endswith("/sign-in?next=/home")


def test_an_admin_changes_a_role_in_place_and_bad_input_shows_in_the_alert(
    app: FastAPI, browser_page: BrowserPage
) -> None:
    add_user(app, "root", Role.ADMIN, name="Alex Admin")
    add_user(app, "ana", Role.AGENT)
    tab = browser_page
    tab.sign_in("root")
    tab.goto("/admin/users")
    row = tab.page.locator("#user-ana")
    row.get_by_label("Role of ana").select_option("supervisor")
    row.get_by_role("button", name="Save").click()
    tab.page.wait_for_function("document.querySelector('#user-ana select').value === 'supervisor'")
    tab.page.reload()
    assert tab.page.locator("#user-ana").get_by_label("Role of ana").input_value() == "supervisor"
    form = tab.page
    form.get_by_label("Username", exact=True).fill("maria")
    form.get_by_label("Name", exact=True).fill("María López")
    form.get_by_label("Password (12 characters or more)").fill("abcdefghijkl")  # 12 letters: accepted by the browser
    form.get_by_label("Username", exact=True).fill("ANA")  # taken, and upper-case: the server says so
    form.get_by_label("Username", exact=True).evaluate("e => e.removeAttribute('pattern')")
    tab.page.get_by_role("button", name="Add user").click()
    alert = tab.page.get_by_test_id("alert")
    alert.wait_for()
    assert "the username ana is taken" in alert.inner_text()
    tab.screenshot("users-alert")
    form.get_by_label("Username", exact=True).fill("maria")
    tab.page.get_by_role("button", name="Add user").click()
    tab.page.locator("#user-maria").wait_for()
    tab.screenshot("users")


def test_the_api_docs_render_from_this_site_alone(browser_page: BrowserPage) -> None:
    tab = browser_page
    foreign: list[str] = []
    tab.page.on("request", lambda r: foreign.append(r.url) if not r.url.startswith(tab.base_url) else None)
    tab.goto("/docs")
    tab.page.get_by_role("button", name="Authorize").wait_for()
    assert tab.page.locator(".information-container .title").inner_text().startswith("Goodwill")
    assert foreign == []
    tab.screenshot("api-docs")
