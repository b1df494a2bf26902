"""The ASGI application: API under /api/v1, the web console at / (sign-in first), health at /health."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, FastAPI
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine

from goodwill import __version__
from goodwill.access import throttle
from goodwill.api import docs, errors, health, middleware
from goodwill.config import Settings, get_settings
from goodwill.kit.time import utc_now
from goodwill.store.db import make_engine, make_session_factory
from goodwill.web import admin, cases, console, control_room, home, messages, passengers, surveys, value, voice
from goodwill.web.templating import STATIC_DIR

API_PREFIX = "/api/v1"

DESCRIPTION = """
Goodwill's REST API. Every route under `/api/v1` needs an API key (`Authorization: Bearer …`) whose role
grants what the route states; create one with `goodwill keys create --role integration NAME`.
Errors share one body: `{"error": code, "detail": message, "problems": [{"loc", "msg"}]}`.
"""


def create_app(settings: Settings | None = None, *, engine: Engine | None = None) -> FastAPI:
    """Build the application for `settings` (default: from the environment)."""
    settings = settings or get_settings()
    engine = engine or make_engine(settings.database_url)
    app = FastAPI(
        title="Goodwill",
        version=__version__,
        description=DESCRIPTION,
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=None,  # served by api.docs from vendored files, not a CDN
        redoc_url=None,
    )
    app.state.engine = engine
    app.state.session_factory = make_session_factory(engine)
    app.state.secret = settings.secret_key.get_secret_value()
    app.state.settings = settings
    app.state.clock = utc_now  # what time it is for the request's rules (a test may set another clock)
    app.state.client_policy = throttle.Policy(
        limit=settings.client_failure_limit, window=timedelta(seconds=settings.client_failure_window_seconds)
    )
    app.state.trusted_proxies = throttle.parse_networks(settings.trusted_proxies)
    errors.install(app)
    middleware.install(app)
    app.include_router(health.router)
    app.include_router(docs.router)
    for router in api_routers():
        app.include_router(router, prefix=API_PREFIX, responses=errors.ERROR_RESPONSES)
    console.install(app)
    web = (console, home, passengers, cases, messages, control_room, voice, value, admin, surveys)
    for router in (module.router for module in web):
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    return app


def api_routers() -> list[APIRouter]:
    """Every domain's API router, in the order they appear in the OpenAPI document."""
    from goodwill.api import (
        cases,
        feedback,
        imports,
        listening,
        lists,
        messages,
        passengers,
        recovery,
        surveys,
        users,
        vouchers,
        webhooks,
    )

    return [
        cases.router,
        feedback.router,
        imports.router,
        listening.router,
        lists.router,
        messages.router,
        passengers.router,
        recovery.router,
        surveys.router,
        users.router,
        vouchers.router,
        webhooks.router,
    ]
