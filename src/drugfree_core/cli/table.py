"""Plain-text tables for the terminal: aligned, fitted to a width, coloured by outcome.

A table wider than the terminal (100 columns is the width this is tested at) is made to
fit by shortening its longest free-text columns (names), each cut value ending in ``…``;
codes, verdicts and marks are never cut. Colours (green pass, red fail, yellow unknown,
grey no data) are added only when the output is a terminal that shows them.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

import attrs
import click

#: The colour of each outcome's text on a terminal.
OUTCOME_COLOURS = {"pass": "green", "fail": "red", "unknown": "yellow", "no_data": "bright_black"}

#: A column narrower than this is never shortened further.
MIN_WIDTH = 8
_GAP = "  "


@attrs.frozen(kw_only=True)
class Column:
    """A column: its header, whether it may be shortened, and its alignment."""

    header: str
    shrink: bool = False
    right: bool = False


@attrs.frozen
class Cell:
    """A cell's text and the colour it has on a terminal (a click colour name)."""

    text: str
    colour: str | None = None


def outcome_cell(text: str, outcome: str) -> Cell:
    """*text* coloured as the outcome *outcome* (``pass``, ``fail``…) is."""
    return Cell(text, OUTCOME_COLOURS.get(outcome))


def text_width(text: str) -> int:
    """How many terminal columns *text* takes (combining marks take none)."""
    return sum(0 if unicodedata.combining(ch) else 1 for ch in unicodedata.normalize("NFC", text))


def cut(text: str, width: int) -> str:
    """*text* shortened to *width* columns, ending in ``…`` when something was cut."""
    text = unicodedata.normalize("NFC", text)
    if text_width(text) <= width:
        return text
    return text[: max(0, width - 1)].rstrip() + "…"


def fit_widths(natural: Sequence[int], shrink: Sequence[bool], width: int | None) -> list[int]:
    """Column widths that fit *width* (gaps included), cutting the widest shrinkable first."""
    widths = list(natural)
    if width is None:
        return widths
    budget = width - len(_GAP) * (len(widths) - 1)
    while sum(widths) > budget:
        candidates = [i for i, w in enumerate(widths) if shrink[i] and w > MIN_WIDTH]
        if not candidates:
            break  # nothing left to cut: the table stays wider than asked
        widths[max(candidates, key=lambda i: widths[i])] -= 1
    return widths


def render_table(
    columns: Sequence[Column],
    rows: Sequence[Sequence[str | Cell]],
    *,
    width: int | None = None,
    colour: bool = False,
) -> str:
    """The table as text: header, a rule, then the rows, fitted to *width* when given."""
    cells = [[c if isinstance(c, Cell) else Cell(c) for c in row] for row in rows]
    natural = [
        max([text_width(c.header), *(text_width(r[i].text) for r in cells)])
        for i, c in enumerate(columns)
    ]
    widths = fit_widths(natural, [c.shrink for c in columns], width)

    def line(row: Sequence[Cell]) -> str:
        out = []
        for i, (cell, column) in enumerate(zip(row, columns, strict=True)):
            shown = cut(cell.text, widths[i])
            pad = " " * (widths[i] - text_width(shown))
            if colour and cell.colour:
                shown = click.style(shown, fg=cell.colour)
            out.append(pad + shown if column.right else shown + pad)
        return _GAP.join(out).rstrip()

    out = [line([Cell(c.header) for c in columns]), _GAP.join("-" * w for w in widths)]
    out += [line(row) for row in cells]
    return "\n".join(out)
