"""The cyclic garbage collector paused over bulk work, and back as it was after, whatever happens."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import pytest

from goodwill.kit import collector


@pytest.fixture(autouse=True)
def _collector_on() -> Iterator[None]:
    was = gc.isenabled()
    gc.enable()
    yield
    if was:
        gc.enable()
    else:  # pragma: no cover - the suite runs with it on
        gc.disable()


def test_off_inside_on_after() -> None:
    with collector.paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_back_on_after_an_error() -> None:
    with pytest.raises(RuntimeError), collector.paused():
        raise RuntimeError("boom")
    assert gc.isenabled()


def test_left_off_when_it_was_off_before() -> None:
    gc.disable()
    with collector.paused():
        assert not gc.isenabled()
    assert not gc.isenabled()


def test_nested_pauses_end_with_the_outer_one() -> None:
    with collector.paused():
        with collector.paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer one still runs
    assert gc.isenabled()


def test_as_a_decorator_each_call_pauses() -> None:
    seen: list[bool] = []

    @collector.paused()
    def work() -> None:
        seen.append(gc.isenabled())

    work()
    work()
    assert seen == [False, False]
    assert gc.isenabled()


def test_pauses_in_two_threads_overlapping_end_with_the_last() -> None:
    """Thread A pauses, B pauses, A ends: still off (B runs); B ends: on."""
    a_in, b_in, a_done, b_may_end = threading.Event(), threading.Event(), threading.Event(), threading.Event()
    states: dict[str, bool] = {}

    def a() -> None:
        with collector.paused():
            a_in.set()
            b_in.wait(5)
        a_done.set()

    def b() -> None:
        a_in.wait(5)
        with collector.paused():
            b_in.set()
            a_done.wait(5)
            states["after a ended"] = gc.isenabled()
            b_may_end.wait(5)

    threads = [threading.Thread(target=a), threading.Thread(target=b)]
    for t in threads:
        t.start()
    a_done.wait(5)
    b_may_end.set()
    for t in threads:
        t.join(5)
    assert states == {"after a ended": False}
    assert gc.isenabled()
