"""The report as a directory of CSV files, one per view, named ``<view.name>.csv``.

The header row holds the column labels in the report's language; values stay
machine-readable (ISO dates, shares as fractions of one, ``.`` as decimal point), and a
suppressed count is written ``< k``.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from pathlib import Path

from drugfree_core.errors import UsageError
from drugfree_core.i18n import msg
from drugfree_core.reports.views import Cell, Suppressed, View
from drugfree_core.safe_csv import write_csv

# Excel opens a CSV without a byte-order mark in the machine's legacy code page and
# garbles every Vietnamese diacritic; with the UTF-8 BOM it reads UTF-8.
ENCODING = "utf-8-sig"


def csv_cell(value: Cell) -> str | int | float | None:
    """One cell for the CSV writer: ``< k`` for a suppressed count, ISO dates, numbers.

    The writer (:func:`drugfree_core.safe_csv.write_csv`) writes ``None`` as an empty cell
    and gives text that a spreadsheet would run as a formula a leading apostrophe;
    numbers are written as they are (a negative gap is not a formula).
    """
    if isinstance(value, Suppressed):
        return f"< {value.below}"
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return round(value, 6) if math.isfinite(value) else None
    return value


def write_view(view: View, path: Path) -> None:
    """Write *view* to the CSV file *path*: localized header, then its rows."""
    rows = ([csv_cell(v) for v in row] for row in view.rows)
    write_csv(path, [c.label for c in view.columns], rows, encoding=ENCODING)


def write_csv_dir(views: Sequence[View], directory: Path) -> list[Path]:
    """Write every view to ``directory/<name>.csv`` (creating the directory); the paths."""
    if directory.exists() and not directory.is_dir():
        raise UsageError(
            msg("CSV output needs a directory, but {path} is a file", path=str(directory))
        )
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for view in views:
        path = directory / f"{view.name}.csv"
        write_view(view, path)
        paths.append(path)
    return paths
