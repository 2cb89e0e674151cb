"""``--lang``: the language of everything a command prints, chosen once per command.

``--lang`` wins; else ``DRUGFREE_LANG``; else the process locale (``LANG=vi_VN.UTF-8``
gives Vietnamese); else English (:func:`drugfree_core.i18n.default_lang`). The choice
becomes the current language (:func:`drugfree_core.i18n.set_lang`) while the command
runs, so its tables, reports and error messages are all in it.
"""

from __future__ import annotations

import contextvars
import os
import sys
from collections.abc import Sequence
from typing import Any

import click
from click.core import ParameterSource

from drugfree_core.cli.clicktext import (
    TranslatingContext,
    format_commands,
    show_usage_error,
    use_translating_contexts,
)
from drugfree_core.errors import printable
from drugfree_core.i18n import (
    LANG_ENV,
    LANGS,
    Lang,
    LanguageError,
    check_lang,
    default_lang,
    msg,
    parse_lang,
    set_lang,
    use_lang,
)
from drugfree_core.i18n.language import chosen_lang


class LangType(click.ParamType):  # type: ignore[type-arg]  # generic in click 8.3+ only
    """A language: ``vi`` or ``en``; locale names such as ``vi_VN.UTF-8`` are understood."""

    name = "lang"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        """The language code, or a usage error listing the supported ones."""
        try:
            return check_lang(str(value))
        except LanguageError:
            problem = msg(
                "{value} is not a language this program speaks: use one of {languages}",
                value=repr(printable(str(value))),
                languages=", ".join(LANGS),
            )
            self.fail(problem.render(), param, ctx)

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str:
        """``[vi|en]`` in the usage line."""
        return "[" + "|".join(LANGS) + "]"


def apply_lang(ctx: click.Context, _param: click.Parameter, value: Lang | None) -> Lang:
    """Click callback: resolve the language and make it the current one.

    The command group runs each command in a copy of the context
    (:class:`LanguageScopedGroup`), so the choice ends with the command. Given no
    ``--lang`` while ``DRUGFREE_LANG`` names no language, a command (a group, or a
    command whose ``--help`` comes first) keeps the language the line names for another
    (set by :meth:`LanguageScopedGroup.main`); with none, it is a usage error.
    """
    name = _param.name or ""
    parent = ctx.parent
    if (
        value is None
        and parent is not None
        and parent.get_parameter_source(name) is ParameterSource.COMMANDLINE
    ):
        # A command of a group keeps the language given to the group on the command line
        # (drugfree plugins --lang vi check), unless given its own there.
        value = parent.params[name]
    try:
        lang = value or default_lang()
    except LanguageError as exc:
        named = chosen_lang()
        if named is None:
            raise click.UsageError(str(exc), ctx) from None
        lang = named
    set_lang(lang)
    return lang


class LangOption(click.Option):
    """``--lang``, whose default :func:`apply_lang` reads, ``DRUGFREE_LANG`` included.

    Click would read the variable itself for every command of the line, a group's
    included, and refuse a misspelt one there: ``drugfree plugins check --lang vi``,
    whose language is given (to the command), was refused by the group. The help still
    names the variable.
    """

    def value_from_envvar(self, ctx: click.Context) -> None:
        """Nothing: the variable is read, and a misspelling said, by :func:`apply_lang`."""
        return None

    def get_error_hint(self, ctx: click.Context | None) -> str:
        """The option alone: a wrong value named here came from the command line."""
        return click.Parameter.get_error_hint(self, ctx)


class LanguageScopedGroup(click.Group):
    """A group whose commands run in their own language, help and errors included.

    Each command runs in a copy of the :mod:`contextvars` context, so the language its
    ``--lang`` sets is forgotten when it ends, however it ends (a program or a test suite
    running several commands in one process sees each with its own language). Its help
    pages and Click's usage errors are written in that language
    (:mod:`drugfree_core.cli.clicktext`).
    """

    context_class = TranslatingContext

    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        """Add *cmd*; it and its subcommands write their help in the reader's language."""
        use_translating_contexts(cmd)
        super().add_command(cmd, name)

    def invoke(self, ctx: click.Context) -> Any:
        """Invoke the chosen command inside a copy of the current context."""
        return contextvars.copy_context().run(super().invoke, ctx)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list, each command's help in the current language."""
        format_commands(self, ctx, formatter)

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        """Click's ``main``, with its usage errors said in the command's language."""
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, False, **extra)
        given = _given_lang(sys.argv[1:] if args is None else list(args))
        if given is None:
            _check_lang_env()
        run = super().main

        def in_the_lines_language() -> Any:
            # Until a command's own --lang sets it: a group, or a --help read before it,
            # speaks the language the line names without reading the variable.
            if given is not None:
                set_lang(given)
            return run(args, prog_name, complete_var, False, **extra)

        try:
            result = contextvars.copy_context().run(in_the_lines_language)
        except click.UsageError as exc:
            # The language of a failed command is the one its --lang would have set,
            # else the default (the command's own context is gone): a --lang the
            # command did not reach before failing still counts.
            with use_lang(_lang_of(exc.ctx) or given):
                show_usage_error(exc)
            sys.exit(exc.exit_code)
        except click.ClickException as exc:
            exc.show()
            sys.exit(exc.exit_code)
        except click.Abort:
            click.echo(msg("Aborted!").render(), err=True)
            sys.exit(1)
        sys.exit(result if isinstance(result, int) else 0)


def _check_lang_env() -> None:
    """Stop with a usage error, in both languages, if ``DRUGFREE_LANG`` names none.

    Every text of the command (its help, its errors) is written in the default language,
    so a misspelt variable is reported before anything else, not as a traceback. Which
    language the reader meant is not known: Vietnamese first, then English. (Not asked
    when a ``--lang`` names a language: it comes first, and the variable is not read.)
    """
    try:
        default_lang()
    except LanguageError:
        value = os.environ.get(LANG_ENV, "").strip()
        for lang in LANGS:
            problem = msg(
                "{variable}={value} is not a language this program speaks: use one of {languages}",
                variable=LANG_ENV,
                value=repr(value),
                languages=", ".join(LANGS),
            )
            click.echo(msg("Error: {message}", message=problem).render(lang), err=True)
        sys.exit(2)


def _given_lang(args: Sequence[str]) -> Lang | None:
    """The language the last ``--lang`` of *args* names (``--lang vi``, ``--lang=vi``).

    As Click reads them: the last one counts, and nothing after ``--`` is an option.
    """
    named: Lang | None = None
    for k, arg in enumerate(args):
        if arg == "--":
            break
        value = args[k + 1] if arg == "--lang" and k + 1 < len(args) else None
        if arg.startswith("--lang="):
            value = arg.partition("=")[2]
        if value is not None:
            named = parse_lang(value)
    return named


def _lang_of(ctx: click.Context | None) -> Lang | None:
    while ctx is not None:
        lang = ctx.params.get("lang")
        if lang in LANGS:
            return lang  # type: ignore[no-any-return]
        ctx = ctx.parent
    return None


#: The ``--lang`` option every command that prints for people takes.
lang_option = click.option(
    "--lang",
    cls=LangOption,
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
