"""Pausing the cyclic garbage collector: nested, overlapping and failing blocks, and the
steps that pause it."""

from __future__ import annotations

import datetime as dt
import gc
import importlib
import threading
from collections.abc import Callable, Iterator

import polars as pl
import pytest

import drugfree_core as dfc
from drugfree_core import api
from drugfree_core._gc import gc_paused
from drugfree_core.samples import demo_path

evaluate_module = importlib.import_module("drugfree_core.engine.evaluate")


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


def _demo() -> tuple[dfc.Dataset, dfc.Scheme, dt.date, str]:
    dataset = dfc.load(demo_path())
    ward = dataset.units.filter(pl.col("kind").cast(pl.String) == "ward")["code"][0]
    return dataset, dfc.get_scheme("mps-recognition-2024"), dt.date(2025, 10, 1), ward


def _spied(monkeypatch: pytest.MonkeyPatch, module: object, name: str) -> list[bool]:
    """Whether collection was on, each time *module*.*name* was called."""
    seen: list[bool] = []
    real = getattr(module, name)

    def spy(*args: object, **kwargs: object) -> object:
        seen.append(gc.isenabled())
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, spy)
    return seen


def test_a_unit_is_cut_out_evaluated_and_explained_with_collection_paused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The first unit after a load makes tens of thousands of objects and would start the
    # whole heap's collection (13-20 ms of a 100 ms budget).
    dataset, scheme, on, ward = _demo()
    gc.enable()
    cut = _spied(monkeypatch, dfc.Dataset, "restrict_to_units")
    rendered = _spied(monkeypatch, api, "explain_unit")
    text = dfc.explain(dataset, scheme, on, ward, lang="vi")
    unit, _ = dfc.evaluate_unit(dataset, scheme, on, ward)
    assert ward in text and unit.unit_code == ward
    assert cut == [False, False] and rendered == [False]
    assert gc.isenabled()


def test_an_evaluations_units_are_built_with_collection_paused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    dataset, scheme, on, _ = _demo()
    evaluation = dfc.evaluate(dataset, scheme, on)
    gc.enable()
    built = _spied(monkeypatch, evaluate_module, "_unit_result")
    assert len(evaluation.units) == len(built) > 1
    assert not any(built)
    assert gc.isenabled()


def test_a_failing_evaluation_of_a_unit_resumes_collection() -> None:
    dataset, scheme, on, _ = _demo()
    gc.enable()
    with pytest.raises(dfc.DrugfreeError):
        dfc.evaluate_unit(dataset, scheme, on, "no-such-unit")
    assert gc.isenabled()


def _cyclic_garbage(work: Callable[[], object]) -> list[object]:
    """What *work* leaves that only the cyclic collector would free."""
    gc.collect()
    gc.disable()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        work()
        gc.collect()
        return list(gc.garbage)
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()


def _ours(objects: list[object]) -> list[str]:
    """The objects of the library (or its frames) among *objects*, by type and name."""
    found = []
    for obj in objects:
        module = getattr(type(obj), "__module__", "") or ""
        code = getattr(obj, "__code__", None)
        where = code.co_filename if code is not None else module
        if "drugfree_core" in where or module.startswith("polars"):
            found.append(f"{type(obj).__name__} {getattr(obj, '__qualname__', '')}")
    return found


@pytest.mark.parametrize("scheme_id", ["mps-recognition-2024", "qd28-2025-drug-free"])
def test_an_evaluation_leaves_no_reference_cycle(scheme_id: str) -> None:
    # A cycle would hold the date's context, with every frame it derived, until the
    # collector found it: a series of dates would pile them up (a monthly report's peak).
    dataset, _, on, ward = _demo()
    scheme = dfc.get_scheme(scheme_id)

    def evaluate_and_explain() -> None:
        evaluation = dfc.evaluate(dataset.for_one_date(), scheme, on)
        assert evaluation.units and evaluation.verdicts
        dfc.explain(dataset, scheme, on, ward)

    evaluate_and_explain()  # the first run also fills caches that live on
    assert _ours(_cyclic_garbage(evaluate_and_explain)) == []
