"""The fast paths give what the code they replace gave (issue 14, "same answers").

Each slow original is kept here, verbatim in behaviour, as the reference: the sorted-copy
look-up of ``Dataset._rows_where``, the sort-based ``_first_copies`` and the standard
library's indented JSON. The data fingerprint changed scheme on purpose (hashing rows
instead of sorting them), so its tests check the properties that made it useful: the
same content in any order or format gives the same value, any change gives another.
"""

from __future__ import annotations

import datetime as dt
import importlib
import itertools
import json
import math
import random
import struct
import sys
import threading
from collections import Counter
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from unittest import mock

import attrs
import numpy as np
import polars as pl
import pytest
from conftest import OwnSchemes, shuffled, verdicts_of_units
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies_core import MPS_START, Case, cases, coverage_rows
from test_engine_oracle import dataset_of

import drugfree_core as dfc
from drugfree_core.api import evaluate_unit
from drugfree_core.dataset import dataset as dataset_module
from drugfree_core.dataset.checks import (
    CHILD_TABLES,
    LOC,
    LOC_DTYPE,
    _cyclic_nodes,
    _dangling,
    _duplicates,
    _ends_soon,
    _orphans,
)
from drugfree_core.dataset.dataset import Dataset, QuarantinedRecord, _closure
from drugfree_core.dataset.person_keys import with_person_keys
from drugfree_core.engine import evaluate_verdict_by_unit, evaluate_verdicts
from drugfree_core.engine.change_days import change_days, stretch_of
from drugfree_core.engine.compile import Node
from drugfree_core.engine.context import EvalContext
from drugfree_core.engine.coverage import coverage_stretch
from drugfree_core.engine.json_floats import plain_float, plain_float_expr, plain_floats
from drugfree_core.engine.placement import (
    census,
    gone_people,
    has_repeats,
    successor_table,
    successor_table_on,
    successors_in_force,
    successors_on,
    territory_era,
)
from drugfree_core.engine.serialize import converter, dumps
from drugfree_core.engine.tabular import evaluation_frame, frame_from_json
from drugfree_core.errors import UsageError
from drugfree_core.explanation import explain_unit
from drugfree_core.i18n import use_lang
from drugfree_core.model.enums import RehabForm
from drugfree_core.plugins import PluginHost
from drugfree_core.reports import provenance
from drugfree_core.reports.provenance import FINGERPRINT_SCHEME, fingerprint
from drugfree_core.reports.quality.checks import _first_copies, _overlaps, _people_with_overlaps
from drugfree_core.rules.params import Period
from drugfree_core.samples import demo_path
from drugfree_core.schemes.registry import builtin_schemes
from drugfree_core.synth import SynthConfig, generate

ON = dt.date(2025, 10, 1)


@pytest.fixture(scope="module")
def demo() -> Dataset:
    return dfc.load(demo_path())


@pytest.fixture(scope="module")
def merged() -> Dataset:
    """Invented provinces with merged and split communes, so lineage is exercised."""
    config = SynthConfig.scaled(units=60, subjects=1500, seed=11)
    return generate(attrs.evolve(config, split_share=0.1))


# --- JSON: msgspec re-indents what the C encoder wrote -------------------------------------

_json_leaf = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text()
)


def _json_nested(inner: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4)


_json = st.recursive(_json_leaf, _json_nested, max_leaves=25)


@settings(max_examples=300)
@given(document=_json, indent=st.one_of(st.none(), st.integers(min_value=0, max_value=4)))
def test_json_fast_path_is_the_standard_library_byte_for_byte(document: Any, indent: Any) -> None:
    # floats of every size (1e-05, 1e+16), NaN, big integers, control characters and
    # lone surrogates: whatever msgspec cannot take goes the slow way, same bytes
    assert dumps(document, indent=indent) == json.dumps(document, ensure_ascii=False, indent=indent)


_json_keyed = st.recursive(
    _json_leaf,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.text(max_size=5) | st.integers() | st.floats(allow_nan=False) | st.booleans(),
            inner,
            max_size=4,
        )
    ),
    max_leaves=25,
)


@settings(max_examples=300)
@given(
    document=_json_keyed | st.lists(st.floats(width=64), max_size=6),
    indent=st.none() | st.integers(min_value=1, max_value=4),
)
def test_json_with_keys_of_any_kind_and_bare_floats_is_the_standard_librarys(
    document: Any, indent: int | None
) -> None:
    # msgspec writes 1e16 and 1e-05 its own way, and a float key as a float: those
    # documents go the standard library's way (a key of text needs no check)
    expected = json.dumps(document, ensure_ascii=False, indent=indent)
    assert dumps(document, indent=indent) == expected


@pytest.mark.parametrize("include_subjects", [True, False])
@pytest.mark.parametrize("indent", [None, 2])
def test_evaluation_json_is_the_old_encoders(
    merged: Dataset, include_subjects: bool, indent: int | None
) -> None:
    for scheme_id in ("mps-recognition-2024", "qd28-2025-complex-areas"):
        evaluation = dfc.evaluate(merged, dfc.get_scheme(scheme_id), ON)
        old = json.dumps(
            evaluation.to_dict(include_subjects=include_subjects),
            ensure_ascii=False,
            indent=indent,
        )
        assert evaluation.to_json(include_subjects=include_subjects, indent=indent) == old


@settings(max_examples=300)
@given(
    st.lists(
        st.none()
        | st.floats(width=64)
        | st.sampled_from([0.0, -0.0, 1e-4, -1e-4, 9.999e-5, 1e16, -1e16, 9.99e15, 5e-324]),
        max_size=12,
    )
)
def test_plain_floats_by_column_are_those_by_value(values: list[float | None]) -> None:
    # The engine checks its number columns at once; each cell as plain_float checks it
    column = pl.Series("x", values, dtype=pl.Float64())
    by_column = pl.select(plain_float_expr(pl.lit(column))).to_series().to_list()
    assert by_column == [None if v is None else plain_float(v) for v in values]


def _with_tiny_numbers(node: Node) -> Node:
    """*node* with its numbers scaled below 1e-4: written 1e-05 by repr, 0.00001 by msgspec."""
    tiny = [(pl.col(c) * 1e-9).alias(c) for c in ("observed", "numerator", "denominator")]
    return attrs.evolve(
        node,
        frame=node.frame.with_columns(tiny),
        children=tuple(_with_tiny_numbers(c) for c in node.children),
    )


@pytest.mark.parametrize("indent", [None, 2])
def test_evaluation_json_with_numbers_msgspec_writes_its_own_way_is_the_standard_librarys(
    merged: Dataset, monkeypatch: pytest.MonkeyPatch, indent: int | None
) -> None:
    # The units' floats are checked on the engine's columns, not walked: a column of
    # tiny numbers must send the document the standard library's way all the same.
    evaluate_module = importlib.import_module("drugfree_core.engine.evaluate")
    compiled = evaluate_module.compile_node
    monkeypatch.setattr(
        evaluate_module, "compile_node", lambda *a, **k: _with_tiny_numbers(compiled(*a, **k))
    )
    evaluation = dfc.evaluate(merged, dfc.get_scheme("mps-recognition-2024"), ON)
    assert evaluation.plain_unit_floats is not None and not evaluation.plain_unit_floats()
    document = evaluation.to_dict()
    assert not plain_floats(document["units"])  # the test holds floats msgspec writes apart
    expected = json.dumps(document, ensure_ascii=False, indent=indent)
    assert evaluation.to_json(indent=indent) == expected
    assert evaluation.to_json_bytes(indent=indent) == expected.encode()


@pytest.mark.parametrize("scheme_id", [s.id for s in builtin_schemes()])
def test_plain_unit_floats_from_columns_is_the_walk_over_the_units(
    merged: Dataset, scheme_id: str
) -> None:
    scheme = dfc.get_scheme(scheme_id)
    for on in (dt.date(2025, 6, 30), ON):
        if not scheme.in_force(on) or not scheme.criteria_on(on):
            continue
        evaluation = dfc.evaluate(merged, scheme, on, allow_no_coverage=True)
        assert evaluation.plain_unit_floats is not None
        assert evaluation.plain_unit_floats() == plain_floats(evaluation.unit_dicts())


@pytest.mark.parametrize("scheme_id", [s.id for s in builtin_schemes()])
def test_evaluation_json_from_columns_is_the_objects_byte_for_byte(
    merged: Dataset, scheme_id: str
) -> None:
    # The JSON written straight from the engine's columns (units never built) against
    # the JSON of the unit objects, in both languages, with and without subjects, on
    # data with splits, quarantine (downgraded passes) and uncovered units (no data).
    scheme = dfc.get_scheme(scheme_id)
    partly = _partly_covered(merged)
    for on in (dt.date(2025, 6, 30), ON):
        if not scheme.in_force(on) or not scheme.criteria_on(on):
            continue
        for data in (merged, partly):
            for lang in ("en", "vi"):
                for include_subjects in (True, False):
                    with use_lang(lang):
                        fast = dfc.evaluate(data, scheme, on, allow_no_coverage=True)
                        slow = dfc.evaluate(data, scheme, on, allow_no_coverage=True)
                        assert slow.units  # built: the JSON now comes from the objects
                        assert fast.to_json(include_subjects=include_subjects) == slow.to_json(
                            include_subjects=include_subjects
                        )


