"""The HTML report and the documentation in a real browser, headless Chromium.

Each chart element has a colour of its own (constants in ``charts.py``), so the
screenshot proves that every element was drawn, and where: the three charts stack in
page order. The Vietnamese report and the Vietnamese edition's landing page are rendered
too, and the text Chromium shows on them is checked against the Vietnamese catalogues
(the report's labels, the documentation's ``docs/locale/vi`` files): the Vietnamese
headings are there, the English ones are not. Without a browser the tests are skipped,
unless ``DRUGFREE_REQUIRE_BROWSER=1`` (as in CI), where a missing browser is a failure.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from report_fixture import sample_report

from drugfree_core.reports.export import render_html
from drugfree_core.reports.export.answer import report_answer
from drugfree_core.reports.export.charts import (
    FAILING_BAR,
    MILESTONE_MARKER,
    NEXT_MILESTONE,
    PROGRESS_BAR,
    TREND_COLOURS,
    UNKNOWN_BAR,
)
from drugfree_core.reports.labels import text

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
WIDTH, HEIGHT = 1280, 2400
TIMEOUT = 120

# Fewest pixels of each colour for the element to count as drawn: about half of what the
# geometry of sample_report() gives (bars: width × 14 px; a milestone diamond ≈ 72 px;
# the next-milestone line 3 × 22 px, partly under a diamond; a trend line 3 px × ~790 px),
# which leaves room for anti-aliasing and font differences.
MINIMUM = {
    "progress bars": (PROGRESS_BAR, 3000),
    "milestone markers": (MILESTONE_MARKER, 250),
    "next milestone lines": (NEXT_MILESTONE, 60),
    "trend line 1": (TREND_COLOURS[0], 1000),
    "trend line 2": (TREND_COLOURS[1], 1000),
    "failing bars": (FAILING_BAR, 10000),
    "unknown bars": (UNKNOWN_BAR, 2000),
}


def _browser() -> str:
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    if os.environ.get("DRUGFREE_REQUIRE_BROWSER") == "1":
        pytest.fail(f"DRUGFREE_REQUIRE_BROWSER=1 but none of {', '.join(BROWSERS)} is on PATH")
    pytest.skip(f"no headless browser found ({', '.join(BROWSERS)}); set up Chromium to run")


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def _mask(pixels: np.ndarray, colour: str, tolerance: int = 8) -> np.ndarray:
    diff = np.abs(pixels.astype(np.int16) - np.array(_rgb(colour), dtype=np.int16))
    return np.asarray((diff <= tolerance).all(axis=2))


def _screenshot(browser: str, page: Path, png: Path, profile: Path) -> float:
    started = time.monotonic()
    done = subprocess.run(
        [
            browser,
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            # Paint colours as written, so the counts below can match them exactly.
            "--force-color-profile=srgb",
            "--no-first-run",
            f"--user-data-dir={profile}",
            f"--window-size={WIDTH},{HEIGHT}",
            f"--screenshot={png}",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    assert png.exists(), f"no screenshot (exit {done.returncode}): {done.stderr[-2000:]}"
    return time.monotonic() - started


def test_charts_draw_in_headless_chromium(tmp_path: Path) -> None:
    browser = _browser()
    page = tmp_path / "report.html"
    page.write_text(render_html(sample_report(), "vi"), encoding="utf-8")
    png = tmp_path / "report.png"
    seconds = _screenshot(browser, page, png, tmp_path / "profile")

    with Image.open(png) as image:
        assert image.size == (WIDTH, HEIGHT)
        pixels = np.asarray(image.convert("RGB"))
    counts = {name: int(_mask(pixels, colour).sum()) for name, (colour, _) in MINIMUM.items()}
    short = {name: n for name, n in counts.items() if n < MINIMUM[name][1]}
    assert not short, f"charts not drawn: {short} (all counts: {counts}, {seconds:.1f} s)"

    # The charts stack in page order: progress, then trend, then failing criteria.
    def top(colour: str) -> int:
        return int(np.nonzero(_mask(pixels, colour).any(axis=1))[0][0])

    assert top(PROGRESS_BAR) < top(TREND_COLOURS[0]) < top(FAILING_BAR)


def _dom(browser: str, page: Path, profile: Path) -> str:
    """The page's DOM as Chromium has rendered it (after its scripts ran)."""
    done = subprocess.run(
        [
            browser,
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            f"--user-data-dir={profile}",
            "--dump-dom",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    assert done.returncode == 0 and "<body" in done.stdout, done.stderr[-2000:]
    return done.stdout


def _shown_text(dom: str) -> str:
    """The words of a rendered page a reader sees: no script, style or markup."""
    dom = re.sub(r"<(script|style|svg)\b.*?</\1>", " ", dom, flags=re.DOTALL)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", dom)).split())


def _inked(png: Path) -> int:
    """How many pixels of a screenshot are dark (text drawn with a real font)."""
    with Image.open(png) as image:
        pixels = np.asarray(image.convert("L"))
    return int((pixels < 100).sum())


def test_the_vietnamese_report_reads_in_vietnamese(tmp_path: Path) -> None:
    browser = _browser()
    report = sample_report()
    page = tmp_path / "bao-cao.html"
    page.write_text(render_html(report, "vi"), encoding="utf-8")
    png = tmp_path / "bao-cao.png"
    _screenshot(browser, page, png, tmp_path / "profile")
    assert _inked(png) > 20_000  # the page is drawn, text and all

    shown = _shown_text(_dom(browser, page, tmp_path / "profile"))
    answer = report_answer(report, "vi")
    headings = [
        text("report_title", "vi"),
        answer.title,
        answer.closest_title,
        text("view_progress", "vi"),
        text("view_closest", "vi"),
        text("view_quality", "vi"),
        text("view_provenance", "vi"),
    ]
    for words in [*headings, answer.headline]:
        assert words in shown, words
    for key in ("report_title", "answer_title", "view_progress", "view_provenance", "scope"):
        assert text(key, "en") not in shown, key
    # The answer comes first, the provenance last.
    assert shown.index(answer.title) < shown.index(text("view_progress", "vi"))
    assert shown.rindex(text("view_provenance", "vi")) > shown.index(text("view_quality", "vi"))


def _catalogue(page: str) -> dict[str, str]:
    """The Vietnamese catalogue of one documentation page: English → Vietnamese."""
    from babel.messages.pofile import read_po

    po = Path(__file__).resolve().parents[1] / "docs/locale/vi/LC_MESSAGES" / f"{page}.po"
    with po.open("rb") as f:
        return {str(m.id): str(m.string) for m in read_po(f) if m.id and m.string}


def test_the_vietnamese_documentation_reads_in_vietnamese(site_vi: Path, tmp_path: Path) -> None:
    browser = _browser()
    page = site_vi / "index.html"
    png = tmp_path / "docs.png"
    _screenshot(browser, page, png, tmp_path / "profile")
    assert _inked(png) > 20_000

    shown = _shown_text(_dom(browser, page, tmp_path / "profile"))
    landing = _catalogue("index")
    navigation = {
        **_catalogue("tutorials/index"),
        **_catalogue("howto/index"),
        **_catalogue("reference/index"),
        **_catalogue("explanation/index"),
    }
    headings = ["Install and try", "Start where you are"]
    sections = ["Tutorials", "How-to guides", "Reference", "Explanation"]
    for english in headings:
        assert landing[english] in shown, landing[english]
        assert english not in shown, english
    for english in sections:
        assert navigation[english] in shown, navigation[english]
        assert english not in shown, english
    assert "Về đầu trang" in shown and "Back to top" not in shown
