"""Plain-text tables for the terminal: aligned, fitted to a width, coloured by outcome.

A table wider than the terminal (100 columns is the width this is tested at) is made to
fit by shortening its longest free-text columns (names), each cut value ending in ``…``;
codes, verdicts and marks are never cut. Colours (green pass, red fail, yellow unknown,
grey no data) are added only when the output is a terminal that shows them.
"""

from __future__ import annotations

import shutil
import sys
import unicodedata
from collections.abc import Sequence

import attrs
import click

#: The colour of each outcome's text on a terminal.
OUTCOME_COLOURS = {"pass": "green", "fail": "red", "unknown": "yellow", "no_data": "bright_black"}

#: A column narrower than this is never shortened further.
MIN_WIDTH = 8


@attrs.frozen(kw_only=True)
class Column:
    """A column: its header, whether it may be shortened, its alignment and its gap.

    ``gap`` is the space before the column; narrow columns of marks take one.
    """

    header: str
    shrink: bool = False
    right: bool = False
    gap: int = 2


@attrs.frozen
class Cell:
    """A cell's text and the colour it has on a terminal (a click colour name)."""

    text: str
    colour: str | None = None


def outcome_cell(text: str, outcome: str) -> Cell:
    """*text* coloured as the outcome *outcome* (``pass``, ``fail``…) is."""
    return Cell(text, OUTCOME_COLOURS.get(outcome))


def terminal_width() -> int | None:
    """The width of the terminal standard output shows on, or ``None`` for a pipe or file."""
    if not sys.stdout.isatty():
        return None
    return shutil.get_terminal_size((100, 24)).columns


def terminal_colour() -> bool:
    """Whether standard output is a terminal, where colours help (never in a file)."""
    return sys.stdout.isatty()


def text_width(text: str) -> int:
    """How many terminal columns *text* takes (combining marks take none)."""
    return sum(0 if unicodedata.combining(ch) else 1 for ch in unicodedata.normalize("NFC", text))


def cut(text: str, width: int) -> str:
    """*text* shortened to *width* columns, ending in ``…`` when something was cut."""
    text = unicodedata.normalize("NFC", text)
    if text_width(text) <= width:
        return text
    return text[: max(0, width - 1)].rstrip() + "…"


def fit_widths(
    natural: Sequence[int], shrink: Sequence[bool], width: int | None, gaps: int | None = None
) -> list[int]:
    """Column widths that fit *width* with *gaps* (default: two spaces between columns).

    The widest shrinkable column is cut first, one column at a time, down to
    :data:`MIN_WIDTH`.
    """
    widths = list(natural)
    if width is None:
        return widths
    budget = width - (2 * (len(widths) - 1) if gaps is None else gaps)
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
    gaps = sum(c.gap for c in columns[1:])
    widths = fit_widths(natural, [c.shrink for c in columns], width, gaps)

    def line(row: Sequence[Cell]) -> str:
        out = []
        for i, (cell, column) in enumerate(zip(row, columns, strict=True)):
            shown = cut(cell.text, widths[i])
            pad = " " * (widths[i] - text_width(shown))
            if colour and cell.colour:
                shown = click.style(shown, fg=cell.colour)
            gap = " " * column.gap if i else ""
            out.append(gap + (pad + shown if column.right else shown + pad))
        return "".join(out).rstrip()

    rule = "".join(
        (" " * c.gap if i else "") + "-" * w
        for i, (c, w) in enumerate(zip(columns, widths, strict=True))
    )
    out = [line([Cell(c.header) for c in columns]), rule]
    out += [line(row) for row in cells]
    return "\n".join(out)
