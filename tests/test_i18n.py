"""Languages, messages rendered late, plurals and locale formatting (drugfree_core.i18n)."""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import decimal
import errno
import subprocess
import sys
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drugfree_core.i18n import (
    LABELS,
    LanguageError,
    Message,
    current_lang,
    default_lang,
    format_count,
    format_date,
    format_datetime,
    format_duration,
    format_number,
    format_percent,
    formatting,
    gettext,
    label,
    locale_lang,
    msg,
    msgn,
    ngettext,
    parse_lang,
    record_lookups,
    render,
    resolve_lang,
    use_lang,
    yes_no,
)

# ------------------------------------------------------------------ which language


@pytest.mark.parametrize(
    "name,lang",
    [
        ("vi", "vi"),
        ("VI", "vi"),
        ("vi_VN", "vi"),
        ("vi-VN", "vi"),
        ("vi_VN.UTF-8", "vi"),
        ("en_GB.utf8", "en"),
        ("en_US@euro", "en"),
        ("C", None),
        ("C.UTF-8", None),
        ("POSIX", None),
        ("fr_FR.UTF-8", None),
        ("", None),
    ],
)
def test_language_names(name: str, lang: str | None) -> None:
    assert parse_lang(name) == lang


@pytest.mark.parametrize(
    "environ,lang",
    [
        ({"LANG": "vi_VN.UTF-8"}, "vi"),
        ({"LANG": "C.UTF-8"}, None),
        ({"LANG": "en_US.UTF-8", "LC_ALL": "vi_VN.UTF-8"}, "vi"),
        ({"LANG": "vi_VN.UTF-8", "LC_MESSAGES": "en_GB.UTF-8"}, "en"),
        # LANGUAGE lists preferences, honoured unless the locale is C
        ({"LANG": "en_US.UTF-8", "LANGUAGE": "fr:vi:en"}, "vi"),
        ({"LANG": "C", "LANGUAGE": "vi"}, None),
        ({"LANG": "fr_FR.UTF-8"}, None),
        ({"LANG": "vi_VN.UTF-8", "LANGUAGE": ""}, "vi"),
    ],
)
def test_the_process_locale(environ: dict[str, str], lang: str | None) -> None:
    assert locale_lang(environ) == lang


def test_default_is_drugfree_lang_then_the_locale_then_english() -> None:
    assert default_lang({"DRUGFREE_LANG": "en", "LANG": "vi_VN.UTF-8"}) == "en"
    assert default_lang({"DRUGFREE_LANG": "vi_VN", "LANG": "C"}) == "vi"
    assert default_lang({"LANG": "vi_VN.UTF-8"}) == "vi"
    assert default_lang({"LANG": "de_DE.UTF-8"}) == "en"
    assert default_lang({}) == "en"


def test_a_misspelt_drugfree_lang_is_an_error_not_english() -> None:
    with pytest.raises(LanguageError, match="DRUGFREE_LANG=vn: unsupported language 'vn'"):
        default_lang({"DRUGFREE_LANG": "vn"})


def test_api_default_follows_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DRUGFREE_LANG")
    monkeypatch.setenv("LANG", "vi_VN.UTF-8")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    assert resolve_lang(None) == "vi" and label("pass") == "đạt"
    monkeypatch.setenv("DRUGFREE_LANG", "en")
    assert resolve_lang(None) == "en" and label("pass") == "pass"
    assert resolve_lang("vi") == "vi"
    with pytest.raises(LanguageError):
        resolve_lang("klingon")


def test_use_lang_is_local_to_its_block_and_to_its_thread() -> None:
    assert current_lang() == "en"
    with use_lang("vi") as lang:
        assert lang == "vi" and str(msg("pass")) == "đạt"
        with use_lang(None):
            assert current_lang() == "vi"
        # another thread starts from the default, not from this block's language
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            assert pool.submit(current_lang).result() == "en"
        with use_lang("en"):
            assert str(msg("pass")) == "pass"
        assert current_lang() == "vi"
    assert current_lang() == "en"


# ----------------------------------------------------------------------- messages


