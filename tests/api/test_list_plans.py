"""No collection scans a whole table: every list, with each of its filters and each sort key, first page and a
page after a cursor, is planned by SQLite through an index that narrows it to the filter's rows, in order (the
rules: `goodwill.bench.plans`).

Planned on a populated database, not ANALYZEd (as tests/customers/test_plans.py: the planner then assumes tables
of a real airline's size). The same check runs at a million passengers in `goodwill bench customer360`.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from goodwill.bench.plans import cases, page_problems, plan_problems
from goodwill.migrations import runner
from goodwill.store.db import make_engine, make_session_factory, unit_of_work
from tests.imports.helpers import import_examples


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Session]:
    path: Path = tmp_path_factory.mktemp("plans") / "lists.db"
    engine = make_engine(f"sqlite:///{path}")
    runner.upgrade(engine)
    with unit_of_work(make_session_factory(engine)) as s:
        import_examples(s)
    with make_session_factory(engine)() as s:
        yield s
    engine.dispose()


@pytest.mark.parametrize(("name", "filter_name", "sort", "after"), list(cases()))
def test_each_list_page_reads_only_through_an_index(
    session: Session, name: str, filter_name: str | None, sort: str, after: bool
) -> None:
    assert page_problems(session, name, filter_name, sort, after) == []


def test_the_check_finds_a_scan_and_a_sort_of_a_common_value() -> None:
    assert plan_problems(["SCAN cases"], "cases", None) == ["reads a whole table: SCAN cases"]
    walked = plan_problems(["SCAN cases USING INDEX sqlite_autoindex_cases_1"], "cases", "team")
    assert len(walked) == 1
    assert "not looked up" in walked[0]
    sorted_all = ["SEARCH cases USING INDEX ix_cases_status_priority (status=?)", "USE TEMP B-TREE FOR ORDER BY"]
    assert plan_problems(sorted_all, "cases", "status") == [
        "sorts every row matching status (no index in the sort key's order)"
    ]
    one_passenger = ["SEARCH cases USING INDEX ix_cases_passenger_id (passenger_id=?)", "USE TEMP B-TREE FOR ORDER BY"]
    assert plan_problems(one_passenger, "cases", "passenger_id") == []
