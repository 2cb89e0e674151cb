"""The fast way through the JSON door, for documents whose every record is valid.

The general way (:mod:`drugfree_core.io.json_door`) structures each element into the
model's attrs records, which locates every problem at its JSON path but costs some
20 µs a record: 10 s for a 40,000-person document. Most documents have no bad record,
and for them this module gives the same :class:`~drugfree_core.dataset.checks.Staged` input
in a fraction of that:

* msgspec decodes the bytes straight into flat structs (generated from the model's
  attrs classes: the same fields, required and optional alike, unknown keys refused,
  no coercion: ``"12"`` is not an integer, ``1`` is not ``true``, a category is one of
  its values), without the garbage collector tracking the millions of objects;
* each field becomes a column by one pass over the records (dates by their day
  numbers), and categories and the record checks run as polars expressions over whole
  columns (the table door's :data:`~drugfree_core.dataset.checks.RECORD_CHECKS`, the
  attrs validators as columns);
* a key given twice in one object, which msgspec would silently collapse, is found by
  counting the keys of the text and comparing with the keys decoded (the colons first:
  as many as the keys decoded vouches for them, without numpy);
* a nested row's place (``$.subjects[i].tests[j]``) is worked out only when a problem
  asks for it.

Anything else (malformed JSON, a bad value anywhere, a repeated key, a date that does
not exist, NaN) makes :func:`stage_fast` return ``None`` and the door takes the general
way, which says exactly what is wrong and where. Both ways give equal datasets and
equal problems (``tests/test_fast_paths.py`` checks it).
"""

from __future__ import annotations

import datetime as dt
import enum
import typing
from bisect import bisect_right
from itertools import accumulate, chain
from operator import attrgetter
from typing import Any

import attrs
import msgspec
import polars as pl

from drugfree_core._gc import gc_paused
from drugfree_core.dataset.checks import (
    LOC,
    LOC_DTYPE,
    SID,
    SUBJECT_TABLES,
    Staged,
    empty_keys,
    record_problems,
)
from drugfree_core.dataset.document import FORMAT
from drugfree_core.dataset.records import CHILD_FIELDS, TOP_LEVEL, supplied_tables
from drugfree_core.dataset.schema import TABLES, Table
from drugfree_core.model import Subject

_DAY_NUMBER = dt.date.toordinal
_EPOCH_DAY = dt.date(1970, 1, 1).toordinal()  # polars counts days from 1970-01-01
_UNSET = msgspec.UNSET


class _NotFast(Exception):
    """The document needs the general way (it is not known to be clean)."""


# --- structs generated from the model ------------------------------------------------------


def _json_type(t: Any, structs: dict[type, Any]) -> Any:
    """The msgspec type that reads what the general converter accepts for *t*."""
    args = typing.get_args(t)
    if type(None) in args:  # X | None
        (inner,) = (a for a in args if a is not type(None))
        return _json_type(inner, structs) | None
    if typing.get_origin(t) is tuple:  # tuple[X, ...]: a subject's nested list
        return list[_struct(args[0], structs)]  # type: ignore[misc]
    if t is dt.date:
        return t  # msgspec reads YYYY-MM-DD dates from year 1 only: never looser than the model
    if isinstance(t, type) and issubclass(t, enum.Enum):
        # Its values (all text): msgspec refuses any other and hands back one shared
        # object per value, which makes reading, building columns and freeing a fifth
        # faster than a new string per cell. The column is still cast and checked below.
        return typing.Literal[tuple(m.value for m in t)]
    if t in (str, int, float, bool):
        return t
    raise TypeError(f"no JSON type for {t!r}")  # pragma: no cover - internal: the model's types


def _struct(cls: type, structs: dict[type, Any]) -> Any:
    """A msgspec struct with *cls*'s fields; an optional field left out is None."""
    if cls not in structs:
        attrs.resolve_types(cls)
        fields: list[tuple[Any, ...]] = []
        for f in attrs.fields(cls):
            kind = _json_type(f.type, structs)
            if f.default is attrs.NOTHING:
                fields.append((f.name, kind))
            else:
                # Left out or null: both read None, and the column fills in the default.
                # Only keys given are counted (a column's non-null cells), so an explicit
                # null, which the model may refuse, does not add up: the document takes
                # the general way (rare: the writer leaves defaults out, never nulls).
                fields.append((f.name, kind if f.default is None else kind | None, None))
        structs[cls] = msgspec.defstruct(
            f"_{cls.__name__}", fields, forbid_unknown_fields=True, gc=False
        )
    return structs[cls]


def _document_struct() -> Any:
    structs: dict[type, Any] = {}
    fields: list[tuple[Any, ...]] = [("format", str)]
    for name, cls in TOP_LEVEL.items():
        fields.append((name, list[_struct(cls, structs)] | msgspec.UnsetType, _UNSET))  # type: ignore[misc]
    return msgspec.defstruct("_Document", fields, forbid_unknown_fields=True, gc=False)


