"""Write a report as JSON, a folder of CSV files, an Excel workbook, an HTML page or a PDF.

Every format reads the same :class:`~drugfree_core.reports.model.Report` and the same
views (:func:`~drugfree_core.reports.views.report_views`), so they cannot disagree.
JSON and HTML go to standard output when no path is given; CSV needs a directory, and
XLSX and PDF a file. :func:`default_filename` names the file a person gets when they
name none (``bao-cao-hai-phong-2025-12-31.html``).
"""

from __future__ import annotations

import re
import sys
import unicodedata
from pathlib import Path
from typing import Literal, TextIO, get_args

from drugfree_core._args import expect, expect_lang, expect_path
from drugfree_core.errors import UsageError, writing
from drugfree_core.i18n import Lang, msg, resolve_lang
from drugfree_core.reports.export.cases_out import (
    render_cases_csv,
    render_cases_json,
    write_private,
)
from drugfree_core.reports.export.csv_out import ENCODING, write_csv_dir
from drugfree_core.reports.export.html_out import render_html
from drugfree_core.reports.export.json_out import render_json
from drugfree_core.reports.export.pdf_out import render_pdf
from drugfree_core.reports.labels import text
from drugfree_core.reports.model import CaseList, Report
from drugfree_core.reports.views import report_views
from drugfree_core.rules.roadmap import NATIONAL

ReportFormat = Literal["json", "csv", "xlsx", "html", "pdf"]
CaseFormat = Literal["json", "csv"]

#: The formats :func:`write_report` writes.
FORMATS: tuple[str, ...] = get_args(ReportFormat)

#: The file name suffix of each format (CSV is a folder: no suffix).
SUFFIXES: dict[str, str] = {
    "json": ".json",
    "csv": "",
    "xlsx": ".xlsx",
    "html": ".html",
    "pdf": ".pdf",
}

__all__ = [
    "FORMATS",
    "SUFFIXES",
    "CaseFormat",
    "ReportFormat",
    "default_filename",
    "render_html",
    "render_json",
    "render_pdf",
    "write_cases",
    "write_report",
]


def _check_lang(lang: object) -> Lang:
    expect_lang(lang)
    return resolve_lang(lang)  # type: ignore[arg-type]


def _check_format(fmt: object, formats: tuple[str, ...]) -> None:
    if not isinstance(fmt, str) or fmt not in formats:
        shown = repr(fmt) if isinstance(fmt, str) else type(fmt).__name__
        raise UsageError(
            msg(
                "unknown format {format}; use one of {formats}",
                format=shown,
                formats=", ".join(formats),
            )
        )


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
    lang: Lang | None = None,
    out: Path | None,
    stdout: TextIO | None = None,
) -> list[Path]:
    """Write *report* in *fmt* and return the files written (none for standard output).

    ``json`` and ``html`` go to *stdout* (default: ``sys.stdout``) when *out* is None;
    ``csv`` writes one file per view into the directory *out*; ``xlsx`` writes the
    workbook *out* and ``pdf`` the document *out* (WeasyPrint must be installed: the
    ``pdf`` extra, ``pip install "drugfree-core[pdf]"``). Raises
    :class:`~drugfree_core.errors.UsageError` for an unknown format or language, or when
    csv, xlsx or pdf get no path. ``lang=None`` is the current language
    (:func:`~drugfree_core.i18n.resolve_lang`).
    """
    code = _check_lang(lang)
    _check_format(fmt, FORMATS)
    expect(report, Report, msg("the report"), msg("a Report (from build_report)"))
    target = None if out is None else expect_path(out, "out")
    with writing(target):
        return _write_report(report, fmt, lang=code, out=target, stdout=stdout)


def _write_report(
    report: Report, fmt: ReportFormat, *, lang: Lang, out: Path | None, stdout: TextIO | None
) -> list[Path]:
    if fmt == "json":
        return _emit(render_json(report), out, stdout)
    if fmt == "html":
        return _emit(render_html(report, lang), out, stdout)
    if fmt == "csv":
        if out is None:
            raise UsageError(msg("CSV output is a folder of tables: give a directory with --out"))
        return write_csv_dir(report_views(report, lang), out)
    if fmt == "xlsx":
        if out is None:
            raise UsageError(
                msg("an Excel workbook cannot go to standard output: give a file with --out")
            )
        if out.is_dir():
            raise UsageError(
                msg("an Excel workbook needs a file path, but {path} is a directory", path=str(out))
            )
        # Imported for a workbook only: xlsxwriter is some 15 ms a JSON or HTML report skips.
        from drugfree_core.reports.export.xlsx_out import write_workbook

        out.parent.mkdir(parents=True, exist_ok=True)
        write_workbook(report, report_views(report, lang), lang, out)
        return [out]
    if fmt == "pdf":
        if out is None:
            raise UsageError(msg("a PDF cannot go to standard output: give a file with --out"))
        if out.is_dir():
            raise UsageError(
                msg("a PDF needs a file path, but {path} is a directory", path=str(out))
            )
        content = render_pdf(report, lang)  # before the folder: a missing engine writes nothing
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(content)
        return [out]
    raise UsageError(
        msg(
            "unknown report format {format}; use one of {formats}",
            format=repr(fmt),
            formats=", ".join(FORMATS),
        )
    )


# Words that name the kind of a province in its name: the file says "hai-phong", not
# "thanh-pho-hai-phong".
_PROVINCE_KINDS = re.compile(r"^(thành phố|tỉnh|tp\.?)\s+", re.IGNORECASE)


def _slug(words: str) -> str:
    """*words* as a file-name part: no diacritics, lower case, hyphens between words."""
    plain = unicodedata.normalize("NFD", words.replace("đ", "d").replace("Đ", "D"))
    ascii_only = "".join(ch for ch in plain if not unicodedata.combining(ch))
    return re.sub(r"[^a-z0-9]+", "-", ascii_only.lower()).strip("-")


def default_filename(report: Report, fmt: ReportFormat, lang: Lang | None = None) -> str:
    """The name of the file (the folder, for CSV) a person gets when they name none.

    After the report, its scope and its date, in *lang*:
    ``bao-cao-hai-phong-2025-12-31.html``, ``report-national-2025-12-31.xlsx``.
    """
    expect(report, Report, msg("the report"), msg("a Report (from build_report)"))
    _check_format(fmt, FORMATS)
    _check_lang(lang)
    p = report.provenance
    if p.scope == NATIONAL:
        scope = text("national_slug", lang)
    else:
        scope = _slug(_PROVINCE_KINDS.sub("", p.scope_name.strip())) or _slug(p.scope)
    stem = f"{text('default_file_stem', lang)}-{scope or 'scope'}-{p.reference_date.isoformat()}"
    return stem + SUFFIXES[fmt]


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
    expect(cases, CaseList, msg("the case list"), msg("a CaseList (from build_cases)"))
    _check_format(fmt, ("json", "csv"))
    out = None if out is None else expect_path(out, "out")
    if fmt == "json":
        content = render_cases_json(cases)
    elif fmt == "csv":
        content = render_cases_csv(cases)
    else:
        raise UsageError(
            msg("unknown case list format {format}; use json or csv", format=repr(fmt))
        )
    if out is None:
        (stdout or sys.stdout).write(content)
        return []
    if out.is_dir():
        raise UsageError(
            msg("the case list needs a file path, but {path} is a directory", path=str(out))
        )
    with writing(out):
        out.parent.mkdir(parents=True, exist_ok=True)
        write_private(out, content, ENCODING if fmt == "csv" else "utf-8")
    return [out]