@pytest.mark.parametrize("scheme_id", [s.id for s in builtin_schemes()])
def test_evaluation_frame_from_columns_is_the_json(merged: Dataset, scheme_id: str) -> None:
    # The Parquet table is put together from the engine's columns; read off the JSON of
    # the unit objects it is the same frame, in both languages, with and without subject
    # ids, with uncovered units (root rows only) and downgraded passes. And the frame
    # holds every node of every unit's JSON.
    scheme = dfc.get_scheme(scheme_id)
    on = ON if scheme.in_force(ON) and scheme.criteria_on(ON) else dt.date(2025, 6, 30)
    if not scheme.in_force(on) or not scheme.criteria_on(on):
        pytest.skip("not in force on either date")
    for data in (merged, _partly_covered(merged)):
        for lang in ("en", "vi"):
            for include_subjects in (True, False):
                with use_lang(lang):
                    fast = dfc.evaluate(data, scheme, on, allow_no_coverage=True)
                    slow = dfc.evaluate(data, scheme, on, allow_no_coverage=True)
                    assert slow.units
                    frame = evaluation_frame(fast, include_subjects=include_subjects)
                    reference = frame_from_json(slow, include_subjects=include_subjects)
                    assert frame.schema == reference.schema
                    assert frame.equals(reference)
    slow = dfc.evaluate(merged, scheme, on, allow_no_coverage=True)
    frame = evaluation_frame(slow, include_subjects=True)
    document = json.loads(slow.to_json())
    nodes = sum(len(_tree(c["result"])) for u in document["units"] for c in u["criteria"])
    assert frame.height == nodes
    failing = frame.filter(pl.col("failing_count") > 0)
    assert failing["failing_subjects"].list.len().cast(pl.Int64).equals(failing["failing_count"])


def _partly_covered(merged: Dataset) -> Dataset:
    """*merged* with five units left uncovered and a quarantined record on six others."""
    uncovered = merged.units["code"].to_list()[:5]
    return attrs.evolve(
        merged,
        quarantined=(
            QuarantinedRecord(
                table="drug_tests",
                location="drug_tests.csv:row 3",
                reason="result must be one of negative, positive",
                record_id="S-q",
                unit_codes=tuple(merged.units["code"].to_list()[-6:]),
            ),
        ),
        coverage=merged.coverage.filter(~pl.col("unit_code").is_in(uncovered)),
    )


def _tree(node: dict[str, Any]) -> list[dict[str, Any]]:
    return [node, *(n for child in node.get("children", ()) for n in _tree(child))]


# --- explain: one filtering pass instead of a sorted copy -----------------------------------


def _rows_where_sorted(frame: pl.DataFrame, column: str, values: pl.Series) -> pl.DataFrame:
    """The replaced look-up: binary search in a copy sorted by *column*."""
    ordered = frame.with_row_index("_row").sort(column, maintain_order=True)
    keys = ordered[column]
    wanted = values.sort()
    starts = keys.search_sorted(wanted, side="left").to_numpy()
    ends = keys.search_sorted(wanted, side="right").to_numpy()
    ranges = [np.arange(a, b, dtype=np.int64) for a, b in zip(starts, ends, strict=True)]
    rows = np.concatenate(ranges) if ranges else np.empty(0, dtype=np.int64)
    picked = ordered[rows] if len(rows) else ordered.clear()
    return picked.sort("_row").drop("_row")


@settings(max_examples=100)
@given(
    keys=st.lists(st.sampled_from(["a", "b", "c", "d", "e", None]), max_size=40),
    wanted=st.sets(st.sampled_from(["a", "b", "c", "x"]), max_size=4),
)
def test_rows_where_by_filter_is_the_sorted_lookup(
    keys: list[str | None], wanted: set[str]
) -> None:
    frame = pl.DataFrame(
        {"subject_id": keys, "n": list(range(len(keys)))},
        schema={"subject_id": pl.String(), "n": pl.Int64()},
    )
    values = pl.Series(sorted(wanted), dtype=pl.String())

    # in any order a filtering pass or a look-up by hashes (every value one hash: the rows
    # found by it are checked), sorted by the key a binary search whose runs of rows are
    # listed in Python (a few) or by polars (many): the same rows
    def one_hash(values: pl.Series) -> pl.Series:
        return pl.Series(values.name, [7] * values.len(), dtype=pl.UInt64())

    for table in (frame, frame.sort("subject_id", maintain_order=True)):
        for few, hashed_from, hashing in itertools.product(
            (0, 1, 500), (0, 10**6), (pl.Series.hash, one_hash)
        ):
            dataset = attrs.evolve(Dataset.from_frames({}), drug_tests=table)
            with (
                mock.patch.object(dataset_module, "_FEW_RANGES", few),
                mock.patch.object(dataset_module, "_HASHED_FROM", hashed_from),
                mock.patch.object(dataset_module, "_hashed", hashing),
            ):
                got = dataset._rows_where("drug_tests", "subject_id", values)
                # the public look-up takes values in any order, repeated, with nulls
                loose = pl.concat([values.reverse(), values, pl.Series([None], dtype=pl.String())])
                public = dataset.rows_with("drug_tests", "subject_id", loose)
            assert got.equals(_rows_where_sorted(table, "subject_id", values))
            assert public.equals(got)
    # A column of categories, the values text (a part cut from frames that were not
    # conformed): a text hashes otherwise than its category, and is looked up as one.
    categories = attrs.evolve(
        Dataset.from_frames({}),
        drug_tests=frame.with_columns(pl.col("subject_id").cast(pl.Categorical())),
    )
    with mock.patch.object(dataset_module, "_HASHED_FROM", 0):
        got = categories._rows_where("drug_tests", "subject_id", values)
    assert got.with_columns(pl.col("subject_id").cast(pl.String())).equals(
        _rows_where_sorted(frame, "subject_id", values)
    )


def test_rows_with_reads_the_values_in_the_columns_type_and_order() -> None:
    # A category column sorted in its categories' order (not the words' order) is
    # searched in that order; a word that is no category, or a null, matches no row; a
    # column holding a null is read by one filtering pass.
    kind = Dataset.from_frames({}).drug_tests.schema["method"]
    words = list(kind.categories)  # type: ignore[attr-defined]
    assert words != sorted(words)  # else this test would not tell the orders apart
    cells = pl.Series("method", [w for w in reversed(words) for _ in range(3)], dtype=kind)
    by_category = pl.DataFrame([cells]).sort("method").with_row_index("n")
    dataset = attrs.evolve(Dataset.from_frames({}), drug_tests=by_category)
    for asked in ([words[-1], "no such word", None], [words[-1], None, words[0], words[-1]]):
        wanted = {w for w in asked if w in words}
        expected = by_category.filter(pl.col("method").cast(pl.String()).is_in(sorted(wanted)))
        got = dataset.rows_with("drug_tests", "method", pl.Series(asked, dtype=pl.String()))
        assert got.equals(expected)
    ids = pl.DataFrame({"subject_id": ["a", None, "b", "b"], "n": [0, 1, 2, 3]})
    dataset = attrs.evolve(Dataset.from_frames({}), drug_tests=ids)
    got = dataset.rows_with("drug_tests", "subject_id", pl.Series(["b", None]))
    assert got["n"].to_list() == [2, 3]


_PERSON_KEYS = {
    "subjects": "id",
    **{t: "subject_id" for t in ("residences", "status_periods", "drug_tests")},
    **{t: "subject_id" for t in ("rehab_episodes", "custody_periods")},
}


def test_tables_sorted_by_person_are_flagged_and_read_as_in_any_order(merged: Dataset) -> None:
    # Flagged sorted, polars takes its sorted paths (binary search, merge joins,
    # groupings); in any other order nothing is flagged. Same answers either way.
    ordered = Dataset.from_frames(
        {
            name: frame.sort(_PERSON_KEYS[name], maintain_order=True)
            if name in _PERSON_KEYS
            else frame
            for name, frame in merged.frames().items()
        },
        map_source=merged.map_source,
        supplied=merged.supplied,
    )
    mixed = shuffled(merged, random.Random(5))
    for name, key in _PERSON_KEYS.items():
        assert ordered.frame(name)[key].flags["SORTED_ASC"], name
        assert not mixed.frame(name)[key].flags["SORTED_ASC"], name
    for scheme_id in ("mps-recognition-2024", "qd28-2025-complex-areas"):
        scheme = dfc.get_scheme(scheme_id)
        full = dfc.evaluate(ordered, scheme, ON)
        ours, theirs = (json.loads(dfc.evaluate(d, scheme, ON).to_json()) for d in (ordered, mixed))
        # the people who could not be placed are listed in the order the data gave them
        for document in (ours, theirs):
            document["unplaced_subjects"].sort(key=lambda p: p["subject_id"])
        assert ours == theirs
        for unit in full.units[::7]:
            assert evaluate_unit(ordered, scheme, ON, unit.unit_code)[0] == unit
            assert evaluate_unit(mixed, scheme, ON, unit.unit_code)[0] == unit


