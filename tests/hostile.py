"""Hostile values, and the promises every door keeps whatever it is given (issue 13).

The fuzz tests (``test_fuzz_*.py``) corrupt valid datasets with the values drawn here and
check every outcome with :func:`check_door`:

* no exception escapes but the library's own (:class:`~drugfree_core.errors.DrugfreeError`);
* every problem names a location (a file and row, a JSON path, a database relation);
* no personal value put in the input (a *secret*) appears in any message;
* nothing is dropped silently: a strict load returns every row or raises, and a lenient
  load (``quarantine=True``) returns every row or lists it in ``quarantined``;
* nothing wrong passes silently: an input with a corruption that must be detected has
  at least one problem, and a load with problems never succeeds strictly.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import attrs
import polars as pl
from hypothesis import event
from hypothesis import strategies as st

import drugfree_core as dfc
from drugfree_core.dataset.schema import TABLES
from drugfree_core.errors import DatasetError, DrugfreeError, Problem

ON = dt.date(2025, 10, 1)

#: The tables of a person's own records (``subjects`` and its nested tables).
SUBJECT_TABLES = frozenset(
    {"subjects", "residences", "status_periods", "drug_tests", "rehab_episodes", "custody_periods"}
)
#: Tables whose records are about people: the subjects' and the violations and wanted
#: fugitives that name one (a personal value put there is never repeated).
PERSONAL_TABLES = SUBJECT_TABLES | {"drug_law_violations", "wanted_fugitives"}
#: Columns holding record ids or references: the door may name a record by them.
ID_COLUMNS = frozenset(
    {"id", "subject_id", "code", "parent_code", "unit_code", "predecessor_code", "successor_code"}
)

EXTREME_NUMBERS = (
    "9223372036854775807",
    "9223372036854775808",
    "-9223372036854775809",
    "18446744073709551616",
    "1" * 400,
    "1e400",
    "-1e400",
    "1e-400",
    "NaN",
    "nan",
    "inf",
    "-Infinity",
    "-0",
    "+5",
    " 5",
    "5 ",
    "0x1F",
    "1_000",
    "1,5",
    "١٢٣",
    "１２３",
    "-1",
)
EXTREME_DATES = (
    "0000-01-01",
    "0001-01-01",
    "9999-12-31",
    "10000-01-01",
    "-001-01-01",
    "2025-02-29",
    "2024-02-29",
    "2025-02-30",
    "2025-13-01",
    "2025-00-10",
    "2025-1-1",
    "20250101",
    "2025-01-01T00:00:00",
    "2025-01-01 ",
    "２０２５-01-01",
    "1900-01-01",
    "2025-W01-1",
)
#: Date texts that are no date at all (a date column given one must report a problem).
BAD_DATES = (
    "0000-01-01",
    "10000-01-01",
    "-001-01-01",
    "2025-02-30",
    "2025-13-01",
    "2025-00-10",
    "2025-1-1",
    "20250101",
    "2025-01-01T00:00:00",
    "２０２５-01-01",
    "2025-W01-1",
)
CONTROL = "\x00\x01\x07\x08\t\n\r\x0b\x0c\x1b\x7f\x85\u2028\u2029\u202e\ufeff\u200b"
WORDS = ("true", "false", "yes", "", " ", "null", "None", '"', "'", ",", ";", "=1+1", "@x")


def secrets() -> st.SearchStrategy[str]:
    """A personal value: a marked text, or a 12-digit identity number (CCCD)."""
    marked = st.integers(0, 999_999).map(lambda n: f"SECRET{n:06d}")
    cccd = st.integers(0, 10**11 - 1).map(lambda n: f"0{n:011d}")
    return st.one_of(marked, cccd)


def huge_strings() -> st.SearchStrategy[str]:
    """Very long text, of one repeated piece (cheap to draw, costly to mishandle)."""
    return st.builds(
        lambda piece, n: piece * n,
        st.sampled_from(["x", "Đ", "9", " ", "a,b", "\x00"]),
        st.sampled_from([300, 5_000, 70_000]),
    )


def control_text() -> st.SearchStrategy[str]:
    """Short text full of control, invisible and direction-changing characters."""
    return st.text(alphabet=st.sampled_from(CONTROL + "aZ9-"), min_size=1, max_size=8)


def hostile_texts() -> st.SearchStrategy[str]:
    """A cell's text: type changes, extremes, dates, control characters, huge strings."""
    return st.one_of(
        st.sampled_from(EXTREME_NUMBERS),
        st.sampled_from(EXTREME_DATES),
        st.sampled_from(WORDS),
        control_text(),
        huge_strings(),
        st.text(max_size=12),
        st.integers().map(str),
        st.floats().map(str),
    )


