"""The agent's day in a real Chromium, on the demo airline: the home page, find a passenger, their 360, open the
case, answer (a double click sends one answer), note, give a voucher (over the limit is refused in the page),
resolve; then the queue's filters. No page may log a console error; each leaves a screenshot."""

from __future__ import annotations

import re

import pytest
from fastapi import FastAPI
from sqlalchemy import func, select

from goodwill.access.roles import Role
from goodwill.cases.models import Case
from goodwill.customers.models import Passenger
from goodwill.notifications.models import OutboundMessage
from goodwill.store.db import make_session_factory, unit_of_work
from goodwill.vouchers.models import Voucher
from tests.web.agent_fixtures import make_casework, run_blizzard
from tests.web.conftest import BrowserPage, add_user

# Text whose contrast with its background is under WCAG AA (4.5:1, or 3:1 for large text), as "tag.class text
# ratio"; the background is the nearest opaque one.
LOW_CONTRAST = r"""() => {
  const parse = (c) => {
    const p = c.match(/rgba?\(([^)]+)\)/)[1].split(/[ ,\/]+/).filter(Boolean).map(Number);
    return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1};
  };
  const channel = (v) => (v /= 255) <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
  const lum = (c) => 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b);
  const background = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c.a >= 1) return c;
    }
    return {r: 255, g: 255, b: 255, a: 1};
  };
  const bad = [];
  for (const el of document.querySelectorAll("main *, header *, footer")) {
    const text = [...el.childNodes].filter((n) => n.nodeType === 3).map((n) => n.textContent.trim()).join("");
    if (!text || !el.offsetParent) continue;
    const style = getComputedStyle(el);
    const [hi, lo] = [lum(parse(style.color)), lum(background(el))].sort((a, b) => b - a);
    const ratio = (hi + 0.05) / (lo + 0.05);
    const size = parseFloat(style.fontSize);
    const need = size >= 24 || (size >= 18.66 && parseInt(style.fontWeight) >= 700) ? 3 : 4.5;
    if (ratio < need) bad.push(
      `${el.tagName.toLowerCase()}.${el.className} "${text.slice(0, 29)}" ${ratio.toFixed(1)}`);
  }
  return bad;
}"""


@pytest.fixture
def served_app(seeded_app: FastAPI) -> FastAPI:
    return seeded_app


def assert_contrast(tab: BrowserPage) -> None:
    low = tab.page.evaluate(LOW_CONTRAST)
    assert low == [], f"{tab.page.url}: text under WCAG AA contrast: {low}"


def built_ms(tab: BrowserPage) -> float:
    return float(tab.page.get_by_test_id("build-ms").inner_text())