def test_a_message_is_rendered_when_shown_in_the_language_of_that_moment() -> None:
    reason = msgn("{n} record quarantined", "{n} records quarantined", 1234)
    assert reason.render("en") == "1,234 records quarantined"
    assert reason.render("vi") == "1.234 bản ghi bị cách ly"
    with use_lang("vi"):
        assert str(reason) == "1.234 bản ghi bị cách ly"
    assert str(reason) == "1,234 records quarantined"


@pytest.mark.parametrize("n,en", [(0, "0 days"), (1, "1 day"), (2, "2 days")])
def test_plurals(n: int, en: str) -> None:
    assert ngettext("{n} day", "{n} days", n, "en") == en
    assert ngettext("{n} day", "{n} days", n, "vi") == f"{n} ngày"


def test_parameters_are_formatted_for_the_language() -> None:
    message = msg(
        "{fact} per resident population",
        fact=msgn("{n} year", "{n} years", 2),
    )
    assert message.render("en") == "2 years per resident population"
    assert message.render("vi") == "2 năm trên dân số"
    assert gettext("{n} problem in {source}", "vi", n=3, source="x") == "3 lỗi trong x"
    text = msg("negative test within {duration}", duration=dt.date(2025, 12, 31))
    assert text.render("vi") == "xét nghiệm âm tính trong 31/12/2025"
    assert text.render("en") == "negative test within 2025-12-31"
    share = msg("negative test within {duration}", duration=Fraction(1, 2000))
    assert share.render("vi").endswith("0,05 %") and share.render("en").endswith("0.05%")


@pytest.mark.parametrize("bad", [True, None, object(), ["x"]])
def test_parameters_that_would_print_as_python_are_refused(bad: object) -> None:
    with pytest.raises(TypeError, match="message parameter x="):
        msg("{x}", x=bad)  # type: ignore[arg-type]


_params = st.dictionaries(
    st.sampled_from(["a", "b", "n"]),
    st.one_of(
        st.text(max_size=5),
        st.integers(-(10**9), 10**9),
        st.floats(allow_nan=False, allow_infinity=False, width=32),
        st.fractions(max_denominator=1000),
        st.decimals(allow_nan=False, allow_infinity=False, places=3),
        st.dates(),
        st.builds(lambda n: msgn("{n} day", "{n} days", n), st.integers(0, 99)),
    ),
    max_size=3,
)


@given(_params, st.sampled_from(["en", "vi"]))
def test_messages_survive_json(params: dict[str, object], lang: str) -> None:
    message = msg("x {a} {b} {n}", **params)  # type: ignore[arg-type]
    again = Message.decode(message.encode())
    assert again == message
    if {"a", "b", "n"} <= params.keys():
        assert again.render(lang) == message.render(lang)


def test_render_takes_plain_text_as_it_is() -> None:
    assert render("Xã Hội Phú", "en") == "Xã Hội Phú"
    assert render(msg("pass"), "vi") == "đạt"


def test_labels_are_in_both_languages() -> None:
    for key, message in LABELS.items():
        assert isinstance(message, Message), key
        assert label(key, "vi") != label(key, "en") or key in {"narcotic_plants_area_m2"}
    assert label("not-a-label", "vi") == "not-a-label"


def test_lookups_are_recorded_for_the_coverage_tests() -> None:
    with record_lookups() as log:
        msg("pass").render("vi")
        msg("a text nobody translated").render("vi")
        msg("pass").render("en")
    assert ("vi", None, "pass") in log.translated
    assert log.missing == {("vi", None, "a text nobody translated")}


# --------------------------------------------------------------------- formatting


def test_counts_are_whole_numbers() -> None:
    assert format_count(126, "vi") == "126"
    assert format_count(126.0, "vi") == "126"  # type: ignore[arg-type]
    assert format_count(1234567, "vi") == "1.234.567"
    assert format_count(1234567, "en") == "1,234,567"
    # Kept by value and language, and by type: a flag is refused as before, once 1 is kept.
    refused = _outcome(lambda: format_count(True, "vi"))
    assert format_count(1, "vi") == "1" and format_count(1, "en") == "1"
    assert _outcome(lambda: format_count(True, "vi")) == refused
    with pytest.raises(ValueError, match="whole number"):
        format_count(1.5, "en")  # type: ignore[arg-type]


