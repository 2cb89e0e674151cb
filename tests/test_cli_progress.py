"""The progress display (click's bar): in the reader's language, and only on a terminal."""

from __future__ import annotations

import io

import pytest

from drugfree_core.cli.progress import STEPS, ProgressBar
from drugfree_core.i18n import catalogue_paths


class Terminal(io.StringIO):
    """A stream that says it is a terminal, as standard error is when a person watches."""

    def isatty(self) -> bool:
        return True


def lines(stream: io.StringIO) -> list[str]:
    """What the terminal shows at the end: each line as last drawn (after its last ``\\r``)."""
    return [line.rsplit("\r", 1)[-1] for line in stream.getvalue().split("\n") if line]


def run_report_steps(bar: ProgressBar) -> None:
    """The calls ``drugfree report`` makes: load, the dated evaluations, then write."""
    with bar.phase("load"):
        pass
    bar("evaluate", 1, 4)
    bar("series", 2, 4)
    bar("series", 4, 4)
    bar("quality", 4, 4)
    with bar.phase("write"):
        pass
    bar.close()


def test_silent_when_not_a_terminal() -> None:
    stream = io.StringIO()
    run_report_steps(ProgressBar(stream, lang="vi"))
    assert stream.getvalue() == ""


def test_vietnamese_steps_one_line_per_long_step() -> None:
    stream = Terminal()
    run_report_steps(ProgressBar(stream, lang="vi"))
    shown = lines(stream)
    assert len(shown) == 3  # loading, the evaluation's steps, writing
    assert "Tải dữ liệu" in shown[0] and "█" * 28 in shown[0]
    # the evaluation's sub-steps share one line, which ends on the last one, full
    assert "Chất lượng dữ liệu" in shown[1] and "4/4" in shown[1]
    assert "ngày đánh giá" in shown[1]
    assert "Ghi kết quả" in shown[2]
    text = stream.getvalue()
    assert "Đánh giá" in text and "Diễn biến theo thời gian" in text and "1/4" in text
    for english in ("Loading", "Writing", "Evaluating", "dates", "load", "write"):
        assert english not in text


def test_english_steps() -> None:
    stream = Terminal()
    run_report_steps(ProgressBar(stream, lang="en"))
    shown = lines(stream)
    assert "Loading" in shown[0] and "Writing" in shown[2]
    assert "Data quality (evaluation dates)" in shown[1]


def test_a_partial_step_shows_how_far_it_is() -> None:
    stream = Terminal()
    bar = ProgressBar(stream, lang="en")
    bar("series", 3, 12)
    bar.close()
    (shown,) = lines(stream)
    assert "3/12" in shown
    assert shown.count("█") == 7 and shown.count("·") == 21  # 3/12 of 28


def test_close_twice_and_never_drawn_write_nothing_more() -> None:
    stream = Terminal()
    bar = ProgressBar(stream, lang="vi")
    bar.close()
    assert stream.getvalue() == ""
    bar("evaluate", 1, 2)
    bar.close()
    bar.close()
    assert stream.getvalue().count("\n") == 1


def test_nothing_for_an_empty_measure() -> None:
    stream = Terminal()
    bar = ProgressBar(stream, lang="vi")
    bar("series", 0, 0)
    bar.close()
    assert stream.getvalue() == ""


def test_forced_on_a_pipe_writes_each_step_once_without_redrawing() -> None:
    stream = io.StringIO()
    run_report_steps(ProgressBar(stream, enabled=True, lang="vi"))
    text = stream.getvalue()
    assert "\r" not in text
    assert text.splitlines()[0].strip() == "Tải dữ liệu"


def test_an_unknown_step_is_shown_as_named() -> None:
    stream = Terminal()
    bar = ProgressBar(stream, lang="vi")
    bar("reindex", 1, 2, "")
    bar.close()
    assert "reindex" in stream.getvalue()


@pytest.mark.parametrize("step", sorted(STEPS))
def test_every_step_name_is_translated(step: str) -> None:
    po, _ = catalogue_paths("vi")
    english = STEPS[step].render("en")
    assert STEPS[step].render("vi") != english
    assert f'msgid "{english}"' in po.read_text(encoding="utf-8")
