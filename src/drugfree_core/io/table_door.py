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
id locate it, and the values are personal data. A header cell that is not a column name
is named by its position, never quoted (a file without its header row would otherwise
have its first row of data repeated back). Blank lines at the end of a CSV file are
ignored; a blank line between rows is reported once, as an empty row.
"""

from __future__ import annotations

import datetime as dt
import difflib
import mmap
import os
import re
from collections.abc import Collection, Mapping, Sequence
from pathlib import Path

import attrs
import polars as pl

from drugfree_core._args import expect_path
from drugfree_core._polars_paths import polars_target
from drugfree_core.dataset.checks import (
    LOC,
    LOC_DTYPE,
    PERSONAL_TABLES,
    SID,
    SUBJECT_TABLES,
    Locator,
    Staged,
    empty_problems,
    internal_columns,
    key_schema,
    record_problems,
)
from drugfree_core.dataset.dataset import Dataset
from drugfree_core.dataset.ordinals import ordinal
from drugfree_core.dataset.schema import REQUIRED_TABLES, TABLES, TABLES_BY_NAME, Column, Table
from drugfree_core.errors import Problem
from drugfree_core.i18n import msg
from drugfree_core.io.known_units import with_known_units
from drugfree_core.model._checks import _NATIONAL_ID

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


def _phrase(col: Column, source: pl.DataType) -> str:
    """What a bad cell of *col*, stored as *source*, is not."""
    if col.enum is not None:
        return f"is not one of: {', '.join(str(m.value) for m in col.enum)}"
    if col.dtype == pl.Date():
        if source == pl.Date():
            return "is not a date between the years 1 and 9999"
        return "is not a date written YYYY-MM-DD"
    if col.dtype == pl.Int64():
        return "is not an integer"
    if col.dtype == pl.Float64():
        return "is not a number"
    if col.dtype == pl.Boolean():
        return "is not a boolean (true, false, 1 or 0)"
    return "is not valid"  # pragma: no cover - text columns never fail to parse


_OUT_OF_RANGE = f"is out of range: it must lie between {-(2**63)} and {2**63 - 1}"
_NO_SUCH_DAY = "is written YYYY-MM-DD but no such day exists (check month and day; years 0001-9999)"


def _type_words(dtype: pl.DataType) -> str:
    """A column type in words (``list values``, ``dates``), as a person would say it."""
    if dtype.is_integer():
        return "whole numbers"
    if dtype.is_float() or dtype.is_decimal():
        return "numbers"
    names = {
        pl.String: "text",
        pl.Categorical: "text categories",
        pl.Enum: "text categories",
        pl.Boolean: "true/false values",
        pl.Date: "dates",
        pl.Datetime: "dates with times",
        pl.Time: "times of day",
        pl.Duration: "durations",
        pl.Binary: "raw bytes",
        pl.List: "lists",
        pl.Array: "lists",
        pl.Struct: "structures",
        pl.Null: "nothing",
    }
    for kind, words in names.items():
        if isinstance(dtype, kind):
            return words
    return str(dtype)


def _near_miss(col: Column, raw: pl.Expr) -> tuple[pl.Expr, str] | None:
    """Cells that look right but cannot be stored, with what is wrong with them."""
    text = raw.cast(pl.String())
    if col.dtype == pl.Date():
        return text.str.contains(_DATE_TEXT), _NO_SUCH_DAY
    if col.dtype == pl.Int64():
        return text.str.contains(_INT_TEXT), _OUT_OF_RANGE
    return None


def _cell_reason(col: Column, source: pl.DataType, raw: pl.Expr, show: bool) -> pl.Expr:
    """Why a cell of *col* could not be read; its value quoted only when *show*.

    A stored date or time is never quoted: one outside the calendar cannot be written.
    """
    temporal = source.is_temporal()
    shown = raw if temporal else raw.cast(pl.String()).str.slice(0, 40)

    def say(phrase: str) -> pl.Expr:
        if show and not temporal:
            return pl.format(f"{col.name}: '{{}}' {phrase}", shown)
        return pl.lit(f"{col.name}: value {phrase}")

    reason = say(_phrase(col, source))
    near = _near_miss(col, raw) if source != col.dtype and not temporal else None
    if near is not None:
        condition, phrase = near
        reason = pl.when(condition).then(say(phrase)).otherwise(reason)
    return reason


def _from_text(col: Column, raw: pl.Expr) -> pl.Expr:
    """Parse text cells into *col*'s type; null where a cell does not parse."""
    dtype = col.dtype
    if col.enum is not None:
        return raw.cast(dtype, strict=False)
    if dtype == pl.Date():
        # polars reads "0000-01-01"; Python's calendar (and every output) starts at year 1.
        return _in_calendar(
            pl.when(raw.str.contains(_DATE_TEXT)).then(raw.str.to_date("%Y-%m-%d", strict=False))
        )
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