@pytest.mark.parametrize("in_order", [True, False])
def test_a_loaded_tables_person_key_is_flagged_sorted_when_it_is(
    merged: Dataset, tmp_path: Path, in_order: bool
) -> None:
    # The load asks which keys ascend beside its checks, of the rows as read: a record
    # the checks leave out (a test of nobody) leaves a sorted key sorted and flagged.
    folder = tmp_path / "tables"
    dfc.io.save(merged, folder, format="parquet")  # written sorted by person
    for name, key in _PERSON_KEYS.items():
        frame = pl.read_parquet(folder / f"{name}.parquet")
        if name == "drug_tests":
            stray = frame.head(1).with_columns(pl.lit("S~nobody").alias(key))
            frame = pl.concat([frame, stray]).sort(key, maintain_order=True)
        if not in_order:
            frame = frame.sample(fraction=1.0, shuffle=True, seed=5)
        frame.write_parquet(folder / f"{name}.parquet")
    loaded = dfc.load(folder, quarantine=True)
    assert [q.table for q in loaded.quarantined] == ["drug_tests"]
    assert loaded.drug_tests.height == merged.drug_tests.height
    for name, key in _PERSON_KEYS.items():
        assert loaded.frame(name)[key].flags["SORTED_ASC"] is in_order, name


@pytest.mark.parametrize(
    ("scheme_id", "on"),
    [
        ("mps-recognition-2024", dt.date(2025, 3, 31)),
        ("qd28-2025-drug-free", ON),
        ("qd28-2025-complex-areas", ON),
        ("qd28-2025-provinces", ON),
    ],
)
def test_some_units_of_the_whole_data_are_those_of_the_whole_evaluation(
    merged: Dataset, scheme_id: str, on: dt.date
) -> None:
    # Asked for a few units, the engine reads only the people placed in them: their
    # results are those of the whole evaluation, the province level's included.
    scheme = dfc.get_scheme(scheme_id)
    whole = {u.unit_code: u for u in dfc.evaluate(merged, scheme, on).units}
    some = sorted(whole)[::3]
    part = dfc.evaluate(merged.for_one_date(), scheme, on, units=some, allow_no_coverage=True)
    assert [u.unit_code for u in part.units] == some
    for unit in part.units:
        assert unit == whole[unit.unit_code]


def test_explain_of_one_unit_is_the_full_evaluations_byte_for_byte(merged: Dataset) -> None:
    for scheme_id in ("mps-recognition-2024", "qd28-2025-complex-areas"):
        scheme = dfc.get_scheme(scheme_id)
        full = dfc.evaluate(merged, scheme, ON)
        for unit in full.units:
            one, part = evaluate_unit(merged, scheme, ON, unit.unit_code)
            assert one == unit
            for lang in ("en", "vi"):
                assert explain_unit(one, part, scheme, lang) == explain_unit(
                    unit, full, scheme, lang
                )


def test_people_anywhere_are_counted_without_building_their_records(merged: Dataset) -> None:
    # A merged commune whose lineage link is lost: its residents are "gone".
    first = merged.lineage["predecessor_code"][0]
    cut = attrs.evolve(merged, lineage=merged.lineage.filter(pl.col("predecessor_code") != first))
    scheme = dfc.get_scheme("mps-recognition-2024")
    full = dfc.evaluate(cut, scheme, ON)
    counted = full.unplaced_anywhere  # before any record exists
    gone = [u for u in full.unplaced if u.kind == "gone"]
    assert gone and counted == len(gone)
    for unit in full.units[:5]:
        _, part = evaluate_unit(cut, scheme, ON, unit.unit_code)
        assert part.unplaced_anywhere == counted
        assert sum(1 for u in part.unplaced if u.kind == "gone") == counted


# --- verdicts from the criteria's columns, without the rule trees -------------------------


@pytest.mark.parametrize(
    "scheme_id",
    [s.id for s in builtin_schemes()],
)
def test_verdicts_from_columns_are_the_unit_results(merged: Dataset, scheme_id: str) -> None:
    # Every built-in scheme (classification levels, province level, provincial ones) on
    # data with splits, merges and quarantine, on dates either side of the reform.
    scheme = dfc.get_scheme(scheme_id)
    for on in (dt.date(2025, 6, 30), ON, dt.date(2026, 12, 31)):
        if not scheme.in_force(on) or not scheme.criteria_on(on):
            continue
        for data in (merged, _partly_covered(merged)):
            fresh = dfc.evaluate(data, scheme, on, allow_no_coverage=True)
            from_columns = fresh.verdicts  # read before the units are built
            assert from_columns == verdicts_of_units(fresh)
            # and without listing anyone (a report's earlier dates)
            assert evaluate_verdicts(data, scheme, on, allow_no_coverage=True) == from_columns
            # and by unit code only, without a record per unit: in the units' order too
            expected = [(v.unit_code, v.verdict) for v in from_columns]
            by_unit = evaluate_verdict_by_unit(data, scheme, on, allow_no_coverage=True)
            assert list(by_unit.items()) == expected
            # from the columns before any record is built, and read-only (it is kept)
            columns_only = dfc.evaluate(data, scheme, on, allow_no_coverage=True)
            assert list(columns_only.verdict_by_unit.items()) == expected
            assert "verdicts" not in columns_only._cache and "units" not in columns_only._cache
            with pytest.raises(TypeError):
                columns_only.verdict_by_unit[expected[0][0]] = dfc.Outcome.PASS  # type: ignore[index]
            # read off the verdicts once they are built, or off the units alone
            assert list(fresh.verdict_by_unit.items()) == expected
            units_only = dfc.evaluate(data, scheme, on, allow_no_coverage=True)
            assert units_only.units
            assert list(units_only.verdict_by_unit.items()) == expected
            counts = Counter(u.verdict.value for u in fresh.units)
            assert fresh.verdict_counts() == {o.value: counts[o.value] for o in dfc.Outcome}


# --- what a dataset keeps for its next date -----------------------------------------------


def _coverage_ending(data: Dataset, on: dt.date, units: int) -> Dataset:
    """*data* with the coverage of its first *units* covered units ending on *on*."""
    codes = data.coverage["unit_code"].unique().sort().to_list()[:units]
    ending = pl.col("unit_code").is_in(codes) & (pl.col("covered_from") <= on)
    return attrs.evolve(
        data,
        coverage=data.coverage.with_columns(
            pl.when(ending).then(pl.lit(on)).otherwise(pl.col("covered_to")).alias("covered_to")
        ),
    )


def _covered_by_provinces(data: Dataset) -> Dataset:
    """*data* covered by one open row per province: its coverage never changes."""
    provinces = data.units.filter(pl.col("kind") == "province")["code"]
    rows = pl.DataFrame(
        {"unit_code": provinces, "covered_from": dt.date(2020, 1, 1), "covered_to": None},
        schema_overrides={"covered_to": pl.Date},
    )
    return attrs.evolve(data, coverage=pl.concat([rows, data.coverage.clear()], how="diagonal"))


def _fresh(data: Dataset) -> Dataset:
    """A copy of *data* that has derived nothing yet."""
    return attrs.evolve(data)


@pytest.mark.parametrize("scheme_id", [s.id for s in builtin_schemes()])
def test_one_dataset_on_many_dates_is_a_fresh_one_on_each(merged: Dataset, scheme_id: str) -> None:
    # What a dataset keeps from one date for the next (the units covered, kept per
    # stretch of days with the same units, lineage and coverage rows) must be what a
    # fresh dataset finds on each date: across the reform, the end of the old units'
    # coverage, some units' coverage ending in the middle of an era, and coverage that
    # never changes while the territory does.
    scheme = dfc.get_scheme(scheme_id)
    last_day = dt.date(2025, 11, 30)
    days = [
        dt.date(2025, 6, 29),
        dt.date(2025, 6, 30),
        dt.date(2025, 7, 1),
        ON,
        last_day,
        last_day + dt.timedelta(days=1),
        dt.date(2026, 12, 31),
        dt.date(2027, 1, 1),
    ]
    variants = (
        merged,
        _coverage_ending(_partly_covered(merged), last_day, 8),
        _covered_by_provinces(merged),
    )
    for data in variants:
        shared = _fresh(data)
        for on in [*days, *reversed(days)]:
            if not scheme.in_force(on) or not scheme.criteria_on(on):
                continue
            expected = evaluate_verdicts(_fresh(data), scheme, on, allow_no_coverage=True)
            assert evaluate_verdicts(shared, scheme, on, allow_no_coverage=True) == expected


