"""A realistic report built by hand, for the exporters' tests (no dataset, no engine).

``sample_report()`` is a national report over Hải Phòng (31) and Nghệ An (40) on
30 June 2026: milestones met, missed, on and off track; a monthly series from January
2024 across the 1 July 2025 merger (more, smaller units before it); units with
shortfalls and predecessors; an indicator; data-quality rows. ``provinces=1`` gives
Hải Phòng's own report, ``provinces=34`` the whole country; ``suppression=k`` withholds
small counts of people as the report builder does.
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

from drugfree_core.reports.model import (
    Case,
    CaseList,
    CriterionTally,
    IndicatorResult,
    MilestoneStatus,
    PluginVersion,
    Predecessors,
    Progress,
    Report,
    ReportProvenance,
    SchemeRef,
    SeriesPoint,
    Shortfall,
    UnitRow,
)
from drugfree_core.reports.quality import QualityIssue, QualityReport, QualityRow
from drugfree_core.reports.suppress import suppress_small_counts

ON = dt.date(2026, 6, 30)
MERGER = dt.date(2025, 7, 1)
FINGERPRINT = "9f2c4e1a" * 8
#: A pseudonymous subject id that only the case-level outputs may contain.
SECRET_SUBJECT = "SUBJ-7731-XK"

# code → (name, units before the merger, units after, meeting now, failing now, unknown now)
_PROVINCES: dict[str, tuple[str, int, int, int, int, int]] = {
    "31": ("Thành phố Hải Phòng", 424, 114, 45, 60, 9),
    "40": ("Tỉnh Nghệ An", 460, 130, 20, 100, 10),
}


def _province_facts(n: int) -> dict[str, tuple[str, int, int, int, int, int]]:
    facts = dict(_PROVINCES)
    k = 1
    while len(facts) < n:
        code = f"{k:02d}"
        k += 1
        if code in facts:
            continue
        after = 60 + (k * 37) % 140
        meeting = (after * (5 + (k * 13) % 50)) // 100
        facts[code] = (f"Tỉnh Số {code}", after * 3, after, meeting, after - meeting - 2, 2)
    return dict(list(facts.items())[:n])


def _month_ends(first: dt.date, last: dt.date) -> list[dt.date]:
    out: list[dt.date] = []
    y, m = first.year, first.month
    while True:
        nxt = dt.date(y + (m == 12), m % 12 + 1, 1)
        end = nxt - dt.timedelta(days=1)
        if end > last:
            return out
        out.append(end)
        y, m = nxt.year, nxt.month


def _series(facts: dict[str, tuple[str, int, int, int, int, int]]) -> list[SeriesPoint]:
    dates = _month_ends(dt.date(2024, 1, 1), ON)
    points = []
    for code, (_, before, after, meeting_now, _, unknown_now) in facts.items():
        for i, on in enumerate(dates):
            units = before if on < MERGER else after
            # The share climbs steadily towards today's.
            share = (meeting_now / after) * (0.25 + 0.75 * i / (len(dates) - 1))
            meeting = round(units * share)
            unknown = min(unknown_now, units - meeting)
            points.append(
                SeriesPoint(
                    on=on,
                    scope=code,
                    units_in_force=units,
                    meeting=meeting,
                    failing=units - meeting - unknown,
                    unknown=unknown,
                )
            )
    return points


def _national_points(points: list[SeriesPoint]) -> list[SeriesPoint]:
    by_date: dict[dt.date, list[SeriesPoint]] = {}
    for p in points:
        by_date.setdefault(p.on, []).append(p)
    return [
        SeriesPoint(
            on=on,
            scope="*",
            units_in_force=sum(p.units_in_force for p in ps),
            meeting=sum(p.meeting for p in ps),
            failing=sum(p.failing for p in ps),
            unknown=sum(p.unknown for p in ps),
        )
        for on, ps in sorted(by_date.items())
    ]


def _milestone(
    due: dt.date,
    share: Fraction,
    units: int,
    status: str,
    at_due: int | None = None,
    projected: float | None = None,
) -> MilestoneStatus:
    return MilestoneStatus(
        due=due,
        share=share,
        required=-(-share.numerator * units // share.denominator),
        status=status,
        meeting_at_due=at_due,
        projected_at_due=projected,
        citation="Kế hoạch 258/KH-UBND (2025)",
        provenance="READ",
    )


def _milestones(code: str, units: int) -> tuple[MilestoneStatus, ...]:
    if code == "31":
        return (
            _milestone(dt.date(2025, 12, 31), Fraction(3, 10), units, "met", at_due=36),
            _milestone(dt.date(2027, 12, 31), Fraction(9, 20), units, "on_track", projected=58.2),
            _milestone(dt.date(2030, 12, 31), Fraction(3, 5), units, "off_track", projected=61.0),
            _milestone(dt.date(2035, 12, 31), Fraction(1), units, "unknown"),
        )
    if code == "40":
        return (
            _milestone(dt.date(2025, 12, 31), Fraction(1, 5), units, "missed", at_due=18),
            _milestone(dt.date(2026, 12, 31), Fraction(3, 10), units, "off_track", projected=27.5),
            _milestone(dt.date(2030, 12, 31), Fraction(1, 2), units, "on_track", projected=70.4),
        )
    return (
        _milestone(dt.date(2030, 12, 31), Fraction(1, 2), units, "on_track", projected=units * 0.6),
    )


def _progress(
    code: str, name: str, units: int, meeting: int, failing: int, unknown: int
) -> Progress:
    milestones = _milestones(code, units)
    upcoming = [m for m in milestones if m.due >= ON]
    nxt = upcoming[0] if upcoming else None
    return Progress(
        scope=code,
        name=name,
        scheme_ids=("hai-phong-2025",) if code == "31" else ("mps-recognition-2024",),
        roadmap_id=f"roadmap-{code}",
        roadmap_title_en=f"Roadmap of {name}",
        roadmap_title_vi=f"Lộ trình của {name}",
        units_in_force=units,
        meeting=meeting,
        failing=failing,
        unknown=unknown,
        next_due=None if nxt is None else nxt.due,
        next_share=None if nxt is None else nxt.share,
        required=None if nxt is None else nxt.required,
        gap=None if nxt is None else max(0, nxt.required - meeting),
        trend_per_month=1.37 if code == "31" else 0.42,
        milestones=milestones,
    )


def _shortfall(criterion: str, rule: str, count: int, what_en: str, what_vi: str) -> Shortfall:
    return Shortfall(
        criterion_id=criterion,
        rule_id=rule,
        count=count,
        people=True,
        what_en=what_en,
        what_vi=what_vi,
    )


def _units(facts: dict[str, tuple[str, int, int, int, int, int]]) -> list[UnitRow]:
    rows = []
    for code in facts:
        scheme = "hai-phong-2025" if code == "31" else "mps-recognition-2024"
        rows += [
            UnitRow(
                unit_code=f"{code}001",
                unit_name="Phường Hồng Bàng" if code == "31" else "Xã Diễn Châu",
                province_code=code,
                scheme_id=scheme,
                verdict="pass",
                failing_criteria=(),
                unknown_criteria=(),
                shortfalls=(),
                lack=None,
                predecessors=Predecessors(
                    on=MERGER - dt.timedelta(days=1),
                    total=3,
                    meeting=2,
                    failing=1,
                    unknown=0,
                    codes=(f"{code}101", f"{code}102", f"{code}103"),
                ),
            ),
            UnitRow(
                unit_code=f"{code}002",
                unit_name="Xã Đồng Hới & <Tân Lập>" if code == "31" else "Xã Quỳnh Lưu",
                province_code=code,
                scheme_id=scheme,
                verdict="fail",
                failing_criteria=("C2",),
                unknown_criteria=(),
                shortfalls=(
                    _shortfall(
                        "C2",
                        "C2.test30",
                        2,
                        "addicts without a negative test within 30 days",
                        "người nghiện chưa xét nghiệm âm tính trong 30 ngày",
                    ),
                ),
                lack=2,
            ),
            UnitRow(
                unit_code=f"{code}003",
                unit_name="Phường Lê Chân" if code == "31" else "Xã Nghi Lộc",
                province_code=code,
                scheme_id=scheme,
                verdict="fail",
                failing_criteria=("C1", "C3"),
                unknown_criteria=("C5",),
                shortfalls=(
                    _shortfall(
                        "C1",
                        "C1.no_addicts",
                        7,
                        "addicts under management",
                        "người nghiện đang quản lý",
                    ),
                    _shortfall(
                        "C3", "C3.rehab", 3, "addicts not in rehab", "người nghiện chưa cai"
                    ),
                ),
                lack=10,
            ),
            UnitRow(
                unit_code=f"{code}004",
                unit_name="Đặc khu Cát Hải" if code == "31" else "Xã Kỳ Sơn",
                province_code=code,
                scheme_id=scheme,
                verdict="unknown",
                failing_criteria=(),
                unknown_criteria=("C4",),
                shortfalls=(),
                lack=None,
            ),
        ]
    return rows


def _criteria(facts: dict[str, tuple[str, int, int, int, int, int]]) -> list[CriterionTally]:
    titles = [
        ("C1", "No addicts left outside management", "Không còn người nghiện ngoài quản lý"),
        (
            "C2",
            "Every addict tested within 30 days",
            "Mọi người nghiện được xét nghiệm trong 30 ngày",
        ),
        ("C3", "Every addict in rehab", "Mọi người nghiện được cai nghiện"),
        ("C4", "No drug-use locations", "Không có điểm, tụ điểm sử dụng ma túy"),
        ("C5", "No narcotic plants", "Không trồng cây có chất ma túy"),
    ]
    schemes = {"hai-phong-2025": 114, "mps-recognition-2024": 130 * max(1, len(facts) - 1)}
    if "31" not in facts:
        del schemes["hai-phong-2025"]
    if len(facts) == 1:
        del schemes["mps-recognition-2024"]
    out = []
    for scheme, units in schemes.items():
        for i, (cid, en, vi) in enumerate(titles):
            failed = units * (5 - i) // 9
            unknown = units // (12 + 3 * i)
            out.append(
                CriterionTally(
                    scheme_id=scheme,
                    criterion_id=cid,
                    title_en=en,
                    title_vi=vi,
                    passed=units - failed - unknown,
                    failed=failed,
                    unknown=unknown,
                )
            )
    return out


def _quality(facts: dict[str, tuple[str, int, int, int, int, int]]) -> QualityReport:
    rows = [
        QualityRow(
            unit_code=f"{code}00{k}",
            unit_name=f"Đơn vị {code}00{k}",
            province_code=code,
            people=[41, 3, 12][k - 1],
            flagged=[6, 1, 0][k - 1],
            correct=[2, 1, 0][k - 1],
            sufficient=[3, 0, 0][k - 1],
            clean=[1, 0, 0][k - 1],
            live=[4, 2, 0][k - 1],
        )
        for code in facts
        for k in (1, 2, 3)
    ]
    issues = (
        QualityIssue(
            dimension="live",
            check="stale",
            unit_code=rows[0].unit_code,
            table="subjects",
            record_id=SECRET_SUBJECT,
            location="subjects[4]",
            detail="no update for 400 days",
        ),
        QualityIssue(
            dimension="correct",
            check="future_test",
            unit_code=rows[0].unit_code,
            table="drug_tests",
            record_id=SECRET_SUBJECT,
            location="drug_tests[9]",
            detail="dated 2027-01-01",
        ),
    )
    checks = (
        ("stale", "live", "record not kept up to date"),
        ("future_test", "correct", "drug test dated in the future"),
        ("duplicate_test", "clean", "duplicate drug test"),
    )
    return QualityReport(
        on=ON, stale_after_days=180, rows=tuple(rows), issues=issues, checks=checks
    )


def sample_report(*, provinces: int = 2, suppression: int | None = None) -> Report:
    """A hand-built report over *provinces* provinces (1: Hải Phòng's own report)."""
    facts = _province_facts(provinces)
    progress = tuple(_progress(c, f[0], f[2], f[3], f[4], f[5]) for c, f in facts.items())
    series = _series(facts)
    if provinces == 1:
        scope, scope_name, overall = "31", facts["31"][0], progress[0]
    else:
        scope, scope_name = "*", "*"
        series += _national_points(series)
        units = sum(p.units_in_force for p in progress)
        meeting = sum(p.meeting for p in progress)
        overall = Progress(
            scope="*",
            name="*",
            scheme_ids=("hai-phong-2025", "mps-recognition-2024"),
            roadmap_id="national-2030",
            roadmap_title_en="National roadmap",
            roadmap_title_vi="Lộ trình toàn quốc",
            units_in_force=units,
            meeting=meeting,
            failing=sum(p.failing for p in progress),
            unknown=sum(p.unknown for p in progress),
            next_due=dt.date(2030, 12, 31),
            next_share=Fraction(1, 2),
            required=-(-units // 2),
            gap=max(0, -(-units // 2) - meeting),
            trend_per_month=1.79,
            milestones=(
                _milestone(
                    dt.date(2030, 12, 31), Fraction(1, 2), units, "on_track", projected=units * 0.55
                ),
            ),
        )
    units_rows = _units(facts)
    closest = sorted((r for r in units_rows if r.verdict == "fail"), key=lambda r: r.lack or 0)
    report = Report(
        provenance=ReportProvenance(
            reference_date=ON,
            scope=scope,
            scope_name=scope_name,
            library_version="0.1.0",
            schemes=(
                SchemeRef(
                    id="hai-phong-2025",
                    version="1.0",
                    title_en="Hải Phòng 2025",
                    title_vi="Hải Phòng 2025",
                    origin="drugfree-hai-phong",
                ),
                SchemeRef(
                    id="mps-recognition-2024",
                    version="1.2",
                    title_en="MPS recognition",
                    title_vi="Công nhận của Bộ Công an",
                    origin="drugfree-core",
                ),
            ),
            plugins=(
                PluginVersion(name="hai-phong", distribution="drugfree-hai-phong", version="0.1.0"),
            ),
            map_source="lineage.csv (2025-07-01)",
            dataset_fingerprint=FINGERPRINT,
            generated_at=dt.datetime(2026, 7, 2, 9, 30, tzinfo=dt.UTC),
            suppression_threshold=None,
            stale_after_days=180,
        ),
        progress=progress,
        overall=overall,
        units=tuple(units_rows),
        closest=tuple(closest),
        criteria=tuple(_criteria(facts)),
        series=tuple(series),
        indicators=(
            IndicatorResult(
                id="ind.rehab_share",
                scope=scope,
                title_en="Share of addicts in rehab",
                title_vi="Tỷ lệ người nghiện được cai",
                numerator=3.0,
                denominator=40.0,
                value=0.075,
                target_share=Fraction(1, 2),
                due=dt.date(2026, 12, 31),
                status="pending",
                citation="Chỉ thị 23/CT-TTg",
                provenance="ARTICLE",
                origin="drugfree-core",
            ),
        ),
        quality=_quality(facts),
        notes=("Counts before 1 July 2025 add up the old communes of each province.",),
    )
    return report if suppression is None else suppress_small_counts(report, suppression)


def sample_cases() -> CaseList:
    """A small case-level list naming pseudonymous subject ids."""
    return CaseList(
        reference_date=ON,
        dataset_fingerprint=FINGERPRINT,
        cases=(
            Case(
                unit_code="31002",
                criterion_id="C2",
                rule_id="C2.test30",
                subject_id=SECRET_SUBJECT,
                outcome="fail",
                what_en="no negative test within 30 days",
                what_vi="chưa xét nghiệm âm tính trong 30 ngày",
            ),
            Case(
                unit_code="31003",
                criterion_id="C1",
                rule_id="C1.no_addicts",
                subject_id="SUBJ-0042-AB",
                outcome="fail",
                what_en="addict under management",
                what_vi="người nghiện đang quản lý",
            ),
        ),
    )
