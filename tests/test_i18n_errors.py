"""The library's errors: English for Python, the reader's language at the edges.

An error raised with a catalogue message keeps it (``exception_text``): the command
line and the HTTP API say it in their reader's language, while ``str(exc)`` is the
English text unless the code reading it chose a language (``use_lang``): the process
locale alone does not make it Vietnamese, as Python users and their logs expect.
"""

from __future__ import annotations

import datetime as dt
import json
from fractions import Fraction

import pytest
from click.testing import CliRunner

import drugfree_core as dc
from drugfree_core.api import scheme_for
from drugfree_core.cli.main import cli
from drugfree_core.engine.compare import compare
from drugfree_core.errors import DrugfreeError, SchemeError, UsageError
from drugfree_core.i18n import Message, exception_text, msg, use_lang
from drugfree_core.model import Provenance, SubjectKind
from drugfree_core.plugins.host import default_host
from drugfree_core.rules import (
    AllSatisfy,
    Criterion,
    HasManagementRecord,
    Milestone,
    Population,
    Roadmap,
    Scheme,
)
from drugfree_core.samples import demo_path

ON = dt.date(2025, 10, 1)
QD28 = "qd28-2025-complex-areas"


@pytest.fixture(scope="module")
def demo() -> dc.Dataset:
    return dc.load(demo_path())


def _raised(call: object, *args: object, **kwargs: object) -> DrugfreeError:
    with use_lang("vi"), pytest.raises(DrugfreeError) as info:
        call(*args, **kwargs)  # type: ignore[operator]
    return info.value