_FIRST_DAY, _LAST_DAY = dt.date(1, 1, 1), dt.date(9999, 12, 31)


def _in_calendar(date: pl.Expr) -> pl.Expr:
    """*date* where it falls in the years 1 to 9999; null (a bad cell) elsewhere."""
    # Compared as dates (whole numbers of days), not by extracting every date's year.
    return pl.when(date.is_between(_FIRST_DAY, _LAST_DAY)).then(date)


def _converter(col: Column, source: pl.DataType) -> pl.Expr | None:
    """How to bring a column stored as *source* to *col*'s type; None if it cannot be."""
    raw = pl.col(col.name)
    target = col.dtype
    if source == target:
        # A Parquet date can lie far outside the calendar Python (and every output) holds.
        return _in_calendar(raw) if target == pl.Date() else raw
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


_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_SAVE_AS = "save the file as CSV UTF-8"


def _not_utf8(table: Table, path: Path) -> Problem:
    """The problem of a CSV file that is not UTF-8, at the first byte that is not."""
    try:
        path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        return _fatal(table.name, f"{path.name}:byte {exc.start}", f"not UTF-8 text; {_SAVE_AS}")
    except OSError:
        pass
    return _fatal(table.name, path.name, f"not UTF-8 text; {_SAVE_AS}")


def read_table_file(table: Table, path: Path) -> tuple[pl.DataFrame | None, list[Problem]]:
    """The raw rows of the file *path* of *table*, or None and why it cannot be read."""
    name = path.name
    if path.suffix == ".csv":
        try:
            with path.open("rb") as file:
                start = file.read(2)
        except OSError:
            start = b""
        if start in _UTF16_BOMS:
            # polars would read the header as text with NULs between its letters.
            reason = f"not UTF-8 text: the file is UTF-16 (Excel's 'Unicode text'); {_SAVE_AS}"
            return None, [_fatal(table.name, f"{name}:byte 0", reason)]
        long = first_long_line(path)
        if long is not None:
            reason = (
                f"a line of at least {_LONG_LINE_WORDS}: no record of the dataset's "
                "tables comes near (is it the right file?)"
            )
            # A line, not a row: a quoted cell may hold line breaks before it.
            return None, [_fatal(table.name, f"{name}:line {long}", reason)]
    try:
        with polars_target(path, "rb") as source:
            if path.suffix == ".csv":
                frame = pl.read_csv(source, infer_schema=False, raise_if_empty=True)
            else:
                frame = pl.read_parquet(source)
    except pl.exceptions.NoDataError:
        return None, [_fatal(table.name, name, "the file is empty (a header row is required)")]
    except (pl.exceptions.PolarsError, OSError) as exc:
        # Parser messages can quote cells (personal data); name the problem instead.
        text = str(exc).lower()
        if "utf-8" in text or "utf8" in text:
            return None, [_not_utf8(table, path)]
        if "more fields" in text:
            longer = path.suffix == ".csv" and first_long_row(path)
            if longer:
                row, fields, width = longer
                reason = f"the row has {fields} fields, the header {width}"
                return None, [_fatal(table.name, f"{name}:row {row}", reason)]
            reason = "a row has more fields than the header"
        elif path.suffix == ".csv":
            reason = "cannot be read as CSV (check quotes and separators)"
        else:
            reason = "cannot be read as Parquet"
        return None, [_fatal(table.name, name, reason)]

    if path.suffix == ".csv":
        frame = _without_trailing_blank_rows(frame)
        short = first_short_row(path, frame)
        if short is not None:
            row, fields = short
            reason = (
                f"the row has {fields} fields, the header {frame.width}: a line cut short "
                "loses its last cells"
            )
            return None, [_fatal(table.name, f"{name}:row {row}", reason)]
    return in_one_piece(frame), []


