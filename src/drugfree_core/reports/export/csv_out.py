"""The report as a directory of CSV files, one per view, named ``<view.name>.csv``.

The header row holds the column labels in the report's language; values stay
machine-readable (ISO dates, shares as fractions of one, ``.`` as decimal point), and a
suppressed count is written ``< k``.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
from collections.abc import Sequence
from pathlib import Path

from drugfree_core.errors import UsageError
from drugfree_core.i18n import msg
from drugfree_core.reports.views import Cell, Suppressed, View

# Excel opens a CSV without a byte-order mark in the machine's legacy code page and
# garbles every Vietnamese diacritic; with the UTF-8 BOM it reads UTF-8.
ENCODING = "utf-8-sig"

# A cell starting with one of these is run as a formula by spreadsheet programs; a unit
# name from the data must never become one, so such text gets a leading apostrophe.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell_text(value: Cell) -> str:
    """One cell as CSV text: empty for no value, ``< k`` for a suppressed count."""
    if value is None:
        return ""
    if isinstance(value, Suppressed):
        return f"< {value.below}"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return "" if not math.isfinite(value) else repr(round(value, 6))
    if isinstance(value, int):
        return str(value)
    return "'" + value if value.startswith(_FORMULA_START) else value


def write_view(view: View, path: Path) -> None:
    """Write *view* to the CSV file *path*: localized header, then its rows."""
    with path.open("w", encoding=ENCODING, newline="") as f:
        writer = csv.writer(f)
        writer.writerow([c.label for c in view.columns])
        writer.writerows([cell_text(v) for v in row] for row in view.rows)


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