_DECODER: msgspec.json.Decoder[Any] | None = None


def _decoder() -> msgspec.json.Decoder[Any]:
    global _DECODER
    if _DECODER is None:
        _DECODER = msgspec.json.Decoder(_document_struct())
    return _DECODER


# --- counting keys (duplicates) ------------------------------------------------------------


#: The bytes an opening quote can follow, and the blanks JSON allows between tokens.
_OPENERS = list(b"{[,: \t\n\r")
_BLANKS = list(b" \t\n\r")


def count_keys(raw: bytes) -> int:
    """How many object keys the JSON text *raw* holds (it must be valid JSON).

    A key is a string followed by ``:``. Without backslashes no string holds a quote,
    and without whitespace before a colon every key ends in ``":``: one count. Else the
    quotes are found, escaped ones dropped, and each closing quote's next
    non-blank byte looked at.
    """
    import numpy as np

    if b"\\" not in raw:
        # One pass over the colons (one search per pattern took half a second on 80 MB).
        text = np.frombuffer(raw, dtype=np.uint8)
        colons = np.flatnonzero(text == ord(":"))
        colons = colons[colons > 0]
        before = text[colons - 1]
        after_quote = colons[before == ord('"')]
        # A string that starts with ":" puts an opening quote before a colon: only the
        # exact count below tells it from a key (an opening quote follows one of these).
        quotes = after_quote[after_quote > 1] - 1
        opening_colon = np.isin(text[quotes - 1], _OPENERS).any()
        # every colon after a quote, or none after a blank: each key ends in '":'
        if not opening_colon and (
            after_quote.size == colons.size or not np.isin(before, _BLANKS).any()
        ):
            return int(after_quote.size)
    data = np.frombuffer(raw + b"\x00", dtype=np.uint8)  # a stop after the last byte
    quotes = np.flatnonzero(data == ord('"'))
    after_backslash = quotes[data[quotes - 1] == ord("\\")] if quotes.size else quotes
    if after_backslash.size:
        escaped = set()
        for q in after_backslash.tolist():
            run = 0
            while data[q - 1 - run] == ord("\\"):
                run += 1
            if run % 2:
                escaped.add(q)
        quotes = quotes[~np.isin(quotes, np.fromiter(escaped, dtype=np.int64, count=len(escaped)))]
    nxt = quotes[1::2] + 1
    blank = np.isin(data[nxt], np.frombuffer(b" \t\n\r", dtype=np.uint8))
    while blank.any():
        nxt[blank] += 1
        blank = np.isin(data[nxt], np.frombuffer(b" \t\n\r", dtype=np.uint8))
    return int((data[nxt] == ord(":")).sum())


def _no_key_repeated(raw: bytes, decoded_keys: int) -> bool:
    """Whether the text *raw* holds no more keys than the *decoded_keys* it decoded to.

    Every key is followed by one colon outside strings, and every decoded key came from
    one in the text: when there are as many colons as decoded keys, none was given
    twice. One count of one byte, without numpy; colons inside strings take the exact
    count (:func:`count_keys`).
    """
    return raw.count(b":") == decoded_keys or count_keys(raw) == decoded_keys


# --- columns -----------------------------------------------------------------------------


class _Columns:
    """Builds the typed frames and counts the keys the decoded records had."""

    def __init__(self) -> None:
        self.keys = 0

    def given(self, rows: list[Any], name: str) -> list[Any]:
        """The field *name* of every row (None where left out), its keys counted."""
        got = list(map(attrgetter(name), rows))
        self.keys += len(got) - got.count(None)
        return got

    def frame(self, table: Table, cls: type, rows: list[Any], extra: dict[str, pl.Series]) -> Any:
        """The table's typed frame (columns in schema order, then LOC and SID)."""
        defaults = {f.name: f.default for f in attrs.fields(cls)}
        series: list[pl.Series] = []
        for col in table.columns:
            if col.name in extra:
                series.append(extra[col.name].alias(col.name))
                continue
            values = list(map(attrgetter(col.name), rows))
            if col.enum is not None:
                column = self._enum(col.name, values, col.dtype)
            elif col.dtype == pl.Date():
                column = self._date(col.name, values)
            else:
                column = pl.Series(col.name, values, dtype=col.dtype, strict=True)
            self.keys += column.len() - column.null_count()  # None: left out (or null)
            default = defaults[col.name]
            if default is not None and default is not attrs.NOTHING and column.has_nulls():
                column = column.fill_null(
                    default.value if isinstance(default, enum.Enum) else default
                )
            series.append(column)
        n = len(rows)
        frame = pl.DataFrame(series).with_columns(pl.int_range(n, dtype=LOC_DTYPE).alias(LOC))
        if SID in extra:
            frame = frame.with_columns(extra[SID].alias(SID))
        if record_problems(table.name, frame).height:
            raise _NotFast(table.name)
        return frame

    @staticmethod
    def _enum(name: str, values: list[Any], dtype: pl.DataType) -> pl.Series:
        text = pl.Series(name, values, dtype=pl.String(), strict=True)
        typed = text.cast(dtype, strict=False)
        if typed.null_count() != text.null_count():
            raise _NotFast(name)
        return typed

    @staticmethod
    def _date(name: str, values: list[Any]) -> pl.Series:
        # By day numbers: a third of the time polars takes over date objects. A date left
        # out (None) stops the quick map at once; looking for one first (list.count)
        # compared every date with None, a tenth of this step.
        try:
            days: list[int | None] = list(map(_DAY_NUMBER, values))
        except TypeError:
            days = [None if d is None else d.toordinal() for d in values]
        numbers = pl.Series(name, days, dtype=pl.Int32())
        return (numbers - _EPOCH_DAY).cast(pl.Date())