#: A CSV line this long is refused before it is parsed (one half as long may be): polars
#: holds a cell several times over while reading it (400 MB of cells took 1 GB, and the
#: checks as much again). A record of the dataset's tables takes a few hundred bytes.
LONG_LINE = 1 << 20
_LONG_LINE_WORDS = "512 KiB"  # LONG_LINE // 2: what a line found holds at least
#: Bytes counted at a time for the row of a line too long (see :func:`first_long_line`).
_COUNT_PIECE = 1 << 25


def first_long_line(path: Path) -> int | None:
    """The line of the CSV file *path* (the header's is line 1) too long, if any.

    A line of :data:`LONG_LINE` bytes or more is found, and one of half as many may be:
    the file is looked at every half of :data:`LONG_LINE` bytes, from its start; a
    stretch that long without a line break is part of a line at least that long, and a
    line of :data:`LONG_LINE` bytes holds such a stretch whole wherever it falls. The
    file is mapped, not read: each look touches a page or two, up to the next line
    break (a national table of tests, 184 MB: some 370 looks, 1-4 ms).
    """
    step = LONG_LINE // 2
    try:
        with path.open("rb") as file, mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ) as mm:
            for at in range(0, len(mm) - step + 1, step):
                if mm.find(b"\n", at, at + step) < 0:
                    breaks = sum(
                        mm[i : min(i + _COUNT_PIECE, at)].count(b"\n")
                        for i in range(0, at, _COUNT_PIECE)
                    )
                    return breaks + 1
    except (OSError, ValueError):
        return None  # empty, or not a file to map: the reading that follows says what
    return None


def first_short_row(path: Path, frame: pl.DataFrame) -> tuple[int, int] | None:
    """The first row of the CSV file *path* with fewer fields than its header, if any.

    ``(row, fields)``, rows counted as a spreadsheet does (the header is row 1). *frame*
    is the file as read: a row cut short reads as empty cells at its end, so its last
    column is empty, and a file whose last column holds a value on every row has none
    (nothing more is read). Otherwise the file's lines are counted, quoted cells left
    out, some 32 MB of lines at a time; a quoted cell holding a line break makes lines
    and rows differ, and then where a row is cut cannot be told (None: the parser's
    reading stands).
    """
    if frame.width < 2 or not frame.height or not frame[frame.columns[-1]].has_nulls():
        return None
    with polars_target(path, "rb") as source:
        raw = source.read_bytes() if isinstance(source, Path) else source.read()
    return _first_odd_row(raw, frame.width, shorter=True)


def first_long_row(path: Path) -> tuple[int, int, int] | None:
    """The first row of the CSV file *path* with more fields than its header, if any.

    ``(row, fields, the header's fields)``, rows counted as in :func:`first_short_row`,
    and None where lines and rows differ (a quoted cell holding a line break).
    """
    with polars_target(path, "rb") as source:
        raw = source.read_bytes() if isinstance(source, Path) else source.read()
    header = raw[: raw.find(b"\n") + 1 or len(raw)].removeprefix(b"\xef\xbb\xbf")
    try:
        width = _fields(header)
        found = _first_odd_row(raw, width, shorter=False)
    except _QuotedLineBreak:
        return None
    return None if found is None else (*found, width)


