"""What a quality assessment returns: issues for the police, counts for publication."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Collection, Iterator, Sequence
from typing import overload

import attrs
import polars as pl

#: The four dimensions of the standard, in reporting order.
DIMENSIONS: tuple[str, ...] = ("correct", "sufficient", "clean", "live")

#: Dimension → (Vietnamese, English) label.
DIMENSION_LABELS: dict[str, tuple[str, str]] = {
    "correct": ("đúng", "correct"),
    "sufficient": ("đủ", "sufficient"),
    "clean": ("sạch", "clean"),
    "live": ("sống", "live"),
}

#: Check id → (Vietnamese, English) short label.
CHECK_LABELS: dict[str, tuple[str, str]] = {
    "quarantined_record": ("bản ghi không hợp lệ bị loại", "invalid record (quarantined)"),
    "missing_management_record": ("thiếu thông tin hồ sơ quản lý", "management record not stated"),
    "missing_support": ("thiếu thông tin hỗ trợ sau cai", "post-rehab support not stated"),
    "missing_management_start": ("thiếu ngày bắt đầu quản lý", "management start date missing"),
    "missing_population": ("thiếu dân số", "resident population missing"),
    "unplaced": ("không xác định được nơi cư trú", "no place of residence on the date"),
    "duplicate_test": ("kết quả xét nghiệm trùng lặp", "duplicate drug test"),
    "duplicate_status": ("diện quản lý trùng lặp", "duplicate status period"),
    "overlapping_residences": ("cư trú đồng thời hai nơi", "residing in two units at once"),
    "overlapping_status": ("diện quản lý chồng lấn", "overlapping status periods"),
    "overlapping_facts": (
        "số liệu đơn vị báo cáo trùng kỳ",
        "unit facts reported twice for some days",
    ),
    "future_test": ("xét nghiệm ghi ngày tương lai", "drug test dated in the future"),
    "future_record": ("bản ghi ghi ngày tương lai", "record dated in the future"),
    "rehab_in_custody": ("cai nghiện trong thời gian bị giam giữ", "rehab during custody"),
    "rehab_short": (
        "đợt cai nghiện hoàn thành sớm hơn thời hạn tối thiểu",
        "rehab completed before its legal minimum",
    ),
    "rehab_overrun": (
        "đợt cai nghiện quá thời hạn tối đa",
        "rehab running past its legal maximum",
    ),
    "late_management_decision": (
        "quyết định quản lý chậm hơn thời hạn luật định",
        "management decision later than the law allows",
    ),
    "stale": ("hồ sơ không được cập nhật", "record not kept up to date"),
}

#: Name of the row holding what no commune-level unit in force can take.
UNPLACED_NAME = "(unplaced)"


@attrs.frozen(kw_only=True)
class QualityIssue:
    """One problem in the database: case-level, for the unit that must fix it.

    ``record_id`` is the pseudonymous subject id (or the unit code, for unit records);
    ``unit_code`` is None for the unplaced row.
    """

    dimension: str
    check: str
    unit_code: str | None
    table: str
    record_id: str | None
    location: str
    detail: str


@attrs.frozen(kw_only=True)
class QualityRow:
    """Issue counts of one unit (or of the unplaced row): aggregate, no subject id.

    ``people`` are the people under a status in force on the date who are counted here;
    ``flagged`` how many of them have at least one issue. A count is ``None`` when a
    published report withheld it as too small
    (:func:`~drugfree_core.reports.suppress_small_counts`).
    """

    unit_code: str | None
    unit_name: str
    province_code: str | None
    people: int | None
    flagged: int | None
    correct: int | None
    sufficient: int | None
    clean: int | None
    live: int | None

    @property
    def total(self) -> int | None:
        """Issues of every dimension (``None`` when a count was withheld)."""
        counts = (self.correct, self.sufficient, self.clean, self.live)
        return None if None in counts else sum(c for c in counts if c is not None)

    @property
    def score(self) -> float | None:
        """Share of the people counted here without any issue; None when there are none."""
        if not self.people or self.flagged is None:  # none, or withheld by a report
            return None
        return (self.people - self.flagged) / self.people


#: The fields of :class:`QualityIssue`, in order: the columns of an :class:`IssueTable`.
ISSUE_FIELDS = ("dimension", "check", "unit_code", "table", "record_id", "location", "detail")


class IssueTable(Sequence[QualityIssue]):
    """The issues of an assessment, kept as a table until someone reads them one by one.

    A national assessment finds hundreds of thousands of issues, and a report only
    publishes their counts: :meth:`count_by` counts in the table, and the
    :class:`QualityIssue` records are made on first access (indexing, iteration).
    Compares equal to any sequence of the same issues.
    """

    def __init__(
        self, frame: pl.DataFrame | pl.LazyFrame, *, counted: pl.DataFrame | None = None
    ) -> None:
        """*frame* holds the issues (:data:`ISSUE_FIELDS`) in reporting order.

        A lazy *frame* is computed when a record is first read. *counted*, when given,
        holds the same issues' ``dimension`` and ``check`` columns, in any order:
        counting and :func:`len` read it instead, so a count never makes the texts.
        """
        self._source = frame.select(ISSUE_FIELDS)
        self._counted = counted
        self._records: tuple[QualityIssue, ...] | None = None

    def _frame(self) -> pl.DataFrame:
        if not isinstance(self._source, pl.DataFrame):
            self._source = self._source.collect()
        return self._source

    def records(self) -> tuple[QualityIssue, ...]:
        """Every issue as a record, in reporting order."""
        if self._records is None:
            self._records = tuple(
                QualityIssue(**dict(zip(ISSUE_FIELDS, row, strict=True)))
                for row in self._frame().iter_rows()
            )
        return self._records

    def within(self, units: Collection[str]) -> IssueTable:
        """The issues of *units*, and those of people and records placed in no unit."""
        keep = pl.col("unit_code").is_null() | pl.col("unit_code").is_in(sorted(units))
        counted = None if self._counted is None else self._counted.filter(keep)
        return IssueTable(self._source.filter(keep), counted=counted)

    def count_by(self, field: str) -> dict[str, int]:
        """How many issues have each value of *field* (``dimension`` or ``check``)."""
        table = self._frame() if self._counted is None else self._counted
        counts = table.group_by(field).len().iter_rows()
        return {str(value): int(n) for value, n in counts}

    def __len__(self) -> int:
        return (self._frame() if self._counted is None else self._counted).height

    @overload
    def __getitem__(self, index: int) -> QualityIssue: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[QualityIssue, ...]: ...
    def __getitem__(self, index: int | slice) -> QualityIssue | tuple[QualityIssue, ...]:
        return self.records()[index]

    def __iter__(self) -> Iterator[QualityIssue]:
        return iter(self.records())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Sequence) and not isinstance(other, str):
            return len(self) == len(other) and tuple(self) == tuple(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # compared, not hashed

    def __repr__(self) -> str:
        return f"IssueTable({len(self)} issues)"


def _count(issues: Sequence[QualityIssue], field: str) -> dict[str, int]:
    if isinstance(issues, IssueTable):
        return issues.count_by(field)
    return dict(Counter(str(getattr(issue, field)) for issue in issues))


@attrs.frozen(kw_only=True)
class QualityReport:
    """The quality of a dataset on a date: rows per unit, the issues, and the checks run.

    ``checks`` lists (check id, dimension, English description) for every check run,
    including those that found nothing. ``issues`` is any sequence of
    :class:`QualityIssue`; :func:`~drugfree_core.reports.assess_quality` gives an
    :class:`IssueTable`, which makes the records only when they are read.
    """

    on: dt.date
    stale_after_days: int
    rows: tuple[QualityRow, ...]
    issues: Sequence[QualityIssue]
    checks: tuple[tuple[str, str, str], ...]

    def totals(self) -> dict[str, int]:
        """Number of issues per dimension."""
        found = _count(self.issues, "dimension")
        return {dimension: found.get(dimension, 0) for dimension in DIMENSIONS}

    def by_check(self) -> dict[str, int]:
        """Number of issues per check id, zero for checks that found nothing."""
        found = _count(self.issues, "check")
        counts = {check: found.get(check, 0) for check, _, _ in self.checks}
        # an issue of a check not listed still counts (as the loop over issues did)
        counts.update({k: v for k, v in found.items() if k not in counts})
        return counts
