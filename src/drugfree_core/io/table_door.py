"""Reading a folder of table files: ``<table>.csv`` or ``<table>.parquet``, one per table.

Every table may be left out: a table without a file is empty but *not supplied*, which a
dataset records (:attr:`Dataset.supplied <drugfree_core.dataset.Dataset.supplied>`) so
that criteria reading it are *unknown*; a file with only its header row says "none".
Without ``units`` the official map is used. CSV files are read with every column as text
and then typed column by column, so each bad cell becomes its own problem
(``units.csv:row 7: resident_population: 'abc' is not an integer``; rows are counted as a
spreadsheet shows them, the header being row 1). Parquet files keep their types when they
match the schema and are converted when they can be (text, other integer widths).
Everything runs as polars expressions over whole columns.

In the subject tables, messages never repeat a cell's value: the row and the subject
id locate it, and the values are personal data.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

import attrs
import polars as pl

from drugfree_core.dataset.dataset import Dataset
from drugfree_core.dataset.schema import REQUIRED_TABLES, TABLES, TABLES_BY_NAME, Column, Table
from drugfree_core.errors import Problem
from drugfree_core.io.checks import (
    LOC,
    LOC_DTYPE,
    SID,
    SUBJECT_TABLES,
    Locator,
    Staged,
    empty_problems,
    finish,
    internal_columns,
    key_schema,
    record_problems,
)

#: File name endings the reader knows, in order of preference in messages.
SUFFIXES = (".csv", ".parquet")
# Rows as a person counts them: CSV has a header row; Parquet rows count from 1.
_FIRST_ROW = {".csv": 2, ".parquet": 1}

_DATE_TEXT = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
_INT_TEXT = r"^[+-]?[0-9]+$"
_FLOAT_TEXT = r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$"
_DUPLICATED = re.compile(r"^(.+)_duplicated_\d+$")  # how polars renames a repeated header


@attrs.frozen(kw_only=True)
class _Read:
    """One table file after typing: typed rows, the problems of single rows, fatal ones."""

    good: pl.DataFrame | None
    rejected: pl.DataFrame | None
    problems: pl.DataFrame
    fatal: tuple[Problem, ...] = ()


def _fatal(table: str, location: str, reason: str) -> Problem:
    return Problem(table=table, location=location, reason=reason)


def _phrase(col: Column) -> str:
    """What a bad cell of *col* is not."""
    if col.enum is not None:
        return f"is not one of: {', '.join(str(m.value) for m in col.enum)}"
    if col.dtype == pl.Date():
        return "is not a date written YYYY-MM-DD"
    if col.dtype == pl.Int64():
        return "is not an integer"
    if col.dtype == pl.Float64():
        return "is not a number"
    if col.dtype == pl.Boolean():
        return "is not a boolean (true, false, 1 or 0)"
    return "is not valid"  # pragma: no cover - text columns never fail to parse


def _from_text(col: Column, raw: pl.Expr) -> pl.Expr:
    """Parse text cells into *col*'s type; null where a cell does not parse."""
    dtype = col.dtype
    if col.enum is not None:
        return raw.cast(dtype, strict=False)
    if dtype == pl.Date():
        return pl.when(raw.str.contains(_DATE_TEXT)).then(raw.str.to_date("%Y-%m-%d", strict=False))
    if dtype == pl.Int64():
        return pl.when(raw.str.contains(_INT_TEXT)).then(raw.cast(pl.Int64(), strict=False))
    if dtype == pl.Float64():
        return pl.when(raw.str.contains(_FLOAT_TEXT)).then(raw.cast(pl.Float64(), strict=False))
    if dtype == pl.Boolean():
        lower = raw.str.to_lowercase()
        return (
            pl.when((lower == "true") | (lower == "1"))
            .then(pl.lit(True))
            .when((lower == "false") | (lower == "0"))
            .then(pl.lit(False))
        )
    return raw


def _converter(col: Column, source: pl.DataType) -> pl.Expr | None:
    """How to bring a column stored as *source* to *col*'s type; None if it cannot be."""
    raw = pl.col(col.name)
    target = col.dtype
    if source == target:
        return raw
    if source == pl.Null():
        return raw.cast(target)
    if isinstance(source, pl.String | pl.Categorical | pl.Enum):
        text = raw if isinstance(source, pl.String) else raw.cast(pl.String())
        return _from_text(col, text) if target != pl.String() else text
    if source.is_integer():
        if target == pl.Int64():
            return raw.cast(pl.Int64(), strict=False)
        if target == pl.Float64():
            return raw.cast(pl.Float64())
        if target == pl.Boolean():
            return pl.when(raw == 1).then(pl.lit(True)).when(raw == 0).then(pl.lit(False))
    if source.is_float():
        if target == pl.Float64():
            return raw.cast(pl.Float64())
        if target == pl.Int64():
            # Integers stored as floats (a common export artefact) are fine if whole.
            return pl.when(raw == raw.floor()).then(raw.cast(pl.Int64(), strict=False))
    return None


