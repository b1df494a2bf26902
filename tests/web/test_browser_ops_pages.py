"""The control room, the voice of the customer and value in a real Chromium on the demo airline: each page loads
with no console error and leaves a screenshot; a supervisor replays the blizzard and watches the figures rise."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from playwright.sync_api import expect

from goodwill.access.roles import Role
from tests.web.conftest import BrowserPage, add_user
from tests.web.test_voice_page import add_feedback


@pytest.fixture
def served_app(seeded_app: FastAPI) -> FastAPI:
    seeded_app.state.storm_replay_pace = 0.12  # about 4 s for the whole storm: slow enough to watch it unfold
    return seeded_app


def number(tab: BrowserPage, name: str) -> int:
    return int(tab.page.get_by_test_id(name).inner_text().replace(",", ""))


def test_a_supervisor_replays_the_blizzard_and_sees_the_control_room_fill(
    served_app: FastAPI, browser_page: BrowserPage
) -> None:
    add_user(served_app, "sam", Role.SUPERVISOR, name="Sam Okafor")
    tab = browser_page
    tab.sign_in("sam")
    tab.goto("/control-room")
    assert tab.page.get_by_role("heading", name="Control room").is_visible()
    assert number(tab, "passengers-affected") == 0
    tab.screenshot("control-room-before")
    tab.page.get_by_role("button", name="Replay the 8–9 February 2013 blizzard").click()
    expect(tab.page.get_by_test_id("replay-status")).to_contain_text("Settling events", timeout=10_000)
    expect(tab.page.get_by_test_id("replay")).to_be_disabled()
    # The page polls every 2 s: the figures rise while the storm is settled, without a reload.
    expect(tab.page.get_by_test_id("passengers-affected")).not_to_have_text("0", timeout=15_000)
    tab.screenshot("control-room-during")
    expect(tab.page.get_by_test_id("replay-status")).to_contain_text("Replay finished", timeout=60_000)
    assert number(tab, "passengers-affected") > 0
    assert number(tab, "messages") > 0
    assert number(tab, "cases") > 0
    assert tab.page.get_by_role("img", name="Flight events by hour (UTC)").is_visible()
    expect(tab.page.get_by_test_id("replay")).to_be_enabled()
    tab.screenshot("control-room-after")
    href = tab.page.get_by_role("link", name="C-0", exact=False).first.get_attribute("href")
    assert href is not None
    assert href.startswith("/cases/C-0")


def test_a_manager_reads_the_voice_of_the_customer_and_value(served_app: FastAPI, browser_page: BrowserPage) -> None:
    add_feedback(served_app)
    add_user(served_app, "mei", Role.MANAGER, name="Mei Lin")
    tab = browser_page
    tab.sign_in("mei")
    tab.goto("/voice")
    assert tab.page.get_by_test_id("nps").inner_text() == "-60"
    assert tab.page.get_by_role("img", name="NPS by week").is_visible()
    tab.page.get_by_text("The numbers and the lowest scores behind them").first.click()
    expect(tab.page.get_by_text("My bag never arrived and nobody answers").first).to_be_visible()
    tab.screenshot("voice")
    tab.goto("/value")
    assert tab.page.get_by_role("img", name="Passengers by loyalty tier").is_visible()
    assert tab.page.get_by_role("img", name="Share of revenue brought by the most valuable passengers").is_visible()
    assert tab.page.get_by_test_id("reach").inner_text().endswith("%")
    tab.page.get_by_text("How the risk is scored").click()
    tab.screenshot("value")


def test_an_agent_is_refused_the_control_room(served_app: FastAPI, browser_page: BrowserPage) -> None:
    add_user(served_app, "ana", Role.AGENT)
    tab = browser_page
    tab.sign_in("ana")
    tab.goto("/control-room")
    tab.expect_http_error(403)
    assert "needs the supervisor role" in tab.page.content()
    tab.goto("/voice")
    tab.expect_http_error(403)