@settings(max_examples=60, deadline=None)
@given(
    case=cases(min_date=MPS_START + dt.timedelta(days=400), vary_data=False),
    offsets=st.lists(st.sampled_from((-400, -1, 0, 1, 2)), min_size=2, max_size=6),
    draw=st.data(),
)
def test_generated_coverage_on_many_dates_is_found_afresh_on_each(
    case: Case, offsets: list[int], draw: st.DataObject
) -> None:
    # Coverage rows that start and end around the case's date (or are open): the dates
    # fall in one stretch of coverage or in several, in any order.
    rows = draw.draw(coverage_rows(case.on, [u.code for u in case.records.units]))
    records = attrs.evolve(case.records, coverage=rows)
    data = attrs.evolve(dataset_of(case, records), supplied=case.supplied | {"coverage"})
    shared = _fresh(data)
    scheme = dfc.get_scheme("mps-recognition-2024")
    for offset in offsets:
        on = case.on + dt.timedelta(days=offset)
        expected = evaluate_verdicts(_fresh(data), scheme, on, allow_no_coverage=True)
        assert evaluate_verdicts(shared, scheme, on, allow_no_coverage=True) == expected


# --- quality: duplicates found by hashing, then only the copies sorted --------------------


def _first_copies_sorted(frame: pl.DataFrame, keys: list[str]) -> pl.DataFrame:
    """The replaced check: sort everything on the keys, compare neighbours."""
    ordered = frame.sort(keys, maintain_order=True)
    same = pl.all_horizontal(pl.col(k).eq_missing(pl.col(k).shift(1)) for k in keys)
    return ordered.with_columns(
        pl.when(same).then(None).otherwise(pl.col("row")).forward_fill().alias("first")
    ).filter(same)


@settings(max_examples=100)
@given(
    rows=st.lists(
        st.tuples(
            st.sampled_from(["S1", "S2", "S3"]),
            st.one_of(st.none(), st.integers(0, 3)),
            st.sampled_from(["negative", "positive"]),
        ),
        max_size=40,
    )
)
def test_first_copies_by_hashing_is_the_sorted_check(rows: list[tuple[Any, ...]]) -> None:
    given_rows = pl.DataFrame(
        rows,
        schema={"subject_id": pl.String(), "day": pl.Int64(), "result": pl.String()},
        orient="row",
    )
    keys = ["subject_id", "day", "result"]
    # With days missing, and without (a null day keeps the runs from being trusted)
    for frame in (given_rows, given_rows.drop_nulls("day")):
        frame = frame.with_row_index("row")
        expected = _first_copies_sorted(frame, keys).sort("row")
        assert _first_copies(frame, keys).sort("row").equals(expected)
        # rows grouped by person take the sorting path, any other order the hashing one;
        # sorted by day within each person too, only the runs of one person's day are sorted
        grouped = frame.sort("subject_id", maintain_order=True)
        assert _first_copies(grouped, keys).sort("row").equals(expected)
        by_day = frame.sort("subject_id", "day", maintain_order=True)
        assert _first_copies(by_day, keys).sort("row").equals(expected)
        assert _first_copies(by_day, keys).equals(_first_copies_sorted(by_day, keys))
        # sorted within each person by a later key (statuses by start, not by kind)
        by_result = frame.sort("subject_id", "result", maintain_order=True)
        assert _first_copies(by_result, keys).equals(_first_copies_sorted(by_result, keys))


@settings(max_examples=100)
@given(
    rows=st.lists(
        st.tuples(
            st.sampled_from(["S1", "S2", "S3"]),
            st.sampled_from(["addict", "post_rehab"]),
            st.integers(0, 12),
            st.one_of(st.none(), st.integers(0, 6)),
        ),
        max_size=30,
    )
)
def test_overlaps_found_after_the_one_pass_filter_are_all_of_them(
    rows: list[tuple[str, str, int, int | None]],
) -> None:
    first = dt.date(2025, 1, 1)

    def day(n: int | None) -> dt.date | None:
        return None if n is None else first + dt.timedelta(n)

    frame = pl.DataFrame(
        [
            (person, kind, day(start), day(None if n is None else start + n))
            for person, kind, start, n in rows
        ],
        schema={
            "subject_id": pl.String(),
            "kind": pl.String(),
            "start": pl.Date(),
            "end": pl.Date(),
        },
        orient="row",
    ).with_row_index("row")

    def pairs(found: pl.DataFrame) -> list[tuple[int, int]]:
        return sorted(zip(found["row"].to_list(), found["row_other"].to_list(), strict=True))

    # listed by person and start (the one pass runs), and in the order given (it does not)
    for ordered in (frame.sort("subject_id", "start", maintain_order=True), frame):
        for by in (["subject_id"], ["subject_id", "kind"]):
            kept = _people_with_overlaps(ordered)
            assert pairs(_overlaps(kept, by)) == pairs(_overlaps(ordered, by))
            assert set(kept["subject_id"]) <= set(ordered["subject_id"])


# --- fingerprint: order and format do not count, content does ------------------------------


def test_fingerprint_ignores_row_order(merged: Dataset) -> None:
    value = fingerprint(merged)
    assert len(value) == 64 and int(value, 16) >= 0
    for seed in range(3):
        assert fingerprint(shuffled(merged, random.Random(seed))) == value


def test_fingerprint_ignores_the_file_format(demo: Dataset, tmp_path: Path) -> None:
    value = fingerprint(demo)
    for fmt, target in (("csv", "csv"), ("parquet", "pq"), ("json", "d.json")):
        dfc.save(demo, tmp_path / target, format=fmt)  # type: ignore[arg-type]
        assert fingerprint(dfc.load(tmp_path / target)) == value, fmt


def _changed(dataset: Dataset, table: str, change: pl.Expr) -> Dataset:
    frame = dataset.frame(table)
    return attrs.evolve(dataset, **{table: frame.with_columns(change)})


def _first_row(column: str, value: pl.Expr) -> pl.Expr:
    return pl.when(pl.int_range(pl.len()) == 0).then(value).otherwise(pl.col(column)).alias(column)


def test_fingerprint_sees_every_change(demo: Dataset) -> None:
    value = fingerprint(demo)
    tests = demo.drug_tests
    variants = {
        "a date one day later": _changed(
            demo, "drug_tests", _first_row("date", pl.col("date") + dt.timedelta(days=1))
        ),
        "a result flipped": _changed(
            demo,
            "drug_tests",
            _first_row("result", pl.lit("positive").cast(tests["result"].dtype))
            if tests["result"][0] == "negative"
            else _first_row("result", pl.lit("negative").cast(tests["result"].dtype)),
        ),
        "an id one character longer": _changed(
            demo, "subjects", _first_row("id", pl.col("id") + "0")
        ),
        "a known value made unknown": _changed(
            demo,
            "status_periods",
            _first_row("has_management_record", pl.lit(None, pl.Boolean())),
        ),
        "a population one more": _changed(
            demo, "units", _first_row("resident_population", pl.col("resident_population") + 1)
        ),
        "a row twice": attrs.evolve(demo, drug_tests=pl.concat([tests, tests.head(1)])),
        "a row less": attrs.evolve(demo, drug_tests=tests.slice(1)),
        "two rows' dates swapped": attrs.evolve(
            demo,
            drug_tests=tests.with_columns(
                pl.concat(
                    [tests["date"].slice(1, 1), tests["date"].slice(0, 1), tests["date"].slice(2)]
                ).alias("date")
            ),
        ),
        "a quarantined record": attrs.evolve(
            demo,
            quarantined=(QuarantinedRecord(table="units", location="x:row 2", reason="r"),),
        ),
    }
    assert tests["date"][0] != tests["date"][1]
    seen = {value}
    for name, variant in variants.items():
        changed = fingerprint(variant)
        assert changed not in seen, name
        seen.add(changed)


#: Texts of exactly eight UTF-8 bytes: eight of one byte, four of two, two of four.
_ONE_WORD = st.one_of(
    st.text(st.characters(max_codepoint=0x7F), min_size=8, max_size=8),
    st.text(st.characters(min_codepoint=0x80, max_codepoint=0x7FF), min_size=4, max_size=4),
    st.text(st.characters(min_codepoint=0x10000, max_codepoint=0x10FFFF), min_size=2, max_size=2),
)


@settings(max_examples=100)
@given(st.lists(_ONE_WORD, min_size=1, max_size=20), st.sampled_from(["", None, "S1"]))
def test_fingerprint_reads_one_word_ids_whole_as_it_reads_them_word_by_word(
    words: list[str], other: str | None
) -> None:
    # A column of texts of exactly eight bytes (ids) is read whole; one with a missing or
    # shorter text word by word: the same numbers either way.
    full = pl.Series("id", words, dtype=pl.String())
    assert provenance._text_layout(full) == (1, True)
    mixed = pl.Series("id", [*words, other], dtype=pl.String())
    assert provenance._text_layout(mixed) == (1, False)
    for column, layouts in ((full, [(1, True), (1, False)]), (mixed, [(1, False)])):
        for layout in layouts:
            cells = provenance._cells(column, layout)
            assert _text_cells_by_word(column) == [c.to_list() for c in cells]


def _text_cells_by_word(column: pl.Series) -> list[list[int]]:
    """A one-word text column's numbers as the general path makes them (padded, sliced)."""
    raw = (column + "\x00" * 7).cast(pl.Binary())
    by_word = raw.bin.slice(0, 8).bin.reinterpret(dtype=pl.UInt64(), endianness="little")
    lengths = column.str.len_bytes().fill_null(0).cast(pl.UInt64())
    return [lengths.to_list(), by_word.fill_null(0).to_list()]