def test_numbers_and_percentages_have_one_style_per_language() -> None:
    assert format_number(1234.5, "vi", 1) == "1.234,5"
    assert format_number(1234.5, "en", 1) == "1,234.5"
    assert format_number(0.05, "vi", 0, max_digits=4) == "0,05"
    assert format_number(decimal.Decimal("2"), "en", 0, max_digits=2) == "2"
    assert format_percent(0.395, "vi") == "39,5 %"
    assert format_percent(0.395, "en") == "39.5%"
    assert format_percent(Fraction(1, 2000), "vi", 0, max_digits=4) == "0,05 %"
    assert format_percent(Fraction(3, 10), "en", 0, max_digits=4) == "30%"


# Every kind of value the formatters take, edges included: huge and tiny, negative
# zero, not-a-number and infinities, fractions that never end in decimals.
_NUMBERS = st.one_of(
    st.integers(min_value=-(10**40), max_value=10**40),
    st.floats(allow_nan=True, allow_infinity=True),
    st.fractions(max_denominator=10**9),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.sampled_from([0.5, 1.5, 2.5, -0.5, 0.125, 0.375, 1e-7, 999.9995, 0.0045]),
)


def _as_babel_writes(value: object, lang: str, digits: int, most: int, percent: bool) -> str:
    """*value* as Babel's number patterns write it (what the formatters used to call)."""
    from babel import Locale
    from babel.numbers import format_decimal
    from babel.numbers import format_percent as babel_percent

    pattern = "#,##0" if most == 0 else "#,##0." + "0" * digits + "#" * (most - digits)
    with formatting._enough_precision(value):  # type: ignore[arg-type]
        number = formatting._decimal(value)  # type: ignore[arg-type]
        if percent:
            sign = " %" if lang == "vi" else "%"
            return babel_percent(number, format=pattern + sign, locale=Locale.parse(lang))
        return format_decimal(number, format=pattern, locale=Locale.parse(lang))


@given(
    value=_NUMBERS,
    lang=st.sampled_from(["vi", "en"]),
    digits=st.integers(min_value=0, max_value=4),
    max_digits=st.none() | st.integers(min_value=0, max_value=6),
)
def test_numbers_are_written_as_babel_writes_them(
    value: int | float | Fraction | decimal.Decimal, lang: str, digits: int, max_digits: int | None
) -> None:
    most = max(digits, digits if max_digits is None else max_digits)
    ours = _outcome(lambda: format_number(value, lang, digits, max_digits=max_digits))
    babel = _outcome(lambda: _as_babel_writes(value, lang, digits, most, False))
    assert ours == babel, (value, lang, digits, max_digits)
    ours = _outcome(lambda: format_percent(value, lang, digits, max_digits=max_digits))
    babel = _outcome(lambda: _as_babel_writes(value, lang, digits, most, True))
    assert ours == babel, (value, lang, digits, max_digits, "percent")
    if isinstance(value, int):
        assert _outcome(lambda: format_count(value, lang)) == _outcome(
            lambda: _as_babel_writes(value, lang, 0, 0, False)
        )


def test_negative_decimals_are_refused() -> None:
    for write in (format_number, format_percent):
        with pytest.raises(ValueError, match="digits must not be negative"):
            write(1234, "en", -1)


def test_the_number_symbols_are_cldr_s() -> None:
    from babel import Locale

    for lang, (point, group) in formatting.NUMBER_SYMBOLS.items():
        symbols = Locale.parse(lang).number_symbols["latn"]
        assert (symbols["decimal"], symbols["group"]) == (point, group)
        assert (symbols["infinity"], symbols["nan"]) == ("\u221e", "NaN")


def test_writing_numbers_does_not_import_babel() -> None:
    # Importing Babel and reading both languages' data took about 35 ms: numbers are
    # written without it.
    script = (
        "import sys; from fractions import Fraction\n"
        "from drugfree_core.i18n import format_count, format_number, format_percent\n"
        "for lang in ('vi', 'en'):\n"
        "    format_count(1234, lang); format_number(2.5, lang, 1)\n"
        "    format_percent(Fraction(1, 3), lang, 0, max_digits=4)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'babel'))"
    )
    ran = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.strip() == "[]"


