"""Terminal tables: they fit 100 columns, cut names with …, colour outcomes on terminals."""

from __future__ import annotations

import datetime as dt

import click
import pytest

from drugfree_core.cli.output import MARKS, csv_text, summary_text, table_text
from drugfree_core.cli.table import Cell, Column, cut, fit_widths, render_table, text_width
from drugfree_core.engine import evaluate
from drugfree_core.io import load
from drugfree_core.plugins import get_scheme
from drugfree_core.samples import demo_path


@pytest.fixture(scope="module")
def evaluations() -> dict[str, object]:
    dataset = load(demo_path())
    on = dt.date(2025, 10, 1)
    return {
        sid: evaluate(dataset, get_scheme(sid), on)
        for sid in ("mps-recognition-2024", "qd28-2025-complex-areas")
    }


def test_cut_and_widths() -> None:
    assert cut("Phường Hòa Đức", 20) == "Phường Hòa Đức"
    assert cut("Phường Hòa Đức", 8) == "Phường…"
    assert text_width("Phu\u031bo\u031b\u0300ng") == len("Phường")  # combining marks
    assert fit_widths([5, 40, 10], [False, True, False], 40) == [5, 21, 10]
    # nothing can be cut below the minimum: the table stays as wide as it must
    assert fit_widths([30, 30], [False, False], 40) == [30, 30]


@pytest.mark.parametrize("scheme_id", ["mps-recognition-2024", "qd28-2025-complex-areas"])
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_tables_fit_a_100_column_terminal(evaluations, scheme_id: str, lang: str) -> None:
    text = table_text(evaluations[scheme_id], lang, width=100)  # type: ignore[arg-type]
    assert max(text_width(line) for line in text.splitlines()) <= 100
    wide = table_text(evaluations[scheme_id], lang)  # type: ignore[arg-type]
    assert "Phường Hòa Đức" in wide  # without a width nothing is cut


def test_outcomes_are_coloured_only_when_asked(evaluations) -> None:
    plain = table_text(evaluations["mps-recognition-2024"], "vi", width=100)  # type: ignore[arg-type]
    coloured = table_text(evaluations["mps-recognition-2024"], "vi", colour=True)  # type: ignore[arg-type]
    assert "\x1b[" not in plain
    assert click.style(MARKS["fail"], fg="red") in coloured
    assert click.style("đạt", fg="green") in coloured
    assert click.unstyle(coloured) == table_text(evaluations["mps-recognition-2024"], "vi")  # type: ignore[arg-type]


def test_table_words_follow_the_language(evaluations) -> None:
    vi = table_text(evaluations["qd28-2025-complex-areas"], "vi")  # type: ignore[arg-type]
    en = table_text(evaluations["qd28-2025-complex-areas"], "en")  # type: ignore[arg-type]
    assert vi.startswith("Mã đơn vị") and en.startswith("Unit code")
    assert "loại III" in vi and "type III" in en  # levels are named in the reader's words
    assert "chưa xác định: loại" in vi  # an undecided unit names the levels still open
    assert "?type" not in vi and "?type" not in en
    assert "✓ đạt  ✗ không đạt  ? chưa xác định" in vi


def test_summary_names_levels_and_counts_in_words(evaluations) -> None:
    scheme = get_scheme("qd28-2025-complex-areas")
    text = summary_text(evaluations["qd28-2025-complex-areas"], "vi", scheme)  # type: ignore[arg-type]
    assert "17 đơn vị" in text and "01/10/2025" in text
    assert "chưa xác định: 4" in text  # the levels the sample's data cannot decide
    en = summary_text(evaluations["mps-recognition-2024"], "en")  # type: ignore[arg-type]
    assert "17 units" in en and "4 people not placed in one unit" in en


def test_csv_is_for_programs(evaluations) -> None:
    header, first = csv_text(evaluations["mps-recognition-2024"]).splitlines()[:2]  # type: ignore[arg-type]
    assert header.startswith("unit,name,verdict,TH.C1")
    assert first.split(",")[2] in {"pass", "fail", "unknown"}


def test_render_table_aligns_right_and_colours_cells() -> None:
    text = render_table(
        [Column(header="a"), Column(header="n", right=True)],
        [["x", "1"], [Cell("y", "red"), "10"]],
        colour=True,
    )
    lines = text.splitlines()
    assert lines[2] == "x   1" and click.unstyle(lines[3]) == "y  10"
