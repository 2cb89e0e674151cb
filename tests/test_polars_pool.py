"""Steps run on polars' thread pool: the same value, error and context as on the caller,
once, with a fallback; and one unit's evaluation and explanation the same either way."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import threading

import polars as pl
import pytest

import drugfree_core as dfc
from drugfree_core import _polars_pool, api
from drugfree_core._polars_pool import on_polars_pool
from drugfree_core.engine.placement import commune_units_in_force
from drugfree_core.explanation import explain_unit
from drugfree_core.i18n.language import current_lang, use_lang
from drugfree_core.samples import demo_path

ON = dt.date(2025, 10, 1)


def test_the_step_runs_once_on_a_worker_of_polars_and_gives_its_value() -> None:
    caller = threading.get_ident()
    ran_on: list[int] = []

    def step() -> list[int]:
        ran_on.append(threading.get_ident())
        # polars calls inside it run on that worker, the way the speed-up counts on
        frame = pl.DataFrame({"a": [1, 2, 3], "b": ["x", "y", "z"]})
        return frame.filter(pl.col("a") > 1).join(frame, on="a")["a"].to_list()

    assert on_polars_pool(step) == [2, 3]
    # A polars that evaluated the select on the calling thread would still be right, and
    # this says the speed-up is gone.
    assert len(ran_on) == 1 and ran_on[0] != caller


def test_none_is_a_value_and_the_step_is_not_run_again() -> None:
    calls: list[None] = []
    assert on_polars_pool(lambda: calls.append(None)) is None
    assert len(calls) == 1


@pytest.mark.parametrize("error", [ValueError("bad unit"), KeyboardInterrupt(), SystemExit(3)])
def test_the_steps_error_reaches_the_caller_as_it_was(error: BaseException) -> None:
    def step() -> None:
        raise error

    with pytest.raises(type(error)) as raised:
        on_polars_pool(step)
    assert raised.value is error
    assert "step" in _frame_names(raised.value)  # where it was raised, kept


def _frame_names(error: BaseException) -> list[str]:
    names = []
    trace = error.__traceback__
    while trace is not None:
        names.append(trace.tb_frame.f_code.co_name)
        trace = trace.tb_next
    return names


def test_the_step_sees_the_callers_context() -> None:
    with use_lang("vi"):
        assert on_polars_pool(current_lang) == "vi"
    with use_lang("en"):
        assert on_polars_pool(current_lang) == "en"


def test_steps_nest() -> None:
    assert on_polars_pool(lambda: on_polars_pool(lambda: 41) + 1) == 42


def test_if_polars_fails_around_it_the_step_runs_on_the_caller(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(*_: object, **__: object) -> pl.DataFrame:
        raise pl.exceptions.ComputeError("no pool today")

    monkeypatch.setattr(_polars_pool.pl, "select", broken)
    caller = threading.get_ident()
    assert on_polars_pool(threading.get_ident) == caller


@pytest.fixture(scope="module")
def sample() -> dfc.Dataset:
    return dfc.load(demo_path())


@pytest.mark.parametrize(
    "scheme_id", ["mps-recognition-2024", "qd28-2025-drug-free", "qd28-2025-complex-areas"]
)
def test_an_explanation_on_the_pool_is_the_one_made_on_the_caller(
    sample: dfc.Dataset, scheme_id: str
) -> None:
    scheme = dfc.get_scheme(scheme_id)
    codes = sorted(commune_units_in_force(sample, ON)["code"].to_list())
    assert codes
    for code in codes[:: max(1, len(codes) // 6)]:
        for lang in ("vi", "en"):
            unit, evaluation = api._evaluate_unit(sample, scheme, ON, code, True)
            by_hand = explain_unit(unit, evaluation, scheme, lang)
            assert dfc.explain(sample, scheme, ON, code, lang=lang) == by_hand
        pooled, _ = dfc.evaluate_unit(sample, scheme, ON, code, allow_no_coverage=True)
        assert pooled == unit


def test_an_explanation_with_one_polars_thread_finishes() -> None:
    """One worker runs the step and every call inside it: no call waits for another."""
    script = (
        "import datetime as dt, drugfree_core as dfc\n"
        "from drugfree_core.samples import demo_path\n"
        "import polars as pl\n"
        "assert pl.thread_pool_size() == 1\n"
        "ds = dfc.load(demo_path())\n"
        "from drugfree_core.engine.placement import commune_units_in_force\n"
        "code = sorted(commune_units_in_force(ds, dt.date(2025, 10, 1))['code'].to_list())[0]\n"
        "text = dfc.explain(ds, dfc.get_scheme('mps-recognition-2024'), dt.date(2025, 10, 1),"
        " code, lang='vi')\n"
        "print(len(text) > 0)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        env={**os.environ, "POLARS_MAX_THREADS": "1"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "True"
