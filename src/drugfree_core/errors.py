"""The library's exceptions and the problem records that validation reports.

Every message names the record by its location (file and row, or JSON path) and its id,
never by personal data: a bad value is described, not quoted.

Public functions raise only these types (all subclasses of :class:`DrugfreeError`) for
anything they can foresee: a bad argument, an invalid dataset, a scheme that is not in
force, a plugin that cannot load. Anything else is a bug. The exceptions are the
formatting functions of :mod:`drugfree_core.i18n` (below these errors), whose
``ValueError`` is said in the reader's language, and :class:`~drugfree_core.i18n.LanguageError`.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator

import attrs

from drugfree_core.i18n.language import chosen_lang
from drugfree_core.i18n.message import Message, msg
from drugfree_core.i18n.words import os_reason

# Characters a message must not carry as they are: control characters (a line break, an
# escape sequence that recolours a terminal), invisible and direction-changing marks, and
# lone surrogates (which no output encoding can write).
_UNPRINTABLE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ud800-\udfff]"
)


def printable(text: str) -> str:
    """*text* with every character that could break or disguise a line replaced by U+FFFD."""
    return _UNPRINTABLE.sub("\ufffd", text)


def _printable_or_none(text: str | None) -> str | None:
    return None if text is None else printable(text)


class DrugfreeError(Exception):
    """Base class of every error this library raises on purpose.

    An error raised with a :class:`~drugfree_core.i18n.Message` keeps it
    (:func:`~drugfree_core.i18n.exception_text`): the command line and the HTTP API
    render it in their reader's language. ``str(exc)`` is in the language chosen for
    the code reading it (:func:`~drugfree_core.i18n.use_lang`), else English: never
    the process locale's, which Python users and their logs do not expect.
    """

    def __str__(self) -> str:
        if len(self.args) == 1 and isinstance(self.args[0], Message):
            return self.args[0].render(chosen_lang() or "en")
        return super().__str__()


class DatasetError(DrugfreeError):
    """The dataset is invalid; ``problems`` lists every problem found."""

    def __init__(self, message: str | Message, problems: tuple[Problem, ...] = ()) -> None:
        super().__init__(message)
        self.problems = problems


class SchemeError(DrugfreeError):
    """A scheme, criterion or parameter is malformed, unknown or not in force."""


class PluginError(DrugfreeError):
    """A plugin could not be loaded or registered something invalid; the message names it.

    ``plugins`` are the names of the plugins at fault (empty when none can be blamed):
    leaving them out, with ``DRUGFREE_DISABLED_PLUGINS`` or the command line's
    ``--disable-plugin NAME``, lets everything else run.
    """

    def __init__(self, message: str | Message, plugins: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.plugins = plugins


class UsageError(DrugfreeError):
    """The caller asked for something that cannot be done (unknown unit, bad date...)."""


class CoverageError(UsageError):
    """The scope asked for has no unit that the dataset covers: there is nothing to judge.

    Every unit would be *no data*; a result that says so is allowed only on request
    (``allow_no_coverage=True``, ``--allow-no-coverage``).
    """


class RecordError(DrugfreeError, ValueError):
    """A record built in Python (a unit, a subject, a drug test...) is invalid.

    Raised by the model's validators, so ``AdminUnit(code="", ...)`` fails at once with
    the field and the rule it breaks. It is also a :class:`ValueError`, as attrs
    validators conventionally raise.
    """


@attrs.frozen(kw_only=True)
class Problem:
    """One problem in the input: where it is, what is wrong, and which record it is.

    ``location`` is ``file:row N`` for tables or a JSON path such as
    ``$.subjects[3].tests[0].date`` for documents. ``record_id`` is the pseudonymous id of
    the record (or its subject), never personal data. Characters that could break or
    disguise the line (control characters, direction marks, lone surrogates) are shown
    as U+FFFD.
    """

    table: str
    location: str = attrs.field(converter=printable)
    reason: str = attrs.field(converter=printable)
    record_id: str | None = attrs.field(default=None, converter=_printable_or_none)

    def __str__(self) -> str:
        rid = f" [{self.record_id}]" if self.record_id else ""
        return f"{self.location}{rid}: {self.reason}"


@contextlib.contextmanager
def writing(target: str | os.PathLike[str] | None) -> Iterator[None]:
    """Turn a failed write into one line: ``cannot write <file>: <why>`` (a :class:`UsageError`).

    No permission, a full disk, a folder in the way: the file the system named, else
    *target* (``None``: standard output), and why in the reader's words
    (:func:`~drugfree_core.i18n.os_reason`). A reader that went away (a closed pipe) is
    not an error of the write: it goes on to the front, which decides.
    """
    try:
        yield
    except BrokenPipeError:
        raise
    except OSError as exc:
        where = exc.filename or target
        if where is None:
            path: str | Message = msg("standard output")
        else:
            path = str(where) if isinstance(where, int) else os.fsdecode(where)  # int: a descriptor
        reason = os_reason(exc)
        raise UsageError(msg("cannot write {path}: {reason}", path=path, reason=reason)) from exc
