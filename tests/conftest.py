"""Test fixtures. Every database test runs on SQLite, and also on PostgreSQL when
GOODWILL_TEST_DATABASE_URL points at one (CI sets it). Schemas are built by the migrations, never create_all."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from goodwill.api.app import create_app
from goodwill.config import Settings
from goodwill.migrations import runner
from goodwill.store.db import make_engine, normalise_url
from tests.factories import TEST_SECRET

ROOT = Path(__file__).resolve().parent.parent
PG_URL = os.environ.get("GOODWILL_TEST_DATABASE_URL")
BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])


def shared_data_dir() -> Path:
    return Path(os.environ.get("GOODWILL_SHARED_DATA", ROOT.parent / "shared" / "data"))


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """../shared/data, or skip; with GOODWILL_REQUIRE_SHARED_DATA=1 a missing folder fails instead."""
    path = shared_data_dir()
    if not path.is_dir():
        if os.environ.get("GOODWILL_REQUIRE_SHARED_DATA") == "1":
            pytest.fail(f"GOODWILL_REQUIRE_SHARED_DATA=1 but {path} does not exist")
        pytest.skip(f"shared data not found at {path}")
    return path


def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


class Database:
    """A migrated template database for one backend; hands out fresh empty copies on demand."""

    def __init__(self, backend: str, tmp: Path) -> None:
        self.backend = backend
        self.tmp = tmp
        worker = _worker()
        if backend == "sqlite":
            self.template_path = tmp / f"template-{worker}.db"
            self.url = f"sqlite:///{self.template_path}"
        else:
            assert PG_URL is not None
            self.admin_url = normalise_url(PG_URL)
            # Per process: two test runs on one server (two people, or CI and a developer) never share one.
            self.template_name = f"goodwill_test_{worker}_{os.getpid()}"
            self.url = make_url(self.admin_url).set(database=self.template_name).render_as_string(False)
            self._admin(f'DROP DATABASE IF EXISTS "{self.template_name}" WITH (FORCE)')
            self._admin(f'CREATE DATABASE "{self.template_name}"')
        self.engine = make_engine(self.url)
        runner.upgrade(self.engine)
        self.copies: list[str] = []

    def _admin(self, sql: str) -> None:
        engine = create_engine(self.admin_url, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text(sql))
        engine.dispose()

    def fresh_url(self) -> str:
        """An empty, migrated database of its own (for tests that commit, such as CLI runs)."""
        name = f"copy_{_worker()}_{uuid.uuid4().hex[:8]}"
        if self.backend == "sqlite":
            self.engine.dispose()
            path = self.tmp / f"{name}.db"
            shutil.copyfile(self.template_path, path)
            return f"sqlite:///{path}"
        self.engine.dispose()
        self._admin(f'CREATE DATABASE "{name}" TEMPLATE "{self.template_name}"')
        self.copies.append(name)
        return make_url(self.admin_url).set(database=name).render_as_string(False)

    def copy(self, url: str) -> str:
        """A fresh database holding what the database at `url` holds (which must have no open connections)."""
        name = f"copy_{_worker()}_{uuid.uuid4().hex[:8]}"
        source = make_url(url)
        if self.backend == "sqlite":
            path = self.tmp / f"{name}.db"
            shutil.copyfile(str(source.database), path)
            return f"sqlite:///{path}"
        self._admin(f'CREATE DATABASE "{name}" TEMPLATE "{source.database}"')
        self.copies.append(name)
        return make_url(self.admin_url).set(database=name).render_as_string(False)

    def close(self) -> None:
        self.engine.dispose()
        if self.backend == "postgresql":
            for name in [*self.copies, self.template_name]:
                self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session", params=BACKENDS)
def database(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    db = Database(request.param, tmp_path_factory.mktemp(f"db-{request.param}"))
    yield db
    db.close()


@pytest.fixture
def engine(database: Database) -> Engine:
    return database.engine


@pytest.fixture
def session(database: Database) -> Iterator[Session]:
    """A session inside an outer transaction that is rolled back, so code that commits is undone too."""
    connection = database.engine.connect()
    outer = connection.begin()
    session = Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
    try:
        yield session
    finally:
        session.close()
        outer.rollback()
        connection.close()


@pytest.fixture
def db_url(database: Database) -> str:
    """URL of a fresh migrated database that the test may commit to."""
    return database.fresh_url()


@pytest.fixture
def url_engine(db_url: str) -> Iterator[Engine]:
    eng = make_engine(db_url)
    yield eng
    eng.dispose()


@pytest.fixture
def app(db_url: str, url_engine: Engine) -> FastAPI:
    """The application on a fresh database the test may commit to (a test module may define its own)."""
    return create_app(Settings(database_url=db_url, secret_key=SecretStr(TEST_SECRET)), engine=url_engine)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        yield test_client
