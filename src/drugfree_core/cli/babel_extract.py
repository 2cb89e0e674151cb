"""``pybabel extract`` for the command line: its help texts go to the catalogue too.

The Python extractor finds the translation function's calls; Click's help texts are not
calls of it (a command's docstring, an option's ``help=``). This extractor (named in
``pyproject.toml``, ``[[tool.babel.mappings]]``) yields both: the messages the Python
extractor finds, then each help text as Click shows it (``inspect.cleandoc``, cut at a
form feed), which :mod:`drugfree_core.cli.clicktext` looks up when it writes a help page.
"""

from __future__ import annotations

import ast
import inspect
from collections.abc import Collection, Iterator, Mapping
from typing import IO, Any

from babel.messages.extract import extract_python

_COMMAND_DECORATORS = {"command", "group"}
_PARAMETER_CALLS = {"option", "argument", "version_option", "password_option"}
_COMMENT = "Translators: help of the drugfree command line"


def _name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Call):
        node = node.func
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Name):
        return node.id
    return None


def _help(text: str) -> str:
    return inspect.cleandoc(text).partition("\f")[0].strip()


def _keyword_texts(call: ast.Call, names: Collection[str]) -> Iterator[tuple[int, str]]:
    for keyword in call.keywords:
        value = keyword.value
        if (
            keyword.arg in names
            and isinstance(value, ast.Constant)
            and isinstance(value.value, str)
        ):
            yield value.lineno, _help(value.value)


def help_texts(source: str) -> Iterator[tuple[int, str]]:
    """Every Click help text in *source*, with its line."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            decorators = [d for d in node.decorator_list if _name(d) in _COMMAND_DECORATORS]
            if decorators:
                doc = ast.get_docstring(node, clean=False)
                if doc:
                    yield node.lineno, _help(doc)
                for d in decorators:
                    if isinstance(d, ast.Call):
                        yield from _keyword_texts(d, ("help", "short_help", "epilog"))
        elif isinstance(node, ast.Call) and _name(node) in _PARAMETER_CALLS:
            yield from _keyword_texts(node, ("help",))


def extract(
    fileobj: IO[bytes],
    keywords: Mapping[str, Any],
    comment_tags: Collection[str],
    options: Mapping[str, Any],
) -> Iterator[tuple[Any, ...]]:
    """Babel's extractor interface: ``(line, keyword, message, comments)``."""
    source = fileobj.read()
    fileobj.seek(0)
    yield from extract_python(fileobj, keywords, comment_tags, options)  # type: ignore[arg-type]
    for lineno, text in help_texts(source.decode(options.get("encoding", "utf-8"))):
        if text:
            yield lineno, "N_", text, [_COMMENT]