def lone_surrogates() -> st.SearchStrategy[str]:
    """Text holding a lone surrogate (JSON can carry one as an escape; UTF-8 cannot)."""
    return st.builds(
        lambda a, s, b: a + s + b,
        st.text(max_size=3),
        st.sampled_from(["\ud800", "\udfff", "\udc80"]),
        st.text(max_size=3),
    )


def hostile_json() -> st.SearchStrategy[Any]:
    """A JSON value of any type, extremes included (big integers, NaN, nesting)."""
    scalar = st.one_of(
        hostile_texts(),
        lone_surrogates(),
        st.integers(min_value=-(2**70), max_value=2**70),
        st.sampled_from([2**63, -(2**63) - 1, 2**64, 10**400]),
        st.floats(),
        st.booleans(),
        st.none(),
    )
    return st.recursive(
        scalar,
        lambda inner: st.one_of(
            st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=5), inner, max_size=3)
        ),
        max_leaves=5,
    )


# Reference columns and the table they point at (a value absent there dangles).
REFERENCES = {
    ("units", "parent_code"): "units",
    ("lineage", "predecessor_code"): "units",
    ("lineage", "successor_code"): "units",
    ("unit_facts", "unit_code"): "units",
    ("residences", "unit_code"): "units",
    **{(t, "subject_id"): "subjects" for t in SUBJECT_TABLES - {"subjects"}},
}

# ----------------------------------------------------------- typed frames (Parquet, SQL)

FRAME_VALUES: dict[str, Callable[[int], st.SearchStrategy[pl.Series]]] = {
    "text": lambda n: st.lists(hostile_texts(), min_size=n, max_size=n).map(
        lambda v: pl.Series(v, dtype=pl.String())
    ),
    "int": lambda n: st.lists(
        st.integers(-(2**63), 2**63 - 1) | st.none(), min_size=n, max_size=n
    ).map(lambda v: pl.Series(v, dtype=pl.Int64())),
    "uint64": lambda n: st.lists(st.integers(0, 2**64 - 1), min_size=n, max_size=n).map(
        lambda v: pl.Series(v, dtype=pl.UInt64())
    ),
    "float": lambda n: st.lists(st.floats() | st.none(), min_size=n, max_size=n).map(
        lambda v: pl.Series(v, dtype=pl.Float64())
    ),
    "bool": lambda n: st.lists(st.booleans() | st.none(), min_size=n, max_size=n).map(
        lambda v: pl.Series(v, dtype=pl.Boolean())
    ),
    # Days since 1970 far beyond Python's calendar (years below 1 and above 9999).
    "date": lambda n: st.lists(
        st.integers(-(2**31), 2**31 - 1) | st.sampled_from([-719_163, 2_932_896]),
        min_size=n,
        max_size=n,
    ).map(lambda v: pl.Series(v, dtype=pl.Int32()).cast(pl.Date())),
    "datetime": lambda n: st.lists(st.datetimes(), min_size=n, max_size=n).map(
        lambda v: pl.Series(v, dtype=pl.Datetime("us"))
    ),
    "list": lambda n: st.lists(
        st.lists(st.text(max_size=3), max_size=2), min_size=n, max_size=n
    ).map(lambda v: pl.Series(v, dtype=pl.List(pl.String()))),
    "categorical": lambda n: st.lists(
        st.sampled_from(["negative", "x", "commune"]), min_size=n, max_size=n
    ).map(lambda v: pl.Series(v, dtype=pl.Categorical())),
    "null": lambda n: st.just(pl.Series([None] * n, dtype=pl.Null())),
    "binary": lambda n: st.lists(st.binary(max_size=4), min_size=n, max_size=n).map(
        lambda v: pl.Series(v, dtype=pl.Binary())
    ),
}


