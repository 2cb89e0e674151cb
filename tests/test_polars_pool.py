"""Steps run on polars' thread pool: the same value, error and context as on the caller,
once, with a fallback; one unit's evaluation and explanation the same either way; which
steps go there; one polars thread, the streaming engine and threads at once."""

from __future__ import annotations

import contextvars
import datetime as dt
import gc
import os
import subprocess
import sys
import threading
import weakref
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import attrs
import polars as pl
import pytest
from conftest import with_custom_criterion

import drugfree_core as dfc
from drugfree_core import _polars_pool, api
from drugfree_core._polars_pool import DISABLE_ENV, on_polars_pool
from drugfree_core.engine import pool_steps
from drugfree_core.engine.placement import commune_units_in_force
from drugfree_core.explanation import explain_unit
from drugfree_core.i18n.language import current_lang, use_lang
from drugfree_core.rules.outcome import CustomOutcome, Outcome, UnitView
from drugfree_core.samples import demo_path

ON = dt.date(2025, 10, 1)
REAL_SELECT = pl.select


@pytest.fixture(autouse=True)
def pool_steps_on(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(DISABLE_ENV, raising=False)


def test_the_step_runs_once_on_a_worker_of_polars_and_gives_its_value() -> None:
    caller = threading.get_ident()
    ran_on: list[int] = []

    def step() -> list[int]:
        ran_on.append(threading.get_ident())
        # polars calls inside it run on that worker, as the speed-up counts on
        frame = pl.DataFrame({"a": [1, 2, 3], "b": ["x", "y", "z"]})
        return frame.filter(pl.col("a") > 1).join(frame, on="a")["a"].to_list()

    assert on_polars_pool(step) == [2, 3]
    assert len(ran_on) == 1
    assert ran_on[0] != caller, "polars ran the step on the caller: the speed-up is gone"


def test_none_is_a_value_and_the_step_is_not_run_again() -> None:
    calls: list[None] = []
    assert on_polars_pool(lambda: calls.append(None)) is None
    assert len(calls) == 1


@pytest.mark.parametrize("error", [ValueError("bad unit"), KeyboardInterrupt(), SystemExit(3)])
def test_the_steps_error_reaches_the_caller_as_it_was(error: BaseException) -> None:
    def failing_step() -> None:
        raise error

    with pytest.raises(type(error)) as raised:
        on_polars_pool(failing_step)
    assert raised.value is error
    assert _frame_names(raised.value)[-1] == "failing_step"  # where it was raised, kept


def _frame_names(error: BaseException) -> list[str]:
    names = []
    trace = error.__traceback__
    while trace is not None:
        names.append(trace.tb_frame.f_code.co_name)
        trace = trace.tb_next
    return names


class _Marker:
    pass


@pytest.fixture
def collector_off() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    yield
    (gc.enable if enabled else gc.disable)()


@pytest.mark.usefixtures("collector_off")
def test_a_failed_step_is_freed_without_the_collector() -> None:
    """No cycle keeps the failed step's frames (and what they hold) alive."""
    markers: list[weakref.ref[_Marker]] = []

    def failing_step() -> None:
        marker = _Marker()
        markers.append(weakref.ref(marker))
        raise ValueError("no coverage")

    with pytest.raises(ValueError):
        on_polars_pool(failing_step)
    assert markers[0]() is None


def test_the_step_sees_the_callers_context_and_keeps_its_own() -> None:
    with use_lang("vi"):
        assert on_polars_pool(current_lang) == "vi"
    with use_lang("en"):
        assert on_polars_pool(current_lang) == "en"
    mark: contextvars.ContextVar[str] = contextvars.ContextVar("mark", default="caller")
    assert on_polars_pool(lambda: mark.set("step") and mark.get()) == "step"
    assert mark.get() == "caller"


def test_steps_nest() -> None:
    assert on_polars_pool(lambda: on_polars_pool(lambda: 41) + 1) == 42


def _counting() -> tuple[list[int], Callable[[], int]]:
    threads: list[int] = []

    def work() -> int:
        threads.append(threading.get_ident())
        return 7

    return threads, work


def _raise_before(*_: object, **__: object) -> pl.DataFrame:
    raise pl.exceptions.ComputeError("no pool today")


def _panic_before(*_: object, **__: object) -> pl.DataFrame:
    raise pl.exceptions.PanicException("a panic in polars")


def _call_twice(*exprs: Any, **named: Any) -> pl.DataFrame:
    REAL_SELECT(*exprs, **named)
    return REAL_SELECT(*exprs, **named)


def _raise_after(*exprs: Any, **named: Any) -> pl.DataFrame:
    REAL_SELECT(*exprs, **named)
    raise pl.exceptions.ComputeError("failed after the step")


def _on_the_caller(*exprs: Any, **_: Any) -> pl.DataFrame:
    return pl.DataFrame().select_seq(*exprs)  # one expression after the other, here


@pytest.mark.parametrize(
    ("select", "on_caller"),
    [
        (_raise_before, True),
        (_panic_before, True),
        (_call_twice, False),
        (_raise_after, False),
        (_on_the_caller, True),
    ],
    ids=["fails-before", "panics-before", "calls-twice", "fails-after", "on-the-caller"],
)
def test_whatever_polars_does_around_it_the_step_runs_once(
    monkeypatch: pytest.MonkeyPatch, select: Callable[..., pl.DataFrame], on_caller: bool
) -> None:
    monkeypatch.setattr(_polars_pool.pl, "select", select)
    threads, work = _counting()
    assert on_polars_pool(work) == 7
    assert len(threads) == 1
    assert (threads[0] == threading.get_ident()) is on_caller


def test_the_switch_keeps_every_step_on_its_caller(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(DISABLE_ENV, "1")
    threads, work = _counting()
    assert on_polars_pool(work) == 7
    assert threads == [threading.get_ident()]


# ------------------------------------------------------------------ through the API


def _communes(dataset: dfc.Dataset) -> list[str]:
    codes = sorted(commune_units_in_force(dataset, ON)["code"].to_list())
    assert codes
    return codes[:: max(1, len(codes) // 6)]


@pytest.mark.parametrize(
    "scheme_id", ["mps-recognition-2024", "qd28-2025-drug-free", "qd28-2025-complex-areas"]
)
def test_an_explanation_on_the_pool_is_the_one_made_on_the_caller(scheme_id: str) -> None:
    # Two loads: what each derives and keeps is built on its own thread.
    pooled_data, by_hand_data = dfc.load(demo_path()), dfc.load(demo_path())
    scheme = dfc.get_scheme(scheme_id)
    for code in _communes(pooled_data):
        for lang in ("vi", "en"):
            pooled = dfc.explain(pooled_data, scheme, ON, code, lang=lang)
            unit, evaluation = api._evaluate_unit(by_hand_data, scheme, ON, code, True)
            assert pooled == explain_unit(unit, evaluation, scheme, lang)
        result, _ = dfc.evaluate_unit(pooled_data, scheme, ON, code, allow_no_coverage=True)
        assert result == unit


def _custom(scheme: dfc.Scheme, threads: list[int]) -> dfc.Scheme:
    """*scheme* with one more criterion, a custom rule that cannot decide.

    It notes the thread it runs on in *threads*.
    """

    def undecided(view: UnitView) -> CustomOutcome:
        threads.append(threading.get_ident())
        return CustomOutcome(outcome=Outcome.UNKNOWN, reason="test")

    return with_custom_criterion(
        scheme, "test.undecided", undecided, ("undecided", "chưa xác định")
    )


@pytest.mark.parametrize(
    ("scheme_id", "custom", "pooled"),
    [
        ("mps-recognition-2024", False, True),
        ("qd28-2025-drug-free", True, False),
        ("qd28-2025-provinces", False, False),
    ],
    ids=["commune", "commune-with-a-custom-rule", "province"],
)
def test_which_steps_go_to_the_pool(
    monkeypatch: pytest.MonkeyPatch, scheme_id: str, custom: bool, pooled: bool
) -> None:
    sent: list[bool] = []

    def recording(work: Callable[[], Any]) -> Any:
        sent.append(True)
        return work()

    monkeypatch.setattr(pool_steps, "on_polars_pool", recording)
    dataset = dfc.load(demo_path())
    scheme = dfc.get_scheme(scheme_id)
    ran_on: list[int] = []
    scheme = _custom(scheme, ran_on) if custom else scheme
    code = _communes(dataset)[0]
    if scheme.unit_level is dfc.UnitLevel.PROVINCE:
        code = dataset.units.filter(pl.col("code") == code)["parent_code"][0]
    dfc.evaluate_unit(dataset, scheme, ON, code, allow_no_coverage=True)
    dfc.explain(dataset, scheme, ON, code)
    assert sent == ([True, True] if pooled else [])
    if custom:  # the plugin's own code, on its caller's thread
        assert ran_on and set(ran_on) == {threading.get_ident()}


_EXPLAIN_ALL = r"""
import datetime as dt, sys, threading
import polars as pl
import drugfree_core as dfc
from drugfree_core._polars_pool import on_polars_pool
from drugfree_core.engine.placement import commune_units_in_force
from drugfree_core.samples import demo_path
on = dt.date(2025, 10, 1)
assert on_polars_pool(threading.get_ident) != threading.get_ident()
assert on_polars_pool(lambda: on_polars_pool(lambda: 1)) == 1
dataset = dfc.load(demo_path())
codes = sorted(commune_units_in_force(dataset, on)["code"].to_list())[:4]
schemes = [
    dfc.get_scheme(s)
    for s in ("mps-recognition-2024", "qd28-2025-drug-free", "qd28-2025-complex-areas")
]
jobs = [(s, c) for s in schemes for c in codes]

def explain(job):
    return dfc.explain(dataset, job[0], on, job[1], lang="vi")

one_by_one = [explain(job) for job in jobs]
if sys.argv[1] == "threads":
    answers = {}
    def run(k):
        answers[k] = explain(jobs[k])
    threads = [threading.Thread(target=run, args=(k,)) for k in range(len(jobs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [answers[k] for k in range(len(jobs))] == one_by_one
print(pl.thread_pool_size(), len(one_by_one))
"""


@pytest.mark.parametrize(
    ("mode", "env", "threads"),
    [
        ("alone", {"POLARS_MAX_THREADS": "1"}, 1),
        ("alone", {"POLARS_MAX_THREADS": "1", "POLARS_ENGINE_AFFINITY": "streaming"}, 1),
        ("threads", {"POLARS_MAX_THREADS": "2"}, 2),
    ],
    ids=["one-polars-thread", "one-thread-streaming", "twelve-callers-two-threads"],
)
def test_explanations_finish_however_few_the_workers(
    mode: str, env: dict[str, str], threads: int
) -> None:
    """No step waits for ever: with one worker, the streaming engine, or callers at once."""
    assert _printed(_EXPLAIN_ALL, mode, env=env) == [str(threads), "12"]


def _printed(script: str, *args: str, env: dict[str, str]) -> list[str]:
    """The words *script* prints, run in a process of its own with *env* added."""
    done = subprocess.run(
        [sys.executable, "-c", script, *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout.split()


def test_whether_a_scheme_has_a_custom_rule_is_kept_while_the_scheme_lives() -> None:
    ran_on: list[int] = []
    custom = _custom(dfc.get_scheme("mps-recognition-2024"), ran_on)
    plain = attrs.evolve(custom, criteria=custom.criteria[:-1])
    assert pool_steps.has_custom_rule(custom) and not pool_steps.has_custom_rule(plain)
    assert pool_steps.has_custom_rule(custom) and not pool_steps.has_custom_rule(plain)  # as kept
    key = id(custom)
    assert key in pool_steps._CUSTOM_RULES
    del custom
    gc.collect()
    assert key not in pool_steps._CUSTOM_RULES


def test_a_scheme_let_go_at_exit_is_forgotten_without_an_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # At exit the interpreter may set a module's names to None before the last objects
    # go: `drugfree explain` then printed "Exception ignored in ... _has_custom_rule",
    # a traceback on the user's screen, from the callback that forgets a scheme.
    rules = pool_steps._CUSTOM_RULES
    scheme = attrs.evolve(dfc.get_scheme("qd28-2025-drug-free"), id="let-go")
    assert not pool_steps.has_custom_rule(scheme)
    key = id(scheme)
    unraisable: list[object] = []
    monkeypatch.setattr(sys, "unraisablehook", unraisable.append)
    monkeypatch.setattr(pool_steps, "_CUSTOM_RULES", None)  # as module teardown leaves it
    del scheme
    gc.collect()
    assert unraisable == []
    assert key not in rules


_REPORT_WITH_PARTS = r"""
import datetime as dt, sys
import attrs
import polars as pl
sys.path.insert(0, sys.argv[1])
from conftest import OwnSchemes
from drugfree_core.model.enums import Authority
from drugfree_core.plugins import PluginHost
from drugfree_core.reports import ReportOptions, build_report
from drugfree_core.synth import SynthConfig, generate
from drugfree_core.synth.config import NATIONAL_PROVINCES

chosen = tuple(p for p in NATIONAL_PROVINCES if p.code in {"12", "31", "38"})
data = generate(SynthConfig(provinces=chosen, subjects=300, seed=7, official_map=True))
# Hải Phòng's scheme its own copy of the national one, evaluated on its part of the data
# on every date, and its units under the national scheme beside (see test_report_build).
def differing(scheme):
    counted = scheme.parameter("df.administrative_violations_count").at(dt.date(2025, 10, 1))
    return scheme.with_parameter(
        "df.administrative_violations_count", attrs.evolve(counted, value=False)
    )

own = OwnSchemes("qd28-2025-drug-free", ["31"], authority=Authority.PROVINCIAL, change=differing)
host = PluginHost(plugins=[("own", own)], autoload=False)
options = ReportOptions(generated_at=dt.datetime(2025, 10, 2, tzinfo=dt.UTC))
report = build_report(data, dt.date(2025, 10, 1), national=True, host=host, options=options)
beside = {u.national_scheme_id for u in report.units if u.scheme_id == "test-province-31"}
print(pl.thread_pool_size(), len(report.units) > 0, beside)
"""


@pytest.mark.parametrize(
    "env",
    [
        {"POLARS_MAX_THREADS": "1"},
        {"POLARS_MAX_THREADS": "1", "POLARS_ENGINE_AFFINITY": "streaming"},
    ],
    ids=["one-polars-thread", "one-thread-streaming"],
)
def test_a_report_with_parts_as_steps_finishes_on_one_polars_thread(env: dict[str, str]) -> None:
    """A report's steps on the pool, beside its worker thread, wait for no one for ever."""
    tests = str(Path(__file__).resolve().parent)
    printed = _printed(_REPORT_WITH_PARTS, tests, env=env)
    assert printed == ["1", "True", "{'qd28-2025-drug-free'}"]