def _fields(line: bytes) -> int:
    """How many fields one CSV line holds (raises :class:`_QuotedLineBreak` if it breaks)."""
    text = line.decode("utf-8", errors="replace").rstrip("\r\n")
    if text.count('"') % 2:
        raise _QuotedLineBreak
    return re.sub('"[^"]*"', "", text).count(",") + 1


def _first_odd_row(raw: bytes, width: int, *, shorter: bool) -> tuple[int, int] | None:
    """The first row of *raw* with fewer (or more) fields than *width*: (row, fields)."""
    before, start = 0, 0  # lines before the piece, and where it starts
    while start < len(raw):
        stop = raw.find(b"\n", min(start + _SHORT_ROW_PIECE, len(raw)))
        stop = len(raw) if stop < 0 else stop + 1
        try:
            found = _odd_line(raw[start:stop], width, shorter=shorter)
        except _QuotedLineBreak:
            return None
        if found is not None:
            line, fields = found
            return before + line + 1, fields
        before += raw.count(b"\n", start, stop)
        start = stop
    return None


#: Bytes of lines looked at at a time by :func:`first_short_row` (a few copies are made).
_SHORT_ROW_PIECE = 1 << 25


class _QuotedLineBreak(Exception):
    """A line holds an odd number of quotes: a quoted cell breaks it, lines are not rows."""


def _odd_line(piece: bytes, width: int, *, shorter: bool) -> tuple[int, int] | None:
    """The first line of *piece* with fewer (or more) than *width* fields: (index, fields).

    None when there is none (an empty line is the blank-row check's to report); raises
    :class:`_QuotedLineBreak` when lines are not rows.
    """
    lines = (
        pl.Series([piece], dtype=pl.Binary())
        .cast(pl.String())
        .str.split("\n")
        .explode()
        .str.strip_suffix("\r")
    )
    if (lines.str.count_matches('"', literal=True) % 2 == 1).any():
        raise _QuotedLineBreak
    fields = lines.str.replace_all('"[^"]*"', "").str.count_matches(",", literal=True) + 1
    odd = fields < width if shorter else fields > width
    found = (odd & (lines != "")).arg_true()
    if found.is_empty():
        return None
    first = int(found[0])
    return first, int(fields[first])


def in_one_piece(frame: pl.DataFrame) -> pl.DataFrame:
    """*frame* with each column in one piece, for a door to keep until every table is typed.

    Readers return a big table in many chunks (a few hundred from Parquet, one per batch
    from a database), and typing copies them into one piece: were the chunks kept beside
    that copy until the last table is typed, the data would be held twice while loading.
    """
    return frame.rechunk()


def _without_trailing_blank_rows(frame: pl.DataFrame) -> pl.DataFrame:
    """*frame* without the blank lines (rows of empty cells) that end the file."""
    blank = _blank_row(frame.columns)
    filled = frame.select((~blank).arg_true().max()).item()
    return frame.head(0 if filled is None else filled + 1)


def _blank_row(columns: Sequence[str]) -> pl.Expr:
    """True for a blank line of a CSV file: no cell holds anything, not even ``""``.

    (A quoted empty cell, ``""``, is read as empty text, not as nothing: a row of them
    was written on purpose and is checked like any other.)
    """
    if not columns:
        return pl.lit(False)
    return pl.all_horizontal(pl.col(c).is_null() for c in columns)


def _guess(header: str, names: tuple[str, ...]) -> str | None:
    """The column name *header* was probably meant to be (case or a small typo)."""
    text = header.strip().lower()
    if text in names:
        return text
    close = difflib.get_close_matches(text, names, n=1, cutoff=0.75)
    return close[0] if close else None


