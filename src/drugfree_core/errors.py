"""The library's exceptions and the problem records that validation reports.

Every message names the record by its location (file and row, or JSON path) and its id,
never by personal data.
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
    """A plugin could not be loaded or registered something invalid; the message names it."""


class UsageError(DrugfreeError):
    """The caller asked for something that cannot be done (unknown unit, bad date...)."""


class CoverageError(UsageError):
    """The scope asked for has no unit that the dataset covers: there is nothing to judge.

    Every unit would be *no data*; a result that says so is allowed only on request
    (``allow_no_coverage=True``, ``--allow-no-coverage``).
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
