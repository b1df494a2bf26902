"""The customer 360 and search never scan a table: every statement they run is answered through an index.

SQLite says how it will run a statement (EXPLAIN QUERY PLAN): "SCAN t" reads the whole table, "SEARCH t USING
INDEX" or "USING COVERING INDEX" does not, unless the index is searched only by a column of a few values
(`kind=?`), which reads a large part of the table. Each statement the 360 and the searches issue is planned on a
populated database and checked (not ANALYZEd: a few example rows would make a scan the cheaper plan; the
planner then assumes tables of a real airline's size).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from goodwill.bench import plans
from goodwill.customers.models import PassengerIdentity
from goodwill.customers.value import refresh_value
from goodwill.customers.view import customer_360, search_passengers
from goodwill.migrations import runner
from goodwill.store.db import make_engine, make_session_factory, unit_of_work
from tests.imports.helpers import NOW, import_examples


@pytest.fixture
def session(tmp_path: Path) -> Iterator[Session]:
    engine = make_engine(f"sqlite:///{tmp_path / 'plans.db'}")
    runner.upgrade(engine)
    with unit_of_work(make_session_factory(engine)) as s:
        import_examples(s)
        refresh_value(s)
        yield s
    engine.dispose()


# An index searched only by a column of a few values (kind, status, type, channel) reads a large part of the table:
# e.g. every email identity through the (kind, value) index, when the rows wanted were a few passengers'.
_BY_A_KIND_ALONE = re.compile(r"^SEARCH \S+ USING (COVERING )?INDEX \S+ \((kind|status|type|channel)=\?\)$")


def _statements(session: Session, action: Any) -> list[tuple[str, Any]]:
    return plans.statements(session, action, rollback=False)


def _scans(session: Session, statements: list[tuple[str, Any]]) -> list[str]:
    found = []
    connection = session.connection().connection.driver_connection
    assert connection is not None
    for statement, parameters in statements:
        for row in connection.execute(f"EXPLAIN QUERY PLAN {statement}", parameters):
            detail = str(row[-1])
            whole_table = detail.startswith("SCAN") and "USING" not in detail
            if whole_table or _BY_A_KIND_ALONE.search(detail):
                found.append(f"{detail}: {statement[:200]}")
    return found


def test_the_360_reads_only_through_indexes(session: Session) -> None:
    ana = session.scalars(
        select(PassengerIdentity.passenger_id).where(PassengerIdentity.value == "ana.lopez@example.com")
    ).one()
    session.expire_all()
    statements = _statements(session, lambda: customer_360(session, passenger_id=ana, now=NOW))
    assert len(statements) >= 10  # every part of the view was read
    assert _scans(session, statements) == []


@pytest.mark.parametrize(
    "query", ["ana lop", "ana.lopez@example.com", "+12125550101", "B6-1000-0001", "@ana_lopez", "HNY7QX"]
)
def test_each_search_reads_only_through_indexes(session: Session, query: str) -> None:
    statements = _statements(session, lambda: search_passengers(session, query=query))
    assert statements
    assert _scans(session, statements) == []
