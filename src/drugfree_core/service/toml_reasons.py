"""Why a TOML file cannot be read, in the reader's language: the parser's English, read back.

Python's TOML parser (:mod:`tomllib`) says what is wrong in English, and where: "Invalid
value (at line 3, column 9)". Each reason it gives (Python 3.11) has a catalogue message
here, and the place is said in the reader's words; a reason a later Python words
otherwise reads as "the text cannot be read there", the place still said. Reasons that
quote the file quote a key or a character of it, never a value (a token's hash is one):
a key as TOML writes it, quoted and escaped where it must be, so that no control
character of the file reaches a terminal.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Callable

from drugfree_core.errors import printable
from drugfree_core.i18n import Message, msg

#: The parser's reason, then where: "(at line 3, column 9)" or "(at end of document)".
_WHERE = re.compile(
    r"(?P<reason>.*) \(at (?:line (?P<line>\d+), column (?P<column>\d+)|end of document)\)",
    re.DOTALL,
)

#: A key part TOML writes bare; any other is written quoted.
_BARE = re.compile(r"[A-Za-z0-9_-]+")

#: A string left open: Python 3.11 says only which quote it expected.
_OPEN_STRING = r"Expected (?:\"'\"|\"'''\")"

#: Each reason of the parser, as a pattern of its whole text, and its message.
_REASONS: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], Message]], ...] = tuple(
    (re.compile(pattern, re.DOTALL), said)
    for pattern, said in (
        (
            r"Cannot overwrite a value",
            lambda _: msg(
                "the key has a value already: it cannot be given another, nor be a table"
            ),
        ),
        (
            r"Cannot declare (?P<key>.+) twice",
            lambda m: msg("the table {key} is declared twice", key=_key(m["key"])),
        ),
        (
            r"Cannot (?:mutate immutable|redefine) namespace (?P<key>.+)",
            lambda m: msg(
                "{key} is defined already and cannot be changed here", key=_key(m["key"])
            ),
        ),
        (
            r"Duplicate inline table key (?P<key>.+)",
            lambda m: msg("the key {key} is given twice in one inline table", key=_key(m["key"])),
        ),
        (
            r"Escaped character is not a Unicode scalar value",
            lambda _: msg("an escape sequence stands for no Unicode character"),
        ),
        (
            r"Expected '=' after a key in a key/value pair",
            lambda _: msg("'=' is missing after a key"),
        ),
        (
            r"Expected '\]' at the end of a table declaration",
            lambda _: msg("']' is missing at the end of a table's name"),
        ),
        (
            r"Expected '\]\]' at the end of an array declaration",
            lambda _: msg("']]' is missing at the end of a table's name in an array of tables"),
        ),
        (
            r"Expected newline or end of document after a statement",
            lambda _: msg("more follows a statement on its line"),
        ),
        (_OPEN_STRING, lambda _: msg("a string is not closed")),
        (
            r"(?:Found invalid|Illegal) character (?P<char>'.+'|\".+\")",
            lambda m: msg("the character {char} is not allowed here", char=printable(m["char"])),
        ),
        (r"Invalid date or datetime", lambda _: msg("a date or time that is not one")),
        (
            r"Invalid hex value",
            lambda _: msg("the hexadecimal code of an escape sequence is wrong"),
        ),
        (
            r"Invalid initial character for a key part",
            lambda _: msg("a key cannot begin with this character"),
        ),
        (
            r"Invalid statement",
            lambda _: msg("a line that is neither a key = value pair nor a table's name"),
        ),
        (r"Invalid value", lambda _: msg("a value TOML cannot read (a text needs quotes)")),
        (r"Unclosed array", lambda _: msg("an array is not closed with ']'")),
        (
            r"Unclosed inline table",
            lambda _: msg("an inline table is not closed (its closing brace is missing)"),
        ),
        (
            r"Unescaped '\\' in a string",
            lambda _: msg("a backslash in a string is not escaped (write it twice)"),
        ),
        (r"Unterminated string", lambda _: msg("a string is not closed")),
    )
)


def toml_problem(file: str, error: ValueError) -> Message:
    """What is wrong with the TOML *file*, and where, from the parser's *error*.

    A :class:`tomllib.TOMLDecodeError`, or a :class:`UnicodeDecodeError` (the file is
    not UTF-8 text), which names the line of the first byte that is not.
    """
    if isinstance(error, UnicodeDecodeError):
        line = error.object[: error.start].count(b"\n") + 1
        return msg("{file}: not UTF-8 text at line {line}", file=file, line=str(line))
    text = str(error)
    where = _WHERE.fullmatch(text)
    reason = _reason(where["reason"] if where else text)
    if where is None:
        return msg("{file}: not valid TOML: {reason}", file=file, reason=reason)
    if where["line"] is None:
        return msg("{file}: not valid TOML at its end: {reason}", file=file, reason=reason)
    return msg(
        "{file}: not valid TOML at line {line}, column {column}: {reason}",
        file=file,
        line=where["line"],
        column=where["column"],
        reason=reason,
    )


def _key(quoted: str) -> str:
    """A key as TOML writes it: the parser's ``('a', 'b.c')`` as ``a."b.c"``.

    A part that is not bare is quoted, its quotes, backslashes and control characters
    escaped; a text the parser did not write as a Python value is shown printable.
    """
    try:
        value = ast.literal_eval(quoted)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return printable(quoted)
    parts = (value,) if isinstance(value, str) else value
    if not isinstance(parts, tuple) or not all(isinstance(part, str) for part in parts):
        return printable(quoted)
    return ".".join(_key_part(part) for part in parts)


def _key_part(part: str) -> str:
    if _BARE.fullmatch(part):
        return part
    written = json.dumps(part, ensure_ascii=False)  # quotes, backslashes, C0 escaped
    return "".join(c if printable(c) == c else f"\\u{ord(c):04x}" for c in written)


def _reason(text: str) -> Message:
    for pattern, said in _REASONS:
        found = pattern.fullmatch(text)
        if found:
            return said(found)
    return msg("the text cannot be read there")
