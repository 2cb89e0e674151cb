"""The command line's help pages and usage errors in the reader's language."""

from __future__ import annotations

import datetime as dt
import inspect
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from drugfree_core.cli.babel_extract import help_texts
from drugfree_core.cli.clicktext import (
    Choice,
    Date,
    ExistingPath,
    IntRange,
    first_sentence,
    option_help,
)
from drugfree_core.cli.language import LanguageScopedGroup, lang_option
from drugfree_core.cli.main import cli
from drugfree_core.i18n import record_lookups, translate, use_lang

VI = {"LANG": "vi_VN.UTF-8", "DRUGFREE_LANG": None, "LC_ALL": None, "LANGUAGE": None}


def _commands(group: click.Group, path: str = "drugfree") -> list[tuple[str, click.Command]]:
    found: list[tuple[str, click.Command]] = []
    for name, command in group.commands.items():
        found.append((f"{path} {name}", command))
        if isinstance(command, click.Group):
            found += _commands(command, f"{path} {name}")
    return found


def test_every_help_text_of_the_command_line_is_translated() -> None:
    missing = []
    for path, command in [("drugfree", cli), *_commands(cli)]:
        texts = [inspect.cleandoc(command.help or "").partition("\f")[0]]
        texts += [p.help for p in command.params if getattr(p, "help", None)]  # type: ignore[misc]
        for text in texts:
            if text and translate("vi", text) == text:
                missing.append(f"{path}: {text[:60]}")
    assert not missing, "run pybabel extract/update and translate:\n" + "\n".join(missing)


@pytest.mark.parametrize("args", [["--help"], ["evaluate", "--help"], ["report", "--help"]])
def test_help_pages_follow_the_locale(args: list[str]) -> None:
    with record_lookups() as log:
        result = CliRunner(env=VI).invoke(cli, args, prog_name="drugfree")
    assert result.exit_code == 0
    assert "Cách dùng: drugfree" in result.stdout and "Tùy chọn:" in result.stdout
    assert "Usage:" not in result.stdout and "Show this message" not in result.stdout
    assert not log.missing, log.missing
    english = CliRunner().invoke(cli, args, prog_name="drugfree").stdout
    assert english.startswith("Usage: drugfree")


def test_the_command_list_shows_each_commands_translated_first_sentence() -> None:
    out = CliRunner(env=VI).invoke(cli, ["--help"]).stdout
    assert "Lệnh:" in out
    assert "demo          Đánh giá tỉnh mẫu đi kèm và in bản tóm tắt dễ đọc." in out


def test_option_notes_are_translated() -> None:
    with use_lang("vi"):
        assert option_help("The unit code to explain.  [default: 2025-10-01; required]") == (
            "Mã đơn vị cần giải thích.  [mặc định: 2025-10-01; bắt buộc]"
        )
        assert option_help("[env var: DRUGFREE_LANG]") == "[biến môi trường: DRUGFREE_LANG]"
        assert option_help("Threads computing requests at once.  [x>=1]") == (
            "Số luồng xử lý yêu cầu cùng lúc.  [x>=1]"
        )
    assert (
        first_sentence("One. Two.", 40) == "One." and first_sentence("a b c d e f", 8) == "a b c..."
    )


@click.group(cls=LanguageScopedGroup)
def toy() -> None:
    """Decide, explain and report drug-free commune-level units (xã, phường, đặc khu)."""


@toy.command()
@click.option("--date", "on", type=Date(), required=True, help="Reference date.")
@click.option("--format", "fmt", type=Choice(["table", "json"]), default="table")
@click.option("--closest", type=IntRange(1, 100), default=5)
@click.option("--tokens", type=ExistingPath(dir_okay=False))
@lang_option
def run(on: dt.date, fmt: str, closest: int, tokens: Path | None, lang: str) -> None:
    """Evaluate the bundled sample province and print a readable summary."""
    click.echo(f"{on.isoformat()} {fmt} {closest} {tokens} {lang}")


@pytest.mark.parametrize(
    "args,vi",
    [
        ([], "Lỗi: Thiếu tùy chọn '--date'."),
        (["--date", "31/12/2025"], "'31/12/2025' không phải là ngày viết theo dạng YYYY-MM-DD."),
        (
            ["--date", "2025-12-31", "--format", "xml"],
            "'xml' không phải là một trong 'table', 'json'.",
        ),
        (["--date", "2025-12-31", "--closest", "0"], "0 không nằm trong khoảng từ 1 đến 100."),
        (["--date", "2025-12-31", "--closest", "x"], "'x' không phải là số nguyên."),
        (["--date", "2025-12-31", "--tokens", "nowhere.toml"], "'nowhere.toml' không tồn tại."),
        (["--date", "2025-12-31", "--nope"], "Lỗi: Không có tùy chọn: --nope."),
        # Click's parser's own sentences, read back
        (["--date", "2025-12-31", "extra"], "Lỗi: Thừa đối số (extra)."),
        (["--date", "2025-12-31", "a", "b"], "Lỗi: Thừa đối số (a b)."),
    ],
)
def test_usage_errors_in_vietnamese(args: list[str], vi: str) -> None:
    result = CliRunner(env=VI).invoke(toy, ["run", *args])
    assert result.exit_code == 2
    assert vi in result.stderr, result.stderr
    assert "Cách dùng: toy run [TÙY CHỌN]" in result.stderr  # Click's placeholder too
    assert "Xem hướng dẫn: 'toy run --help'." in result.stderr