def test_fingerprint_tells_texts_apart_at_the_edges() -> None:
    # lengths around the 8-byte words, a trailing zero byte, multi-byte characters
    names = ["", "a", "a\x00", "abcdefgh", "abcdefgh\x00", "abcdefghi", "ệ", "e", None]
    values = set()
    for name in names:
        frame = pl.DataFrame(
            {"code": ["U1"], "name": [name], "kind": ["commune"]},
            schema={"code": pl.String(), "name": pl.String(), "kind": pl.String()},
        )
        units = Dataset.from_frames({}).units
        row = units.clear().vstack(
            frame.with_columns(
                pl.col("kind").cast(units.schema["kind"]),
                pl.lit(None, pl.String()).alias("parent_code"),
                pl.lit(None, pl.Int64()).alias("resident_population"),
                pl.lit(None, pl.Date()).alias("valid_from"),
                pl.lit(None, pl.Date()).alias("valid_to"),
            ).select(units.columns)
        )
        values.add(fingerprint(attrs.evolve(Dataset.from_frames({}), units=row)))
    assert len(values) == len(names)


def test_fingerprint_is_pinned_by_its_scheme(demo: Dataset) -> None:
    # A change in the computation must come with a new scheme name (and a CHANGELOG line):
    # these values pin scheme 3.
    assert FINGERPRINT_SCHEME == "drugfree-fingerprint/3"
    assert (
        fingerprint(Dataset.from_frames({}))
        == "6cb1503e4a8ce434060e68ab56c6a1f7470471a112f18425193b1844be7267e5"
    )


def test_fingerprint_of_the_demo_data_is_pinned(demo: Dataset) -> None:
    # Every kind of column, categories in their order and out of it (a test's method is
    # "screening" before "confirmatory"): the value scheme 3 gave before categories in
    # order were read by their codes.
    assert fingerprint(demo) == "6a1023df9849625062ebdb9ee7629c7c57c48523626e0ffcf58915a57aa9284a"


@settings(max_examples=100)
@given(
    st.lists(
        st.none()
        | st.floats(allow_nan=True, allow_infinity=True)
        | st.sampled_from([0.0, -0.0, float("nan"), -float("nan"), 5e-324, -1e308]),
        min_size=1,
        max_size=20,
    )
)
def test_fingerprint_reads_a_float_as_its_bits(values: list[float | None]) -> None:
    """A float cell is its IEEE 754 bits, read by polars as by the standard library:
    every zero one pattern (0) and every NaN one (Python's), so that a file written as
    CSV or JSON, which cannot tell them apart, keeps its fingerprint."""
    column = pl.Series("value", values, dtype=pl.Float64())
    cells = provenance._cells(column, provenance._text_layout(column))[0].to_list()

    def bits(value: float) -> int:
        canonical = 0.0 if value == 0.0 else float("nan") if math.isnan(value) else value
        return int(struct.unpack("<Q", struct.pack("<d", canonical))[0])

    # a missing cell's number is any (its column's marker replaces it when rows are folded)
    assert [c for c, v in zip(cells, values, strict=True) if v is not None] == [
        bits(v) for v in values if v is not None
    ]


@pytest.mark.parametrize("order", [["a", "b", "c"], ["c", "a", "b"], ["b", "c", "a"]])
def test_fingerprint_reads_a_category_by_its_rank_however_the_categories_are_ordered(
    order: list[str],
) -> None:
    values = ["b", None, "a", "c", "b"]
    column = pl.Series("kind", values, dtype=pl.Enum(order))
    cells = provenance._cells(column, provenance._text_layout(column))[0].to_list()
    # a missing cell's number is any (its column's marker replaces it when rows are folded)
    assert [c for c, v in zip(cells, values, strict=True) if v is not None] == [1, 0, 2, 1]


def test_report_json_is_the_old_encoders() -> None:
    from report_fixture import sample_report

    from drugfree_core.reports.export.json_out import render_json, report_document

    for report in (sample_report(), sample_report(provinces=1, suppression=5)):
        old = json.dumps(report_document(report), ensure_ascii=False, indent=2, allow_nan=False)
        assert render_json(report) == old + "\n"


def test_json_fast_path_refuses_nan_when_asked() -> None:
    with pytest.raises(ValueError, match="JSON compliant"):
        dumps({"x": float("nan")}, indent=2, allow_nan=False)


def test_issue_table_counts_and_reads_like_the_records(merged: Dataset) -> None:
    from drugfree_core.reports.quality import IssueTable, assess_quality

    # An early date leaves many records dated after it: future tests and records too.
    for on in (ON, dt.date(2025, 1, 15)):
        quality = assess_quality(merged, on)
        assert isinstance(quality.issues, IssueTable) and len(quality.issues) > 0
        # Counted before any text exists (the issue texts are made when records are read)
        totals, by_check, length = quality.totals(), quality.by_check(), len(quality.issues)
        records = tuple(quality.issues)
        assert length == len(records)
        found = {check for check, n in by_check.items() if n}
        assert len(found) >= 3, found
        as_tuple = attrs.evolve(quality, issues=records)
        assert totals == as_tuple.totals() and by_check == as_tuple.by_check()
        assert quality.issues == records and quality.issues[0] == records[0]
        assert quality == as_tuple


def test_unplaced_people_are_written_as_the_converter_wrote_them(merged: Dataset) -> None:
    # A merged commune whose lineage link is lost: its residents are "gone", with a unit.
    first = merged.lineage["predecessor_code"][0]
    cut = attrs.evolve(merged, lineage=merged.lineage.filter(pl.col("predecessor_code") != first))
    scheme = dfc.get_scheme("mps-recognition-2024")
    for lang in ("en", "vi"):
        with use_lang(lang):
            # Written off the frame (no record built yet), then off the records.
            evaluation = dfc.evaluate(cut, scheme, ON)
            from_frame = evaluation.to_dict()["unplaced_subjects"]
            counted = evaluation.to_dict(include_subjects=False)["unplaced_subjects"]
            assert "unplaced" not in evaluation._cache
            records = evaluation.unplaced
            assert {u.kind for u in records} == {"split", "no_residence", "gone"}
            assert from_frame == [converter.unstructure(u) for u in records]
            assert evaluation.to_dict()["unplaced_subjects"] == from_frame
            assert counted == len(records)


def test_a_date_copy_starts_with_what_has_no_date_and_keeps_its_dates(demo: Dataset) -> None:
    base = attrs.evolve(demo)
    base.derived(("index",), lambda: "undated")
    base.derived(("placement", ON), lambda: "of a date")
    copy = base.for_one_date()
    assert copy.derived(("index",), lambda: "built again") == "undated"
    assert copy.derived(("placement", ON), lambda: "its own") == "its own"
    copy.derived(("new index",), lambda: "found on the copy")
    copy.derived(("census", ON), lambda: "of the copy's date")
    base.keep_undated(copy)
    assert base.derived(("new index",), lambda: "missing") == "found on the copy"
    assert base.derived(("census", ON), lambda: "not kept") == "not kept"
    assert base.derived(("placement", ON), lambda: "changed") == "of a date"


def test_copies_that_keep_the_map_share_what_is_derived_from_it(demo: Dataset) -> None:
    """Whenever it is built, by the dataset or by a copy with other people or for a date."""
    base = attrs.evolve(demo)
    base.derived(("index",), lambda: "from the map", map_only=True)
    people = base.with_people(subjects=base.subjects.head(1))
    assert people.subjects.height == 1 and people.units is base.units
    dated = base.for_one_date()
    assert people.derived(("index",), lambda: "built again", map_only=True) == "from the map"
    # Built by a copy after it was made: the dataset and its other copies find it.
    people.derived(("later",), lambda: "from the copy", map_only=True)
    for other in (base, dated, people.for_one_date()):
        assert other.derived(("later",), lambda: "built again", map_only=True) == "from the copy"
    # What may read people is not shared, and a part of the data has its own map.
    base.derived(("census", ON), lambda: "the dataset's")
    assert people.derived(("census", ON), lambda: "the copy's") == "the copy's"
    part = base.restrict_to_units(base.units["code"].head(1).to_list())
    assert part.derived(("index",), lambda: "the part's", map_only=True) == "the part's"
    # ... unless it keeps the whole map: then it shares its values, both ways.
    whole = base.restrict_to_units(base.units["code"].head(1).to_list(), whole_map=True)
    assert all(whole.frame(t) is base.frame(t) for t in ("units", "lineage", "coverage"))
    assert whole.subjects.height < base.subjects.height
    assert whole.derived(("index",), lambda: "the part's", map_only=True) == "from the map"
    whole.derived(("from a part",), lambda: "the part's", map_only=True)
    assert base.derived(("from a part",), lambda: "built again", map_only=True) == "the part's"
    with pytest.raises(UsageError, match="units"):
        base.with_people(units=base.units)


