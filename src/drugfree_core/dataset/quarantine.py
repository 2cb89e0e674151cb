"""A record that a lenient load kept out of the dataset, with where and why."""

from __future__ import annotations

import attrs


@attrs.frozen(kw_only=True)
class QuarantinedRecord:
    """A record kept out of evaluation because it was invalid, with where and why.

    ``unit_codes`` are the units the record concerned, so their verdicts can be marked
    as affected instead of silently evaluated on partial data.
    """

    table: str
    location: str
    reason: str
    record_id: str | None = None
    unit_codes: tuple[str, ...] = ()


__all__ = ["QuarantinedRecord"]
