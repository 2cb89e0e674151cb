"""``--lang``: the language of everything a command prints, chosen once per command.

``--lang`` wins; else ``DRUGFREE_LANG``; else the process locale (``LANG=vi_VN.UTF-8``
gives Vietnamese); else English (:func:`drugfree_core.i18n.default_lang`). The choice
becomes the current language (:func:`drugfree_core.i18n.set_lang`) while the command
runs, so its tables, reports and error messages are all in it.
"""

from __future__ import annotations

import contextvars
from typing import Any

import click

from drugfree_core.i18n import (
    LANG_ENV,
    LANGS,
    Lang,
    LanguageError,
    check_lang,
    default_lang,
    set_lang,
)


class LangType(click.ParamType):  # type: ignore[type-arg]  # generic in click 8.3+ only
    """A language: ``vi`` or ``en``; locale names such as ``vi_VN.UTF-8`` are understood."""

    name = "lang"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        """The language code, or a usage error listing the supported ones."""
        try:
            return check_lang(str(value))
        except LanguageError as exc:
            self.fail(str(exc), param, ctx)

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str:
        """``[vi|en]`` in the usage line."""
        return "[" + "|".join(LANGS) + "]"


def apply_lang(ctx: click.Context, _param: click.Parameter, value: Lang | None) -> Lang:
    """Click callback: resolve the language and make it the current one.

    The command group runs each command in a copy of the context
    (:class:`LanguageScopedGroup`), so the choice ends with the command.
    """
    try:
        lang = value or default_lang()
    except LanguageError as exc:
        raise click.UsageError(str(exc), ctx) from None
    set_lang(lang)
    return lang


class LanguageScopedGroup(click.Group):
    """A group whose commands run in their own :mod:`contextvars` context.

    The language a command's ``--lang`` sets is then forgotten when it ends, however it
    ends (a program or a test suite running several commands in one process sees each
    with its own language).
    """

    def invoke(self, ctx: click.Context) -> Any:
        """Invoke the chosen command inside a copy of the current context."""
        return contextvars.copy_context().run(super().invoke, ctx)


#: The ``--lang`` option every command that prints for people takes.
lang_option = click.option(
    "--lang",
    type=LangType(),
    envvar=LANG_ENV,
    show_envvar=True,
    default=None,
    callback=apply_lang,
    # Decided before any other option is read, so their errors are in this language too.
    is_eager=True,
    help="Language of the output: vi or en. Default: DRUGFREE_LANG, else the locale "
    "(LANG=vi_VN.UTF-8 gives Vietnamese), else English.",
)