@st.composite
def frame_corruption(
    draw: st.DrawFn,
    frames: dict[str, pl.DataFrame],
    kinds: Iterable[str] = tuple(FRAME_VALUES),
    text: st.SearchStrategy[str] | None = None,
) -> dict[str, Any]:
    """One corruption of a typed frame, in place: a column of another type, a bad cell...

    *kinds* are the column types a column may be replaced by (a database cannot store
    every one); *text* the hostile texts (default :func:`hostile_texts`).
    """
    texts = hostile_texts() if text is None else text
    filled = sorted(n for n, f in frames.items() if f.height and f.width)
    if not filled:
        return {"kind": "none"}
    name = draw(st.sampled_from(filled))
    frame = frames[name]
    column = draw(st.sampled_from(frame.columns))
    kind = draw(
        st.sampled_from(
            ["retype", "retype", "cell", "secret", "duplicate", "dangling", "drop", "rename"]
        )
    )
    facts: dict[str, Any] = {"table": name, "column": column, "kind": kind}
    row = draw(st.integers(0, frame.height - 1))
    if kind == "retype":
        series = draw(FRAME_VALUES[draw(st.sampled_from(sorted(kinds)))](frame.height))
        frames[name] = frame.with_columns(series.alias(column))
    elif kind in ("cell", "secret"):
        as_text = frame[column].cast(pl.String())
        if kind == "secret" and name in PERSONAL_TABLES and column not in ID_COLUMNS:
            value = draw(secrets())
            facts["secret"] = value
        else:
            value = draw(texts)
        frames[name] = frame.with_columns(as_text.scatter(row, value).alias(column))
    elif kind == "duplicate":
        frames[name] = pl.concat([frame, frame[row]])
        if name in ("subjects", "units"):
            facts["must"] = "a duplicated id"
    elif kind == "dangling" and (name, column) in REFERENCES:
        frames[name] = frame.with_columns(
            frame[column].cast(pl.String()).scatter(row, "GONE-1").alias(column)
        )
        facts["must"] = "a reference to nothing"
    elif kind == "drop":
        frames[name] = frame.drop(column)
    elif kind == "rename":
        new = draw(st.one_of(secrets(), st.text(min_size=1, max_size=10)))
        if new not in frame.columns:
            frames[name] = frame.rename({column: new})
            if name in PERSONAL_TABLES and new.startswith(("SECRET", "0")) and len(new) > 8:
                facts["secret"] = new
    return facts


# ------------------------------------------------------------------------ the promises


@attrs.frozen
class Expect:
    """What a corrupted input promises about itself.

    ``rows`` maps a table to its number of input rows, or to ``(lowest, highest)`` when a
    byte-level corruption (a cut file) leaves the count open; a table left out has no
    promise. ``must_fail`` says a problem must be found; ``secrets`` are the personal
    values put in the input; ``places`` are the prefixes a problem's location may have.
    """

    rows: Mapping[str, int | tuple[int, int]]
    secrets: frozenset[str]
    places: tuple[str, ...]
    must_fail: str | None = None


def assert_private(texts: Iterable[str], secret_values: Iterable[str], what: str) -> None:
    """No secret appears in any of *texts*."""
    everything = "\n".join(texts)
    for secret in secret_values:
        assert secret not in everything, f"personal value {secret!r} in {what}"


def assert_located(problem: Problem | dfc.QuarantinedRecord, places: tuple[str, ...]) -> None:
    """The problem names where it is: a location that starts with a known place."""
    assert problem.location, f"no location: {problem}"
    assert problem.location.startswith(places), f"location {problem.location!r} not in {places}"
    assert problem.reason.strip(), f"no reason: {problem}"
    assert "\n" not in problem.reason, f"a reason is one line: {problem.reason!r}"


