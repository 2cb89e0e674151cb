"""The command line's own words in the reader's language: help pages and usage errors.

Click writes the help pages and the usage errors ("Missing option", "Usage:") itself, in
English. Here the help is translated as it is written (:class:`TranslatingFormatter`,
which every ``drugfree`` command's context uses) and the usage errors are said again from
what Click knows about them (:func:`usage_error_text`), both through the catalogue. The
help texts (command docstrings, ``help=`` of options) reach the catalogue through the
extractor in :mod:`drugfree_core.cli.babel_extract`.

The parameter types below are Click's with their refusals in words of the catalogue.
"""

from __future__ import annotations

import datetime as dt
import inspect
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from drugfree_core.i18n import N_, Message, current_lang, msg, msgn, translate

#: Click's own words on a help page, in the catalogue.
CLICK_WORDS = (
    N_("Options"),
    N_("Commands"),
    N_("Arguments"),
    N_("Show this message and exit."),
    N_("Show the version and exit."),
)

# Click appends "  [default: x; env var: Y; required]" to an option's help.
_EXTRA = re.compile(r"^(?P<help>.*?)(?:\s*\[(?P<extra>[^\[\]]*)\])?$", re.DOTALL)


def help_text(text: str) -> str:
    """A help text of the command line in the current language (as written when unknown)."""
    if not text:
        return text
    return translate(current_lang(), text)


def _extra_item(item: str) -> str:
    name, sep, value = item.partition(": ")
    if sep and name == "default":
        return msg("default: {value}", value=value).render()
    if sep and name == "env var":
        return msg("env var: {name}", name=value).render()
    if item == "required":
        return msg("required").render()
    return item  # a range such as 1<=x<=1000


def option_help(text: str) -> str:
    """An option's help row: its text translated, then Click's notes in brackets."""
    match = _EXTRA.match(text)
    if match is None or match.group("extra") is None:
        return help_text(text)
    extra = "; ".join(_extra_item(i.strip()) for i in match.group("extra").split(";"))
    base = help_text(match.group("help").strip())
    return f"{base}  [{extra}]" if base else f"[{extra}]"


#: Click's placeholders on a usage line (``[OPTIONS]``, ``COMMAND [ARGS]...``).
_PLACEHOLDERS = re.compile(r"\[OPTIONS\]|COMMAND \[ARGS\]\.\.\.")


def usage_pieces(args: str) -> str:
    """The arguments of a usage line with Click's placeholders in the current language."""

    def say(match: re.Match[str]) -> str:
        if match.group(0) == "[OPTIONS]":
            return msg("[OPTIONS]").render()
        return msg("COMMAND [ARGS]...").render()

    return _PLACEHOLDERS.sub(say, args)


class TranslatingFormatter(click.HelpFormatter):
    """Click's help formatter, writing every text in the current language."""

    raw = False

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        """The usage line, its "Usage:" translated."""
        if prefix is None:
            prefix = msg("Usage:").render() + " "
        super().write_usage(prog, usage_pieces(args), prefix)

    def write_heading(self, heading: str) -> None:
        """A section heading (Options, Commands) translated."""
        super().write_heading(help_text(heading))

    def write_text(self, text: str) -> None:
        """A command's help translated."""
        super().write_text(text if self.raw else help_text(text))

    def write_dl(
        self, rows: Iterable[tuple[str, str]], col_max: int = 30, col_spacing: int = 2
    ) -> None:
        """Options with their help translated (rows already in words stay as they are)."""
        if not self.raw:
            rows = [(term, option_help(text)) for term, text in rows]
        super().write_dl(rows, col_max, col_spacing)

    @contextmanager
    def as_written(self) -> Iterator[None]:
        """Within the block, texts are written as given (already translated)."""
        self.raw = True
        try:
            yield
        finally:
            self.raw = False


class TranslatingContext(click.Context):
    """A context whose help pages are written by :class:`TranslatingFormatter`."""

    formatter_class = TranslatingFormatter


def first_sentence(text: str, limit: int) -> str:
    """The first sentence of *text*'s first paragraph, shortened to *limit* with "..."."""
    import textwrap

    words = text.partition("\n\n")[0].split()
    for i, word in enumerate(words):
        if word.endswith(".") and (i == len(words) - 1 or not words[i + 1][:1].islower()):
            words = words[: i + 1]
            break
    sentence = " ".join(words)
    if len(sentence) <= limit:
        return sentence
    return textwrap.shorten(sentence, max(limit, 3), placeholder="...", break_on_hyphens=False)