def _read_file(table: Table, path: Path) -> tuple[pl.DataFrame | None, list[Problem]]:
    name = path.name
    try:
        if path.suffix == ".csv":
            frame = pl.read_csv(path, infer_schema=False, raise_if_empty=True)
        else:
            frame = pl.read_parquet(path)
    except pl.exceptions.NoDataError:
        return None, [_fatal(table.name, name, "the file is empty (a header row is required)")]
    except (pl.exceptions.PolarsError, OSError) as exc:
        # Parser messages can quote cells (personal data); name the problem instead.
        text = str(exc).lower()
        if "utf-8" in text or "utf8" in text:
            reason = "not UTF-8 text"
        elif "more fields" in text:
            reason = "a row has more fields than the header"
        elif path.suffix == ".csv":
            reason = "cannot be read as CSV (check quotes and separators)"
        else:
            reason = "cannot be read as Parquet"
        return None, [_fatal(table.name, name, reason)]
    return frame, []


def column_problems(table: Table, columns: Sequence[str], label: str) -> list[Problem]:
    """Problems with the column names of a raw *table* read from *label*.

    Unknown, repeated and missing required columns; every door that reads whole tables
    (files, database relations) checks its columns with this.
    """
    problems: list[Problem] = []
    known = set(table.column_names)
    present = set(columns)
    for column in columns:
        repeated = _DUPLICATED.match(column)
        if repeated and repeated.group(1) in present:
            problems.append(
                _fatal(table.name, label, f"column {repeated.group(1)!r} appears more than once")
            )
        elif column not in known:
            problems.append(
                _fatal(
                    table.name,
                    label,
                    f"unknown column {column[:40]!r} (columns of {table.name}: "
                    f"{', '.join(table.column_names)})",
                )
            )
    for col in table.columns:
        if col.name not in present and not col.optional_in_files:
            problems.append(_fatal(table.name, label, f"missing required column {col.name!r}"))
    return problems


def _type_table(table: Table, frame: pl.DataFrame, name: str) -> _Read:
    """Type every column, report bad and missing cells, then the per-record checks."""
    show_values = table.name not in SUBJECT_TABLES
    fatal: list[Problem] = []
    work = frame.with_columns(pl.int_range(pl.len(), dtype=LOC_DTYPE).alias(LOC))
    parsed: list[pl.Expr] = []
    cell_checks: list[tuple[pl.Expr, pl.Expr]] = []
    final: list[pl.Expr] = [pl.col(LOC)]
    for col in table.columns:
        if col.name not in frame.columns:
            final.append(pl.lit(col.default, col.dtype).alias(col.name))
            continue
        convert = _converter(col, frame.schema[col.name])
        if convert is None:
            fatal.append(
                _fatal(
                    table.name,
                    name,
                    f"column {col.name!r} has type {frame.schema[col.name]}; expected {col.dtype}",
                )
            )
            continue
        value = pl.col(col.name)
        if not convert.meta.eq(value):
            # Keep the raw column for messages; the parsed one goes under a private name.
            tmp = f"{col.name}\x00"
            parsed.append(convert.alias(tmp))
            value = pl.col(tmp)
            raw = pl.col(col.name)
            shown = raw.cast(pl.String()).str.slice(0, 40)
            reason = (
                pl.format(f"{col.name}: '{{}}' {_phrase(col)}", shown)
                if show_values
                else pl.lit(f"{col.name}: value {_phrase(col)}")
            )
            cell_checks.append((raw.is_not_null() & value.is_null(), reason))
            missing = raw.is_null()
        else:
            missing = value.is_null()
        if col.default is not None:
            # An empty cell in a column with a default takes the default, as a left-out column does.
            value = value.fill_null(pl.lit(col.default, col.dtype))
        elif not col.nullable:
            cell_checks.append(
                (missing, pl.lit(f"{col.name}: missing value (the column is required)"))
            )
        final.append(value.alias(col.name))
    if fatal:
        return _Read(good=None, rejected=None, problems=empty_problems(), fatal=tuple(fatal))

    if parsed:
        work = work.with_columns(parsed)
    parts: list[pl.DataFrame] = []
    if cell_checks:
        counts = work.select(cond.sum().alias(str(i)) for i, (cond, _) in enumerate(cell_checks))
        hits = counts.row(0)
        for (cond, reason), count in zip(cell_checks, hits, strict=True):
            if count:
                parts.append(
                    work.filter(cond).select(
                        pl.col(LOC),
                        pl.lit(None, pl.String()).alias("location"),
                        reason.alias("reason"),
                    )
                )
    if table.name == "subjects":
        final.append(pl.col("id").alias(SID))
    elif table.name in SUBJECT_TABLES:
        final.append(pl.col("subject_id").alias(SID))
    typed = work.select(final)
    parts.append(record_problems(table.name, typed))
    problems = pl.concat(parts).sort(LOC, maintain_order=True)
    if problems.height == 0:
        return _Read(good=typed, rejected=None, problems=problems)
    bad = problems[LOC].unique().implode()
    return _Read(
        good=typed.filter(~pl.col(LOC).is_in(bad)),
        rejected=typed.filter(pl.col(LOC).is_in(bad)).select(
            pl.col(name).cast(dtype) for name, dtype in key_schema(table.name).items()
        ),
        problems=problems,
    )


