"""Fuzzing the Python API: public functions called with arguments of every wrong kind.

Each public function of the packages a caller imports (``drugfree_core``, ``io``,
``reports``, ``adminmap``, ``rules``, ``catalogue``, ``scaffold``, ``service``) and each
record class of the model is called with arguments drawn from a pool of values of the
wrong type (``None``, numbers, bytes, a lone surrogate, a datetime where a date goes,
a string where a list goes...) mixed with right ones, so that the call gets past its
first argument. Whatever happens, only the library's own errors
(:class:`~drugfree_core.errors.DrugfreeError`) may come out: never a ``TypeError``, an
``AttributeError`` or a ``FileExistsError`` from deep inside.
"""

from __future__ import annotations

import datetime as dt
import functools
import inspect
import math
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from hostile import library_only
from hypothesis import given, note, settings
from hypothesis import strategies as st

import drugfree_core as dfc
import drugfree_core.adminmap as adminmap
import drugfree_core.catalogue as catalogue
import drugfree_core.io as dio
import drugfree_core.model as model
import drugfree_core.reports as reports
import drugfree_core.rules as rules
from drugfree_core.samples import demo_path
from drugfree_core.scaffold import create_plugin
from drugfree_core.service import mint_token

ON = dt.date(2025, 10, 1)


@functools.cache
def _right() -> dict[str, Any]:
    """Right values, built once, so that calls get past their first argument."""
    dataset = dfc.load(demo_path())
    scheme = dfc.get_scheme("mps-recognition-2024")
    evaluation = dfc.evaluate(dataset, scheme, ON)
    report = reports.build_report(dataset, ON)
    return {
        "dataset": dataset,
        "scheme": scheme,
        "evaluation": evaluation,
        "unit": evaluation.units[0],
        "report": report,
        "cases": reports.build_cases(dataset, ON, report),
    }


WRONG: tuple[Any, ...] = (
    None,
    0,
    -1,
    2**70,
    1.5,
    math.nan,
    True,
    "",
    "x",
    "\ud800",
    "\x00",
    b"bytes",
    [],
    ["a", 1],
    {},
    {"units": 1},
    object(),
    dt.date(1, 1, 1),
    dt.date(9999, 12, 31),
    dt.datetime(2025, 10, 1, 12, 0),
    ("00003",),
    Path("no/such/place.json"),
    pl.DataFrame({"a": [1]}),
    ON,
    "00003",
    "mps-recognition-2024",
    "national",
    "json",
)


def _rights() -> tuple[Any, ...]:
    right = _right()
    return (
        right["dataset"],
        right["scheme"],
        right["evaluation"],
        right["unit"],
        right["report"],
        right["cases"],
        str(demo_path()),
        demo_path(),
        b"k" * 32,
        ["aggregates"],
    )


def _functions(prefix: str, module: Any) -> dict[str, Callable[..., Any]]:
    return {
        f"{prefix}.{name}": getattr(module, name)
        for name in module.__all__
        if inspect.isfunction(getattr(module, name))
    }


FUNCTIONS: dict[str, Callable[..., Any]] = {
    **_functions("drugfree_core", dfc),
    **_functions("io", dio),
    **_functions("reports", reports),
    **_functions("adminmap", adminmap),
    **{f"rules.{n}": getattr(rules, n) for n in ("required_count",)},
    "catalogue.render_catalogue": catalogue.render_catalogue,
    "scaffold.create_plugin": create_plugin,
    "service.mint_token": mint_token,
    "Dataset.from_records": dfc.Dataset.from_records,
    "Dataset.from_frames": dfc.Dataset.from_frames,
    **{
        f"model.{n}": getattr(model, n)
        for n in (
            "AdminUnit",
            "LineageLink",
            "Subject",
            "Residence",
            "StatusPeriod",
            "DrugTest",
            "RehabEpisode",
            "CustodyPeriod",
            "UnitFact",
        )
    },
}


def _parameters(function: Callable[..., Any]) -> list[inspect.Parameter]:
    target = function.__init__ if inspect.isclass(function) else function  # type: ignore[misc]
    params = list(inspect.signature(target).parameters.values())
    if inspect.isclass(function):
        params = params[1:]  # self
    return [p for p in params if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_public_functions_raise_only_library_errors(name: str) -> None:
    function = FUNCTIONS[name]
    params = _parameters(function)
    values = st.sampled_from(WRONG + _rights())

    @settings(max_examples=25)
    @given(data=st.data())
    def call(data: st.DataObject) -> None:
        args: list[Any] = []
        kwargs: dict[str, Any] = {}
        for param in params:
            optional = param.default is not inspect.Parameter.empty
            if optional and data.draw(st.booleans(), label=f"leave {param.name}"):
                continue
            value = data.draw(values, label=param.name)
            if param.kind is param.KEYWORD_ONLY or optional:
                kwargs[param.name] = value
            else:
                args.append(value)
        note(f"{name}(*{args!r:.300}, **{kwargs!r:.300})")
        cwd = os.getcwd()
        with tempfile.TemporaryDirectory() as tmp:
            os.chdir(tmp)  # whatever a call writes lands here
            try:
                library_only(lambda: function(*args, **kwargs))
            finally:
                os.chdir(cwd)

    call()
