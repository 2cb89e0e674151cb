"""The benchmark's hand-written reference query agrees with the library, unit by unit.

``benchmarks/national.py`` measures the library against ``benchmarks/reference_query.py``
and refuses figures when their answers differ; this keeps the reference honest on small
data in every test run (verdicts, outcomes of every rule node, failing and undecided
people), with merged and split communes.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import attrs
import pytest

import drugfree_core as dfc
from drugfree_core.synth import SynthConfig, generate

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


@pytest.fixture(scope="module")
def reference() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "reference_query", BENCHMARKS / "reference_query.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["reference_query"] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    config = attrs.evolve(SynthConfig.scaled(units=80, subjects=3000, seed=5), split_share=0.1)
    target = tmp_path_factory.mktemp("reference") / "data"
    dfc.save(generate(config), target, format="parquet")
    return target


@pytest.mark.parametrize("on", [dt.date(2025, 10, 1), dt.date(2025, 3, 31), dt.date(2026, 6, 30)])
def test_reference_query_gives_the_librarys_answers(
    reference: ModuleType, folder: Path, on: dt.date
) -> None:
    evaluation = dfc.evaluate(dfc.load(folder), dfc.get_scheme("mps-recognition-2024"), on)
    assert evaluation.verdict_counts()["fail"]  # a real test: failing people to compare
    split = [u for u in evaluation.unplaced if u.kind == "split"]
    assert bool(split) == (on >= dt.date(2025, 7, 1))  # split communes
    ours = reference.query(folder, on).collect()
    assert ours.height == len(evaluation.units)
    assert reference.compare(ours, evaluation.to_dict(include_subjects=True)) == []


@pytest.mark.parametrize("on", [dt.date(2025, 10, 1), dt.date(2025, 7, 15)])
def test_reference_query_gives_no_data_where_the_library_does(
    reference: ModuleType, folder: Path, tmp_path: Path, on: dt.date
) -> None:
    # Coverage declared for some units only: the others are no data on both sides, and a
    # successor of a commune left out is covered only from the merger, which on 15 July
    # leaves the 30-day test windows and the tests since management short.
    import shutil

    import polars as pl

    partial = tmp_path / "partial"
    shutil.copytree(folder, partial)
    coverage = pl.read_parquet(partial / "coverage.parquet")
    kept = coverage.filter(pl.col("unit_code").hash() % 3 != 0)
    assert 0 < kept.height < coverage.height
    kept.write_parquet(partial / "coverage.parquet")
    evaluation = dfc.evaluate(dfc.load(partial), dfc.get_scheme("mps-recognition-2024"), on)
    counts = evaluation.verdict_counts()
    assert counts["no_data"] and counts["fail"]
    ours = reference.query(partial, on).collect()
    assert (
        ours["verdict"].value_counts().filter(pl.col("verdict") == "no_data")["count"][0]
        == (counts["no_data"])
    )
    assert reference.compare(ours, evaluation.to_dict(include_subjects=True)) == []


def test_reference_query_for_one_unit(reference: ModuleType, folder: Path) -> None:
    on = dt.date(2025, 10, 1)
    evaluation = dfc.evaluate(dfc.load(folder), dfc.get_scheme("mps-recognition-2024"), on)
    code = evaluation.units[3].unit_code
    ours = reference.query(folder, on, code).collect()
    document = evaluation.to_dict(include_subjects=True)
    document["units"] = [u for u in document["units"] if u["unit_code"] == code]
    assert reference.compare(ours, document) == []


def test_reference_over_dates_gives_each_dates_answers(reference: ModuleType, folder: Path) -> None:
    # The benchmark's same-work comparison for reports: the tables read once, each date
    # evaluated in turn, each giving the library's answers on that date.
    import polars as pl

    dates = [dt.date(2025, 3, 31), dt.date(2025, 9, 30), dt.date(2025, 10, 1)]
    together = reference.over_dates(folder, dates)
    scheme = dfc.get_scheme("mps-recognition-2024")
    data = dfc.load(folder)
    for on in dates:
        ours = together.filter(pl.col("date") == on).drop("date")
        assert ours.height and ours.equals(reference.query(folder, on).collect())
        document = dfc.evaluate(data, scheme, on).to_dict(include_subjects=True)
        assert reference.compare(ours, document) == []