def test_dates() -> None:
    assert format_date(dt.date(2025, 12, 31), "vi") == "31/12/2025"
    assert format_date(dt.date(2025, 1, 3), "vi") == "03/01/2025"
    assert format_date(dt.date(2025, 12, 31), "en") == "2025-12-31"
    moment = dt.datetime(2025, 12, 31, 14, 3, 5, tzinfo=dt.timezone(dt.timedelta(hours=7)))
    assert format_datetime(moment, "vi") == "31/12/2025 14:03:05 +07:00"
    assert format_datetime(moment.replace(tzinfo=None), "en") == "2025-12-31 14:03:05"


def test_durations_and_yes_no() -> None:
    assert format_duration(1, 0, 0, "en") == "1 year"
    assert format_duration(2, 6, 0, "en") == "2 years 6 months"
    assert format_duration(0, 0, 0, "en") == "0 days"
    assert format_duration(1, 0, 30, "vi") == "1 năm 30 ngày"
    assert yes_no(True, "vi") == "có" and yes_no(False, "en") == "no"


def _outcome(work: Callable[[], str]) -> str:
    """What *work* gives, or the name of the error it raises."""
    try:
        return work()
    except Exception as exc:
        return type(exc).__name__


def test_the_settings_of_the_rules_are_said_in_words() -> None:
    # A parameter whose value is a word (which law sets a rehab term, which tests
    # count, who decides management) reads in the reader's language, not as its code.
    from drugfree_core.rules.describe import describe_value

    said = {
        "episode_start": "luật có hiệu lực khi bắt đầu đợt cai nghiện",
        "latest_negative_no_positive": (
            "lần xét nghiệm gần nhất âm tính và không có lần nào dương tính"
        ),
        "commune_police_chief": "Trưởng Công an cấp xã",
        "assessment_period": "kỳ đánh giá (từ ngày 15 tháng 12)",
        "compulsory_facility:first": "cai bắt buộc tại cơ sở, lần đầu",
    }
    for value, words in said.items():
        assert describe_value(value, "vi") == words, value
    assert describe_value("compulsory_facility:later", "en") == (
        "compulsory rehab at a facility, a later time"
    )
    assert describe_value("a_plugin's_own_word", "vi") == "a_plugin's_own_word"  # as written


def test_the_systems_refusals_are_said_in_the_catalogues_words(tmp_path: Path) -> None:
    from drugfree_core.errors import UsageError
    from drugfree_core.i18n import os_reason, render
    from drugfree_core.io import load, write_tables
    from drugfree_core.samples import demo_path

    assert render(os_reason(OSError(errno.ENOENT, "No such file or directory")), "en") == (
        "no such file or folder"
    )
    assert render(os_reason(PermissionError(errno.EACCES, "Permission denied")), "vi") == (
        "không có quyền truy cập"
    )
    # Raised without a number (polars' writers do): told by its kind.
    assert render(os_reason(IsADirectoryError("a message")), "en") == "it is a folder, not a file"
    # Another reason keeps the system's text; none at all, the error's kind.
    assert os_reason(OSError(errno.EIO, "Input/output error")) == "Input/output error"
    assert os_reason(OSError()) == "OSError"
    # A table the system refuses is named, not its folder.
    (tmp_path / "units.csv").mkdir()
    with pytest.raises(UsageError) as info:
        write_tables(load(demo_path()), tmp_path)
    assert str(info.value) == f"cannot write {tmp_path / 'units.csv'}: it is a folder, not a file"


def test_a_json_document_the_system_refuses_is_said_in_the_readers_language(
    tmp_path: Path,
) -> None:
    from drugfree_core.dataset.reasons import problem_text
    from drugfree_core.io.json_door import stage_json_file

    folder = tmp_path / "data.json"
    folder.mkdir()  # a folder where the document should be (the door reads it as a file)
    (problem,) = stage_json_file(folder).fatal
    assert problem.reason == "cannot read the file: it is a folder, not a file"
    assert problem_text(problem, "vi").endswith(
        "không đọc được tệp: đây là một thư mục, không phải một tệp"
    )
