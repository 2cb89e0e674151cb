"""What every ``drugfree`` command shares: options, dates, and the error handler.

Every command runs inside :class:`DrugfreeGroup`, whose handler is the last line of
defence: the library's errors become one clear line on stderr (and, for a dataset,
its problems), and anything unexpected becomes a short message asking for a report.
A traceback is printed only with the global ``--debug`` option.

Every command runs in its own language (:class:`~drugfree_core.cli.language.
LanguageScopedGroup`): ``--lang``, else ``DRUGFREE_LANG``, else the locale. The texts
shown to users are catalogue messages, gathered in the constructors at the end of this
module.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import functools
import math
import os
import re
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import click

from drugfree_core.cli.clicktext import ExistingPath, IntRange
from drugfree_core.cli.language import LanguageScopedGroup
from drugfree_core.cli.language import lang_option as lang_option
from drugfree_core.errors import DatasetError, DrugfreeError, PluginError
from drugfree_core.i18n import exception_text, msg, msgn, os_reason, render

if TYPE_CHECKING:  # the package imports polars: not at the command line's start
    from drugfree_core.dataset.quarantine import QuarantinedRecord

F = TypeVar("F", bound=Callable[..., Any])

#: Problems of an invalid dataset printed before the summary line.
SHOWN_PROBLEMS = 20
_ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
#: Exit code when the input has problems (``validate``, a refused dataset).
EXIT_PROBLEMS = 1
#: Exit code for a usage error, a library error, or an unexpected failure.
EXIT_ERROR = 2


def parse_date(_ctx: click.Context, _param: click.Parameter, value: str | None) -> dt.date | None:
    """Click callback: an ISO date ``YYYY-MM-DD`` or a clear usage error."""
    if value is None:
        return None
    # fromisoformat alone would also take "20240105" and week dates such as "2024-W01-1".
    if _ISO_DATE.match(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    return _bad_date(value)


def finite(_ctx: click.Context, _param: click.Parameter, value: float | None) -> float | None:
    """Click callback: refuse ``nan`` (which passes every range check) and infinities."""
    if value is not None and not math.isfinite(value):
        raise click.BadParameter(msg("{value} is not a finite number", value=str(value)).render())
    return value


def _bad_date(value: str) -> NoReturn:
    # The value is what the user typed on the command line, not data: quoting it helps.
    raise click.BadParameter(
        msg("'{value}' is not a date written YYYY-MM-DD", value=value[:40]).render()
    )


def fail(message: str, code: int = EXIT_ERROR) -> NoReturn:
    """Print ``error: message`` on stderr and exit with *code*."""
    click.echo(msg("error: {message}", message=message).render(), err=True)
    sys.exit(code)


def reference_date(on: dt.date | None, year: int | None, default: dt.date | None = None) -> dt.date:
    """The reference date from ``--date`` or ``--assessment-year`` (exactly one of them)."""
    from drugfree_core.model import AssessmentPeriod

    if on is not None and year is not None:
        raise click.UsageError(msg("give --date or --assessment-year, not both").render())
    if year is not None:
        return AssessmentPeriod(year).reference_date
    if on is not None:
        return on
    if default is not None:
        return default
    raise click.UsageError(
        msg("give the reference date: --date YYYY-MM-DD or --assessment-year YYYY").render()
    )


def ref_date_option(func: F, default: dt.date | None = None) -> F:
    """Add ``--date`` and ``--assessment-year``; the command receives the date as ``on``."""

    @functools.wraps(func)
    def wrapper(*args: Any, on: dt.date | None, assessment_year: int | None, **kw: Any) -> Any:
        return func(*args, on=reference_date(on, assessment_year, default), **kw)

    year = click.option(
        "--assessment-year",
        "assessment_year",
        type=IntRange(1901, 9999),
        help=(
            "Assessment year Y of Decision 28/2025 (15 Dec Y-1 to 14 Dec Y): the reference "
            "date is 14 Dec Y and counts run from 15 Dec Y-1. Not with --date."
        ),
    )
    date = click.option(
        "--date",
        "on",
        callback=parse_date,
        # Click shows the fallback as a note ("[default: …]"), which the help translates.
        show_default=default.isoformat() if default is not None else False,
        help=(
            "Reference date, YYYY-MM-DD (the recognition request date; for the national "
            "criteria, the last day of the assessment year). Not with --assessment-year."
        ),
    )
    return date(year(wrapper))  # type: ignore[return-value]


class DataSource(click.ParamType):  # type: ignore[type-arg]  # generic in click 8.3+ only
    """DATA: an existing file or folder, or a ``postgresql://`` URI (kept as text)."""

    name = "data"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        """A :class:`Path` for a file or folder, the URI itself for a database."""
        from drugfree_core.io.postgres import is_database_uri

        if isinstance(value, Path) or not is_database_uri(value):
            return ExistingPath().convert(value, param, ctx)
        return value


path_argument = click.argument("path", type=DataSource())
quarantine_option = click.option(
    "--quarantine",
    is_flag=True,
    help="Keep going without invalid records and list each one in the output.",
)
allow_no_coverage_option = click.option(
    "--allow-no-coverage",
    is_flag=True,
    help="Give a result even when the dataset covers no unit of it (every unit 'no data').",
)


