"""The report exporters: JSON, a folder of CSV files, the workbook and the HTML page."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import stat
import zipfile
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import attrs
import openpyxl  # type: ignore[import-untyped]
import pytest
from report_fixture import SECRET_SUBJECT, sample_cases, sample_report

from drugfree_core.errors import UsageError
from drugfree_core.reports.export import (
    FORMATS,
    default_filename,
    render_html,
    render_json,
    write_cases,
    write_report,
    xlsx_out,
)
from drugfree_core.reports.export.answer import ANSWER_CLOSEST, report_answer
from drugfree_core.reports.export.charts import (
    PROGRESS_BAR,
    TREND_COLOURS,
    failing_chart,
    trend_lines,
)
from drugfree_core.reports.export.html_out import MAX_ROWS
from drugfree_core.reports.export.xlsx_out import sheet_names
from drugfree_core.reports.labels import text
from drugfree_core.reports.model import Report
from drugfree_core.reports.recognition import RecognitionSummary
from drugfree_core.reports.views import (
    Suppressed,
    View,
    provenance_words,
    reader_citation,
    report_views,
)

BOM = b"\xef\xbb\xbf"
TOP_KEYS = [
    "format",
    "format_version",
    "provenance",
    "overall",
    "progress",
    "units",
    "closest",
    "criteria",
    "series",
    "indicators",
    "quality",
    "notes",
]


def _keys(doc: Any) -> set[str]:
    if isinstance(doc, dict):
        return set(doc) | {k for v in doc.values() for k in _keys(v)}
    if isinstance(doc, list):
        return {k for v in doc for k in _keys(v)}
    return set()


def _suppressed_cells(view: View) -> list[tuple[int, int, int]]:
    return [
        (r, c, cell.below)
        for r, row in enumerate(view.rows)
        for c, cell in enumerate(row)
        if isinstance(cell, Suppressed)
    ]


# --- JSON --------------------------------------------------------------------------------


def test_json_has_the_documented_keys_in_order() -> None:
    doc = json.loads(render_json(sample_report()))
    assert list(doc) == TOP_KEYS
    assert doc["format"] == "drugfree-report"
    assert doc["format_version"] == 1
    assert list(doc["quality"]) == ["rows", "totals", "by_check", "checks"]
    assert doc["quality"]["totals"] == {"correct": 1, "sufficient": 0, "clean": 0, "live": 1}
    assert doc["quality"]["by_check"] == {"stale": 1, "future_test": 1, "duplicate_test": 0}
    assert [c["id"] for c in doc["quality"]["checks"]] == ["stale", "future_test", "duplicate_test"]


def test_json_leaves_out_case_level_issues() -> None:
    raw = render_json(sample_report())
    assert "issues" not in _keys(json.loads(raw))
    assert SECRET_SUBJECT not in raw


def test_json_writes_fractions_exactly_and_dates_in_iso() -> None:
    doc = json.loads(render_json(sample_report()))
    hai_phong = doc["progress"][0]
    first = hai_phong["milestones"][0]
    assert (first["share"], first["share_value"], first["due"]) == ("3/10", 0.3, "2025-12-31")
    assert hai_phong["milestones"][-1]["share"] == "1/1"
    assert (hai_phong["share"], hai_phong["share_value"]) == ("15/38", 45 / 114)
    assert hai_phong["next_share"] == "9/20"
    assert doc["provenance"]["reference_date"] == "2026-06-30"
    assert doc["provenance"]["generated_at"] == "2026-07-02T09:30:00+00:00"
    assert doc["series"][0]["on"] == "2024-01-31"
    assert doc["indicators"][0]["target_share"] == "1/2"
    assert doc["units"][0]["predecessors"]["on"] == "2025-06-30"


def test_json_is_deterministic() -> None:
    assert render_json(sample_report()) == render_json(sample_report())


def test_json_withholds_suppressed_counts() -> None:
    doc = json.loads(render_json(sample_report(suppression=5)))
    assert doc["provenance"]["suppression_threshold"] == 5
    lacks = {u["unit_code"]: u["lack"] for u in doc["units"]}
    assert lacks["31002"] is None  # 2 people
    assert lacks["31003"] is None  # 7 + a withheld 3: the total would give the 3 back
    assert lacks["31001"] is None or lacks["31001"] == 0 or lacks["31001"] >= 5
    small = next(q for q in doc["quality"]["rows"] if q["unit_code"] == "31002")
    assert (small["people"], small["flagged"], small["score"]) == (None, None, None)
    big = next(q for q in doc["quality"]["rows"] if q["unit_code"] == "31001")
    assert big["people"] == 41
    assert big["flagged"] == 6


def test_json_to_stdout() -> None:
    out = io.StringIO()
    assert write_report(sample_report(), "json", lang="vi", out=None, stdout=out) == []
    assert json.loads(out.getvalue())["format"] == "drugfree-report"


def test_json_to_a_file(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "report.json"
    assert write_report(sample_report(), "json", lang="en", out=path) == [path]
    assert json.loads(path.read_text(encoding="utf-8"))["format_version"] == 1


# --- CSV ---------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_csv_writes_one_file_per_view_with_bom_and_localized_header(
    tmp_path: Path, lang: str
) -> None:
    report = sample_report()
    views = report_views(report, lang)  # type: ignore[arg-type]
    written = write_report(report, "csv", lang=lang, out=tmp_path / "csv")  # type: ignore[arg-type]
    assert sorted(p.name for p in (tmp_path / "csv").iterdir()) == sorted(
        f"{v.name}.csv" for v in views
    )
    assert sorted(written) == sorted((tmp_path / "csv").iterdir())
    for view in views:
        raw = (tmp_path / "csv" / f"{view.name}.csv").read_bytes()
        assert raw.startswith(BOM)
        rows = list(csv.reader(io.StringIO(raw[len(BOM) :].decode("utf-8"))))
        assert rows[0] == [c.label for c in view.columns]
        assert len(rows) == len(view.rows) + 1
    header = (tmp_path / "csv" / "progress.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert ("Mã tỉnh" in header) == (lang == "vi")
    assert ("Province code" in header) == (lang == "en")


def test_csv_needs_a_directory(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="directory"):
        write_report(sample_report(), "csv", lang="vi", out=None)
    afile = tmp_path / "x.csv"
    afile.write_text("", encoding="utf-8")
    with pytest.raises(UsageError, match="directory"):
        write_report(sample_report(), "csv", lang="vi", out=afile)


def test_csv_keeps_a_formula_like_name_as_text(tmp_path: Path) -> None:
    report = sample_report()
    evil = attrs.evolve(report.units[0], unit_name="=HYPERLINK(1)")
    report = attrs.evolve(report, units=(evil, *report.units[1:]))
    write_report(report, "csv", lang="en", out=tmp_path)
    assert "'=HYPERLINK(1)" in (tmp_path / "units.csv").read_text(encoding="utf-8-sig")


# --- XLSX --------------------------------------------------------------------------------


def _workbook(tmp_path: Path, report: Report, lang: str = "vi") -> Any:
    path = tmp_path / "report.xlsx"
    assert write_report(report, "xlsx", lang=lang, out=path) == [path]  # type: ignore[arg-type]
    return openpyxl.load_workbook(path)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_xlsx_sheets_headers_panes_and_formats(tmp_path: Path, lang: str) -> None:
    report = sample_report()
    views = report_views(report, lang)  # type: ignore[arg-type]
    names = sheet_names(views, lang)  # type: ignore[arg-type]
    wb = _workbook(tmp_path, report, lang)
    assert wb.sheetnames == [names["summary"], *(names[v.name] for v in views)]
    for view in views:
        ws = wb[names[view.name]]
        header = [ws.cell(row=1, column=c + 1) for c in range(len(view.columns))]
        assert [h.value for h in header] == [c.label for c in view.columns]
        assert all(h.font.b for h in header)
        assert all(h.fill.fgColor.rgb.endswith("DDEBF7") for h in header)
        assert ws.freeze_panes == ("B2" if len(view.columns) > 8 else "A2")
        assert ws.max_row - 1 == len(view.rows), view.name
        for c, column in enumerate(view.columns, start=1):
            values = [ws.cell(row=r, column=c) for r in range(2, ws.max_row + 1)]
            filled = [v for v in values if v.value is not None]
            if column.kind == "share":
                assert all(v.number_format == "0.0%" for v in filled)
            if column.kind == "date":
                assert all(isinstance(v.value, dt.datetime) for v in filled)
    progress = wb[names["progress"]]
    share = 1 + next(i for i, c in enumerate(views[0].columns) if c.key == "share")
    assert progress.cell(row=2, column=share).value == pytest.approx(45 / 114)
    assert progress.column_dimensions["B"].width > 10


def test_xlsx_sheet_names_are_vietnamese_short_and_unique() -> None:
    views = report_views(sample_report(), "vi")
    names = sheet_names(views, "vi")
    assert names["summary"] == "Tóm tắt"
    assert names["progress"] == "Tiến độ"
    assert names["provenance"] == "Nguồn gốc báo cáo"
    assert all(len(n) <= 31 for n in names.values())
    assert len({n.casefold() for n in names.values()}) == len(names)
    assert sheet_names(views, "en")["progress"] == "progress"
    # A view without a sheet label (a plugin's, a later one) gets its title, made legal.
    extra = View(
        name="extra",
        title="Một bảng rất dài: [thử] tên/trang*tính? quá 31 ký tự",
        columns=(),
        rows=(),
    )
    twin = attrs.evolve(extra, name="twin")
    more = sheet_names([*views, extra, twin], "vi")
    assert more["extra"] == "Một bảng rất dài   thử  tên tra"[:31]
    assert not set(more["extra"]) & set("[]:*?/\\")
    assert more["twin"] == more["extra"][:27] + " (2)"
    assert len(more["twin"]) <= 31


def _xml(path: Path, member: str) -> str:
    with zipfile.ZipFile(path) as z:
        return z.read(member).decode("utf-8")


def test_xlsx_first_sheet_answers_then_links(tmp_path: Path) -> None:
    report = sample_report(provinces=1)
    ws = _workbook(tmp_path, report, "en")["summary"]
    column_a = [ws.cell(row=r, column=1).value for r in range(1, ws.max_row + 1)]
    column_b = [ws.cell(row=r, column=2).value for r in range(1, ws.max_row + 1)]
    assert column_a[0] == text("report_title", "en")
    assert column_a[1] == "Scope: Thành phố Hải Phòng"
    assert column_b[2] == dt.datetime(2026, 6, 30)
    answer = report_answer(report, "en")
    assert column_a[4] == answer.title
    assert column_b[5] == answer.headline  # the answer is on top...
    assert answer.facts[0] in column_b and answer.facts[1] in column_b
    assert "Phường Lê Chân (31003)" in column_b
    assert "C3: 3 × addicts not in rehab" in column_b
    contents = column_a.index(text("contents", "en"))
    assert contents > column_b.index(answer.headline)  # ... the contents after it
    link = ws.cell(row=contents + 2, column=2)
    assert link.hyperlink.location == "'progress'!A1"
    assert link.value == text("view_progress", "en")
    # Provenance is the last sheet, not the first thing read.
    assert text("dataset_fingerprint", "en") not in column_a


def test_xlsx_has_native_progress_and_trend_charts(tmp_path: Path) -> None:
    path = tmp_path / "r.xlsx"
    write_report(sample_report(), "xlsx", lang="vi", out=path)
    with zipfile.ZipFile(path) as z:
        charts = sorted(n for n in z.namelist() if n.startswith("xl/charts/chart"))
    assert len(charts) == 2
    bars, lines = _xml(path, charts[0]), _xml(path, charts[1])
    assert "<c:barChart>" in bars and "<c:lineChart>" in lines
    # The charts read the cells of the sheets: they stay right if a figure is corrected.
    views = {v.name: v for v in report_views(sample_report(), "vi")}
    keys = [c.key for c in views["progress"].columns]

    def letter(index: int) -> str:
        return chr(ord("A") + index)

    share, target = letter(keys.index("share")), letter(keys.index("target_share"))
    assert "'Tiến độ'!$B$2:$B$4" in bars and f"'Tiến độ'!${share}$2:${share}$4" in bars
    assert f"'Tiến độ'!${target}$2:${target}$4" in bars
    assert text("chart_progress", "vi") in bars and text("chart_trend", "vi") in lines
    assert lines.count("<c:ser>") == 2  # one line per province
    dates = letter(len(views["series"].columns) + 1)  # the table beside the series
    assert f"'Diễn biến theo thời gian'!${dates}$2:${dates}$" in lines
    # Both sit on the first sheet, under the answer.
    drawing = _xml(path, "xl/worksheets/_rels/sheet1.xml.rels")
    assert "drawing" in drawing


def test_xlsx_trend_table_beside_the_series(tmp_path: Path) -> None:
    report = sample_report()
    ws = _workbook(tmp_path, report, "en")["series"]
    width = len(next(v for v in report_views(report, "en") if v.name == "series").columns)
    first = width + 2  # one empty column between the two tables
    assert ws.cell(row=1, column=first).value == text("date", "en")
    assert [ws.cell(row=1, column=first + i).value for i in (1, 2)] == [
        "Thành phố Hải Phòng",
        "Tỉnh Nghệ An",
    ]
    assert ws.cell(row=2, column=first).value == dt.datetime(2024, 1, 31)
    shares = [p for p in report.series if p.scope == "31"]
    assert ws.cell(row=2, column=first + 1).value == pytest.approx(shares[0].share)


def test_xlsx_prints_a4_landscape_fitted_to_width(tmp_path: Path) -> None:
    wb = _workbook(tmp_path, sample_report(), "vi")
    for ws in wb.worksheets:
        assert ws.page_setup.orientation == "landscape", ws.title
        assert ws.page_setup.paperSize == 9, ws.title  # A4
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        # One page wide (1 is Excel's default, which the file may leave out), any length.
        assert ws.page_setup.fitToWidth in (None, 1), ws.title
        assert ws.page_setup.fitToHeight == 0, ws.title
        assert "&P" in (ws.oddFooter.right.text or ""), ws.title
    for ws in wb.worksheets[1:]:
        assert ws.print_title_rows == "$1:$1", ws.title  # the header row on every page


def test_xlsx_needs_a_file(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="file"):
        write_report(sample_report(), "xlsx", lang="vi", out=None)
    with pytest.raises(UsageError, match="directory"):
        write_report(sample_report(), "xlsx", lang="vi", out=tmp_path)


# --- HTML --------------------------------------------------------------------------------


class _Page(HTMLParser):
    """Collects what the assertions need from a page."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.stack: list[str] = []
        self.svg_titles = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "title" and "svg" in self.stack:
            self.svg_titles += 1
        self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        while self.stack and self.stack.pop() != tag:
            pass

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def count(self, tag: str) -> int:
        return sum(1 for t, _ in self.tags if t == tag)