def column_problems(
    table: Table, columns: Sequence[str], label: str, *, header_row: bool = False
) -> list[Problem]:
    """Problems with the column names of a raw *table* read from *label*.

    Unknown, repeated and missing required columns; every door that reads whole tables
    (files, database relations) checks its columns with this. With *header_row* the names
    were read from the first row of a file: a name that is not a column name is named by
    its position, never quoted (in a file without its header row it is data), and a row of
    which no cell is a column name is reported once, as a missing header row. Without it
    (a database's catalogue) an unknown name is quoted, as the schema's own text.
    """
    known = table.column_names
    listed = ", ".join(known)
    headers = list(columns)
    plain = [
        h for h in headers if not _DUPLICATED.match(h) or _DUPLICATED.sub(r"\1", h) not in headers
    ]
    if header_row and plain and not any(h in known or _guess(h, known) for h in plain):
        reason = (
            f"the first row is not a header: no cell of it is a column name of "
            f"{table.name} ({listed}); add the header row"
        )
        return [_fatal(table.name, label, reason)]
    problems: list[Problem] = []
    for position, header in enumerate(headers, start=1):
        repeated = _DUPLICATED.match(header)
        where = f"the {ordinal(position)} column of the header" if header_row else None
        if repeated and repeated.group(1) in headers:
            first = repeated.group(1)
            if not first.strip():
                reason = f"the {ordinal(position)} column of the header has no name"
            elif first in known or not header_row:
                reason = f"column {first[:40]!r} appears more than once in the header"
            else:
                reason = f"the {ordinal(position)} column of the header repeats an earlier name"
            problems.append(_fatal(table.name, label, reason))
        elif header not in known:
            guess = _guess(header, known)
            hint = f"; did you mean {guess!r}?" if guess else ""
            if where is None and _NATIONAL_ID.match(header.strip()):
                # A column named by a personal value (a database renamed by hand) is
                # described, never quoted.
                reason = (
                    "unknown column (its name looks like a national identity number); "
                    f"columns of {table.name}: {listed}"
                )
            elif where is None:
                reason = f"unknown column {header[:40]!r} (columns of {table.name}: {listed}){hint}"
            elif not header.strip():
                reason = f"{where} has no name{hint}; columns of {table.name}: {listed}"
            else:
                reason = f"unknown column ({where}{hint}); columns of {table.name}: {listed}"
            problems.append(_fatal(table.name, label, reason))
    for col in table.columns:
        if col.name not in headers and not col.optional_in_files:
            problems.append(_fatal(table.name, label, f"missing required column {col.name!r}"))
    return problems


def _type_table(
    table: Table, frame: pl.DataFrame, name: str, *, blank_lines: bool, located: bool = False
) -> _Read:
    """Type every column, report bad and missing cells, then the per-record checks.

    With *blank_lines* (a CSV file, every cell read as text) a row of empty cells is a
    blank line, reported once as an empty row rather than once per required cell. With
    *located* the frame's :data:`LOC` column numbers its rows (they were picked out of a
    file); otherwise they are numbered here, from 0.
    """
    show_values = table.name not in PERSONAL_TABLES
    fatal: list[Problem] = []
    if located:  # rows picked out of a file keep their place in it
        work = frame.with_columns(pl.col(LOC).cast(LOC_DTYPE))
        frame = frame.drop(LOC)
    else:
        work = frame.with_columns(pl.int_range(pl.len(), dtype=LOC_DTYPE).alias(LOC))
    parsed: list[pl.Expr] = []
    # A blank line between rows is one problem ("empty row"), not one per required cell.
    blank = _blank_row(frame.columns) if blank_lines else pl.lit(False)
    cell_checks: list[tuple[pl.Expr, pl.Expr]] = [
        (blank, pl.lit("empty row: every cell is empty (delete the line)"))
    ]
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
                    f"column {col.name!r} holds {_type_words(frame.schema[col.name])}; "
                    f"expected {_type_words(col.dtype)}"
                    + (
                        " (codes and ids are text: a number loses their leading zeros)"
                        if col.dtype == pl.String() and frame.schema[col.name].is_numeric()
                        else ""
                    ),
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
            reason = _cell_reason(col, frame.schema[col.name], raw, show_values)
            cell_checks.append((raw.is_not_null() & value.is_null(), reason))
            missing = raw.is_null() & ~blank
        else:
            missing = value.is_null() & ~blank
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
    # As text whatever the file stored (a Parquet categorical, a column of nulls).
    if table.name == "subjects":
        final.append(pl.col("id").cast(pl.String()).alias(SID))
    elif table.name in SUBJECT_TABLES:
        final.append(pl.col("subject_id").cast(pl.String()).alias(SID))
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