def test_an_option_without_its_value_is_said_in_vietnamese() -> None:
    # Click's parser has no command to show the usage of here: the error alone.
    result = CliRunner(env=VI).invoke(toy, ["run", "--date", "2025-12-31", "--format"])
    assert result.exit_code == 2
    assert result.stderr == "Lỗi: Tùy chọn --format cần một giá trị.\n"


def test_a_date_is_a_date_and_the_language_ends_with_the_command(tmp_path: Path) -> None:
    tokens = tmp_path / "t.toml"
    tokens.write_text("")
    result = CliRunner().invoke(
        toy, ["run", "--date", "2025-12-31", "--tokens", str(tokens), "--lang", "vi"]
    )
    assert result.exit_code == 0 and result.stdout.startswith("2025-12-31 table 5")
    assert result.stdout.strip().endswith(" vi")
    english = CliRunner().invoke(toy, ["run"])
    assert "Error: Missing option '--date'." in english.stderr


def test_the_extractor_finds_docstrings_and_help() -> None:
    source = '''
import click

@click.command("x")
@click.option("--a", help="Alpha "
    "beta.")
def x(a):
    """First line.

    Second paragraph.
    \\f
    Hidden.
    """

@group.command(help="Given as help.")
def y():
    pass
'''
    texts = [text for _, text in help_texts(source)]
    assert texts == ["First line.\\n\\nSecond paragraph.", "Alpha beta.", "Given as help."] or set(
        texts
    ) == {"First line.\n\nSecond paragraph.", "Alpha beta.", "Given as help."}


@pytest.mark.parametrize("args", [["schemes"], ["--help"], ["validate", "x", "--lang", "xx"]])
def test_a_misspelt_language_variable_is_one_clear_error_in_both_languages(
    args: list[str],
) -> None:
    # DRUGFREE_LANG=vn (for vi): every text depends on it, so it is said before anything
    # else, in each language, and never as a traceback.
    result = CliRunner().invoke(cli, args, env={"DRUGFREE_LANG": "vn"})
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "Lỗi: DRUGFREE_LANG='vn' không phải ngôn ngữ chương trình hỗ trợ: hãy dùng một trong "
        "vi, en",
        "Error: DRUGFREE_LANG='vn' is not a language this program speaks: use one of vi, en",
    ]
    assert "Traceback" not in result.output


def test_a_lang_option_comes_before_a_misspelt_language_variable() -> None:
    # --lang names the language: the variable is not read, and the command's own usage
    # error (a path that does not exist) is said in it.
    args = ["evaluate", "x", "--scheme", "mps-recognition-2024", "--date", "2025-10-01"]
    result = CliRunner().invoke(cli, [*args, "--lang", "vi"], env={"DRUGFREE_LANG": "vn"})
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "Lỗi: Giá trị không hợp lệ cho 'PATH'" in result.stderr, result.stderr
    listed = CliRunner().invoke(cli, ["schemes", "--lang=en"], env={"DRUGFREE_LANG": "vn"})
    assert listed.exit_code == 0 and "qd28-2025-drug-free" in listed.output


@pytest.mark.parametrize(
    ("args", "env"),
    [
        (["plugins", "check", "--lang", "vi"], "vn"),  # the group reads no misspelt variable
        (["plugins", "--lang", "vi", "check"], "en"),  # the group's language is the command's
        (["plugins", "check"], "vi"),
    ],
)
def test_a_command_of_a_group_speaks_the_language_the_line_names(args: list[str], env: str) -> None:
    # No plugin is installed for the tests (conftest): the check says so, in Vietnamese.
    result = CliRunner().invoke(cli, [*args, "--max-examples", "1"], env={"DRUGFREE_LANG": env})
    assert "Traceback" not in result.output and "DRUGFREE_LANG" not in result.output
    said = result.output
    assert said.startswith("không có bộ tiêu chí hay lộ trình nào của plugin"), said


@pytest.mark.parametrize(
    "args", [["plugins", "check", "--help"], ["schemes", "--help"], ["plugins", "--help", "check"]]
)
def test_help_read_before_the_lang_option_is_in_that_language(args: list[str]) -> None:
    # The help is written before the command's own --lang is read: in the language the
    # line names all the same, with no word about the misspelt variable.
    result = CliRunner().invoke(cli, [*args, "--lang", "vi"], env={"DRUGFREE_LANG": "vn"})
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Cách dùng: "), result.output


def test_the_line_names_its_language_as_click_reads_it() -> None:
    # The last --lang counts, and nothing after "--" is an option: there the misspelt
    # variable is said, as on a line that names no language.
    runner = CliRunner()
    help_vi = runner.invoke(cli, ["schemes", "--help", "--lang", "en", "--lang", "vi"])
    assert help_vi.exit_code == 0 and help_vi.output.startswith("Cách dùng: "), help_vi.output
    after = runner.invoke(cli, ["validate", "--", "--lang", "vi"], env={"DRUGFREE_LANG": "vn"})
    assert after.exit_code == 2
    assert after.stderr.startswith("Lỗi: DRUGFREE_LANG='vn' không phải ngôn ngữ"), after.stderr


def test_a_misspelt_lang_option_is_said_in_the_readers_language() -> None:
    # The option's value came from the command line: no word of the variable, no English.
    result = CliRunner().invoke(cli, ["schemes", "--lang", "xx"], env={"DRUGFREE_LANG": "vi"})
    assert result.exit_code == 2
    assert "'xx' không phải ngôn ngữ chương trình hỗ trợ: hãy dùng một trong vi, en" in (
        result.stderr
    ), result.stderr
    assert "DRUGFREE_LANG" not in result.stderr and "unsupported" not in result.stderr