def _empty(table: Table) -> pl.DataFrame:
    schema = dict(table.polars_schema)
    schema[LOC] = LOC_DTYPE
    if SID in internal_columns(table.name):
        schema[SID] = pl.String()
    return pl.DataFrame(schema=schema)


def _find_files(folder: Path) -> tuple[dict[str, Path], list[Problem]]:
    files: dict[str, Path] = {}
    fatal: list[Problem] = []
    names = ", ".join(t.name for t in TABLES)
    for entry in sorted(folder.iterdir(), key=lambda p: p.name):
        if entry.name.startswith("."):
            continue  # hidden files (.DS_Store, editor backups) are not data
        table = entry.stem if entry.suffix in SUFFIXES and entry.is_file() else None
        if table not in TABLES_BY_NAME:
            fatal.append(
                _fatal(
                    "",
                    entry.name,
                    f"unknown file; expected <table>.csv or <table>.parquet for one of: {names}",
                )
            )
        elif table in files:
            fatal.append(
                _fatal(table, entry.name, f"both {table}.csv and {table}.parquet exist; keep one")
            )
        else:
            files[table] = entry
    for required in sorted(REQUIRED_TABLES):
        if required not in files:
            fatal.append(
                _fatal(
                    required,
                    str(folder),
                    f"missing {required}.csv or {required}.parquet (required)",
                )
            )
    return files, fatal


def stage_frames(
    source: str,
    frames: Mapping[str, tuple[str, pl.DataFrame]],
    *,
    locate: Locator,
    fatal: Sequence[Problem] = (),
) -> Staged:
    """Type raw tables into a :class:`Staged` input: the shared half of the table doors.

    *frames* maps a table name to ``(label, raw frame)``, the label naming where it came
    from in messages (``units.csv``, ``drugfree.units``). Columns are checked, typed cell
    by cell and checked record by record; a table left out is empty (unless required)
    and *not supplied* (:attr:`Staged.supplied <drugfree_core.io.checks.Staged.supplied>`).
    """
    problems_fatal = list(fatal)
    good: dict[str, pl.DataFrame] = {}
    rejected: dict[str, pl.DataFrame] = {}
    problems: dict[str, pl.DataFrame] = {}
    for table in TABLES:
        found = frames.get(table.name)
        if found is None:
            if table.name not in REQUIRED_TABLES:
                good[table.name] = _empty(table)
            continue
        label, frame = found
        bad_columns = column_problems(table, frame.columns, label)
        if bad_columns:
            problems_fatal.extend(bad_columns)
            continue
        read = _type_table(table, frame, label)
        problems_fatal.extend(read.fatal)
        if read.good is not None:
            good[table.name] = read.good
        if read.rejected is not None:
            rejected[table.name] = read.rejected
        if read.problems.height:
            problems[table.name] = read.problems
    return Staged(
        source=source,
        locate=locate,
        good=good,
        rejected=rejected,
        problems=problems,
        fatal=tuple(problems_fatal),
        supplied=frozenset(frames),
    )


def stage_tables(folder: str | os.PathLike[str]) -> Staged:
    """Read and type every table file of *folder* into a :class:`Staged` input."""
    root = Path(folder)
    source = str(root)
    first_row: dict[str, tuple[str, int]] = {}

    def locate(table: str, loc: int) -> str:
        file_name, first = first_row.get(table, (table, 1))
        return f"{file_name}:row {loc + first}"

    if not root.is_dir():
        problem = _fatal("", source, "not a folder")
        return Staged(source=source, locate=locate, good={}, fatal=(problem,))
    files, fatal = _find_files(root)
    frames: dict[str, tuple[str, pl.DataFrame]] = {}
    for table in TABLES:
        path = files.get(table.name)
        if path is None:
            continue
        first_row[table.name] = (path.name, _FIRST_ROW[path.suffix])
        frame, file_problems = _read_file(table, path)
        fatal.extend(file_problems)
        if frame is not None:
            frames[table.name] = (path.name, frame)
    staged = stage_frames(source, frames, locate=locate, fatal=fatal)
    # Every file present was supplied, even one that could not be read (that is fatal).
    staged = attrs.evolve(staged, supplied=frozenset(files))
    # An unreadable file is not an empty table: leave it out, so the checks needing it skip.
    unreadable = {t.name for t in TABLES if t.name in files and t.name not in frames}
    if unreadable:
        staged = attrs.evolve(
            staged, good={k: v for k, v in staged.good.items() if k not in unreadable}
        )
    return staged


def read_tables(folder: str | os.PathLike[str], *, quarantine: bool = False) -> Dataset:
    """Read a folder of table files (one ``<table>.csv`` or ``<table>.parquet`` per table).

    Strict by default: any problem raises :class:`~drugfree_core.errors.DatasetError`
    listing every problem. With *quarantine*, bad rows (and what depends on them) are
    left out and listed in :attr:`Dataset.quarantined`; problems that belong to no single
    row (missing ``units`` file, unknown file or column, unreadable file) still raise.
    """
    return finish(stage_tables(folder), quarantine=quarantine)
