"""The report as one self-contained HTML page: inline CSS, inline SVG charts, no script.

The page opens with the answer in words (:mod:`.answer`): how many units meet out of how
many, whether the next milestone will be met, which units are closest and what each
lacks. The charts and the tables follow; where the report comes from (schemes, versions,
the data's fingerprint) closes it. The page opens offline and from an e-mail attachment:
it loads nothing (no script, font, image or style sheet from anywhere), and every text
from the data is escaped. Long tables stop after :data:`MAX_ROWS` rows with a note
pointing at the CSV/XLSX files. Its print style sheet lays it out on A4 landscape pages,
which is how the PDF (:mod:`.pdf_out`) is made.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from html import escape

from drugfree_core.i18n import (
    Lang,
    format_count,
    format_date,
    format_datetime,
    format_number,
    format_percent,
    resolve_lang,
)
from drugfree_core.reports.export.answer import Answer, report_answer
from drugfree_core.reports.export.charts import (
    failing_chart,
    progress_chart,
    trend_chart,
)
from drugfree_core.reports.labels import text
from drugfree_core.reports.model import Report
from drugfree_core.reports.views import (
    Cell,
    Suppressed,
    View,
    report_views,
    scope_label,
)

#: Most rows a table shows on the page; the CSV and XLSX files have them all.
MAX_ROWS = 200

_CSS = """
:root { color-scheme: light; }
body { font-family: "Noto Sans", "DejaVu Sans", "Segoe UI", Arial, sans-serif;
  color: #222; margin: 0 auto; max-width: 1200px; padding: 16px 24px; line-height: 1.4; }
h1 { font-size: 1.6em; margin: 0 0 4px; }
h2 { font-size: 1.2em; margin: 28px 0 8px; }
.scope { font-size: 1.15em; margin: 0; }
.provenance { background: #F4F6F8; border: 1px solid #D0D7DE; border-radius: 6px;
  padding: 8px 16px; margin: 16px 0; }
.provenance h2 { margin-top: 4px; }
.provenance dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px;
  margin: 0; font-size: 0.9em; }