def test_a_part_with_the_whole_map_answers_only_for_its_units(
    merged: Dataset, tmp_path: Path
) -> None:
    """Every other unit of its map has nobody's records: judging it, or saving the part
    (which would then load as a dataset where nobody lives there), is refused."""
    scheme = dfc.get_scheme("mps-recognition-2024")
    codes = sorted(
        u.unit_code for u in dfc.evaluate(merged, scheme, ON, allow_no_coverage=True).units
    )
    asked, other = codes[:2], codes[-1]
    part = merged.restrict_to_units(asked, people="own", whole_map=True)
    assert part.records_for is not None and set(asked) <= part.records_for
    assert other not in part.records_for and merged.records_for is None
    on_part = dfc.evaluate(part, scheme, ON, units=asked, allow_no_coverage=True)
    whole = dfc.evaluate(merged, scheme, ON, units=asked, allow_no_coverage=True)
    assert on_part.units == whole.units
    # Its copies (a date's, the person keys') are parts too.
    assert part.for_one_date().records_for == part.records_for
    for units in (None, [*asked, other]):
        with pytest.raises(UsageError, match="holds the people of"):
            dfc.evaluate(part, scheme, ON, units=units, allow_no_coverage=True)
    with use_lang("vi"), pytest.raises(UsageError, match="chỉ chứa người của"):
        dfc.evaluate(part, scheme, ON, allow_no_coverage=True)
    for target in (tmp_path / "part.json", tmp_path / "part"):
        with pytest.raises(UsageError, match="cannot be saved"):
            dfc.save(part, target)
        assert not target.exists()


def test_the_person_keys_copy_finds_the_successors_of_the_ids(merged: Dataset) -> None:
    """A report's series on person keys reads the map's values its reference date made."""
    dataset = attrs.evolve(merged)  # a fresh memo
    keyed = with_person_keys(dataset)
    assert keyed is not None
    table = successor_table_on(dataset, dt.date(2025, 10, 1))  # made after the copy
    assert table is not None and successor_table_on(keyed, dt.date(2025, 9, 30)) is table
    assert successors_on(keyed, dt.date(2025, 8, 1)) is successors_on(dataset, _REFORM)
    # Every value marked as the map's: an evaluation and a part of the data make them.
    dfc.evaluate(dataset, dfc.get_scheme("mps-recognition-2024"), ON, allow_no_coverage=True)
    dataset.restrict_to_units(dataset.units["code"].head(3).to_list())
    on = territory_era(dataset, ON), coverage_stretch(dataset, ON)
    made = [
        ("coverage rows",),
        ("coverage changes",),
        ("territory changes",),
        ("covered", *on),
        ("communes", on[0]),
        ("commune codes", on[0]),
    ]
    again = object()
    for key in [*made, "lineage neighbours", "unit parents"]:
        assert keyed.derived(key, lambda: again, map_only=True) is not again, key


