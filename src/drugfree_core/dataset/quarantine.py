"""A record that a lenient load kept out of the dataset, with where and why."""

from __future__ import annotations

import attrs

from drugfree_core.errors import printable


def _printable_or_none(text: str | None) -> str | None:
    return None if text is None else printable(text)


@attrs.frozen(kw_only=True)
class QuarantinedRecord:
    """A record kept out of evaluation because it was invalid, with where and why.

    ``unit_codes`` are the units the record concerned, so their verdicts can be marked
    as affected instead of silently evaluated on partial data.
    """

    table: str
    location: str = attrs.field(converter=printable)
    reason: str = attrs.field(converter=printable)
    record_id: str | None = attrs.field(default=None, converter=_printable_or_none)
    unit_codes: tuple[str, ...] = ()


__all__ = ["QuarantinedRecord"]