def _page(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    page.close()
    return page


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_html_is_self_contained(lang: str) -> None:
    html = render_html(sample_report(), lang)  # type: ignore[arg-type]
    page = _page(html)
    assert page.count("script") == 0
    assert page.count("link") == 0 and page.count("img") == 0 and page.count("iframe") == 0
    for _, attrs_ in page.tags:
        for name in ("src", "href", "xlink:href", "action"):
            value = attrs_.get(name) or ""
            assert not value.startswith(("http:", "https:", "//")), value
    assert "http://" not in html and "https://" not in html
    assert "url(" not in html  # no font or image pulled in from CSS
    html_tag = next(a for t, a in page.tags if t == "html")
    assert html_tag["lang"] == lang


def test_html_has_three_accessible_charts() -> None:
    page = _page(render_html(sample_report(), "vi"))
    svgs = [a for t, a in page.tags if t == "svg"]
    assert len(svgs) == 3
    assert all(a["role"] == "img" and a["aria-labelledby"] for a in svgs)
    assert page.svg_titles >= 3
    ids = {a.get("id") for _, a in page.tags}
    for a in svgs:
        assert set((a["aria-labelledby"] or "").split()) <= ids


def test_html_speaks_the_language() -> None:
    vi = " ".join(_page(render_html(sample_report(), "vi")).text)
    en = " ".join(_page(render_html(sample_report(), "en")).text)
    for key in ("report_title", "view_progress", "chart_trend", "merger_line", "national"):
        assert text(key, "vi") in vi
        assert text(key, "en") in en
    assert "Tiến độ theo lộ trình" in vi and "Tiến độ theo lộ trình" not in en
    assert "30/06/2026" in vi and "39,5 %" in vi
    assert "2026-06-30" in en and "39.5%" in en
    # When it was made, in the reader's way, in the footer and the provenance table alike.
    assert vi.count("02/07/2026 09:30:00 +00:00") == 2 and "2026-07-02T09:30" not in vi
    assert en.count("2026-07-02 09:30:00 +00:00") == 2


def test_xlsx_and_csv_write_when_the_report_was_made(tmp_path: Path) -> None:
    write_report(sample_report(), "xlsx", lang="vi", out=tmp_path / "r.xlsx")
    cells = [
        str(c.value)
        for ws in openpyxl.load_workbook(tmp_path / "r.xlsx")
        for row in ws.rows
        for c in row
    ]
    assert "02/07/2026 09:30:00 +00:00" in cells  # Excel's times cannot hold the offset
    write_report(sample_report(), "csv", lang="vi", out=tmp_path / "csv")
    assert "2026-07-02T09:30:00+00:00" in (tmp_path / "csv" / "provenance.csv").read_text(
        "utf-8-sig"
    )


def test_html_escapes_data() -> None:
    html = render_html(sample_report(), "en")
    assert "&lt;Tân Lập&gt;" in html
    assert "<Tân Lập>" not in html
    assert "Xã Đồng Hới & <Tân Lập>" in " ".join(_page(html).text)


def test_html_renders_an_empty_series() -> None:
    report = attrs.evolve(sample_report(), series=())
    for lang in ("vi", "en"):
        page = _page(render_html(report, lang))
        assert page.count("svg") == 3
        assert text("no_trend_data", lang) in " ".join(page.text)


def test_html_renders_empty_criteria_and_one_date() -> None:
    report = sample_report(provinces=1)
    report = attrs.evolve(report, criteria=(), series=report.series[-1:])
    page = _page(render_html(report, "en"))
    assert page.count("svg") == 3
    assert page.count("circle") == 1


def test_html_one_province_draws_one_bar_and_one_line() -> None:
    html = render_html(sample_report(provinces=1), "en")
    assert html.count(f'fill="{PROGRESS_BAR}"') == 2  # the bar and its legend swatch
    assert html.count(f'stroke="{TREND_COLOURS[0]}"') == 1
    assert f'stroke="{TREND_COLOURS[1]}"' not in html


def test_html_nation_draws_every_province_and_one_trend_line() -> None:
    report = sample_report(provinces=34)
    html = render_html(report, "vi")
    assert html.count(f'fill="{PROGRESS_BAR}"') == 34 + 1 + 1  # provinces, nation, legend
    assert html.count(f'stroke="{TREND_COLOURS[0]}"') == 1
    assert f'stroke="{TREND_COLOURS[1]}"' not in html
    assert _page(html).count("svg") == 3


def test_html_two_provinces_draw_a_line_each() -> None:
    html = render_html(sample_report(), "en")
    assert html.count(f'stroke="{TREND_COLOURS[0]}"') == 1
    assert html.count(f'stroke="{TREND_COLOURS[1]}"') == 1


def test_html_caps_long_tables() -> None:
    report = sample_report()
    many = tuple(attrs.evolve(report.units[0], unit_code=f"U{i:04d}") for i in range(MAX_ROWS + 50))
    html = render_html(attrs.evolve(report, units=many), "en")
    assert "U0199" in html and "U0200" not in html
    assert text("rows_capped", "en", shown=MAX_ROWS, total=MAX_ROWS + 50) in html


def test_html_to_stdout_and_file(tmp_path: Path) -> None:
    out = io.StringIO()
    assert write_report(sample_report(), "html", lang="vi", out=None, stdout=out) == []
    assert out.getvalue().startswith("<!DOCTYPE html>")
    path = tmp_path / "r.html"
    assert write_report(sample_report(), "html", lang="vi", out=path) == [path]
    assert path.read_text(encoding="utf-8") == out.getvalue()


# --- suppression in every format ----------------------------------------------------------


def test_suppressed_counts_read_less_than_k_everywhere(tmp_path: Path) -> None:
    report = sample_report(suppression=5)
    views = {v.name: v for v in report_views(report, "vi")}
    cells = {name: _suppressed_cells(v) for name, v in views.items()}
    # Every view holding counts of people has a withheld one in this report.
    assert {n for n, c in cells.items() if c} == {"closest", "units", "indicators", "quality"}

    write_report(report, "csv", lang="vi", out=tmp_path / "csv")
    wb = _workbook(tmp_path, report)
    sheet = sheet_names(list(views.values()), "vi")
    for name, positions in cells.items():
        rows = list(
            csv.reader(
                io.StringIO((tmp_path / "csv" / f"{name}.csv").read_text(encoding="utf-8-sig"))
            )
        )
        for r, c, k in positions:
            assert rows[r + 1][c] == f"< {k}"
            assert wb[sheet[name]].cell(row=r + 2, column=c + 1).value == f"< {k}"

    page = _page(render_html(report, "vi"))
    spans = [a for t, a in page.tags if t == "span" and a.get("class") == "suppressed"]
    assert len(spans) == sum(len(c) for c in cells.values())
    assert "< 5" in page.text
    # The shortfall sentences withhold their counts too.
    assert "C2: < 5 × người nghiện chưa xét nghiệm âm tính trong 30 ngày" in page.text


# --- misuse and the case list --------------------------------------------------------------


def test_unknown_format_or_language() -> None:
    assert FORMATS == ("json", "csv", "xlsx", "html", "pdf")
    with pytest.raises(UsageError, match="format"):
        write_report(sample_report(), "docx", lang="vi", out=None)  # type: ignore[arg-type]
    with pytest.raises(UsageError, match="language"):
        write_report(sample_report(), "json", lang="fr", out=None)  # type: ignore[arg-type]


def test_cases_json_file_is_private(tmp_path: Path) -> None:
    path = tmp_path / "cases.json"
    assert write_cases(sample_cases(), path, "json") == [path]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["format"] == "drugfree-cases"
    assert doc["reference_date"] == "2026-06-30"
    assert doc["cases"][0]["subject_id"] == SECRET_SUBJECT


def test_cases_csv(tmp_path: Path) -> None:
    path = tmp_path / "cases.csv"
    write_cases(sample_cases(), path, "csv")
    raw = path.read_bytes()
    assert raw.startswith(BOM)
    rows = list(csv.DictReader(io.StringIO(raw[len(BOM) :].decode("utf-8"))))
    assert [r["subject_id"] for r in rows] == [SECRET_SUBJECT, "SUBJ-0042-AB"]
    assert rows[0]["what_vi"] == "chưa xét nghiệm âm tính trong 30 ngày"
    out = io.StringIO()
    assert write_cases(sample_cases(), None, "csv", out) == []
    assert out.getvalue().startswith("unit_code,criterion_id,rule_id,subject_id")


def test_trend_sums_many_provinces_when_the_series_has_no_total() -> None:
    report = sample_report(provinces=10)
    provinces_only = tuple(p for p in report.series if p.scope != "*")
    lines = trend_lines(provinces_only, {})
    assert [name for name, _ in lines] == ["*"]
    total = {p.on: p for p in report.series if p.scope == "*"}
    assert all(p == total[p.on] for p in lines[0][1])


def test_count_axis_ticks_are_whole_numbers() -> None:
    report = sample_report(provinces=1)
    small = tuple(
        attrs.evolve(c, failed=k + 7, unknown=k % 3) for k, c in enumerate(report.criteria)
    )
    svg = failing_chart(small, "en")
    ticks = re.findall(r'text-anchor="middle">([^<]+)</text>', svg)
    assert ticks == ["0", "5", "10", "15"]  # 1-2-5 steps: never 2.5, which would print "2"


# --- the answer first, provenance last -------------------------------------------------


def _visible_text(html: str) -> str:
    return " ".join(_page(html).text)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_html_opens_with_the_answer_and_ends_with_the_provenance(lang: str) -> None:
    html = render_html(sample_report(), lang)  # type: ignore[arg-type]
    main = html[html.index("<main>") :]
    sections = re.findall(r'<section[^>]*\bid="([^"]+)"', main)
    assert sections[0] == "answer"
    assert sections[-1] == "provenance"
    assert main.index('id="answer"') < main.index("<svg") < main.index('id="progress"')
    assert html.index("SHA-256") > html.index('id="quality"')


def test_html_answer_in_vietnamese() -> None:
    words = _visible_text(render_html(sample_report(provinces=1), "vi"))
    assert (
        "Thành phố Hải Phòng: 45 trên 114 đơn vị cấp xã đạt tiêu chí không ma túy (39,5 %)."
        in words
    )
    assert "Chưa đạt: 60 đơn vị; chưa xác định (dữ liệu chưa đủ để kết luận): 9 đơn vị." in words
    assert (
        "Mốc kế tiếp của lộ trình “Lộ trình của Thành phố Hải Phòng”: 45 % số đơn vị vào ngày "
        "31/12/2027, tức ít nhất 52 trên 114 đơn vị. Theo xu hướng hiện tại (+1,37 đơn vị/tháng) "
        "mốc này sẽ đạt: dự báo 58,2 đơn vị vào ngày đến hạn; hôm nay còn thiếu 7 đơn vị."
    ) in words
    assert "Đơn vị gần đạt nhất và phần còn thiếu" in words
    assert "Xã Đồng Hới & <Tân Lập> (31002)" in words
    assert "C1: 7 × người nghiện đang quản lý" in words


def test_html_answer_in_english_for_the_nation() -> None:
    words = _visible_text(render_html(sample_report(), "en"))
    assert (
        "National (data of 2 provinces): 65 of 244 commune-level units meet the drug-free "
        "criteria (26.6%)." in words
    )
    assert "met or on track in 1; missed or off track in 1" in words
    # Closest units name their province in a report of several.
    assert "Xã Quỳnh Lưu (40002), Tỉnh Nghệ An" in words


def _progress(report: Report, **changes: Any) -> Report:
    overall = attrs.evolve(report.overall, **changes)
    return attrs.evolve(report, overall=overall, progress=(overall,))


def _milestone_line(report: Report, lang: str = "en") -> str:
    # After the coverage and the breakdown of the counts.
    return report_answer(report, lang).facts[2]  # type: ignore[arg-type]


def test_answer_says_whether_the_next_milestone_will_be_met() -> None:
    report = sample_report(provinces=1)
    nxt = report.overall.milestones[1]  # 2027: 45 %, 52 required, on track
    assert "it will be met: 58.2 projected" in _milestone_line(report)
    off = attrs.evolve(nxt, status="off_track", projected_at_due=40.0)
    changed = _progress(report, milestones=(report.overall.milestones[0], off))
    assert "it will not be met: 40.0 projected on the due date; 7 more are needed." in (
        _milestone_line(changed)
    )
    unknown = attrs.evolve(nxt, status="unknown", projected_at_due=None)
    changed = _progress(report, milestones=(unknown,), trend_per_month=None)
    assert _milestone_line(changed).endswith(
        "7 more are needed; there are too few dated points to tell whether it will be met."
    )
    reached = _progress(report, meeting=60)
    assert "Already reached, and at the current trend (+1.37 units a month) it will hold" in (
        _milestone_line(reached)
    )
    none = _progress(report, roadmap_id=None, milestones=())
    assert _milestone_line(none) == text("answer_no_roadmap", "en")


def test_answer_projects_from_the_units_certainly_meeting_and_says_so() -> None:
    # 45 pass, 3 people could not be placed: at least 42 meet. A projection starts from
    # that bound and says "at least"; one the uncounted units could decide says so,
    # never "too few dated points".
    report = sample_report(provinces=1)
    first, nxt = report.overall.milestones[:2]  # 2027: 45 %, 52 required
    judged = attrs.evolve(nxt, status="cannot_judge", projected_at_due=49.5)
    changed = _progress(report, milestones=(first, judged), unplaced=3)
    line = next(f for f in report_answer(changed, "en").facts if "trend" in f)
    assert line.endswith(
        "At the current trend (+1.37 units a month), at least 49.5 projected on the due "
        "date: the undecided units, the units with no data or the people not placed could "
        "change whether it will be met; 10 more are needed today."
    )
    on_track = _progress(report, unplaced=3)
    line = next(f for f in report_answer(on_track, "en").facts if "trend" in f)
    assert "it will be met: at least 58.2 projected on the due date; 10 more are needed" in line
    # Without people left unplaced the projection is the count itself.
    assert "it will be met: 58.2 projected" in _milestone_line(report)
    reached = _progress(report, meeting=60, milestones=(first, judged))
    assert _milestone_line(reached).endswith(
        "Reached today; at the current trend (+1.37 units a month), 49.5 projected on the "
        "due date: the undecided units, the units with no data or the people not placed "
        "could change whether it holds."
    )


def test_closest_rows_say_which_criteria_are_undecided(tmp_path: Path) -> None:
    # Phường Lê Chân (31003) fails C1 and C3 and the data cannot decide C5: what it
    # lacks is only what is known of it, and every way out of the report says so.
    report = sample_report(provinces=1)
    (view,) = [v for v in report_views(report, "en") if v.name == "closest"]
    keys = [c.key for c in view.columns]
    rows = {row[keys.index("unit_code")]: dict(zip(keys, row, strict=True)) for row in view.rows}
    assert (rows["31003"]["unknown_criteria"], rows["31002"]["unknown_criteria"]) == ("C5", "")
    said = "undecided on the data, so it may lack more: C5"
    lines = {line.unit: line for line in report_answer(report, "en").closest}
    assert lines["Phường Lê Chân (31003)"].undecided == said
    assert lines["Xã Đồng Hới & <Tân Lập> (31002)"].undecided is None
    assert said in _visible_text(render_html(report, "en"))
    ws = _workbook(tmp_path, report, "en")["summary"]
    assert said in [ws.cell(row=r, column=2).value for r in range(1, ws.max_row + 1)]
    write_report(report, "csv", lang="en", out=tmp_path / "csv")
    with (tmp_path / "csv" / "closest.csv").open(encoding="utf-8-sig") as f:
        table = list(csv.DictReader(f))
    assert {r["Unit code"]: r["Undecided criteria"] for r in table} == {
        "31002": "",
        "31003": "C5",
    }


def test_undecided_criteria_and_units_not_evaluated_read_in_vietnamese() -> None:
    report = sample_report(provinces=1)
    lines = {line.unit: line for line in report_answer(report, "vi").closest}
    assert lines["Phường Lê Chân (31003)"].undecided == (
        "chưa xác định trên dữ liệu, nên có thể còn thiếu thêm: C5"
    )
    idle = _progress(report, meeting=0, failing=0, unknown=0, not_evaluated=114)
    answer = report_answer(attrs.evolve(idle, closest=()), "vi")
    assert (
        "114 trên 114 đơn vị cấp xã đang có hiệu lực không được đánh giá vào ngày này "
        "(lý do nêu trong ghi chú)." in answer.facts
    )
    assert answer.closest_note == (
        "Không có đơn vị nào đã được đánh giá mà chưa đạt tiêu chí; 114 đơn vị không được đánh giá."
    )


def test_answer_judges_a_milestone_due_on_the_date_and_names_the_next() -> None:
    report = sample_report(provinces=1)
    due_today = attrs.evolve(
        report.overall.milestones[0], due=dt.date(2026, 6, 30), status="missed", meeting_at_due=30
    )
    changed = _progress(report, milestones=(due_today, *report.overall.milestones[1:]))
    facts = report_answer(changed, "vi").facts
    assert (
        "Mốc này đến hạn đúng ngày báo cáo và không đạt: mới có 30 đơn vị đạt, còn thiếu 5."
        in (facts[2])
    )
    assert facts[3].startswith("Mốc sau đó: 45 % số đơn vị vào ngày 31/12/2027")


def test_answer_says_what_the_data_cover_and_the_range() -> None:
    report = sample_report(provinces=1)
    assert report_answer(report, "en").facts[0] == "The data cover all 114 units."
    partial = _progress(report, no_data=62, unplaced=3)
    facts = report_answer(partial, "en").facts
    assert facts[0] == (
        "The data cover 52 of the 114 units; 62 have no data and are never counted as "
        "meeting the criteria."
    )
    assert facts[1] == (
        "3 people or records could not be placed in any unit, so at least 42 units meet "
        "the criteria."
    )
    assert report_answer(partial, "vi").facts[0].startswith("Dữ liệu có cho 52 trên 114 đơn vị")
    due_today = attrs.evolve(
        report.overall.milestones[0],
        due=dt.date(2026, 6, 30),
        status="cannot_judge",
        meeting_at_due=30,
    )
    judged = _progress(report, milestones=(due_today,), no_data=62)
    assert (
        "cannot be judged: 30 meeting, and the undecided units or the units with no data "
        "could change" in (report_answer(judged, "en").facts[2])
    )


def test_answer_with_no_failing_unit_and_with_a_long_list() -> None:
    report = sample_report(provinces=1)
    assert report_answer(attrs.evolve(report, closest=()), "en").closest_note == text(
        "answer_closest_none", "en"
    )
    many = tuple(attrs.evolve(report.closest[0], unit_code=f"U{i}") for i in range(12))
    answer = report_answer(attrs.evolve(report, closest=many), "en")
    assert len(answer.closest) == ANSWER_CLOSEST
    assert answer.closest_note == text(
        "answer_closest_more", "en", n=12, table=text("view_closest", "en")
    )


def test_answer_sets_recognitions_beside_the_data() -> None:
    report = sample_report(provinces=1)
    assert not any("recognised" in f for f in report_answer(report, "en").facts)
    summary = RecognitionSummary(
        scope=report.overall.scope,
        year=2025,
        units_in_force=report.overall.units_in_force,
        recognised=6,
        meeting=report.overall.meeting,
        recognised_and_meeting=4,
        recognised_undecided=0,
        withdrawal_candidates=("31001", "31002"),
        recognition_candidates=("31005",),
    )
    other = attrs.evolve(summary, scope="99", recognised=50)  # another scope's: not this one
    facts = report_answer(attrs.evolve(report, recognition=(other, summary)), "en").facts
    assert facts[-1] == (
        "Formally recognised for assessment year 2025: 6; of these, no longer meeting the "
        "criteria on the data (candidates for withdrawal): 2. Meeting them on the data "
        "without being recognised: 1."
    )
    vi = report_answer(attrs.evolve(report, recognition=(summary,)), "vi").facts[-1]
    assert vi.startswith("Được công nhận chính thức cho năm đánh giá 2025: 6 đơn vị")


def test_answer_withholds_small_counts() -> None:
    answer = report_answer(sample_report(provinces=1, suppression=5), "vi")
    assert answer.closest[0].lacks == (
        "C2: < 5 × người nghiện chưa xét nghiệm âm tính trong 30 ngày",
    )


def test_no_star_code_in_any_view() -> None:
    for lang in ("vi", "en"):
        for view in report_views(sample_report(), lang):  # type: ignore[arg-type]
            for row in view.rows:
                assert "*" not in row, (view.name, row)
    series = next(v for v in report_views(sample_report(), "vi") if v.name == "series")
    national = [row for row in series.rows if row[2] == "Toàn quốc"]
    assert national and all(row[1] == "" for row in national)


def test_provenance_tags_and_citations_in_words() -> None:
    views = {v.name: v for v in report_views(sample_report(), "vi")}
    milestones = views["milestones"]
    tag = [c.key for c in milestones.columns].index("provenance")
    assert {row[tag] for row in milestones.rows} == {"đã đọc trong văn bản"}
    indicators = views["indicators"]
    assert indicators.rows[0][-2] == "theo báo chí, chưa thấy văn bản"
    assert provenance_words("INFERRED", "en") == (
        "the library's interpretation (an overridable parameter)"
    )
    assert (
        reader_citation(
            "Bắc Giang's plan implementing Conclusion 132-KL/TW, as reported; text not found "
            "(criteria.md §3.7)",
            "en",
        )
        == "Bắc Giang's plan implementing Conclusion 132-KL/TW, as reported; text not found"
    )
    assert reader_citation(
        "Conclusion 132-KL/TW (18 Mar 2025): at least 50% by 2030, applied to the merged "
        "province [INFERRED]",
        "vi",
    ).endswith("applied to the merged province (cách hiểu của thư viện (tham số thay đổi được))")


def test_default_filename_names_scope_and_date() -> None:
    one = sample_report(provinces=1)
    assert default_filename(one, "html", "vi") == "bao-cao-hai-phong-2026-06-30.html"
    assert default_filename(one, "pdf", "en") == "report-hai-phong-2026-06-30.pdf"
    assert default_filename(one, "csv", "vi") == "bao-cao-hai-phong-2026-06-30"
    nation = sample_report()
    assert default_filename(nation, "xlsx", "vi") == "bao-cao-toan-quoc-2026-06-30.xlsx"
    assert default_filename(nation, "json", "en") == "report-national-2026-06-30.json"
    odd = attrs.evolve(
        one, provenance=attrs.evolve(one.provenance, scope="P99", scope_name="Tỉnh Đắk Lắk")
    )
    assert default_filename(odd, "html", "vi") == "bao-cao-dak-lak-2026-06-30.html"


def test_verdicts_and_statuses_read_alike() -> None:
    views = {v.name: v for v in report_views(sample_report(), "vi")}
    verdicts = {row[4] for row in views["units"].rows}
    assert verdicts == {"đạt", "không đạt", "chưa xác định"}  # all lower case
    statuses = {row[6] for row in views["milestones"].rows}
    assert "chưa xác định" in statuses
    labels = [c.label for c in views["indicators"].columns]
    assert len(set(labels)) == len(labels)  # no two columns with the same header


@pytest.mark.parametrize(
    ("value", "kind", "width"),
    [
        ("Phường Ba Đình", "text", 14),
        ("", "text", 0),
        ("two\nlines here", "text", 10),
        ("a\u2028line separator", "text", 14),  # a line break too, as in the data's names
        ("x\ty", "text", 3),
        ("whatever", "share", 7),
        (1234567, "int", 9),
        (None, "text", 0),
    ],
)
def test_a_workbook_column_is_as_wide_as_its_longest_line(
    value: object, kind: str, width: int
) -> None:
    assert xlsx_out._shown_width(value, kind) == width  # type: ignore[arg-type]