def debug_enabled() -> bool:
    """Whether the current command runs with ``drugfree --debug``."""
    ctx = click.get_current_context(silent=True)
    return bool(ctx and ctx.find_root().meta.get("drugfree.debug"))


class DrugfreeGroup(LanguageScopedGroup):
    """A command group whose commands end in one clear line, never a traceback.

    Each command runs in its own language (:class:`LanguageScopedGroup`); its errors
    are said in that language too, so they are handled inside the command's context.
    """

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command in a copy of the context; errors become a message and a code."""
        return contextvars.copy_context().run(self._invoke_handled, ctx)

    def _invoke_handled(self, ctx: click.Context) -> Any:
        try:
            return click.Group.invoke(self, ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit):
            raise
        except BrokenPipeError:
            # The reader went away (`drugfree demo | head`): stop quietly, as `cat` does
            # (stdout points at nothing, so the interpreter's final flush cannot fail).
            with contextlib.suppress(OSError, ValueError):
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(0)
        except Exception as exc:
            handle_error(exc, ctx)


def list_quarantined(records: Sequence[QuarantinedRecord]) -> None:
    """Say on standard error each record ``--quarantine`` left out: where, and why.

    For outputs that cannot hold them (a table, CSV, a comparison, a report): none of
    them is left out silently. The evaluation's JSON and Parquet list them themselves.
    """
    if not records:
        return
    from drugfree_core.dataset.reasons import problem_text
    from drugfree_core.errors import Problem

    heading = msgn(
        "{n} record quarantined (left out of the evaluation):",
        "{n} records quarantined (left out of the evaluation):",
        len(records),
    )
    click.echo(heading.render(), err=True)
    for record in records:
        problem = Problem(
            table=record.table,
            location=record.location,
            reason=record.reason,
            record_id=record.record_id,
        )
        click.echo(f"  {problem_text(problem)}", err=True)


def handle_error(exc: Exception, ctx: click.Context | None = None) -> NoReturn:
    """Report *exc* as the CLI does and exit (see :class:`DrugfreeGroup`)."""
    debug = bool(ctx and ctx.find_root().meta.get("drugfree.debug"))
    if debug:
        traceback.print_exception(exc, file=sys.stderr)
    if isinstance(exc, DatasetError):
        from drugfree_core.dataset.reasons import dataset_error_text, problem_text

        for problem in exc.problems[:SHOWN_PROBLEMS]:
            click.echo(f"  {problem_text(problem)}", err=True)
        if len(exc.problems) > SHOWN_PROBLEMS:
            click.echo(more_problems(len(exc.problems) - SHOWN_PROBLEMS), err=True)
        fail(dataset_error_text(exc), EXIT_PROBLEMS)
    if isinstance(exc, DrugfreeError):
        # In the reader's language, chosen or not (``str(exc)`` is English unless a
        # command chose one: a command without --lang spoke English to everyone).
        text = render(exception_text(exc))
        if isinstance(exc, PluginError) and exc.plugins:
            fail(f"{text}\n{plugin_way_out(exc.plugins)}")
        fail(text)
    if isinstance(exc, OSError) and exc.strerror:
        reason = render(os_reason(exc))
        fail(f"{reason}: {exc.filename}" if exc.filename else reason)
    command = "drugfree"
    if ctx is not None:
        command = " ".join(filter(None, (ctx.command_path, ctx.invoked_subcommand)))
    fail(unexpected(type(exc).__name__, command, debug))


# --- messages ---------------------------------------------------------------------------


def more_problems(count: int) -> str:
    """The line after the problems shown: how many more, and how to see them all."""
    return msgn(
        "  … and {n} more (run drugfree validate to list every one)",
        "  … and {n} more (run drugfree validate to list every one)",
        count,
    ).render()


def plugin_way_out(names: tuple[str, ...]) -> str:
    """The two ways to run without broken plugins: per run, or in the environment."""
    listed = ",".join(names)
    options = " ".join(f"--disable-plugin {name}" for name in names)
    variable = f"DRUGFREE_DISABLED_PLUGINS={listed}"
    return msg(
        "  to run without it: drugfree {options} COMMAND ..., or set {variable}",
        options=options,
        variable=variable,
    ).render()


def unexpected(kind: str, command: str, debug: bool) -> str:
    """The message for an error nobody planned for: what, where, and what to do."""
    # The exception's own text is left out: it may quote a value from the data.
    if debug:
        return msg(
            "`{command}` stopped on an unexpected {kind} (traceback above). This is a bug "
            "in drugfree-core or in a plugin: please report it to the maintainers with the "
            "command you ran and the traceback, with any values from your data removed.",
            command=command,
            kind=kind,
        ).render()
    return msg(
        "`{command}` stopped on an unexpected {kind}. This is a bug in drugfree-core or "
        "in a plugin: please report it to the maintainers with the command you ran. "
        "`drugfree --debug ...` shows the traceback (remove any values from your data "
        "before sharing it).",
        command=command,
        kind=kind,
    ).render()
