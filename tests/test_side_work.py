"""The report's worker thread: results in order, the caller's context, errors, no leftovers."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable

import pytest

from drugfree_core.i18n import use_lang
from drugfree_core.i18n.language import chosen_lang
from drugfree_core.reports.side_work import SideWork, side_by_side


def _workers() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("drugfree-report")]


def _noting(name: str, seen: list[tuple[str, bool, str | None]]) -> Callable[[], str]:
    def work() -> str:
        seen.append((name, threading.current_thread() is threading.main_thread(), chosen_lang()))
        return name

    return work


def test_side_work_runs_in_the_callers_context_and_leaves_no_thread() -> None:
    seen: list[tuple[str, bool, str | None]] = []
    with use_lang("vi"), contextlib.closing(SideWork()) as side:
        started = side.start(_noting("a", seen))
        assert started.result() == "a"
    assert seen == [("a", False, "vi")]
    assert not _workers()


def test_side_by_side_gives_the_results_in_order_and_runs_its_own_here() -> None:
    seen: list[tuple[str, bool, str | None]] = []
    worker_busy = threading.Event()
    release = threading.Event()

    def first() -> str:
        worker_busy.set()
        assert release.wait(10)
        return "first"

    def mine() -> str:
        assert worker_busy.wait(10)  # the worker holds the first work
        return _noting("mine", seen)()

    def second() -> str:
        release.set()  # taken back last: the worker may now end the first
        return _noting("b", seen)()

    with use_lang("vi"):
        # Once its own work is done, this thread takes back the works the worker has not
        # started, from the last; the worker then finishes the one it holds.
        results = side_by_side([first, second, mine, _noting("d", seen)], here=2)
    assert results == ["first", "b", "mine", "d"]
    assert seen == [("mine", True, "vi"), ("d", True, "vi"), ("b", True, "vi")]
    assert not _workers()


def test_side_by_side_leaves_the_worker_what_it_started() -> None:
    seen: list[tuple[str, bool, str | None]] = []
    both_started = threading.Event()

    def beside() -> str:
        both_started.set()
        return _noting("beside", seen)()

    def mine() -> str:
        assert both_started.wait(10)
        return "mine"

    assert side_by_side([mine, beside], here=0) == ["mine", "beside"]
    assert seen == [("beside", False, None)]
    assert side_by_side([_noting("alone", seen)], here=0) == ["alone"]
    assert seen[-1] == ("alone", True, None)


def test_an_error_on_either_side_reaches_the_caller_and_no_thread_stays() -> None:
    def failing() -> str:
        raise RuntimeError("work failed")

    def fine() -> str:
        return "fine"

    for works, here in (([fine, failing], 0), ([failing, fine], 0), ([fine, failing, fine], 1)):
        with pytest.raises(RuntimeError, match="work failed"):
            side_by_side(works, here=here)
        assert not _workers()


def test_shared_works_run_once_each_the_worker_from_the_first_this_thread_from_the_last() -> None:
    ran: list[tuple[int, bool]] = []
    done: list[bool] = []
    first_taken, last_ran_here = threading.Event(), threading.Event()

    def work(k: int) -> Callable[[], int]:
        def run() -> int:
            here = threading.current_thread() is threading.main_thread()
            if k == 0:
                first_taken.set()
                assert last_ran_here.wait(10)  # the worker holds the first meanwhile
            if k == 3:
                assert first_taken.wait(10)
            ran.append((k, here))
            if k == 3:
                last_ran_here.set()
            return k * 10

        return run

    def tick() -> None:
        done.append(threading.current_thread() is threading.main_thread())

    with contextlib.closing(SideWork()) as side:
        results = side.share([work(k) for k in range(4)], tick)
    assert results == [0, 10, 20, 30]
    assert sorted(k for k, _ in ran) == [0, 1, 2, 3]  # each once
    assert (0, False) in ran and (3, True) in ran
    assert done == [True] * 4  # once per work, on this thread
    assert not _workers()


def test_shared_works_all_run_here_while_the_worker_is_busy() -> None:
    release = threading.Event()
    seen: list[tuple[str, bool, str | None]] = []
    with use_lang("vi"), contextlib.closing(SideWork()) as side:
        busy = side.start(lambda: release.wait(10))
        results = side.share([_noting(name, seen) for name in "abc"])
        release.set()
        assert busy.result()
    assert results == ["a", "b", "c"]
    assert seen == [("c", True, "vi"), ("b", True, "vi"), ("a", True, "vi")]


@pytest.mark.parametrize("on_worker", [True, False])
def test_an_error_in_a_shared_work_reaches_the_caller(on_worker: bool) -> None:
    release = threading.Event()

    def failing() -> str:
        raise RuntimeError("shared work failed")

    def waiting() -> str:
        assert release.wait(10)
        return "waited"

    def last() -> str:
        release.set()
        return "last"

    # The worker takes the first work at once; the last runs here.
    works = [failing, waiting, last] if on_worker else [waiting, failing, last]
    with (
        pytest.raises(RuntimeError, match="shared work failed"),
        contextlib.closing(SideWork()) as side,
    ):
        side.share(works)
    assert not _workers()


def test_shared_works_the_worker_may_run_several_before_the_two_meet() -> None:
    ran: list[tuple[int, bool]] = []
    worker_ran_three = threading.Event()

    def work(k: int) -> Callable[[], int]:
        def run() -> int:
            here = threading.current_thread() is threading.main_thread()
            if k == 4:
                assert worker_ran_three.wait(10)  # this thread's first, held meanwhile
            ran.append((k, here))
            if k == 2:
                worker_ran_three.set()
            return k

        return run

    done: list[int] = []
    with contextlib.closing(SideWork()) as side:
        results = side.share([work(k) for k in range(5)], lambda: done.append(1))
    assert results == [0, 1, 2, 3, 4]
    assert sorted(k for k, _ in ran) == [0, 1, 2, 3, 4]
    assert {(0, False), (1, False), (2, False), (4, True)} <= set(ran)
    assert len(done) == 5


def test_an_error_here_reaches_the_caller_while_the_worker_is_still_busy() -> None:
    worker_started, release, finished = threading.Event(), threading.Event(), threading.Event()

    def busy() -> str:
        worker_started.set()
        assert release.wait(10)
        finished.set()
        return "busy"

    def failing() -> str:
        assert worker_started.wait(10)
        raise RuntimeError("failed here")

    side = SideWork()
    try:
        with pytest.raises(RuntimeError, match="failed here"):
            side.share([busy, failing])
        assert not finished.is_set()  # the error did not wait for the worker
    finally:
        release.set()
        side.close()
    assert finished.is_set()
    assert not _workers()