def test_find_a_passenger_open_the_case_reply_and_resolve(served_app: FastAPI, browser_page: BrowserPage) -> None:
    add_user(served_app, "ana", Role.AGENT, name="Ana Ortiz")
    work = make_casework(served_app.state.engine, agent="ana", team="care")
    factory = make_session_factory(served_app.state.engine)
    with unit_of_work(factory) as session:
        who = session.get(Passenger, work.passenger_ids[0])
        assert who is not None
        first, last = who.first_name, who.last_name
    tab, page = browser_page, browser_page.page
    tab.sign_in("ana")
    page.wait_for_url("**/home")
    assert page.get_by_role("heading", name="My queue").is_visible()
    assert work.mine in page.get_by_test_id("my-queue").inner_text()
    assert work.urgent in page.get_by_test_id("at-risk").inner_text()
    assert built_ms(tab) > 0  # the footer says how long the page took (speed: goodwill bench console)
    tab.screenshot("home")

    page.get_by_role("navigation", name="Console").get_by_role("link", name="Passengers").click()
    page.get_by_label("Find a passenger").fill(f"{first} {last}")  # live results, no button pressed
    result = page.get_by_test_id("passenger-results").get_by_role("link", name=f"{first} {last}")
    result.first.wait_for()
    page.wait_for_url(re.compile(r"/passengers\?q="))  # the address keeps the search
    tab.screenshot("search")
    result.first.click()
    page.wait_for_url(f"**/passengers/{work.passenger_ids[0]}")
    assert page.get_by_test_id("passenger-name").inner_text() == f"{first} {last}"
    assert page.get_by_test_id("sentiment-strip").is_visible()
    assert page.get_by_test_id("next-action").is_visible()
    assert built_ms(tab) > 0  # the footer says how long the page took (speed: goodwill bench console)
    tab.screenshot("passenger-360")
    assert_contrast(tab)

    page.get_by_role("link", name=work.mine).first.click()
    page.wait_for_url(f"**/cases/{work.mine}")
    assert page.get_by_test_id("case-status").inner_text() == "new"
    assert "first answer due" in page.get_by_test_id("sla-headline").inner_text().lower()
    tab.screenshot("case")

    page.get_by_label("Your answer").fill("We are sorry about the wait. A refund is on its way.")
    page.get_by_role("button", name="Preview").click()
    preview = page.get_by_test_id("reply-preview")
    preview.wait_for()
    assert work.mine in preview.inner_text()
    tab.screenshot("reply-preview")
    assert_contrast(tab)
    page.get_by_role("button", name="Send answer").dblclick()
    done = page.get_by_test_id("case-done")
    done.wait_for()
    assert "Answer queued" in done.inner_text() or "already sent" in done.inner_text()
    assert page.get_by_test_id("case-status").inner_text() == "open"
    assert "A refund is on its way." in page.get_by_test_id("thread").inner_text()
    with unit_of_work(factory) as session:
        replies = select(func.count()).select_from(OutboundMessage).where(OutboundMessage.kind == "case.reply")
        assert session.scalar(replies) == 1  # a double click sends one answer

    page.get_by_label("Note for colleagues (never sent)").fill("Refund checked with finance.")
    page.get_by_role("button", name="Add note").click()
    page.get_by_text("Note added").wait_for()

    page.get_by_label("Amount").fill("500")
    page.get_by_label("Reason").fill("Nine hours at JFK")
    page.get_by_role("button", name="Issue voucher").click()
    alert = page.get_by_test_id("alert")
    alert.wait_for()
    assert "may give up to 150" in alert.inner_text()
    tab.screenshot("voucher-refused")
    assert_contrast(tab)
    page.get_by_label("Amount").fill("50")
    page.get_by_role("button", name="Issue voucher").click()
    page.get_by_text("for 50.00 USD issued").wait_for()
    tab.screenshot("voucher-issued")

    page.get_by_label("Resolution", exact=True).select_option("voucher_issued")
    page.get_by_role("button", name="Resolve case").click()
    page.get_by_text("Case resolved (voucher issued).").wait_for()
    assert page.get_by_test_id("case-status").inner_text() == "resolved"
    tab.screenshot("resolved")
    assert_contrast(tab)
    with unit_of_work(factory) as session:
        case = session.scalars(select(Case).where(Case.reference == work.mine)).one()
        assert (case.status, case.resolution_code) == ("resolved", "voucher_issued")
        assert session.scalar(select(func.count()).select_from(Voucher)) == 1

    tab.goto("/cases")
    assert work.mine not in page.get_by_test_id("case-queue").inner_text()  # resolved: out of my open queue
    page.get_by_label("My team's, unassigned").check()
    page.get_by_test_id("case-queue").get_by_role("link", name=work.team_unassigned).wait_for()
    page.wait_for_url(re.compile(r"/cases\?view=team"))
    tab.screenshot("queue-team")


def test_every_agent_page_loads_clean_and_is_usable_by_keyboard(served_app: FastAPI, browser_page: BrowserPage) -> None:
    add_user(served_app, "ana", Role.AGENT, name="Ana Ortiz")
    work = make_casework(served_app.state.engine, agent="ana", team="care")
    disrupted = run_blizzard(served_app.state.engine)
    tab, page = browser_page, browser_page.page
    tab.sign_in("ana")
    pages = {
        "home": "/home",
        "search": "/passengers",
        "search-empty": "/passengers?q=Zzyzxqv",
        "passenger-urgent": f"/passengers/{work.urgent_passenger}",
        "passenger-disrupted": f"/passengers/{disrupted}",
        "queue-all": "/cases?view=all",
        "case-urgent": f"/cases/{work.urgent}",
    }
    tab.goto("/home")
    page.get_by_test_id("team-queue").get_by_role("button", name=f"Take case {work.team_unassigned}").click()
    page.wait_for_url(f"**/cases/{work.team_unassigned}")  # taken, and open
    assert "Assigned to ana" in page.get_by_test_id("case-body").inner_text()
    for name, path in pages.items():
        tab.goto(path)
        assert page.locator("h1").count() == 1, f"{path}: one h1"
        unlabelled = page.evaluate(
            """() => [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
                 .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label')).map(e => e.name)"""
        )
        assert unlabelled == [], f"{path}: fields without a label: {unlabelled}"
        assert_contrast(tab)
        assert built_ms(tab) > 0  # the footer says how long the page took (speed: goodwill bench console)
        tab.screenshot(name)
    tab.goto(f"/cases/{work.urgent}")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.get_by_label("Your answer").focus()
    page.keyboard.type("On it: a colleague meets your son at the gate.")
    page.keyboard.press("Tab")  # the channel
    page.keyboard.press("Tab")  # preview
    page.keyboard.press("Tab")  # send
    page.keyboard.press("Enter")
    page.get_by_test_id("case-done").wait_for()
    page.wait_for_function("document.activeElement.dataset.testid === 'case-done'")  # the outcome is read out
