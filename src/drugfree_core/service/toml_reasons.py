"""Why a TOML file cannot be read, in the reader's language: the parser's English, read back.

Python's TOML parser (:mod:`tomllib`) says what is wrong in English, and where: "Invalid
value (at line 3, column 9)". Each reason it gives (Python 3.11) has a catalogue message
here, and the place is said in the reader's words; a reason a later Python words
otherwise reads as "the text cannot be read there", the place still said. Reasons that
quote the file quote a key or a character of it (a tokens file holds no personal data).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable

from drugfree_core.i18n import Message, msg

#: The parser's reason, then where: "(at line 3, column 9)" or "(at end of document)".
_WHERE = re.compile(
    r"(?P<reason>.*) \(at (?:line (?P<line>\d+), column (?P<column>\d+)|end of document)\)",
    re.DOTALL,
)

#: Each reason of the parser, as a pattern of its whole text, and its message.
_REASONS: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], Message]], ...] = tuple(
    (re.compile(pattern, re.DOTALL), said)
    for pattern, said in (
        (r"Cannot overwrite a value", lambda _: msg("a value is given twice")),
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
            lambda _: msg("an escaped character is not a Unicode character"),
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
        (r"Expected (?P<what>.+)", lambda m: msg("{what} was expected", what=m["what"])),
        (
            r"(?:Found invalid|Illegal) character (?P<char>.+)",
            lambda m: msg("the character {char} is not allowed here", char=m["char"]),
        ),
        (r"Invalid date or datetime", lambda _: msg("a date or time that is not one")),
        (r"Invalid hex value", lambda _: msg("an escaped character's hexadecimal code is wrong")),
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
    not UTF-8 text), which names the first byte that is not.
    """
    if isinstance(error, UnicodeDecodeError):
        return msg("{file}: not UTF-8 text (byte {byte})", file=file, byte=str(error.start))
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
    """A key as the file writes it: the parser's ``('a', 'b')`` or ``'b'`` as ``a.b``, ``b``."""
    try:
        value = ast.literal_eval(quoted)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return quoted
    if isinstance(value, str):
        return value
    if isinstance(value, tuple) and all(isinstance(part, str) for part in value):
        return ".".join(value)
    return quoted


def _reason(text: str) -> Message:
    for pattern, said in _REASONS:
        found = pattern.fullmatch(text)
        if found:
            return said(found)
    return msg("the text cannot be read there")