def short_help(command: click.Command, limit: int) -> str:
    """A command's one-line help in the command list, cut from its translated help."""
    if command.short_help:
        return help_text(command.short_help)
    return first_sentence(help_text(inspect.cleandoc(command.help or "").partition("\f")[0]), limit)


def format_commands(group: click.Group, ctx: click.Context, formatter: click.HelpFormatter) -> None:
    """The "Commands" section of *group*'s help, each command's help translated."""
    commands = []
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        if command is not None and not command.hidden:
            commands.append((name, command))
    if not commands:
        return
    limit = formatter.width - 6 - max(len(name) for name, _ in commands)
    rows = [(name, short_help(command, limit)) for name, command in commands]
    if isinstance(formatter, TranslatingFormatter):  # it translates the heading itself
        with formatter.section("Commands"), formatter.as_written():
            formatter.write_dl(rows)
    else:
        with formatter.section(help_text("Commands")):
            formatter.write_dl(rows)


def use_translating_contexts(command: click.Command) -> None:
    """Give *command* and every command under it the translating context."""
    command.context_class = TranslatingContext
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            use_translating_contexts(sub)


# --------------------------------------------------------------------- usage errors


def _hint(exc: click.UsageError) -> str:
    param = getattr(exc, "param", None)
    hint = getattr(exc, "param_hint", None)
    if hint is None and param is not None:
        hint = param.get_error_hint(exc.ctx) if exc.ctx is not None else param.name
    if isinstance(hint, list | tuple):
        hint = " / ".join(repr(h) for h in hint)
    return str(hint or "")


def usage_error_text(exc: click.UsageError) -> str:
    """What went wrong, in the current language (Click's own message when not known)."""
    if isinstance(exc, click.MissingParameter):
        param = exc.param
        kind = exc.param_type or (param.param_type_name if param is not None else "parameter")
        hint = _hint(exc)
        if kind == "argument":
            return msg("Missing argument {name}.", name=hint).render()
        if kind == "option":
            return msg("Missing option {name}.", name=hint).render()
        return msg("Missing parameter {name}.", name=hint).render()
    if isinstance(exc, click.NoSuchOption):
        text = msg("No such option: {name}.", name=exc.option_name).render()
        if exc.possibilities:
            names = ", ".join(sorted(exc.possibilities))
            text += (
                " "
                + msgn(
                    "Did you mean {names}?",
                    "Did you mean one of {names}?",
                    len(exc.possibilities),
                    names=names,
                ).render()
            )
        return text
    no_such_command = getattr(click.exceptions, "NoSuchCommand", None)
    if no_such_command is not None and isinstance(exc, no_such_command):
        name = getattr(exc, "command_name", "")
        return msg("No such command: {name}.", name=str(name)).render()
    if isinstance(exc, click.BadParameter):
        reason = str(exc.message)
        hint = _hint(exc)
        if not hint:
            return msg("Invalid value: {reason}", reason=reason).render()
        return msg("Invalid value for {name}: {reason}", name=hint, reason=reason).render()
    return _parser_error_text(exc.format_message())


#: Click's parser says these itself, in English: read back and said in the catalogue's words.
_EXTRA_ARGUMENTS = re.compile(r"Got unexpected extra arguments? \((?P<args>.*)\)\Z", re.DOTALL)
_NEEDS_VALUE = re.compile(r"Option '(?P<name>[^']*)' requires an argument\.\Z")
_NEEDS_VALUES = re.compile(r"Option '(?P<name>[^']*)' requires (?P<n>[0-9]+) arguments\.\Z")
_NO_VALUE = re.compile(r"Option '(?P<name>[^']*)' does not take a value\.\Z")


def _parser_error_text(text: str) -> str:
    """A usage error of Click's parser in the current language; another one as Click says it."""
    if found := _EXTRA_ARGUMENTS.match(text):
        args = found["args"]
        n = len(args.split())
        return msgn(
            "Unexpected extra argument ({args}).",
            "Unexpected extra arguments ({args}).",
            n,
            args=args,
        ).render()
    if found := _NEEDS_VALUE.match(text):
        return msg("Option {name} needs a value.", name=found["name"]).render()
    if found := _NEEDS_VALUES.match(text):
        return msgn(
            "Option {name} needs {n} value.",
            "Option {name} needs {n} values.",
            int(found["n"]),
            name=found["name"],
        ).render()
    if found := _NO_VALUE.match(text):
        return msg("Option {name} does not take a value.", name=found["name"]).render()
    return text


