"""Console fixtures: sign-in over the test client, and a real headless Chromium (Debian's package, driven by
Playwright) against the app served by uvicorn on a loopback port. Every browser page fails its test on a
console error or an uncaught script error, and leaves a screenshot in artifacts/screenshots/."""

from __future__ import annotations

import os
import re
import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import SecretStr

from goodwill.access.roles import Role
from goodwill.api.app import create_app
from goodwill.config import Settings
from goodwill.customers.value import refresh_value
from goodwill.demo.service import seed_demo_airline
from goodwill.store.db import make_engine, make_session_factory, unit_of_work
from tests.conftest import Database
from tests.factories import TEST_PASSWORD, TEST_SECRET, make_user

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
CHROMIUM = os.environ.get("GOODWILL_CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def add_user(app: FastAPI, username: str, role: Role, *, team: str | None = "care", name: str = "") -> None:
    with unit_of_work(make_session_factory(app.state.engine)) as session:
        make_user(session, username=username, role=role, team=team, name=name)


def sign_in(client: TestClient, username: str, password: str = TEST_PASSWORD) -> str:
    """Sign `client` in; returns the session's CSRF token, for the forms the test posts."""
    response = client.post("/sign-in", data={"username": username, "password": password}, follow_redirects=False)
    assert response.status_code == 303, response.text
    page = client.get("/home")
    found = CSRF.search(page.text)
    assert found, "the signed-in page carries a CSRF token"
    return found.group(1)


@pytest.fixture
def served_app(app: FastAPI) -> FastAPI:
    """The application that `console`, `live_server` and `browser_page` use: an empty database by default; a module
    overrides this fixture (returning `seeded_app`) to work on the demo airline."""
    return app


@pytest.fixture
def console(served_app: FastAPI) -> Callable[..., tuple[TestClient, str]]:
    """A factory: a test client signed in with a new user of the given role, and its CSRF token."""
    made: list[TestClient] = []

    def make(role: Role, username: str | None = None) -> tuple[TestClient, str]:
        username = username or f"{role.value}-{len(made)}"
        add_user(served_app, username, role)
        client = TestClient(served_app)
        made.append(client)
        return client, sign_in(client, username)

    return make


# ---- a small demo airline ---------------------------------------------------------------------------------------

SEED_WINDOW = (date(2013, 2, 1), date(2013, 2, 28))  # holds the blizzard of 8-9 February 2013


@pytest.fixture(scope="session")
def seeded_template(database: Database) -> str:
    """A database holding the demo airline (1,000 passengers, February 2013), seeded once per backend and worker.
    Tests never write to it: `seeded_app` hands each test a copy."""
    url = database.fresh_url()
    engine = make_engine(url)
    with unit_of_work(make_session_factory(engine)) as session:
        seed_demo_airline(session, seed=7, passengers=1_000, start=SEED_WINDOW[0], end=SEED_WINDOW[1], actor="test")
        refresh_value(session)
    engine.dispose()
    return url


@pytest.fixture
def seeded_app(database: Database, seeded_template: str) -> Iterator[FastAPI]:
    """The application on a copy of the seeded demo airline, which the test may change."""
    url = database.copy(seeded_template)
    engine = make_engine(url)
    yield create_app(Settings(database_url=url, secret_key=SecretStr(TEST_SECRET)), engine=engine)
    engine.dispose()


# ---- the real browser -------------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class LiveServer:
    """The app served by uvicorn in a thread, on a loopback port of its own."""

    def __init__(self, app: FastAPI) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="off")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the test server did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *_: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture
def live_server(served_app: FastAPI) -> Iterator[LiveServer]:
    with LiveServer(served_app) as server:
        yield server


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Headless Chromium from Debian's package, one per test module: Playwright's threads end with the module, so
    tests of code that forks only in a single-threaded process (`kit.processes.fork_is_safe`) see one thread.
    Missing: the test skips, or fails where GOODWILL_REQUIRE_BROWSER=1
    (CI sets it; .ci/run installs the package)."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("GOODWILL_REQUIRE_BROWSER") == "1":
            pytest.fail(f"GOODWILL_REQUIRE_BROWSER=1 but there is no Chromium at {CHROMIUM}")
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield chromium
        chromium.close()


class BrowserPage:
    """One browser tab that records console errors and takes named screenshots."""

    def __init__(self, page: Any, base_url: str, test_name: str) -> None:
        self.page = page
        self.base_url = base_url
        self.test_name = test_name
        self.errors: list[str] = []
        page.on("console", lambda msg: self.errors.append(msg.text) if msg.type == "error" else None)
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))

    def goto(self, path: str) -> Any:
        return self.page.goto(self.base_url + path)

    def sign_in(self, username: str, password: str = TEST_PASSWORD) -> None:
        self.goto("/sign-in")
        self.page.get_by_label("Username").fill(username)
        self.page.get_by_label("Password").fill(password)
        self.page.get_by_role("button", name="Sign in").click()
        self.page.wait_for_load_state()

    def expect_http_error(self, status: int) -> None:
        """Acknowledge the console's note of an answer with `status` that the test asked for (a 401, a 403)."""
        self.errors = [e for e in self.errors if f"status of {status}" not in e]

    def screenshot(self, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{self.test_name}-{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path


@pytest.fixture
def browser_page(browser: Any, live_server: LiveServer, request: pytest.FixtureRequest) -> Iterator[BrowserPage]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
    tab = BrowserPage(context.new_page(), live_server.url, name)
    yield tab
    context.close()
    assert tab.errors == [], f"the browser reported errors: {tab.errors}"
