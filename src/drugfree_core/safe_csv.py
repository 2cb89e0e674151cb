"""CSV that a spreadsheet opens as data: the one place every CSV writer goes through.

A spreadsheet program runs a cell that starts with ``=``, ``+``, ``-``, ``@`` (or a tab
or carriage return before one of them) as a formula, so a unit named
``=HYPERLINK("http://…")`` in the input would become a live link, or worse, in the
output of ``drugfree evaluate --format csv``. Every CSV the library writes for people
(evaluation tables, report tables, case lists) therefore goes through :func:`csv_text`
or :func:`write_csv`, which prefix such text with an apostrophe, the usual way to keep
a spreadsheet from evaluating it. Numbers are written as numbers: ``-3`` stays ``-3``.

Dataset table files (:func:`drugfree_core.io.save`) are not written here: they are data
for the library to read back, and must keep every value as it is.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TextIO

#: A cell: text (neutralised when formula-like), a number, or nothing (an empty cell).
Cell = str | int | float | None

#: What a cell that a spreadsheet would run as a formula starts with.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_text(text: str) -> str:
    """*text*, with a leading apostrophe when a spreadsheet would run it as a formula."""
    return "'" + text if text.startswith(FORMULA_START) else text


def safe_row(row: Iterable[Cell]) -> list[str | int | float]:
    """One row ready for :mod:`csv`: text made safe, ``None`` as an empty cell."""
    return [
        "" if cell is None else safe_text(cell) if isinstance(cell, str) else cell for cell in row
    ]


def _write(target: TextIO, header: Sequence[str], rows: Iterable[Iterable[Cell]]) -> None:
    writer = csv.writer(target, lineterminator="\n")
    writer.writerow(safe_row(header))
    writer.writerows(safe_row(row) for row in rows)


def csv_text(header: Sequence[str], rows: Iterable[Iterable[Cell]]) -> str:
    """CSV text: the header, then *rows*, every text cell made safe."""
    buffer = io.StringIO()
    _write(buffer, header, rows)
    return buffer.getvalue()


def write_csv(
    path: str | os.PathLike[str],
    header: Sequence[str],
    rows: Iterable[Iterable[Cell]],
    *,
    encoding: str = "utf-8-sig",
) -> None:
    """Write a CSV file (by default with the UTF-8 byte-order mark spreadsheets need)."""
    with Path(path).open("w", encoding=encoding, newline="") as f:
        _write(f, header, rows)


__all__ = ["FORMULA_START", "Cell", "csv_text", "safe_row", "safe_text", "write_csv"]
