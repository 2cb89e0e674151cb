"""The report as an Excel workbook: the answer and the charts first, then one sheet per view.

The first sheet says the answer in words (:mod:`.answer`), draws the progress and trend
charts as native Excel charts (they stay live: they read the cells of the other sheets)
and links to every sheet. One formatted sheet per view follows, the report's provenance
last. Sheet names are in the report's language (Vietnamese names when ``lang="vi"``,
the views' machine names in English), at most 31 characters and unique, as Excel wants.
Every data sheet has a bold, filled header row that stays frozen (with the first column
too on wide views) and an autofilter; shares are percentages, dates real date cells and
a suppressed count the text ``< k``. Every sheet prints on A4 landscape, fitted to the
page width, with its header row repeated on each page.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import xlsxwriter  # type: ignore[import-untyped]

from drugfree_core.i18n import Lang, format_datetime
from drugfree_core.reports.export.answer import Answer, report_answer
from drugfree_core.reports.export.charts import trend_lines
from drugfree_core.reports.labels import text
from drugfree_core.reports.model import Report
from drugfree_core.reports.views import Cell, Suppressed, View, scope_label

#: Views with more columns than this also freeze their first column.
WIDE = 8
#: The first sheet's view name (its label is ``sheet_summary``).
SUMMARY_SHEET = "summary"
#: Excel's longest sheet name.
MAX_SHEET_NAME = 31
_HEADER_FILL = "#DDEBF7"
_MAX_WIDTH = 60
_NUMBER_FORMATS = {"int": "#,##0", "float": "#,##0.00", "share": "0.0%"}
_DATE_FORMATS: dict[Lang, str] = {"vi": "dd/mm/yyyy", "en": "yyyy-mm-dd"}
_A4 = 9
# Excel refuses these in a sheet name.
_NOT_IN_NAMES = re.compile(r"[\[\]:*?/\\]")
# The first sheet: a narrow column for numbering, a wide one for sentences.
_TEXT_WIDTH = 120
# Series colours of the native charts: those of the HTML charts (charts.py), so the two
# read alike.
_BAR, _TARGET = "#0072B2", "#E69F00"


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
        self.headline = wb.add_format(
            {"bold": True, "font_size": 13, "text_wrap": True, "valign": "top"}
        )
        self.bold = wb.add_format({"bold": True})
        self.text = wb.add_format({"valign": "top"})
        self.wrap = wb.add_format({"text_wrap": True, "valign": "top"})
        self.note = wb.add_format({"italic": True, "font_color": "#595959", "valign": "top"})
        self.date = wb.add_format({"num_format": _DATE_FORMATS[lang], "align": "left"})
        self.suppressed = wb.add_format({"align": "right", "italic": True, "font_color": "#595959"})
        self.link = wb.add_format({"font_color": "#0563C1", "underline": 1})
        self.kinds = {kind: wb.add_format({"num_format": f}) for kind, f in _NUMBER_FORMATS.items()}
        self.lang = lang


def sheet_names(views: Sequence[View], lang: Lang) -> dict[str, str]:
    """The sheet name of the first sheet and of each view, in *lang*, as Excel allows them.

    Each comes from the label ``sheet_<view name>`` (a view without one uses its title),
    loses the characters Excel refuses, is cut to 31 characters, and gets a number when
    two would be the same (Excel compares names regardless of case).
    """
    names: dict[str, str] = {}
    taken: set[str] = set()
    for name, title in ((SUMMARY_SHEET, ""), *((v.name, v.title) for v in views)):
        label = text(f"sheet_{name}", lang)
        wanted = title or name if label == f"sheet_{name}" else label
        wanted = _NOT_IN_NAMES.sub(" ", wanted).strip(" '") or name
        candidate, n = wanted[:MAX_SHEET_NAME], 1
        while candidate.casefold() in taken:
            n += 1
            suffix = f" ({n})"
            candidate = wanted[: MAX_SHEET_NAME - len(suffix)] + suffix
        taken.add(candidate.casefold())
        names[name] = candidate
    return names


def _shown_width(value: Cell, kind: str) -> int:
    if type(value) is str and kind != "share" and value.isprintable():  # most cells
        return len(value)  # one line: no line break of any kind (U+2028 is one too)
    if value is None:
        return 0
    if isinstance(value, Suppressed):
        return len(str(value.below)) + 2
    if isinstance(value, dt.datetime):
        return len("31/12/2025 14:03:05 +07:00")
    if isinstance(value, dt.date):
        return 10
    if kind == "share":
        return 7
    if isinstance(value, int | float):
        whole = kind != "float" or float(value).is_integer()
        return len(f"{value:,.0f}") if whole else len(f"{value:,.2f}")
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
    if isinstance(value, str):  # most cells: told first
        # write_string, never write(): a unit name starting with "=" must stay text.
        ws.write_string(r, c, value, fmt.text)
    elif isinstance(value, Suppressed):
        ws.write_string(r, c, f"< {value.below}", fmt.suppressed)
    elif isinstance(value, dt.datetime):
        # A moment keeps its offset from UTC, which Excel's times cannot hold: as text.
        ws.write_string(r, c, format_datetime(value, fmt.lang), fmt.text)
    elif isinstance(value, dt.date):
        ws.write_datetime(r, c, dt.datetime.combine(value, dt.time()), fmt.date)
    elif isinstance(value, int | float) and math.isfinite(value):
        # A count that arrives as a float (an indicator's numerator) shows as one:
        # 126, never 126,00. (None and a value that is not finite leave the cell empty.)
        whole = kind == "float" and float(value).is_integer()
        ws.write_number(r, c, value, fmt.kinds.get("int" if whole else kind))


def _print_setup(ws: Any, title: str, lang: Lang, *, header_rows: bool) -> None:
    """A4 landscape, fitted to the page width, titled, numbered; header row on each page."""
    ws.set_paper(_A4)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.set_margins(left=0.5, right=0.5, top=0.75, bottom=0.75)
    # "&" starts a control code in Excel's header and footer: double it in text.
    ws.set_header(f"&L{title.replace('&', '&&')}")
    ws.set_footer(f"&R{text('page_of', lang)}")
    if header_rows:
        ws.repeat_rows(0)


def _write_view(wb: Any, view: View, sheet: str, lang: Lang, fmt: _Formats) -> Any:
    ws = wb.add_worksheet(sheet)
    for c, column in enumerate(view.columns):
        ws.write_string(0, c, column.label, fmt.header)
    for r, row in enumerate(view.rows, start=1):
        for c, (value, column) in enumerate(zip(row, view.columns, strict=True)):
            _write_cell(ws, r, c, value, column.kind, fmt)
    for c, width in enumerate(_widths(view)):
        ws.set_column(c, c, width)
    ws.freeze_panes(1, 1 if len(view.columns) > WIDE else 0)
    ws.autofilter(0, 0, max(len(view.rows), 1), len(view.columns) - 1)
    _print_setup(ws, view.title, lang, header_rows=True)
    return ws


def _lines(words: str, width: int) -> int:
    """How many lines *words* take in a wrapped cell *width* characters wide."""
    return max(1, math.ceil(len(words) / max(width - 4, 1)))


def _sentence(ws: Any, r: int, words: str, cell: Any, *, size: float = 15.0) -> int:
    """Write one wrapped sentence in the wide column, on a row tall enough; the next row."""
    ws.write_string(r, 1, words, cell)
    ws.set_row(r, size * _lines(words, _TEXT_WIDTH))
    return r + 1


def _write_answer(ws: Any, answer: Answer, r: int, fmt: _Formats) -> int:
    ws.write_string(r, 0, answer.title, fmt.title)
    r = _sentence(ws, r + 1, answer.headline, fmt.headline, size=18.0)
    for fact in answer.facts:
        ws.write_string(r, 0, "•", fmt.text)
        r = _sentence(ws, r, fact, fmt.wrap)
    r += 1
    ws.write_string(r, 0, answer.closest_title, fmt.bold)
    r += 1
    for rank, line in enumerate(answer.closest, start=1):
        ws.write_number(r, 0, rank, fmt.bold)
        r = _sentence(ws, r, line.unit, fmt.bold)
        for lack in line.lacks:
            r = _sentence(ws, r, lack, fmt.wrap)
        if line.undecided:
            r = _sentence(ws, r, line.undecided, fmt.wrap)
    if answer.closest_note:
        r = _sentence(ws, r, answer.closest_note, fmt.note)
    return r + 1


def _progress_chart(wb: Any, progress: View, sheet: str, lang: Lang) -> Any:
    """Bars of each scope's share meeting the criteria beside its next milestone's share."""
    rows = len(progress.rows)
    keys = [c.key for c in progress.columns]
    name, share, target = keys.index("name"), keys.index("share"), keys.index("target_share")
    chart = wb.add_chart({"type": "bar"})
    for column, colour, legend in (
        (share, _BAR, text("legend_current", lang)),
        (target, _TARGET, text("next_due", lang)),
    ):
        chart.add_series(
            {
                "name": legend,
                "categories": [sheet, 1, name, rows, name],
                "values": [sheet, 1, column, rows, column],
                "fill": {"color": colour},
                "gap": 60,
            }
        )
    chart.set_title({"name": text("chart_progress", lang), "name_font": {"size": 12}})
    chart.set_x_axis({"min": 0, "max": 1, "num_format": "0%", "major_gridlines": {"visible": 1}})
    chart.set_y_axis({"reverse": True})
    chart.set_legend({"position": "bottom"})
    chart.set_size({"width": 900, "height": max(260, 90 + 36 * rows)})
    return chart


def _trend_table(
    ws: Any, report: Report, first_col: int, lang: Lang, fmt: _Formats
) -> tuple[list[str], int]:
    """Write the trend chart's lines as a table from column *first_col* of *ws*.

    A date column, then one share column per line (the lines of the HTML trend chart);
    returns the lines' names and the number of dates.
    """
    names = {p.scope: p.name for p in (*report.progress, report.overall)}
    lines = [
        (name, {p.on: p.share for p in points if p.share is not None})
        for name, points in trend_lines(report.series, names)
    ]
    lines = [(n, shares) for n, shares in lines if shares]
    dates = sorted({d for _, shares in lines for d in shares})
    ws.write_string(0, first_col, text("date", lang), fmt.header)
    for i, (name, _) in enumerate(lines, start=1):
        shown = text("national", lang) if name == "*" else name
        ws.write_string(0, first_col + i, shown, fmt.header)
    for r, day in enumerate(dates, start=1):
        _write_cell(ws, r, first_col, day, "date", fmt)
        for i, (_, shares) in enumerate(lines, start=1):
            if day in shares:
                _write_cell(ws, r, first_col + i, shares[day], "share", fmt)
    ws.set_column(first_col, first_col, 12)
    ws.set_column(first_col + 1, first_col + max(len(lines), 1), 16)
    return [n for n, _ in lines], len(dates)


def _trend_chart(
    wb: Any, lines: list[str], dates: int, sheet: str, first_col: int, lang: Lang
) -> Any:
    chart = wb.add_chart({"type": "line"})
    for i, _ in enumerate(lines, start=1):
        chart.add_series(
            {
                "name": [sheet, 0, first_col + i],
                "categories": [sheet, 1, first_col, dates, first_col],
                "values": [sheet, 1, first_col + i, dates, first_col + i],
                "marker": {"type": "circle", "size": 5},
                "line": {"width": 2.25},
            }
        )
    chart.set_title({"name": text("chart_trend", lang), "name_font": {"size": 12}})
    chart.set_x_axis({"date_axis": True, "num_format": "mm/yyyy"})
    chart.set_y_axis({"min": 0, "num_format": "0%", "major_gridlines": {"visible": 1}})
    chart.set_legend({"position": "bottom"})
    chart.set_size({"width": 900, "height": 360})
    return chart


def _write_summary(
    wb: Any,
    report: Report,
    views: Sequence[View],
    names: dict[str, str],
    lang: Lang,
    fmt: _Formats,
) -> tuple[Any, int]:
    """The first sheet: the answer, then links to every sheet; it and its first free row."""
    ws = wb.add_worksheet(names[SUMMARY_SHEET])
    ws.set_column(0, 0, 5)
    ws.set_column(1, 1, _TEXT_WIDTH)
    p = report.provenance
    ws.write_string(0, 0, text("report_title", lang), fmt.title)
    ws.write_string(1, 0, f"{text('scope', lang)}: {scope_label(report, lang)}", fmt.bold)
    ws.write_string(2, 0, text("reference_date", lang), fmt.bold)
    _write_cell(ws, 2, 1, p.reference_date, "date", fmt)
    r = _write_answer(ws, report_answer(report, lang), 4, fmt)
    ws.write_string(r, 0, text("contents", lang), fmt.title)
    r += 1
    for view in views:
        # An internal link ("internal:" is a place in this workbook, not a URL).
        sheet = names[view.name].replace("'", "''")  # quoted sheet names double a quote
        ws.write_url(r, 1, f"internal:'{sheet}'!A1", fmt.link, view.title)
        r += 1
    _print_setup(ws, text("report_title", lang), lang, header_rows=False)
    return ws, r + 1


def write_workbook(report: Report, views: Sequence[View], lang: Lang, path: Path) -> None:
    """Write the answer sheet and one sheet per view of *report* to the workbook *path*."""
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
    names = sheet_names(views, lang)
    summary, free_row = _write_summary(wb, report, views, names, lang, fmt)
    sheets = {view.name: _write_view(wb, view, names[view.name], lang, fmt) for view in views}
    by_name = {view.name: view for view in views}
    if "progress" in by_name and by_name["progress"].rows:
        chart = _progress_chart(wb, by_name["progress"], names["progress"], lang)
        summary.insert_chart(free_row, 1, chart)
        free_row += math.ceil(chart.height / 20) + 2  # rows are 20 px high
    if "series" in by_name:
        first_col = len(by_name["series"].columns) + 1
        lines, dates = _trend_table(sheets["series"], report, first_col, lang, fmt)
        if lines and dates:
            chart = _trend_chart(wb, lines, dates, names["series"], first_col, lang)
            summary.insert_chart(free_row, 1, chart)
    wb.close()
