"""The report as an Excel workbook: a summary sheet, then one formatted sheet per view.

Sheets are named after the views' stable machine names (``progress``, ``units``…), like
the CSV files, so formulas and macros that point at them survive a change of language;
the localized titles are on the summary sheet, which links to every sheet. Every data
sheet has a bold, filled header row that stays frozen (with the first column too on wide
views) and an autofilter; shares are percentages, dates real date cells and a suppressed
count the text ``< k``.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import xlsxwriter  # type: ignore[import-untyped]

from drugfree_core.i18n import Lang
from drugfree_core.reports.export.charts import display_name
from drugfree_core.reports.labels import text
from drugfree_core.reports.model import Report
from drugfree_core.reports.views import Cell, Suppressed, View, standing_text

#: Views with more columns than this also freeze their first column.
WIDE = 8
#: Name of the first sheet.
SUMMARY_SHEET = "summary"
_HEADER_FILL = "#DDEBF7"
_MAX_WIDTH = 60
_NUMBER_FORMATS = {"int": "#,##0", "float": "#,##0.00", "share": "0.0%"}
_DATE_FORMATS: dict[Lang, str] = {"vi": "dd/mm/yyyy", "en": "yyyy-mm-dd"}


class _Formats:
    """The workbook's cell formats, made once (xlsxwriter caps their number)."""

    def __init__(self, wb: Any, lang: Lang) -> None:
        self.header = wb.add_format(
            {
                "bold": True,
                "bg_color": _HEADER_FILL,
                "border": 1,
                "text_wrap": True,
                "valign": "top",
            }
        )
        self.title = wb.add_format({"bold": True, "font_size": 14})
        self.bold = wb.add_format({"bold": True})
        self.text = wb.add_format({"valign": "top"})
        self.date = wb.add_format({"num_format": _DATE_FORMATS[lang], "align": "left"})
        self.suppressed = wb.add_format({"align": "right", "italic": True, "font_color": "#595959"})
        self.link = wb.add_format({"font_color": "#0563C1", "underline": 1})
        self.kinds = {kind: wb.add_format({"num_format": f}) for kind, f in _NUMBER_FORMATS.items()}


def _shown_width(value: Cell, kind: str) -> int:
    if value is None:
        return 0
    if isinstance(value, Suppressed):
        return len(str(value.below)) + 2
    if isinstance(value, dt.date):
        return 10
    if kind == "share":
        return 7
    if isinstance(value, int | float):
        return len(f"{value:,.2f}") if kind == "float" else len(f"{value:,}")
    return max((len(line) for line in value.splitlines()), default=0)


def _widths(view: View) -> list[int]:
    widths = []
    for i, column in enumerate(view.columns):
        longest = max((_shown_width(row[i], column.kind) for row in view.rows), default=0)
        # Long labels wrap in the header, so they only widen a column up to a point.
        header = min(len(column.label), 24)
        widths.append(min(max(longest, header, 6) + 2, _MAX_WIDTH))
    return widths


def _write_cell(ws: Any, r: int, c: int, value: Cell, kind: str, fmt: _Formats) -> None:
    if value is None:
        return
    if isinstance(value, Suppressed):
        ws.write_string(r, c, f"< {value.below}", fmt.suppressed)
    elif isinstance(value, dt.date):
        moment = value if isinstance(value, dt.datetime) else dt.datetime.combine(value, dt.time())
        ws.write_datetime(r, c, moment, fmt.date)
    elif isinstance(value, int | float):
        if math.isfinite(value):
            ws.write_number(r, c, value, fmt.kinds.get(kind))
    else:
        # write_string, never write(): a unit name starting with "=" must stay text.
        ws.write_string(r, c, value, fmt.text)


def _write_view(wb: Any, view: View, fmt: _Formats) -> None:
    ws = wb.add_worksheet(view.name)
    for c, column in enumerate(view.columns):
        ws.write_string(0, c, column.label, fmt.header)
    for r, row in enumerate(view.rows, start=1):
        for c, (value, column) in enumerate(zip(row, view.columns, strict=True)):
            _write_cell(ws, r, c, value, column.kind, fmt)
    for c, width in enumerate(_widths(view)):
        ws.set_column(c, c, width)
    ws.freeze_panes(1, 1 if len(view.columns) > WIDE else 0)
    ws.autofilter(0, 0, max(len(view.rows), 1), len(view.columns) - 1)


def _write_summary(
    wb: Any, report: Report, views: Sequence[View], lang: Lang, fmt: _Formats
) -> None:
    ws = wb.add_worksheet(SUMMARY_SHEET)
    p = report.provenance
    ws.write_string(0, 0, text("report_title", lang), fmt.title)
    ws.write_string(1, 0, text("scope", lang), fmt.bold)
    ws.write_string(1, 1, f"{p.scope} {display_name(p.scope_name, lang)}".strip(), fmt.text)
    ws.write_string(2, 0, text("reference_date", lang), fmt.bold)
    _write_cell(ws, 2, 1, p.reference_date, "date", fmt)
    ws.write_string(3, 0, text("standing", lang), fmt.bold)
    ws.write_string(3, 1, standing_text(report.overall, lang), fmt.text)
    r = 5
    ws.write_string(r, 0, text("contents", lang), fmt.title)
    ws.write_string(r + 1, 0, text("sheet", lang), fmt.header)
    ws.write_string(r + 1, 1, text("title", lang), fmt.header)
    r += 2
    for view in views:
        # An internal link ("internal:" is a place in this workbook, not a URL).
        ws.write_url(r, 0, f"internal:'{view.name}'!A1", fmt.link, view.name)
        ws.write_string(r, 1, view.title, fmt.text)
        r += 1
    provenance = next((v for v in views if v.name == "provenance"), None)
    if provenance is not None:
        r += 1
        ws.write_string(r, 0, provenance.title, fmt.title)
        for row in provenance.rows:
            r += 1
            ws.write_string(r, 0, str(row[0]), fmt.bold)
            _write_cell(ws, r, 1, row[1], "text", fmt)
    ws.set_column(0, 0, 34)
    ws.set_column(1, 1, 70)


def write_workbook(report: Report, views: Sequence[View], lang: Lang, path: Path) -> None:
    """Write the summary sheet and one sheet per view of *report* to the workbook *path*."""
    options = {
        "strings_to_numbers": False,
        "strings_to_formulas": False,
        "strings_to_urls": False,
        "default_date_format": _DATE_FORMATS[lang],
    }
    wb = xlsxwriter.Workbook(str(path), options)
    # The file's creation stamp is the report's, so rewriting a report changes no byte.
    wb.set_properties(
        {"title": text("report_title", lang), "created": report.provenance.generated_at}
    )
    fmt = _Formats(wb, lang)
    _write_summary(wb, report, views, lang, fmt)
    for view in views:
        _write_view(wb, view, fmt)
    wb.close()
