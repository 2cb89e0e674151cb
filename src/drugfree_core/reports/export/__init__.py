"""Write a report as JSON, a folder of CSV files, an Excel workbook or an HTML page.

Every format reads the same :class:`~drugfree_core.reports.model.Report` and the same
views (:func:`~drugfree_core.reports.views.report_views`), so they cannot disagree.
JSON and HTML go to standard output when no path is given; CSV needs a directory and
XLSX a file.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Literal, TextIO, get_args

from drugfree_core.errors import UsageError
from drugfree_core.i18n import Lang
from drugfree_core.reports.export.cases_out import (
    render_cases_csv,
    render_cases_json,
    write_private,
)
from drugfree_core.reports.export.csv_out import ENCODING, write_csv_dir
from drugfree_core.reports.export.html_out import render_html
from drugfree_core.reports.export.json_out import render_json
from drugfree_core.reports.export.xlsx_out import write_workbook
from drugfree_core.reports.model import CaseList, Report
from drugfree_core.reports.views import report_views

ReportFormat = Literal["json", "csv", "xlsx", "html"]
CaseFormat = Literal["json", "csv"]

#: The formats :func:`write_report` writes.
FORMATS: tuple[str, ...] = get_args(ReportFormat)

__all__ = [
    "FORMATS",
    "CaseFormat",
    "ReportFormat",
    "render_html",
    "render_json",
    "write_cases",
    "write_report",
]


def _check_lang(lang: str) -> None:
    if lang not in get_args(Lang):
        raise UsageError(f"unknown language {lang!r}; use one of {', '.join(get_args(Lang))}")


def _emit(content: str, out: Path | None, stdout: TextIO | None) -> list[Path]:
    if out is None:
        (stdout or sys.stdout).write(content)
        return []
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(content, encoding="utf-8")
    return [out]


def write_report(
    report: Report,
    fmt: ReportFormat,
    *,
    lang: Lang,
    out: Path | None,
    stdout: TextIO | None = None,
) -> list[Path]:
    """Write *report* in *fmt* and return the files written (none for standard output).

    ``json`` and ``html`` go to *stdout* (default: ``sys.stdout``) when *out* is None;
    ``csv`` writes one file per view into the directory *out*; ``xlsx`` writes the
    workbook *out*. Raises :class:`~drugfree_core.errors.UsageError` for an unknown
    format or language, or when csv/xlsx get no path.
    """
    _check_lang(lang)
    if fmt == "json":
        return _emit(render_json(report), out, stdout)
    if fmt == "html":
        return _emit(render_html(report, lang), out, stdout)
    if fmt == "csv":
        if out is None:
            raise UsageError("CSV output is a folder of tables: give a directory with --out")
        return write_csv_dir(report_views(report, lang), out)
    if fmt == "xlsx":
        if out is None:
            raise UsageError(
                "an Excel workbook cannot go to standard output: give a file with --out"
            )
        if out.is_dir():
            raise UsageError(f"an Excel workbook needs a file path, but {out} is a directory")
        out.parent.mkdir(parents=True, exist_ok=True)
        write_workbook(report, report_views(report, lang), lang, out)
        return [out]
    raise UsageError(f"unknown report format {fmt!r}; use one of {', '.join(FORMATS)}")


def write_cases(
    cases: CaseList,
    out: Path | None,
    fmt: CaseFormat = "json",
    stdout: TextIO | None = None,
) -> list[Path]:
    """Write the case-level list as ``json`` or ``csv`` to *out* (owner-only) or *stdout*.

    Returns the files written. The CSV file starts with a UTF-8 BOM, as the report's
    CSV files do, so that spreadsheet programs read Vietnamese text right.
    """
    if fmt == "json":
        content = render_cases_json(cases)
    elif fmt == "csv":
        content = render_cases_csv(cases)
    else:
        raise UsageError(f"unknown case list format {fmt!r}; use json or csv")
    if out is None:
        (stdout or sys.stdout).write(content)
        return []
    if out.is_dir():
        raise UsageError(f"the case list needs a file path, but {out} is a directory")
    out.parent.mkdir(parents=True, exist_ok=True)
    write_private(out, content, ENCODING if fmt == "csv" else "utf-8")
    return [out]
