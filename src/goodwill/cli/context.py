"""What every command shares: settings, an engine and the unit of work, opened lazily."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import typer
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from goodwill.config import Settings
from goodwill.store.db import make_engine, make_session_factory, unit_of_work


@dataclass
class CliState:
    settings: Settings
    _engine: Engine | None = field(default=None, repr=False)
    _factory: sessionmaker[Session] | None = field(default=None, repr=False)

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = make_engine(self.settings.database_url)
        return self._engine

    @property
    def session_factory(self) -> sessionmaker[Session]:
        if self._factory is None:
            self._factory = make_session_factory(self.engine)
        return self._factory

    @contextmanager
    def unit_of_work(self) -> Iterator[Session]:
        """The command's transaction: committed at the end, rolled back on any error."""
        with unit_of_work(self.session_factory) as session:
            yield session

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()


def state(ctx: typer.Context) -> CliState:
    obj = ctx.find_root().obj
    if not isinstance(obj, CliState):
        raise RuntimeError("CLI state missing: commands must run under the goodwill root command")
    return obj
