"""The library's exceptions and the problem records that validation reports.

Every message names the record by its location (file and row, or JSON path) and its id,
never by personal data: a bad value is described, not quoted.

Public functions raise only these types (all subclasses of :class:`DrugfreeError`) for
anything they can foresee: a bad argument, an invalid dataset, a scheme that is not in
force, a plugin that cannot load. Anything else is a bug.
"""

from __future__ import annotations

import attrs


class DrugfreeError(Exception):
    """Base class of every error this library raises on purpose."""


class DatasetError(DrugfreeError):
    """The dataset is invalid; ``problems`` lists every problem found."""

    def __init__(self, message: str, problems: tuple[Problem, ...] = ()) -> None:
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

    def __init__(self, message: str, plugins: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.plugins = plugins


class UsageError(DrugfreeError):
    """The caller asked for something that cannot be done (unknown unit, bad date...)."""


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
    the record (or its subject), never personal data.
    """

    table: str
    location: str
    reason: str
    record_id: str | None = None

    def __str__(self) -> str:
        rid = f" [{self.record_id}]" if self.record_id else ""
        return f"{self.location}{rid}: {self.reason}"
