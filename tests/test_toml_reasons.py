"""A tokens file that is not valid TOML is said in the reader's language, with its place."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from drugfree_core.errors import UsageError
from drugfree_core.i18n import use_lang
from drugfree_core.service.auth import TokenStore
from drugfree_core.service.toml_reasons import toml_problem

#: A document for every reason of Python 3.11's parser, and what the English says of it.
SAMPLES = {
    "a = 1\na = 2": "at its end: the key has a value already: it cannot be given another",
    "a = 1\n[a]": "at line 2, column 3: the key has a value already: it cannot be given",
    "[a]\n[a.b]\n[a.b]": "at line 3, column 5: the table a.b is declared twice",
    "a = {b = 1}\na.c = 2": "at its end: a is defined already and cannot be changed here",
    "a = [1]\n[[a]]": "at line 2, column 4: a is defined already and cannot be changed here",
    "a = {b = 1, b = 2}": "at line 1, column 18: the key b is given twice in one inline table",
    'a = "\\uD800"': "at line 1, column 12: an escape sequence stands for no Unicode character",
    "a": "at its end: '=' is missing after a key",
    "[a": "at its end: ']' is missing at the end of a table's name",
    "[[a]": "at line 1, column 4: ']]' is missing at the end of a table's name in an array",
    "a = 1 b": "at line 1, column 7: more follows a statement on its line",
    "a = 1 # \x01": "at line 1, column 9: the character '\\x01' is not allowed here",
    'a = "\x01"': "at line 1, column 6: the character '\\x01' is not allowed here",
    'a = "\\uZZZZ"': "at line 1, column 8: the hexadecimal code of an escape sequence is wrong",
    "a = {b = 1,}": "at line 1, column 12: a key cannot begin with this character",
    "[a]]": "at line 1, column 4: more follows a statement on its line",
    "a = b": "at line 1, column 5: a value TOML cannot read (a text needs quotes)",
    "a = [1": "at its end: an array is not closed with ']'",
    "a = {b = 1": "at its end: an inline table is not closed (its closing brace is missing)",
    'a = "\\q"': "at line 1, column 8: a backslash in a string is not escaped (write it twice)",
    'a = "x': "at its end: a string is not closed",
    "a = 'x": "at its end: a string is not closed",
    "a = " + "'" * 3 + "x": "at its end: a string is not closed",
    "x\n= 1": "at line 1, column 2: '=' is missing after a key",
    "\n= 1": "at line 2, column 1: a line that is neither a key = value pair nor a table's name",
    # A key as TOML writes it: quoted where it must be, no control character let through.
    '["a\\nERROR: forged"]\n["a\\nERROR: forged"]': 'column 20: the table "a\\nERROR: forged" is',
    '["a.b"]\n["a.b"]': 'at line 2, column 7: the table "a.b" is declared twice',
    '[a.b]\n[a."b"]': "at line 2, column 7: the table a.b is declared twice",
    '["\u202e"]\n["\u202e"]': 'at line 2, column 5: the table "\\u202e" is declared twice',
    'a = {"x.y" = 1, "x.y" = 2}': 'column 26: the key "x.y" is given twice in one inline table',
}


def _problem(document: str) -> str:
    with pytest.raises(tomllib.TOMLDecodeError) as raised:
        tomllib.loads(document)
    return toml_problem("tokens.toml", raised.value).render("en")


@pytest.mark.parametrize(("document", "said"), SAMPLES.items())
def test_each_reason_of_the_parser_is_said_with_its_place(document: str, said: str) -> None:
    problem = _problem(document)
    assert said in problem and problem.startswith("tokens.toml: not valid TOML ")
    assert "\n" not in problem


def test_a_reason_of_another_parser_is_said_as_such_with_its_place() -> None:
    error = tomllib.TOMLDecodeError("Something new (at line 4, column 2)")
    problem = toml_problem("tokens.toml", error)
    assert problem.render("en") == (
        "tokens.toml: not valid TOML at line 4, column 2: the text cannot be read there"
    )
    assert problem.render("vi") == (
        "tokens.toml: không phải TOML hợp lệ ở dòng 4, cột 2: không đọc được văn bản tại đó"
    )
    assert toml_problem("t", tomllib.TOMLDecodeError("No place")).render("en") == (
        "t: not valid TOML: the text cannot be read there"
    )


def test_a_tokens_file_that_is_not_toml_is_refused_in_the_readers_language(
    tmp_path: Path,
) -> None:
    bad = tmp_path / "tokens.toml"
    bad.write_text('[[tokens]]\nid = "a"\nscope = P01\n', encoding="utf-8")
    with pytest.raises(UsageError) as raised:
        TokenStore.from_file(bad)
    with use_lang("vi"):
        said = str(raised.value)
    assert said == (
        f"{bad}: không phải TOML hợp lệ ở dòng 3, cột 9: một giá trị TOML không đọc được "
        "(văn bản cần đặt trong dấu ngoặc kép)"
    )
    bad.write_bytes(b'[[tokens]]\nid = "\xff"\n')
    with pytest.raises(UsageError) as raised:
        TokenStore.from_file(bad)
    assert str(raised.value) == f"{bad}: not UTF-8 text at line 2"