def find_table_files(folder: Path) -> tuple[dict[str, Path], list[Problem]]:
    """The table file of each table in *folder*, and the files that are no table's."""
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
    header_rows: bool = False,
    blank_lines: Collection[str] = (),
    located: Collection[str] = (),
) -> Staged:
    """Type raw tables into a :class:`Staged` input: the shared half of the table doors.

    *frames* maps a table name to ``(label, raw frame)``, the label naming where it came
    from in messages (``units.csv``, ``drugfree.units``). Columns are checked, typed cell
    by cell and checked record by record; a table left out is empty (unless required)
    and *not supplied* (:attr:`Staged.supplied <drugfree_core.dataset.checks.Staged.supplied>`).
    With *header_rows* the column names were read from the files' first rows (see
    :func:`column_problems`); the tables in *blank_lines* were read from CSV text, where a
    row of empty cells is a blank line. The frames of the tables in *located* hold rows
    picked out of their files, each numbered by its place there in a :data:`LOC` column
    (see :mod:`drugfree_core.io.scoped`).
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
        headers = [c for c in frame.columns if c != LOC or table.name not in located]
        bad_columns = column_problems(table, headers, label, header_row=header_rows)
        if bad_columns:
            problems_fatal.extend(bad_columns)
            continue
        read = _type_table(
            table,
            frame,
            label,
            blank_lines=table.name in blank_lines,
            located=table.name in located,
        )
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
    root = expect_path(folder, msg("the folder of tables"))
    if not root.is_dir():
        problem = _fatal("", str(root), "not a folder")
        return Staged(source=str(root), locate=_spreadsheet_rows({}), good={}, fatal=(problem,))
    files, fatal = find_table_files(root)
    frames: dict[str, tuple[str, pl.DataFrame]] = {}
    for table in TABLES:
        path = files.get(table.name)
        if path is None:
            continue
        frame, file_problems = read_table_file(table, path)
        fatal.extend(file_problems)
        if frame is not None:
            frames[table.name] = (path.name, frame)
    return stage_folder(root, files, frames, fatal)


def _spreadsheet_rows(files: Mapping[str, Path]) -> Locator:
    """Where a row of a table file is, as a spreadsheet shows it (``units.csv:row 7``)."""
    first_row = {table: (path.name, _FIRST_ROW[path.suffix]) for table, path in files.items()}

    def locate(table: str, loc: int) -> str:
        file_name, first = first_row.get(table, (table, 1))
        return f"{file_name}:row {loc + first}"

    return locate


def stage_folder(
    root: Path,
    files: Mapping[str, Path],
    frames: Mapping[str, tuple[str, pl.DataFrame]],
    fatal: Sequence[Problem],
    *,
    located: Collection[str] = (),
) -> Staged:
    """Type the raw *frames* read from the *files* of the folder *root* (see :func:`stage_frames`).

    The tables in *located* hold rows picked out of their files, numbered by their place
    there.
    """
    csv_tables = {name for name, path in files.items() if path.suffix == ".csv"}
    staged = stage_frames(
        str(root),
        frames,
        locate=_spreadsheet_rows(files),
        fatal=fatal,
        header_rows=True,
        blank_lines=csv_tables,
        located=located,
    )
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
    return Dataset.from_staged(with_known_units(stage_tables(folder)), quarantine=quarantine)