def _subject_index(lengths: list[int]) -> pl.Series:
    """For each nested row, in order, the position of its subject (*lengths* per subject)."""
    counts = pl.Series("n", lengths, dtype=pl.UInt32())
    # Every subject's position, repeated once per nested row; an empty list adds none.
    return pl.select(
        pl.int_range(counts.len(), dtype=pl.UInt32()).repeat_by(counts).explode().drop_nulls()
    ).to_series()


def _locator(lengths: dict[str, list[int]]) -> Any:
    """Where each row was: nested rows are placed from their lists' lengths when asked.

    Only a problem needs a location, so the starts are summed on the first look-up.
    """
    fields = {table: field for table, field in CHILD_FIELDS.items()}
    starts: dict[str, list[int]] = {}

    def locate(table: str, loc: int) -> str:
        if table in lengths:
            if table not in starts:
                starts[table] = list(accumulate(lengths[table], initial=0))
            # An empty list starts where the next one does: take the last of equal starts.
            subject = bisect_right(starts[table], loc) - 1
            within = loc - starts[table][subject]
            return f"$.subjects[{subject}].{fields[table]}[{within}]"
        return f"$.{table}[{loc}]"

    return locate


def _stage(document: Any, source: str) -> tuple[Staged, int]:
    """The staged input and how many keys the decoded objects held."""
    columns = _Columns()
    columns.keys = 1  # format
    given = [name for name in TOP_LEVEL if getattr(document, name) is not _UNSET]
    columns.keys += len(given)
    good: dict[str, pl.DataFrame] = {}
    nested_lengths: dict[str, list[int]] = {}
    for table in TABLES:
        if table.name in SUBJECT_TABLES and table.name != "subjects":
            continue  # with the subjects
        cls = TOP_LEVEL[table.name]
        rows = getattr(document, table.name) or []
        if table.name != "subjects":
            good[table.name] = columns.frame(table, cls, rows, {})
            continue
        ids = pl.Series("id", columns.given(rows, "id"), dtype=pl.String(), strict=True)
        sids = pl.Series(SID, [str(i) for i in range(len(rows))], dtype=pl.String())
        good["subjects"] = columns.frame(table, Subject, rows, {"id": ids, SID: sids})
        for child_table, field in CHILD_FIELDS.items():
            lists = columns.given(rows, field)
            lengths = [0 if x is None else len(x) for x in lists]
            children = list(chain.from_iterable(filter(None, lists)))
            nested_lengths[child_table] = lengths
            index = _subject_index(lengths)
            extra = {"subject_id": ids.gather(index), SID: sids.gather(index)}
            child_cls = typing.get_args(attrs.fields_dict(Subject)[field].type)[0]
            good[child_table] = columns.frame(_TABLE[child_table], child_cls, children, extra)
    staged = Staged(
        source=source,
        locate=_locator(nested_lengths),
        good=good,
        rejected={t.name: empty_keys(t.name) for t in TABLES},
        supplied=supplied_tables(given),
    )
    return staged, columns.keys


_TABLE = {t.name: t for t in TABLES}


def stage_fast(raw: bytes, source: str) -> Staged | None:
    """The :class:`Staged` input of the document *raw*, or None if it needs the general way.

    *raw* is the document's UTF-8 bytes without a byte order mark.
    """
    # The decoded records hold no cycles. They are freed before collection resumes: the
    # first collection after would otherwise walk every list made while it was paused.
    with gc_paused():
        try:
            document = _decoder().decode(raw)
            if document.format != FORMAT:
                return None
            staged, decoded_keys = _stage(document, source)
        except (msgspec.DecodeError, _NotFast):  # malformed, or a value the model refuses
            return None
        except (pl.exceptions.PolarsError, TypeError, ValueError, OverflowError):
            # a value polars cannot hold as the model says (an integer beyond 64 bits, a
            # string with a lone surrogate): the general way names it
            return None
        finally:
            document = None
        if not _no_key_repeated(raw, decoded_keys):
            return None
    return staged
