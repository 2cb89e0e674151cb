"""What a quality assessment returns: issues for the police, counts for publication."""

from __future__ import annotations

import datetime as dt

import attrs

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


@attrs.frozen(kw_only=True)
class QualityReport:
    """The quality of a dataset on a date: rows per unit, the issues, and the checks run.

    ``checks`` lists (check id, dimension, English description) for every check run,
    including those that found nothing.
    """

    on: dt.date
    stale_after_days: int
    rows: tuple[QualityRow, ...]
    issues: tuple[QualityIssue, ...]
    checks: tuple[tuple[str, str, str], ...]

    def totals(self) -> dict[str, int]:
        """Number of issues per dimension."""
        counts = dict.fromkeys(DIMENSIONS, 0)
        for issue in self.issues:
            counts[issue.dimension] += 1
        return counts

    def by_check(self) -> dict[str, int]:
        """Number of issues per check id, zero for checks that found nothing."""
        counts = {check: 0 for check, _, _ in self.checks}
        for issue in self.issues:
            counts[issue.check] += 1
        return counts