def show_usage_error(exc: click.UsageError) -> None:
    """Print *exc* as Click does, in the current language: usage, hint, error."""
    ctx = exc.ctx
    if ctx is not None:
        lines = [ctx.get_usage()]
        help_names = ctx.command.get_help_option_names(ctx)
        if ctx.command.get_help_option(ctx) is not None and help_names:
            option = max(help_names, key=len)
            lines.append(
                msg(
                    "Try '{command} {option}' for help.", command=ctx.command_path, option=option
                ).render()
            )
        click.echo("\n".join(lines) + "\n", err=True, color=ctx.color)
    click.echo(msg("Error: {message}", message=usage_error_text(exc)).render(), err=True)


# -------------------------------------------------------------------- parameter types


class Choice(click.Choice):  # type: ignore[type-arg]  # generic in click 8.3+ only
    """:class:`click.Choice`, refusing a value in the reader's language."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        """The choice, or a translated refusal listing the choices."""
        try:
            return super().convert(value, param, ctx)
        except click.BadParameter:
            choices = ", ".join(repr(str(c)) for c in self.choices)
            refusal = msg(
                "{value} is not one of {choices}.", value=repr(str(value)), choices=choices
            )
            self.fail(refusal.render(), param, ctx)


def _out_of_range(value: str, bounds: click.IntRange | click.FloatRange) -> Message:
    # The bounds as numbers: written the reader's way (100.000 in Vietnamese).
    low, high = bounds.min, bounds.max
    if low is not None and high is not None:
        return msg("{value} is not between {low} and {high}.", value=value, low=low, high=high)
    if low is not None:
        return msg("{value} is less than {low}.", value=value, low=low)
    return msg("{value} is more than {high}.", value=value, high=high if high is not None else "")


class IntRange(click.IntRange):
    """:class:`click.IntRange`, refusing a value in the reader's language."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        """The whole number, or a translated refusal saying what is allowed."""
        try:
            number = int(value)
        except (TypeError, ValueError):
            self.fail(
                msg("{value} is not a whole number.", value=repr(str(value))).render(), param, ctx
            )
        try:
            return super().convert(number, param, ctx)
        except click.BadParameter:
            self.fail(_out_of_range(str(number), self).render(), param, ctx)


class FloatRange(click.FloatRange):
    """:class:`click.FloatRange`, refusing a value in the reader's language."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        """The number, or a translated refusal saying what is allowed."""
        try:
            number = float(value)
        except (TypeError, ValueError):
            self.fail(msg("{value} is not a number.", value=repr(str(value))).render(), param, ctx)
        try:
            return super().convert(number, param, ctx)
        except click.BadParameter:
            self.fail(_out_of_range(str(value), self).render(), param, ctx)


class ExistingPath(click.Path):
    """:class:`click.Path` of something that must exist, refused in the reader's language."""

    def __init__(self, *, file_okay: bool = True, dir_okay: bool = True) -> None:
        super().__init__(exists=True, file_okay=file_okay, dir_okay=dir_okay, path_type=Path)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        """The path, or a translated refusal (missing, a folder, a file)."""
        path = Path(value)
        if not path.exists():
            self.fail(msg("{path} does not exist.", path=repr(str(value))).render(), param, ctx)
        if path.is_dir() and not self.dir_okay:
            self.fail(
                msg("{path} is a folder, not a file.", path=repr(str(value))).render(), param, ctx
            )
        if not path.is_dir() and not self.file_okay:
            self.fail(
                msg("{path} is a file, not a folder.", path=repr(str(value))).render(), param, ctx
            )
        return super().convert(value, param, ctx)


class Date(click.DateTime):
    """A date written ``YYYY-MM-DD`` (:class:`click.DateTime`), as a :class:`datetime.date`."""

    name = "date"

    def __init__(self) -> None:
        super().__init__(formats=["%Y-%m-%d"])

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        """The date, or a translated refusal showing the form."""
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return value
        try:
            moment = super().convert(value, param, ctx)
        except click.BadParameter:
            shown = repr(str(value)[:40])
            self.fail(
                msg("{value} is not a date written YYYY-MM-DD.", value=shown).render(), param, ctx
            )
        return moment.date()

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str:
        """``YYYY-MM-DD`` in the usage line."""
        return "YYYY-MM-DD"