def test_str_is_english_unless_a_language_was_chosen(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANG", "vi_VN.UTF-8")  # the locale says Vietnamese...
    monkeypatch.setenv("DRUGFREE_LANG", "vi")  # ...and so does the environment
    exc = _raised(dc.get_scheme, "no-such-scheme")
    assert isinstance(exc, SchemeError)
    assert str(exc).startswith("unknown scheme 'no-such-scheme'; available: ")
    assert QD28 in str(exc)
    with use_lang("vi"):  # code that chose a language reads it in that language
        assert str(exc).startswith("không có bộ tiêu chí 'no-such-scheme'")
    said = exception_text(exc)
    assert isinstance(said, Message)
    assert said.render("vi").startswith("không có bộ tiêu chí 'no-such-scheme'; các bộ tiêu")
    assert said.render("en") == str(exc)


def test_an_error_raised_with_plain_text_reads_as_before() -> None:
    assert str(UsageError("plain words")) == "plain words"
    assert exception_text(UsageError("plain words")) == "plain words"
    assert str(UsageError(msg("unit {unit} is not in this evaluation", unit="'x'"))) == (
        "unit 'x' is not in this evaluation"
    )


def test_a_scheme_out_of_force_names_its_dates_in_each_language(demo: dc.Dataset) -> None:
    exc = _raised(dc.evaluate, demo, dc.get_scheme(QD28), dt.date(2024, 1, 1))
    assert isinstance(exc, SchemeError)
    assert str(exc) == f"scheme {QD28} is in force from 2025-08-24, not on 2024-01-01"
    assert exception_text(exc).render("vi") == (  # type: ignore[union-attr]
        f"bộ tiêu chí {QD28} có hiệu lực từ 24/08/2025, không áp dụng vào ngày 01/01/2024"
    )


def test_units_not_in_force_or_not_evaluated(demo: dc.Dataset) -> None:
    scheme = dc.get_scheme("mps-recognition-2024")
    exc = _raised(dc.evaluate, demo, scheme, ON, units=["99999"])
    assert str(exc) == "not a commune-level unit in force on 2025-10-01: 99999"
    vi = exception_text(exc).render("vi")  # type: ignore[union-attr]
    assert vi == "không phải đơn vị cấp xã có hiệu lực vào ngày 01/10/2025: 99999"
    evaluation = dc.evaluate(demo, scheme, ON)
    exc = _raised(evaluation.unit, "99999")
    assert str(exc) == "unit '99999' is not in this evaluation"
    assert "không có trong kết quả đánh giá này" in exception_text(exc).render("vi")  # type: ignore[union-attr]
    # A value that is no code (an identity number typed for one) is never repeated.
    for typed in ("079123456789", "Nguyễn Văn A", "98001\x1b[2K"):
        exc = _raised(dc.evaluate, demo, scheme, ON, units=[typed, "99999"])
        assert typed not in str(exc)
        assert str(exc) == (
            "not a commune-level unit in force on 2025-10-01: 99999, "
            "1 value that is no unit code (not repeated)"
        )
        assert typed not in exception_text(exc).render("vi")  # type: ignore[union-attr]
        exc = _raised(evaluation.unit, typed)
        assert typed not in str(exc)
    exc = _raised(evaluation.units[0].criterion, "nope")
    assert str(exc) == "no criterion 'nope' in this result"


def test_the_host_errors(demo: dc.Dataset) -> None:
    host = default_host()
    exc = _raised(host.roadmap, "nope")
    assert str(exc).startswith("unknown roadmap 'nope'; available: ")
    assert exception_text(exc).render("vi").startswith("không có lộ trình 'nope'")  # type: ignore[union-attr]
    exc = _raised(host.primitive, "nope")
    assert str(exc).startswith("unknown primitive 'nope'; ")
    exc = _raised(host.origin, "scheme", "nope")
    assert str(exc) == "no scheme 'nope' is registered"


def test_comparing_schemes_of_two_levels_says_which_judges_what(demo: dc.Dataset) -> None:
    provinces = dc.get_scheme("qd28-2025-provinces")
    communes = dc.get_scheme("qd28-2025-drug-free")
    exc = _raised(compare, demo, communes, provinces, dt.date(2025, 12, 14))
    assert str(exc) == (
        "qd28-2025-provinces judges provinces and qd28-2025-drug-free commune-level units: "
        "they cannot be compared unit by unit"
    )


@pytest.mark.parametrize(
    "lang,expected",
    [
        ("en", "error: unknown scheme 'nope'; available: "),
        ("vi", "lỗi: không có bộ tiêu chí 'nope'; các bộ tiêu chí hiện có: "),
    ],
)
def test_the_command_line_says_the_error_in_its_language(lang: str, expected: str) -> None:
    args = ["evaluate", str(demo_path()), "--scheme", "nope", "--date", "2025-10-01"]
    result = CliRunner().invoke(cli, [*args, "--lang", lang])
    assert result.exit_code == 2
    assert result.stderr.strip().startswith(expected)


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_the_evaluation_json_cites_without_the_projects_notes(lang: str) -> None:
    args = ["evaluate", str(demo_path()), "--scheme", "mps-recognition-2024", "--lang", lang]
    result = CliRunner().invoke(cli, [*args, "--date", "2025-10-01", "--format", "json"])
    assert result.exit_code == 0, result.output
    citations = {p["id"]: p["citation"] for p in json.loads(result.stdout)["parameters"]}
    assert not [c for c in citations.values() if "criteria.md" in c]
    window = citations["th.test_window_rule"]
    if lang == "en":
        assert window == "Interpretation needed to compute the reported criterion"
    else:
        assert window.isascii() is False and "Interpretation" not in window


def test_a_unit_outside_the_map_when_the_scheme_follows_the_province() -> None:
    exc = _raised(scheme_for, "99999", ON)
    assert str(exc) == "unit 99999 is not in the administrative map"
    vi = exception_text(exc).render("vi")  # type: ignore[union-attr]
    assert vi == "đơn vị 99999 không có trong bản đồ hành chính"


@pytest.mark.parametrize(
    "options,vi",
    [
        (["--province", "99"], "lỗi: bộ dữ liệu này không có đơn vị cấp xã nào của tỉnh 99"),
        (["--series-from", "2026-01-01"], "lỗi: chuỗi thời gian kết thúc (31/12/2025) trước"),
        (["--series-to", "2026-03-01"], "lỗi: chuỗi thời gian không thể kết thúc (01/03/2026)"),
    ],
)
def test_a_report_the_options_rule_out_is_refused_in_vietnamese(
    options: list[str], vi: str, tmp_path: object
) -> None:
    out = str(tmp_path) + "/report.html"
    args = ["report", str(demo_path()), "--date", "2025-12-31", "--out", out, "--lang", "vi"]
    result = CliRunner().invoke(cli, [*args, *options])
    assert result.exit_code == 2
    assert result.stderr.strip().startswith(vi)


def test_a_malformed_scheme_or_roadmap_is_refused_in_vietnamese() -> None:
    """What a province's developer reads from ``drugfree plugins check --lang vi``."""
    rule = AllSatisfy(Population(kinds={SubjectKind.ADDICT}), HasManagementRecord())
    twin = Criterion(
        id="A", title_vi="a", title_en="a", rule=rule, citation="c", provenance=Provenance.READ
    )
    exc = _raised(Scheme, id="s", version="1", title_vi="s", title_en="s", criteria=(twin, twin))
    assert isinstance(exc, SchemeError)
    assert exception_text(exc).render("en") == "scheme s: duplicate criterion ids A"  # type: ignore[union-attr]
    with use_lang("vi"):
        assert str(exc) == "bộ tiêu chí s: các mã tiêu chí bị trùng: A"

    def milestone(year: int, share: Fraction) -> Milestone:
        due = dt.date(year, 12, 31)
        return Milestone(due=due, share=share, citation="c", provenance=Provenance.READ)

    exc = _raised(
        Roadmap,
        id="r1",
        scope="31",
        scope_name="Thành phố Hải Phòng",
        title_vi="Lộ trình",
        title_en="Roadmap",
        milestones=(milestone(2025, Fraction(3, 10)), milestone(2027, Fraction(1, 10))),
        citation="c",
        provenance=Provenance.READ,
    )
    assert str(exc) == "roadmap r1: cumulative shares cannot decrease"
    vi = exception_text(exc).render("vi")  # type: ignore[union-attr]
    assert vi == "lộ trình r1: tỷ lệ cộng dồn không được giảm"
