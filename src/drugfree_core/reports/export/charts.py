"""The report's three charts as inline SVG, drawn here so the page needs no script or network.

Each function returns one ``<svg>`` element with ``role="img"``, a ``<title>`` and a
``<desc>``; the tables below the charts on the page carry the same numbers for readers
who cannot see them. Colours come from the Okabe–Ito (bars, markers) and Paul Tol
"muted" (trend lines) palettes, both safe for the common kinds of colour blindness, and
no colour serves two elements, so a screenshot test can find every element by colour.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from html import escape

from drugfree_core.i18n import Lang, format_date, format_number, format_percent
from drugfree_core.model.territory import TWO_TIER_START
from drugfree_core.reports.labels import text
from drugfree_core.reports.model import CriterionTally, Progress, SeriesPoint
from drugfree_core.reports.views import standing_text, value_words
from drugfree_core.rules.roadmap import NATIONAL

#: Bar of the current share meeting the criteria (Okabe–Ito blue).
PROGRESS_BAR = "#0072B2"
#: Outline of the share of units the dataset covers, around that bar (Okabe–Ito sky blue).
COVERAGE_OUTLINE = "#56B4E9"
#: Diamond at each milestone's share (Okabe–Ito orange).
MILESTONE_MARKER = "#E69F00"
#: Line at the next milestone's share (Okabe–Ito reddish purple).
NEXT_MILESTONE = "#CC79A7"
#: Bar of the units failing a criterion (Okabe–Ito vermillion).
FAILING_BAR = "#D55E00"
#: Bar of the units undecided on a criterion (Okabe–Ito bluish green).
UNKNOWN_BAR = "#009E73"
#: Trend lines, one per province in this order (Paul Tol "muted").
TREND_COLOURS = (
    "#332288",
    "#117733",
    "#44AA99",
    "#88CCEE",
    "#DDCC77",
    "#CC6677",
    "#AA4499",
    "#882255",
)
#: The dashed line at the 1 July 2025 reorganisation.
MERGER_LINE = "#555555"
_GRID = "#D9D9D9"
_INK = "#222222"

#: Above this many provinces the trend chart draws one line for the whole scope.
MAX_TREND_LINES = len(TREND_COLOURS)

_WIDTH = 880
_FONT = 12
# A rough average glyph width, to shorten labels that would overrun their column.
_GLYPH = 0.58 * _FONT


def display_name(name: str, lang: Lang) -> str:
    """A scope's name for people: the whole country's marker becomes "National"."""
    return text("national", lang) if name == NATIONAL else name


# --- SVG building blocks ---------------------------------------------------------------


def _n(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")


def _attrs(attrs: dict[str, str | float]) -> str:
    return "".join(
        f' {k.replace("_", "-")}="{escape(_n(v) if isinstance(v, float) else str(v))}"'
        for k, v in attrs.items()
    )


def _el(tag: str, content: str = "", /, **attrs: str | float) -> str:
    if not content:
        return f"<{tag}{_attrs(attrs)}/>"
    return f"<{tag}{_attrs(attrs)}>{content}</{tag}>"


def _tip(words: str) -> str:
    # A <title> child is the element's tooltip in every browser, with no script.
    return _el("title", escape(words))


def _label(x: float, y: float, words: str, *, anchor: str = "start", **attrs: str | float) -> str:
    return _el("text", escape(words), x=x, y=y, text_anchor=anchor, **attrs)


def _fit(words: str, width: float) -> str:
    most = max(3, int(width / _GLYPH))
    return words if len(words) <= most else words[: most - 1] + "…"


def _svg(key: str, lang: Lang, height: float, desc: str, body: Iterable[str]) -> str:
    title = text(key, lang)
    ident = key.replace("_", "-")
    return (
        f'<svg role="img" aria-labelledby="{ident}-title {ident}-desc" '
        f'viewBox="0 0 {_WIDTH} {_n(height)}" width="{_WIDTH}" height="{_n(height)}" '
        f'font-size="{_FONT}" fill="{_INK}" class="chart">'
        f'<title id="{ident}-title">{escape(title)}</title>'
        f'<desc id="{ident}-desc">{escape(desc)}</desc>' + "".join(body) + "</svg>"
    )


def _message(key: str, lang: Lang, words: str) -> str:
    return _svg(key, lang, 60, words, [_label(_WIDTH / 2, 34, words, anchor="middle")])


def _nice_step(top: float, ticks: int = 5) -> float:
    # 1-2-5 steps only: a count axis stays on whole numbers, a share axis on whole percents.
    raw = max(top, 1e-9) / ticks
    power = 10.0 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= raw)


def _legend(x: float, y: float, items: Sequence[tuple[str, str]]) -> str:
    """A row of (swatch SVG, label) pairs, each swatch drawn in a 16×12 box at its x."""
    out, cursor = [], x
    for swatch, words in items:
        out.append(f'<g transform="translate({_n(cursor)},{_n(y)})">{swatch}</g>')
        out.append(_label(cursor + 22, y + 10, words))
        cursor += 40 + len(words) * _GLYPH
    return "".join(out)


def _diamond(cx: float, cy: float, r: float, fill: str, tip: str = "") -> str:
    points = (
        f"{_n(cx)},{_n(cy - r)} {_n(cx + r)},{_n(cy)} {_n(cx)},{_n(cy + r)} {_n(cx - r)},{_n(cy)}"
    )
    return _el("polygon", _tip(tip) if tip else "", points=points, fill=fill)


# --- (1) progress against milestones -----------------------------------------------------


def progress_chart(progress: Sequence[Progress], overall: Progress | None, lang: Lang) -> str:
    """Horizontal bars of each scope's share meeting the criteria, with its milestones.

    An outline around each bar reaches the share of units the dataset covers (a share
    never goes without its coverage). A diamond marks every milestone's share and a
    vertical line the next one's; *overall* (the nation, when the report covers several
    provinces) is drawn last, in bold.
    """
    rows = [*progress, *([overall] if overall is not None else [])]
    if not rows:
        return _message("chart_progress", lang, text("none_yet", lang))
    left, right, top, row_h = 210.0, 80.0, 28.0, 24.0
    plot = _WIDTH - left - right
    height = top + row_h * len(rows) + 40

    def x(share: float) -> float:
        return left + plot * min(max(share, 0.0), 1.0)

    body = []
    for tick in (0.0, 0.25, 0.5, 0.75, 1.0):
        body.append(
            _el(
                "line",
                x1=x(tick),
                x2=x(tick),
                y1=top - 4,
                y2=top + row_h * len(rows),
                stroke=_GRID,
                shape_rendering="crispEdges",
            )
        )
        body.append(_label(x(tick), top - 8, format_percent(tick, lang, 0), anchor="middle"))
    for i, p in enumerate(rows):
        body.append(_progress_row(p, lang, top + row_h * i, row_h, x, bold=p is overall))
    legend_y = top + row_h * len(rows) + 14
    body.append(
        _legend(
            left,
            legend_y,
            [
                (_el("rect", width=16, height=12, fill=PROGRESS_BAR), text("legend_current", lang)),
                (
                    _el(
                        "rect",
                        x=1,
                        y=1,
                        width=14,
                        height=10,
                        fill="none",
                        stroke=COVERAGE_OUTLINE,
                        stroke_width=2,
                    ),
                    text("covered", lang),
                ),
                (_diamond(8, 6, 6, MILESTONE_MARKER), text("legend_milestone", lang)),
                (
                    _el("line", x1=8, x2=8, y1=-1, y2=13, stroke=NEXT_MILESTONE, stroke_width=3),
                    text("next_due", lang),
                ),
            ],
        )
    )
    desc = "; ".join(
        f"{display_name(p.name, lang)}: {format_percent(p.share or 0.0, lang)} "
        f"({standing_text(p, lang)})"
        for p in rows
    )
    return _svg("chart_progress", lang, height, desc, body)


def _progress_row(
    p: Progress, lang: Lang, y: float, row_h: float, x: Callable[[float], float], *, bold: bool
) -> str:
    name = display_name(p.name, lang)
    mid = y + row_h / 2
    share = p.share or 0.0
    standing = standing_text(p, lang)
    out = [
        _label(
            x(0.0) - 8,
            mid + 4,
            _fit(name, x(0.0) - 16),
            anchor="end",
            font_weight="bold" if bold else "normal",
        ),
        _el(
            "rect",
            _tip(f"{name}: {text('covered', lang)} {format_percent(p.coverage or 0.0, lang)}"),
            x=x(0.0),
            y=mid - 9,
            width=x(p.coverage or 0.0) - x(0.0),
            height=18,
            fill="none",
            stroke=COVERAGE_OUTLINE,
            stroke_width=2,
            shape_rendering="crispEdges",
        ),
        _el(
            "rect",
            _tip(f"{name}: {format_percent(share, lang)} ({standing})"),
            x=x(0.0),
            y=mid - 7,
            width=x(share) - x(0.0),
            height=14,
            fill=PROGRESS_BAR,
            shape_rendering="crispEdges",
        ),
    ]
    if p.next_share is not None:
        out.append(
            _el(
                "line",
                _tip(f"{text('next_due', lang)}: {format_percent(float(p.next_share), lang)}"),
                x1=x(float(p.next_share)),
                x2=x(float(p.next_share)),
                y1=y + 1,
                y2=y + row_h - 1,
                stroke=NEXT_MILESTONE,
                stroke_width=3,
                shape_rendering="crispEdges",
            )
        )
    for m in p.milestones:
        status = value_words(m.status, lang)
        tip = f"{format_date(m.due, lang)}: {format_percent(float(m.share), lang)} — {status}"
        out.append(_diamond(x(float(m.share)), mid, 6, MILESTONE_MARKER, tip))
    out.append(_label(x(1.0) + 14, mid + 4, format_percent(share, lang)))
    return "".join(out)


# --- (2) trend over time -------------------------------------------------------------------


def trend_lines(
    series: Sequence[SeriesPoint], names: dict[str, str]
) -> list[tuple[str, list[SeriesPoint]]]:
    """The lines the trend chart draws: (name, dated points), one per province.

    Above :data:`MAX_TREND_LINES` provinces, one line for the whole scope: the scope's
    own points when the series has them, else the provinces summed date by date.
    """
    by_scope: dict[str, list[SeriesPoint]] = defaultdict(list)
    for point in sorted(series, key=lambda s: s.on):
        by_scope[point.scope].append(point)
    provinces = [s for s in by_scope if s != NATIONAL]
    if len(provinces) <= MAX_TREND_LINES and provinces:
        return [(names.get(s, s), by_scope[s]) for s in sorted(provinces)]
    if NATIONAL in by_scope:
        return [(NATIONAL, by_scope[NATIONAL])]
    summed: dict[dt.date, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0, 0])
    for point in series:
        acc = summed[point.on]
        counts = (
            point.units_in_force,
            point.meeting,
            point.failing,
            point.unknown,
            point.no_data,
            # What each lower bound takes off (published: a withheld count's bound), so
            # the sum's bound is the sum of the provinces' bounds.
            point.meeting - point.meeting_at_least,
        )
        for k, v in enumerate(counts):
            acc[k] += v
    return [
        (
            NATIONAL,
            [
                SeriesPoint(
                    on=on,
                    scope=NATIONAL,
                    units_in_force=u,
                    meeting=m,
                    failing=f,
                    unknown=k,
                    no_data=n,
                    unplaced=off,
                )
                for on, (u, m, f, k, n, off) in sorted(summed.items())
            ],
        )
    ]


def _month_ticks(first: dt.date, last: dt.date) -> tuple[list[dt.date], bool]:
    months = (last.year - first.year) * 12 + last.month - first.month + 1
    step = next(s for s in (1, 2, 3, 6, 12, 24, 60) if months / s <= 10)
    ticks, y, m = [], first.year, first.month
    while dt.date(y, m, 1) <= last:
        if (y * 12 + m - 1) % step == 0 and dt.date(y, m, 1) >= first:
            ticks.append(dt.date(y, m, 1))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return ticks, step >= 12


def trend_chart(series: Sequence[SeriesPoint], names: dict[str, str], lang: Lang) -> str:
    """Lines of the share meeting the criteria per date, with the 1 July 2025 merger marked.

    *names* maps a province code to its name; see :func:`trend_lines` for which lines.
    """
    lines = [(n, [p for p in pts if p.share is not None]) for n, pts in trend_lines(series, names)]
    lines = [(n, pts) for n, pts in lines if pts]
    if not lines:
        return _message("chart_trend", lang, text("no_trend_data", lang))
    first = min(p.on for _, pts in lines for p in pts)
    last = max(p.on for _, pts in lines for p in pts)
    if first == last:  # one date: widen the axis so the point sits in the middle
        first, last = first - dt.timedelta(days=15), last + dt.timedelta(days=15)
    top_share = max(p.share or 0.0 for _, pts in lines for p in pts)
    step = _nice_step(max(top_share, 0.05))
    y_max = step * math.ceil(max(top_share, 0.05) / step - 1e-9)
    left, right, top, plot_h = 64.0, 24.0, 30.0, 260.0
    plot_w = _WIDTH - left - right
    legend_rows = math.ceil(len(lines) / 4)
    height = top + plot_h + 34 + legend_rows * 20 + 8

    def x(day: dt.date) -> float:
        return left + plot_w * (day - first).days / (last - first).days

    def y(share: float) -> float:
        return top + plot_h * (1 - share / y_max)

    body = []
    for k in range(round(y_max / step) + 1):
        v = k * step
        body.append(
            _el(
                "line",
                x1=left,
                x2=left + plot_w,
                y1=y(v),
                y2=y(v),
                stroke=_GRID,
                shape_rendering="crispEdges",
            )
        )
        body.append(_label(left - 6, y(v) + 4, format_percent(v, lang, 0), anchor="end"))
    ticks, yearly = _month_ticks(first, last)
    for day in ticks:
        words = (
            str(day.year)
            if yearly
            else (day.strftime("%m/%Y") if lang == "vi" else day.strftime("%Y-%m"))
        )
        body.append(
            _el(
                "line",
                x1=x(day),
                x2=x(day),
                y1=top + plot_h,
                y2=top + plot_h + 4,
                stroke=_INK,
                shape_rendering="crispEdges",
            )
        )
        body.append(_label(x(day), top + plot_h + 18, words, anchor="middle"))
    body.append(
        _el(
            "line",
            x1=left,
            x2=left + plot_w,
            y1=top + plot_h,
            y2=top + plot_h,
            stroke=_INK,
            shape_rendering="crispEdges",
        )
    )
    if first <= TWO_TIER_START <= last:
        mx = x(TWO_TIER_START)
        body.append(
            _el(
                "line",
                x1=mx,
                x2=mx,
                y1=top - 12,
                y2=top + plot_h,
                stroke=MERGER_LINE,
                stroke_width=1.5,
                stroke_dasharray="6 4",
            )
        )
        body.append(_label(mx + 4, top - 14, text("merger_line", lang), fill=MERGER_LINE))
    legend = []
    for i, (name, pts) in enumerate(lines):
        colour = TREND_COLOURS[i % len(TREND_COLOURS)]
        label = display_name(name, lang)
        d = " ".join(
            f"{'M' if j == 0 else 'L'}{_n(x(p.on))},{_n(y(p.share or 0.0))}"
            for j, p in enumerate(pts)
        )
        body.append(
            _el("path", d=d, fill="none", stroke=colour, stroke_width=3, stroke_linejoin="round")
        )
        for p in pts:
            standing = standing_text(p, lang)  # with its lower bound, as the tables say it
            share = format_percent(p.share or 0.0, lang)
            tip = f"{label} {format_date(p.on, lang)}: {share} ({standing})"
            body.append(
                _el("circle", _tip(tip), cx=x(p.on), cy=y(p.share or 0.0), r=3.5, fill=colour)
            )
        lx = left + (i % 4) * (plot_w / 4)
        ly = top + plot_h + 34 + (i // 4) * 20
        legend.append(_el("rect", x=lx, y=ly, width=18, height=4, fill=colour))
        legend.append(_label(lx + 24, ly + 6, _fit(label, plot_w / 4 - 30)))
    body.extend(legend)
    desc = "; ".join(
        f"{display_name(n, lang)}: {format_percent(pts[0].share or 0.0, lang)} "
        f"({format_date(pts[0].on, lang)}) → {format_percent(pts[-1].share or 0.0, lang)} "
        f"({format_date(pts[-1].on, lang)})"
        for n, pts in lines
    )
    return _svg("chart_trend", lang, height, desc, body)


# --- (3) failing criteria --------------------------------------------------------------------


def failing_chart(criteria: Sequence[CriterionTally], lang: Lang) -> str:
    """Bars of how many units fail each criterion, with the undecided ones stacked after."""
    if not criteria:
        return _message("chart_failing", lang, text("none_yet", lang))
    several = len({c.scheme_id for c in criteria}) > 1
    left, right, top, row_h = 300.0, 80.0, 28.0, 24.0
    plot = _WIDTH - left - right
    most = max(max(c.failed + c.unknown for c in criteria), 1)
    step = max(1.0, _nice_step(most))
    axis_max = step * math.ceil(most / step)
    height = top + row_h * len(criteria) + 40

    def x(count: float) -> float:
        return left + plot * count / axis_max

    body = []
    for k in range(round(axis_max / step) + 1):
        v = k * step
        body.append(
            _el(
                "line",
                x1=x(v),
                x2=x(v),
                y1=top - 4,
                y2=top + row_h * len(criteria),
                stroke=_GRID,
                shape_rendering="crispEdges",
            )
        )
        body.append(_label(x(v), top - 8, format_number(v, lang), anchor="middle"))
    for i, c in enumerate(criteria):
        mid = top + row_h * i + row_h / 2
        title = c.title_vi if lang == "vi" else c.title_en
        ident = f"{c.criterion_id} ({c.scheme_id})" if several else c.criterion_id
        body.append(_label(left - 8, mid + 4, _fit(f"{ident} {title}", left - 16), anchor="end"))
        tip = (
            f"{ident} {title}: {text('failing', lang)} {c.failed}, "
            f"{text('unknown', lang)} {c.unknown}, {text('passed', lang)} {c.passed}"
        )
        body.append(
            _el(
                "rect",
                _tip(tip),
                x=x(0),
                y=mid - 7,
                width=x(c.failed) - x(0),
                height=14,
                fill=FAILING_BAR,
                shape_rendering="crispEdges",
            )
        )
        body.append(
            _el(
                "rect",
                _tip(tip),
                x=x(c.failed),
                y=mid - 7,
                width=x(c.failed + c.unknown) - x(c.failed),
                height=14,
                fill=UNKNOWN_BAR,
                shape_rendering="crispEdges",
            )
        )
        value = format_number(c.failed, lang) + (
            f" (+{format_number(c.unknown, lang)})" if c.unknown else ""
        )
        body.append(_label(x(c.failed + c.unknown) + 6, mid + 4, value))
    body.append(
        _legend(
            left,
            top + row_h * len(criteria) + 14,
            [
                (_el("rect", width=16, height=12, fill=FAILING_BAR), text("failing", lang)),
                (_el("rect", width=16, height=12, fill=UNKNOWN_BAR), text("unknown", lang)),
            ],
        )
    )
    desc = "; ".join(
        f"{c.criterion_id}: {text('failing', lang)} {c.failed}, {text('unknown', lang)} {c.unknown}"
        for c in criteria
    )
    return _svg("chart_failing", lang, height, desc, body)