def assert_translated(problem: Problem) -> None:
    """The problem's reason is a sentence of the catalogue, said again the same in English.

    A Vietnamese reader sees it through :func:`~drugfree_core.dataset.reasons.problem_text`:
    a reason that matched no template would reach them in English.
    """
    from drugfree_core.dataset.reasons import TEMPLATES, problem_text, reason_message
    from drugfree_core.i18n import record_lookups

    message = reason_message(problem.reason)
    assert message.msgid in TEMPLATES, f"a reason with no template: {problem.reason!r}"
    assert message.render("en") == problem.reason, problem.reason
    assert problem_text(problem, "en") == str(problem)
    with record_lookups() as log:
        problem_text(problem, "vi")
    assert not log.missing, f"not in the catalogue: {sorted(log.missing)}"


def _messages(problems: Iterable[Problem | dfc.QuarantinedRecord]) -> list[str]:
    return [f"{p.location} {p.record_id or ''} {p.reason}" for p in problems]


def library_only(call: Callable[[], Any]) -> tuple[Any, DrugfreeError | None]:
    """Run *call*; return its result, or the library error it raised (anything else fails)."""
    try:
        return call(), None
    except DrugfreeError as exc:
        return None, exc
    except BaseException as exc:  # the point of the test: nothing else may escape
        raise AssertionError(f"{type(exc).__name__} escaped the library: {exc!r}"[:2000]) from exc


def _count_holds(table: str, got: int, promised: int | tuple[int, int]) -> None:
    if isinstance(promised, tuple):
        low, high = promised
        assert low <= got <= high, f"{table}: {got} rows accounted for, expected {low}..{high}"
    else:
        assert got == promised, f"{table}: {got} rows accounted for, {promised} in the input"


def _nearest(got: int, spare: int, promised: int | tuple[int, int]) -> int:
    """*got* less the number in ``0..spare`` that best meets *promised* (placeholders)."""
    low, high = promised if isinstance(promised, tuple) else (promised, promised)
    for less in range(spare + 1):
        if low <= got - less <= high:
            return got - less
    return got - spare


def check_door(source: str | os.PathLike[str], expect: Expect) -> dict[str, int]:
    """Run validate, a strict load and a lenient load of *source*; check every promise.

    Returns what happened (for the statistics the tests note).
    """
    problems, error = library_only(lambda: dfc.validate(source))
    assert error is None, f"validate raised for content: {error}"
    for problem in problems:
        assert_located(problem, expect.places)
        assert_translated(problem)
    assert_private(_messages(problems), expect.secrets, "a problem of validate")
    if expect.must_fail:
        assert problems, f"silent pass: {expect.must_fail}"

    strict, error = library_only(lambda: dfc.load(source))
    if error is not None:
        assert isinstance(error, DatasetError), repr(error)
        assert problems, f"load refused what validate passed: {error}"
        assert_private([str(error), *_messages(error.problems)], expect.secrets, "load's error")
    else:
        assert not problems, "a dataset with problems loaded strictly"
        for table, promised in expect.rows.items():
            _count_holds(table, strict.frame(table).height, promised)

    lenient, error = library_only(lambda: dfc.load(source, quarantine=True))
    if error is not None:
        assert isinstance(error, DatasetError), repr(error)
        assert problems
        assert_private([str(error), *_messages(error.problems)], expect.secrets, "load's error")
        event("outcome: refused as a whole")
        return {"problems": len(problems), "fatal": 1}
    quarantined = lenient.quarantined
    for record in quarantined:
        assert_located(record, expect.places)
    assert_private(_messages(quarantined), expect.secrets, "a quarantined record")
    assert bool(quarantined) == bool(problems), "quarantine and validate disagree"
    listed = {t.name: 0 for t in TABLES}
    for record in quarantined:
        listed[record.table] += 1
    # A quarantined unit row leaves its unit in the map as a placeholder (one per code,
    # unless a valid row of the same code was kept): those rows were not in the input.
    codes = set(lenient.units["code"].to_list())
    stand_ins = len({q.record_id for q in quarantined if q.table == "units"} & codes)
    for table, promised in expect.rows.items():
        got = lenient.frame(table).height + listed[table]
        spare = stand_ins if table == "units" else 0
        _count_holds(table, _nearest(got, spare, promised), promised)
    event("outcome: " + ("records quarantined" if quarantined else "valid"))
    return {"problems": len(problems), "quarantined": len(quarantined)}