def test_threads_may_share_a_datasets_memo(demo: Dataset) -> None:
    """Copies and new values at once: no "dictionary changed size during iteration".

    Without the lock, copying the memo while another thread adds to it failed within a
    few hundred copies (a switch every microsecond makes the threads interleave).
    """
    base = attrs.evolve(demo)
    for k in range(200):
        base.derived(("undated", k), lambda k=k: k)
    errors: list[BaseException] = []
    copying = threading.Event()

    def add() -> None:
        copying.wait()
        for k in range(3_000):
            base.derived(("added", k), lambda k=k: k)

    def copy() -> None:
        copying.set()
        try:
            for _ in range(300):
                base.keep_undated(base.for_one_date())
        except RuntimeError as exc:
            errors.append(exc)

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        threads = [threading.Thread(target=add), threading.Thread(target=copy)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(interval)
    assert errors == []
    assert base.derived(("added", 2_999), lambda: "missing") == 2_999
    assert base.for_one_date().derived(("undated", 7), lambda: "missing") == 7


# --- cycles: a few joins prove the usual acyclic map, the graph search finds the rest ------


@settings(max_examples=200)
@given(
    edges=st.lists(
        st.tuples(st.sampled_from("ABCDEFGHIJ"), st.sampled_from("ABCDEFGHIJ")), max_size=14
    )
)
def test_walks_that_end_soon_mean_no_cycle(edges: list[tuple[str, str]]) -> None:
    frame = pl.DataFrame(edges, schema={"from": pl.String, "to": pl.String}, orient="row")
    graph: dict[str, set[str]] = {}
    for a, b in edges:
        graph.setdefault(a, set()).add(b)
    acyclic = not _cyclic_nodes(graph)
    if _ends_soon(frame):
        assert acyclic
    elif acyclic:
        assert _longest_walk(graph) > 8  # only a long walk leaves it to the search


def _longest_walk(graph: dict[str, set[str]]) -> int:
    def longest(node: str) -> int:
        return max((1 + longest(nxt) for nxt in graph.get(node, ())), default=0)

    return max((longest(node) for node in graph), default=0)


@pytest.mark.parametrize("block", [50, 400])
def test_fingerprint_is_the_same_whatever_the_block_of_rows(
    merged: Dataset, block: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Cells are converted a block of rows at a time (memory); every block must give the
    # numbers the whole table gives, whatever the longest text of each block (names from
    # empty to 40 bytes, so that blocks differ) and with missing cells.
    units = merged.units.with_columns(
        pl.when(pl.int_range(pl.len()) % 11 == 0)
        .then(pl.lit(None, pl.String()))
        .otherwise(pl.col("name").str.slice(0, pl.int_range(pl.len()) % 41))
        .alias("name")
    )
    data = attrs.evolve(merged, units=units)
    whole = fingerprint(data)
    monkeypatch.setattr(provenance, "_BLOCK", block)
    assert fingerprint(data) == whole


# --- a report cuts the data once per set of provinces, for every date --------------------


def test_a_report_cut_to_provinces_gives_the_verdicts_of_the_whole_data() -> None:
    # The official map with few people; two provinces apply their own scheme before and
    # after the reform (Bắc Giang's communes went to Bắc Ninh, province 24).
    from drugfree_core.reports.runs import ScopeRunner

    data = generate(attrs.evolve(SynthConfig.national(seed=5), subjects=6000))
    # Provinces 24 and 38 apply their own copy of mps-recognition-2024.
    own = OwnSchemes("mps-recognition-2024", ["24", "38"])
    host = PluginHost(plugins=[("test-provinces", own)], autoload=False)
    runner = ScopeRunner(data, host, reference_date=ON, scope="*")
    for on in (ON, dt.date(2025, 3, 1)):
        run = runner.run(on)
        groups: dict[str, list[str]] = {}
        for code, (scheme, _) in run.verdicts.items():
            groups.setdefault(scheme.id, []).append(code)
        assert {"test-province-24", "test-province-38"} < set(groups), groups
        for scheme_id, codes in groups.items():
            whole = dfc.evaluate(
                data, host.scheme(scheme_id), on, units=codes, allow_no_coverage=True
            )
            assert {v.unit_code: v.verdict for v in whole.verdicts} == {
                code: run.verdicts[code][1] for code in codes
            }
            if on == ON:
                assert all(run.results[u.unit_code][1] == u for u in whole.units)
    # one cut per province with its own scheme, shared by the dates either side of 2025-07-01
    # (of the data on ids: this runner was not asked for person keys)
    assert sorted((sorted(cut), keyed) for cut, keyed in runner._parts) == [
        (["24"], False),
        (["38"], False),
    ]


def test_indicators_summed_off_the_json_are_the_objects_sums(merged: Dataset) -> None:
    # measure_indicators adds up the roots' values as the JSON writes them (from the
    # columns); the replaced way read them off the result objects.
    from drugfree_core.plugins.builtin import ADDICTS_WITH_RECORD
    from drugfree_core.reports.indicators import _scheme, measure_indicators

    shared = PluginHost(autoload=False).parameters()
    codes = [
        v.unit_code
        for v in dfc.evaluate(merged, dfc.get_scheme("mps-recognition-2024"), ON).verdicts
    ]
    for units in (codes, codes[::3]):
        (measured,) = measure_indicators(
            [(ADDICTS_WITH_RECORD, "national")],
            merged,
            ON,
            scope="national",
            units=units,
            shared=shared,
        )
        scheme = _scheme([ADDICTS_WITH_RECORD], ON, shared)
        roots = [
            u.criteria[0].result
            for u in dfc.evaluate(merged, scheme, ON, units=units, allow_no_coverage=True).units
        ]
        assert measured.denominator and measured.numerator is not None  # people were counted
        assert measured.numerator == sum(r.numerator or 0 for r in roots)
        assert measured.denominator == sum(r.denominator or 0 for r in roots)


def _grown_by_filters(start: set[str], lineage: pl.DataFrame) -> set[str]:
    """The replaced closure: filter the links touching the set until it stops growing."""
    keep = set(start)
    while True:
        wanted = pl.Series(sorted(keep), dtype=pl.String()).implode()
        linked = lineage.filter(
            pl.col("predecessor_code").is_in(wanted) | pl.col("successor_code").is_in(wanted)
        )
        grown = keep | set(linked["predecessor_code"]) | set(linked["successor_code"])
        if grown == keep:
            return keep
        keep = grown


_CODES = st.sampled_from([f"U{i}" for i in range(8)])


@settings(max_examples=150)
@given(
    links=st.lists(st.tuples(_CODES, _CODES), max_size=12),
    parents=st.lists(st.tuples(_CODES, _CODES), max_size=10),
    start=st.sets(_CODES, min_size=1, max_size=3),
)
def test_lineage_and_parent_closures_are_the_filtering_loops(
    links: list[tuple[str, str]], parents: list[tuple[str, str]], start: set[str]
) -> None:
    # Cycles, self-links and a code with two parents included: the walk over the cached
    # neighbours reaches exactly what the loop of filters reached.
    lineage = pl.DataFrame(
        {"predecessor_code": [a for a, _ in links], "successor_code": [b for _, b in links]},
        schema={"predecessor_code": pl.String(), "successor_code": pl.String()},
    )
    units = pl.DataFrame(
        {"code": [a for a, _ in parents], "parent_code": [b for _, b in parents]},
        schema={"code": pl.String(), "parent_code": pl.String()},
    )
    dataset = Dataset.from_frames({})
    dataset = attrs.evolve(
        dataset,
        lineage=dataset.lineage.clear().vstack(
            lineage.with_columns(pl.lit(ON).alias("effective")).select(dataset.lineage.columns)
        ),
    )
    assert _closure(start, dataset._lineage_neighbours()) == _grown_by_filters(start, lineage)
    back = set(start)  # the replaced walk back to every predecessor
    while (more := back | {a for a, b in links if b in back}) != back:
        back = more
    linked = _closure(start, dataset._lineage_neighbours())
    assert dataset._with_predecessors(start, linked) == back
    grown = set(start)
    while True:  # the replaced walk up the units' parents
        rows = units.filter(pl.col("code").is_in(pl.Series(sorted(grown)).implode()))
        more = grown | set(rows["parent_code"].drop_nulls())
        if more == grown:
            break
        grown = more
    with_units = attrs.evolve(dataset, units=_units_with_parents(dataset, units))
    assert _closure(start, with_units._unit_parents()) == grown


def _units_with_parents(dataset: Dataset, pairs: pl.DataFrame) -> pl.DataFrame:
    """A units frame of the dataset's schema holding *pairs* (code, parent_code)."""
    empty = dataset.units.clear()
    filled = pairs.with_columns(
        *(
            pl.lit(None, dtype).alias(name)
            for name, dtype in empty.schema.items()
            if name not in pairs.columns
        )
    )
    return empty.vstack(filled.select(empty.columns).cast(dict(empty.schema)))


_IDS = st.sampled_from(["S1", "S2", "S3", "S10", "S2 ", ""])


@settings(max_examples=150)
@given(
    tables=st.lists(st.lists(st.one_of(st.none(), _IDS), max_size=12), min_size=1, max_size=5),
    ids=st.lists(_IDS, max_size=4),
    in_runs=st.booleans(),
)
def test_orphans_looked_up_once_per_run_are_the_rows_filtered_one_by_one(
    tables: list[list[str | None]], ids: list[str], in_runs: bool
) -> None:
    # Child tables in runs of one person (as exports list them) or in any order, with
    # missing ids: the rows found are those a lookup of every row finds, in row order.
    names = CHILD_TABLES[: len(tables)]
    good = {
        name: pl.DataFrame(
            {LOC: range(len(rows)), "subject_id": sorted(rows, key=str) if in_runs else rows},
            schema={LOC: LOC_DTYPE, "subject_id": pl.String()},
        )
        for name, rows in zip(names, tables, strict=False)
    }
    known = pl.Series(ids, dtype=pl.String())
    expected = {}
    for name, frame in good.items():
        rows = frame.filter(
            pl.col("subject_id").is_not_null() & ~pl.col("subject_id").is_in(known.implode())
        )
        if rows.height:
            expected[name] = rows[LOC].to_list()
    found = {name: rows[LOC].to_list() for name, rows in _orphans(good, known).items()}
    assert found == expected


@settings(max_examples=150)
@given(keys=st.lists(_IDS, max_size=14), in_order=st.booleans())
def test_duplicates_found_beside_each_other_are_those_found_by_hashing(
    keys: list[str], in_order: bool
) -> None:
    # Sorted (copies stand together, compared with their neighbours) or not (hashed):
    # the same rows, in row order, with how many copies each has.
    rows = sorted(keys) if in_order else keys
    universe = pl.DataFrame(
        {LOC: range(len(rows)), "id": rows}, schema={LOC: LOC_DTYPE, "id": pl.String()}
    )
    copies = Counter(rows)
    expected = [(loc, f"{copies[key]} copies") for loc, key in enumerate(rows) if copies[key] > 1]
    found = _duplicates(universe, ["id"], "{} copies")
    assert list(zip(found[LOC].to_list(), found["reason"].to_list(), strict=True)) == expected


@settings(max_examples=200)
@given(
    known=st.sets(st.text(alphabet="S0129 é", min_size=1, max_size=4), min_size=0, max_size=60),
    in_order=st.booleans(),
    data=st.data(),
)
def test_values_found_by_binary_search_are_those_found_by_hashing(
    known: set[str], in_order: bool, data: st.DataObject
) -> None:
    # A few values against many known ones: by binary search when those are in order,
    # else hashed; the rows named are those is_in names.
    pool = st.one_of(st.none(), st.text(alphabet="S0129 é", max_size=5))
    if known:
        pool = st.one_of(pool, st.sampled_from(sorted(known)))
    values = data.draw(st.lists(pool, max_size=1 + len(known) // 9))
    ids = pl.Series(sorted(known) if in_order else list(known), dtype=pl.String())
    frame = pl.DataFrame(
        {LOC: range(len(values)), "subject_id": values},
        schema={LOC: LOC_DTYPE, "subject_id": pl.String()},
    )
    column = pl.col("subject_id")
    expected = frame.filter(column.is_not_null() & ~column.is_in(ids.implode()))[LOC]
    found = _dangling(frame, "subject_id", ids, "unknown")
    assert found[LOC].to_list() == expected.to_list()


def test_binary_search_edges_before_between_and_after_every_known_value() -> None:
    ids = pl.Series([f"S{i:03}" for i in range(0, 120, 2)], dtype=pl.String())  # 60, in order
    # the first, one before all, one between two, a null, the last, one after all
    values = ["S000", "A", "S005", None, "S118", "Z"]
    frame = pl.DataFrame(
        {LOC: range(len(values)), "subject_id": values},
        schema={LOC: LOC_DTYPE, "subject_id": pl.String()},
    )
    assert _dangling(frame, "subject_id", ids, "unknown")[LOC].to_list() == [1, 2, 5]


# --- the rehab term of each episode, looked up by one number ----------------------------

# The dataset's forms, in its Enum's order; the tables below give no term to the last one.
_FORMS = tuple(form.value for form in RehabForm)
_periods = st.one_of(
    st.none(),
    st.builds(Period, months=st.integers(1, 48)),
    st.builds(Period, years=st.integers(1, 3), days=st.integers(0, 40)),
)
_term_tables = st.dictionaries(
    st.sampled_from([f"{f}{s}" for f in _FORMS[:3] for s in ("", ":first", ":later")]),
    _periods,
    max_size=9,
)
_days = st.dates(dt.date(2020, 1, 1), dt.date(2030, 12, 31))


def _term_read_row_by_row(
    versions: list[tuple[dt.date, dict[str, Period | None]]],
    form: str | None,
    rank: int | None,
    start: dt.date | None,
) -> str | None:
    """The term as the law is read, one episode at a time: the reference."""
    table = versions[0][1]
    for since, later in versions[1:]:
        if start is not None and start >= since:
            table = later
    if form is None:
        return None
    which = "first" if rank == 1 else "later" if rank is not None and rank >= 2 else None
    term = table.get(f"{form}:{which}") if which else None
    term = term if term is not None else table.get(form)
    return None if term is None else term.to_polars()


@settings(max_examples=200, deadline=None)
@given(
    tables=st.lists(_term_tables, min_size=1, max_size=3),
    starts=st.lists(_days, min_size=3, max_size=3, unique=True),
    by_start=st.booleans(),
    rows=st.lists(
        st.tuples(
            st.one_of(st.none(), st.sampled_from(_FORMS)),
            st.one_of(st.none(), st.integers(-1, 4)),
            st.one_of(st.none(), _days),
        ),
        max_size=30,
    ),
)
def test_episode_term_by_lookup_is_the_law_read_row_by_row(
    tables: list[dict[str, Period | None]],
    starts: list[dt.date],
    by_start: bool,
    rows: list[tuple[str | None, int | None, dt.date | None]],
) -> None:
    """``EvalContext.episode_term`` gives each episode the term of its version, form, rank."""
    on = dt.date(2026, 12, 1)
    versions = list(zip(sorted(starts), tables, strict=False))
    if not by_start:  # the law in force on the reference date sets every term
        versions = [(on, tables[-1])]
    ctx = EvalContext.__new__(EvalContext)
    ctx.on = on
    rule = "episode_start" if by_start else "reference_date"
    ctx.parameters = {
        "law.rehab_term_law": SimpleNamespace(value=rule),
        "law.term": SimpleNamespace(value=tables[-1]),
    }
    ctx.dated = {
        "law.term": SimpleNamespace(values=[SimpleNamespace(start=s, value=t) for s, t in versions])
    }
    ctx.value = lambda ref: ctx.parameters[ref.id].value
    # Episodes that start on the day a version does, and the day before: the edges.
    edges = [s + dt.timedelta(days=d) for s in starts for d in (-1, 0)]
    rows = rows + [(form, rank, day) for day in edges for form in _FORMS for rank in (None, 1, 2)]
    frame = pl.DataFrame(
        rows,
        schema={"form": pl.Enum(_FORMS), "rank": pl.Int64(), "start": pl.Date()},
        orient="row",
    )
    found = frame.select(ctx.episode_term("law.term")).to_series().to_list()
    assert found == [_term_read_row_by_row(versions, *row) for row in rows]


@settings(max_examples=200)
@given(values=st.lists(st.sampled_from("abcdefgh"), max_size=12), ordered=st.booleans())
def test_repeats_by_neighbours_or_counting_is_marking_copies(
    values: list[str], ordered: bool
) -> None:
    """``placement.has_repeats`` tells what ``is_duplicated().any()`` tells, sorted or not."""
    series = pl.Series(sorted(values) if ordered else values, dtype=pl.String())
    assert has_repeats(series) is bool(series.is_duplicated().any())


_REFORM = dt.date(2025, 7, 1)


@settings(max_examples=40, deadline=None)
@given(
    moves=st.tuples(*(st.integers(-400, 400) for _ in range(3))),
    picks=st.lists(
        st.one_of(
            st.tuples(st.integers(0, 2), st.integers(-1, 1)),
            st.dates(dt.date(2023, 1, 1), dt.date(2027, 12, 31)),
        ),
        min_size=1,
        max_size=8,
    ),
)
def test_successors_worked_out_once_per_era_are_each_dates_own(
    merged: Dataset, moves: tuple[int, int, int], picks: list[tuple[int, int] | dt.date]
) -> None:
    """``successors_on`` (kept per stretch between territorial changes) is what
    ``successors_in_force`` works out on each date, on the edges of the stretches too.

    The reform's three kinds of change are moved apart (the old units' last day, the new
    units' first day, the links' effective day), so that stretches begin and end on each
    kind; the dates are read in any order, on one dataset, so a date reuses what another
    date of its stretch kept.
    """
    last, first, effective = (_REFORM + dt.timedelta(days=m) for m in moves)
    ends = pl.col("valid_to")
    starts = pl.col("valid_from")
    dataset = attrs.evolve(
        merged,
        units=merged.units.with_columns(
            pl.when(ends.is_not_null())
            .then(pl.lit(last - dt.timedelta(days=1)))
            .otherwise(ends)
            .alias("valid_to"),
            pl.when(starts.is_not_null()).then(pl.lit(first)).otherwise(starts).alias("valid_from"),
        ),
        lineage=merged.lineage.with_columns(pl.lit(effective).alias("effective")),
    )
    edges = (last, first, effective)
    for pick in picks:
        day = pick if isinstance(pick, dt.date) else edges[pick[0]] + dt.timedelta(days=pick[1])
        assert successors_on(dataset, day) == successors_in_force(dataset, day)


def test_dates_of_one_era_share_their_successors_and_a_change_starts_another(
    merged: Dataset,
) -> None:
    dataset = attrs.evolve(merged)  # a fresh memo
    after = successors_on(dataset, dt.date(2025, 9, 30))
    assert after and successors_on(dataset, dt.date(2025, 10, 1)) is after
    before = successors_on(dataset, dt.date(2025, 6, 30))
    assert before is not after and before == successors_in_force(dataset, dt.date(2025, 6, 30))
    assert territory_era(dataset, dt.date(2025, 6, 30)) + 1 == territory_era(dataset, _REFORM)
    # Kept under a key with no date: a copy for one date starts with it.
    assert successors_on(dataset.for_one_date(), dt.date(2025, 8, 1)) is after


def test_the_successors_frame_is_made_once_per_era(merged: Dataset) -> None:
    """Every look-up of unit codes in an era reads one frame; an era with no links, None."""
    dataset = attrs.evolve(merged)  # a fresh memo
    table = successor_table_on(dataset, dt.date(2025, 9, 30))
    assert table is not None
    assert table.equals(successor_table(successors_on(dataset, dt.date(2025, 9, 30))))
    assert successor_table_on(dataset.for_one_date(), dt.date(2025, 10, 1)) is table
    assert successor_table_on(dataset, dt.date(2025, 6, 30)) is None  # before the reform
    key = ("successor table", "era", territory_era(dataset, dt.date(2025, 6, 30)))
    assert dataset.derived(key, lambda: "made again", map_only=True) is None  # None kept


@settings(max_examples=30, deadline=None)
@given(
    lost=st.lists(st.integers(0, 10_000), max_size=6),
    doubled=st.lists(st.tuples(st.integers(0, 10_000), st.integers(-30, 30)), max_size=8),
    day=st.sampled_from([dt.date(2025, 6, 30), _REFORM, ON, dt.date(2026, 3, 1)]),
)
def test_people_gone_counted_alone_are_those_the_census_finds(
    merged: Dataset, lost: list[int], doubled: list[tuple[int, int]], day: dt.date
) -> None:
    """``gone_people`` is the census's count of ``gone`` people: with lineage links lost
    (their units' residents lead nowhere) and people given a second residence on the date
    in another unit, from which the census keeps the latest."""
    preds = merged.lineage["predecessor_code"].unique().sort()
    dropped = [preds[i % preds.len()] for i in lost]
    residences = merged.residences
    # Half of the second residences go to people of the units whose links were lost.
    stranded = residences.filter(pl.col("unit_code").is_in(dropped))
    extra = []
    for row, days in doubled:
        pool = stranded if row % 2 and stranded.height else residences
        original = pool.row(row % pool.height, named=True)
        other = residences.row((row * 7 + 3) % residences.height, named=True)
        extra.append(
            {
                **original,
                "unit_code": other["unit_code"],
                "start": day - dt.timedelta(days=abs(days)),
                "end": None,
            }
        )
    if extra:
        residences = pl.concat([residences, pl.DataFrame(extra, schema=residences.schema)])
    dataset = attrs.evolve(
        merged,
        lineage=merged.lineage.filter(~pl.col("predecessor_code").is_in(dropped)),
        residences=residences,
    )
    found = census(attrs.evolve(dataset), day).people
    assert gone_people(dataset, day) == found.filter(pl.col("why") == "gone").height


def test_eras_bear_open_ends_the_last_day_and_dates_past_python() -> None:
    """A unit without end, one ending on the last day Python knows, one ending after it
    (a table may hold it), a link that never takes effect and one that takes effect after
    that day: none starts a stretch that a date can fall in, and none breaks the count."""
    last = pl.lit(dt.date.max).cast(pl.Int32)
    frames = {
        "units": pl.DataFrame(
            {
                "code": ["A", "B", "C", "D"],
                "valid_from": [None, dt.date(2025, 7, 1), None, None],
                "valid_to": [dt.date(2025, 6, 30), None, dt.date.max, dt.date.max],
            },
            schema={"code": pl.String, "valid_from": pl.Date, "valid_to": pl.Date},
        ).with_columns(
            pl.when(pl.col("code") == "D")
            .then((last + 400).cast(pl.Date))
            .otherwise(pl.col("valid_to"))
            .alias("valid_to")
        ),
        "lineage": pl.DataFrame(
            {
                "predecessor_code": ["A", "C", "D"],
                "successor_code": ["B", "B", "B"],
                "effective": [dt.date(2025, 7, 1), None, dt.date.max],
            },
            schema={
                "predecessor_code": pl.String,
                "successor_code": pl.String,
                "effective": pl.Date,
            },
        ).with_columns(
            pl.when(pl.col("predecessor_code") == "D")
            .then((last + 10).cast(pl.Date))
            .otherwise(pl.col("effective"))
            .alias("effective")
        ),
    }
    dataset = SimpleNamespace(units=frames["units"], lineage=frames["lineage"], _memo={})
    dataset.derived = lambda key, build, **_: dataset._memo.setdefault(key, build())
    eras = [
        territory_era(dataset, d) for d in (dt.date.min, dt.date(2025, 6, 30), _REFORM, dt.date.max)
    ]  # type: ignore[arg-type]
    assert eras == [0, 0, 1, 1]


@settings(max_examples=150, deadline=None)
@given(
    days=st.lists(st.one_of(st.none(), st.integers(-800_000, 3_000_000)), max_size=30),
    on=st.dates(),
)
def test_a_dates_stretch_is_the_count_polars_finds(days: list[int | None], on: dt.date) -> None:
    """The change days kept as day numbers place a date as polars' search of the dates
    does: nulls left out, repeats counted once, dates past Python's last one included."""
    dates = pl.Series(days, dtype=pl.Int32).cast(pl.Date)
    changes = change_days([dates.head(len(days) // 2), dates.tail(len(days) - len(days) // 2)])
    expected = dates.drop_nulls().unique().sort().search_sorted(on, side="right")
    assert stretch_of(changes, on) == expected
    assert changes == sorted(set(changes))