.provenance dt { font-weight: bold; }
.provenance dd { margin: 0; overflow-wrap: anywhere; }
figure { margin: 12px 0 20px; }
figcaption { font-weight: bold; margin-bottom: 4px; }
svg.chart { max-width: 100%; height: auto; font-family: inherit; }
nav ul { columns: 2; font-size: 0.9em; }
@media screen { .table-wrap { overflow-x: auto; } }
table { border-collapse: collapse; font-size: 0.85em; margin-bottom: 6px; }
th, td { border: 1px solid #D0D7DE; padding: 3px 6px; vertical-align: top; }
th { background: #DDEBF7; text-align: left; }
tbody tr:nth-child(even) { background: #F8FAFC; }
td.num { text-align: right; white-space: nowrap; }
td.id { overflow-wrap: normal; }
.suppressed { font-style: italic; color: #595959; }
.note, footer { font-size: 0.85em; color: #555; }
/* Not a chart colour: the screenshot test finds each chart element by its colour. */
.answer { border-left: 6px solid #1F3B57; background: #F4F8FC; padding: 4px 20px 12px;
  margin: 16px 0 20px; }
.answer h2 { margin-top: 12px; }
.answer .headline { font-size: 1.35em; font-weight: bold; margin: 8px 0; }
.answer ul.facts { margin: 8px 0; padding-left: 20px; }
.answer ul.facts li { margin: 3px 0; }
.answer h3 { font-size: 1.05em; margin: 14px 0 4px; }
.answer ol.closest { margin: 4px 0; padding-left: 24px; }
.answer ol.closest ul { margin: 2px 0 6px; padding-left: 18px; font-size: 0.95em; }
@page { size: A4 landscape; margin: 12mm 12mm 14mm;
  @bottom-right { content: counter(page) " / " counter(pages); font-size: 9pt; color: #555; } }
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; }
  table { font-size: 8pt; width: 100%; }
  td, th { overflow-wrap: anywhere; }
  thead { display: table-header-group; }
  figure, tr, .answer { break-inside: avoid; }
  section > h2 { break-after: avoid; }
  .provenance { break-before: page; }
}
"""


def _cell(value: Cell, kind: str, lang: Lang) -> tuple[str, bool]:
    """The escaped HTML of one cell and whether it is right-aligned."""
    if value is None:
        return "", False
    if isinstance(value, Suppressed):
        words = text("suppressed", lang, k=value.below)
        return f'<span class="suppressed" title="{escape(words)}">&lt; {value.below}</span>', True
    if isinstance(value, dt.datetime):
        return escape(format_datetime(value, lang)), True
    if isinstance(value, dt.date):
        return escape(format_date(value, lang)), True
    if isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            return "", True
        if kind == "share":
            return escape(format_percent(value, lang)), True
        if isinstance(value, int):
            return escape(format_count(value, lang)), True
        # Counts that arrive as floats (an indicator's numerator) read as whole numbers.
        return escape(format_number(value, lang, 0, max_digits=2)), True
    return escape(value), False


def _breakable_id(html: str) -> str:
    """An escaped id with a break opportunity after each dot and underscore.

    A hyphen is one already; the cell's style allows no other.
    """
    return html.replace(".", ".<wbr>").replace("_", "_<wbr>")


def _table(view: View, lang: Lang) -> str:
    head = "".join(f'<th scope="col">{escape(c.label)}</th>' for c in view.columns)
    body = []
    for row in view.rows[:MAX_ROWS]:
        cells = []
        for value, column in zip(row, view.columns, strict=True):
            html, num = _cell(value, column.kind, lang)
            if num:
                cells.append(f'<td class="num">{html}</td>')
            elif column.kind == "id":
                # An id wraps at its hyphens, dots and underscores, never inside a word
                # (a narrow printed column cut "national-2030" into "nation", "al-203").
                cells.append(f'<td class="id">{_breakable_id(html)}</td>')
            else:
                cells.append(f"<td>{html}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    parts = [
        f'<section id="{escape(view.name)}"><h2>{escape(view.title)}</h2>',
        f'<div class="table-wrap"><table><thead><tr>{head}</tr></thead>',
        f"<tbody>{''.join(body)}</tbody></table></div>",
    ]
    if not view.rows:
        parts.append(f'<p class="note">{escape(text("none_yet", lang))}</p>')
    elif len(view.rows) > MAX_ROWS:
        note = text("rows_capped", lang, shown=MAX_ROWS, total=len(view.rows))
        parts.append(f'<p class="note">{escape(note)}</p>')
    parts.append("</section>")
    return "".join(parts)


def _provenance_box(view: View, lang: Lang) -> str:
    items = []
    for field, value in view.rows:
        html = escape(text("none_yet", lang)) if value is None else _cell(value, "text", lang)[0]
        items.append(f"<dt>{escape(str(field))}</dt><dd>{html}</dd>")
    return (
        f'<section class="provenance" id="{escape(view.name)}"><h2>{escape(view.title)}</h2>'
        f"<dl>{''.join(items)}</dl></section>"
    )


def _charts(report: Report, lang: Lang) -> str:
    several = len(report.progress) != 1 or report.progress[0].scope != report.overall.scope
    names = {p.scope: p.name for p in (*report.progress, report.overall)}
    charts = (
        (
            "chart_progress",
            progress_chart(report.progress, report.overall if several else None, lang),
        ),
        ("chart_trend", trend_chart(report.series, names, lang)),
        ("chart_failing", failing_chart(report.criteria, lang)),
    )
    return "".join(
        f"<figure><figcaption>{escape(text(key, lang))}</figcaption>{svg}</figure>"
        for key, svg in charts
    )


def _nav(views: Sequence[View]) -> str:
    links = "".join(f'<li><a href="#{escape(v.name)}">{escape(v.title)}</a></li>' for v in views)
    return f"<nav><ul>{links}</ul></nav>"


def _answer(answer: Answer) -> str:
    facts = "".join(f"<li>{escape(f)}</li>" for f in answer.facts)
    closest = "".join(
        f"<li><strong>{escape(line.unit)}</strong>"
        + "<ul>"
        + "".join(f"<li>{escape(x)}</li>" for x in line.lacks)
        + (f'<li class="undecided">{escape(line.undecided)}</li>' if line.undecided else "")
        + "</ul></li>"
        for line in answer.closest
    )
    parts = [
        f'<section class="answer" id="answer"><h2>{escape(answer.title)}</h2>',
        f'<p class="headline">{escape(answer.headline)}</p>',
        f'<ul class="facts">{facts}</ul>' if facts else "",
        f"<h3>{escape(answer.closest_title)}</h3>",
        f'<ol class="closest">{closest}</ol>' if closest else "",
        f'<p class="note">{escape(answer.closest_note)}</p>' if answer.closest_note else "",
        "</section>",
    ]
    return "".join(parts)


def render_html(report: Report, lang: Lang | None = None) -> str:
    """The whole report as one HTML page in *lang* (``"vi"``, ``"en"``; default: current)."""
    lang = resolve_lang(lang)
    views = report_views(report, lang)
    tables = [v for v in views if v.name != "provenance"]
    provenance = next(v for v in views if v.name == "provenance")
    p = report.provenance
    title = text("report_title", lang)
    scope = scope_label(report, lang)
    generated = p.generated_at.isoformat(timespec="seconds")
    return "".join(
        [
            "<!DOCTYPE html>\n",
            f'<html lang="{escape(lang)}"><head><meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            # Read by PDF writers for the document's dates, so a PDF is stamped like the report.
            f'<meta name="dcterms.created" content="{escape(generated)}">',
            f"<title>{escape(title)} — {escape(scope)} — "
            f"{escape(format_date(p.reference_date, lang))}</title>",
            f"<style>{_CSS}</style></head><body>",
            f"<header><h1>{escape(title)}</h1>",
            f'<p class="scope">{escape(text("scope", lang))}: <strong>{escape(scope)}</strong>',
            f" · {escape(text('reference_date', lang))}: ",
            f"<strong>{escape(format_date(p.reference_date, lang))}</strong></p></header>",
            "<main>",
            _answer(report_answer(report, lang)),
            _charts(report, lang),
            _nav([*tables, provenance]),
            *(_table(v, lang) for v in tables),
            _provenance_box(provenance, lang),
            "</main>",
            f"<footer><p>{escape(text('generated_at', lang))}: "
            f"{escape(format_datetime(p.generated_at, lang))} · ",
            f"{escape(text('offline_note', lang))}</p></footer>",
            "</body></html>\n",
        ]
    )
