"""Pausing the cyclic garbage collector: nested, overlapping and failing blocks."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import pytest

from drugfree_core._gc import gc_paused


@pytest.fixture(autouse=True)
def collector_restored() -> Iterator[None]:
    enabled = gc.isenabled()
    yield
    (gc.enable if enabled else gc.disable)()


def test_a_pause_resumes_what_ran_and_leaves_off_what_was_off() -> None:
    gc.enable()
    with gc_paused():
        assert not gc.isenabled()
        with gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer pause is still open
    assert gc.isenabled()
    gc.disable()
    with gc_paused():
        pass
    assert not gc.isenabled()


def test_a_failing_block_resumes_collection() -> None:
    gc.enable()
    with pytest.raises(ZeroDivisionError), gc_paused():
        1 / 0  # noqa: B018
    assert gc.isenabled()


def test_overlapping_pauses_of_two_threads_resume_after_the_last() -> None:
    # A opens, B opens, A closes while B is still inside, then B closes: collection must
    # stay off until B is done, and be back on after (not left off by B, which found it
    # off when it began).
    gc.enable()
    a_in, b_in, a_out, b_may_leave = (threading.Event() for _ in range(4))
    seen: dict[str, bool] = {}

    def first() -> None:
        with gc_paused():
            a_in.set()
            b_in.wait(5)
        a_out.set()

    def second() -> None:
        a_in.wait(5)
        with gc_paused():
            b_in.set()
            a_out.wait(5)
            seen["after A left"] = gc.isenabled()
            b_may_leave.wait(5)

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    a_out.wait(5)
    b_may_leave.set()
    for t in threads:
        t.join(5)
    assert seen == {"after A left": False}
    assert gc.isenabled()
