"""The change of 1 July 2026 as dated values of ``law.*``, and the law's terms as checks.

Law 120/2025/QH15 and Decree 163/2026/NĐ-CP replace Law 73/2021 and Decrees 105/116/2021
from 1 Jul 2026 (criteria.md §6.2-§6.4): who decides user management and how fast, the
rehab terms (24/36 months, every form) and the transition for people already in rehab.
No code branches on the date: every difference below comes from a parameter's value.
"""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import build_dataset, commune, days, episode, make_records, person, province, status
from oracle import oracle_evaluate

from drugfree_core.engine import evaluate
from drugfree_core.model import Provenance, RehabEpisode, RehabForm, SubjectKind
from drugfree_core.reports.quality import assess_quality
from drugfree_core.rules.law import LAW_PARAMETERS
from drugfree_core.rules.params import DatedValue, Deadline, Period
from drugfree_core.rules.scheme import Scheme
from drugfree_core.schemes.mps_recognition_2024 import SCHEME as MPS

LAW = {p.id: p for p in LAW_PARAMETERS}
LAST_OLD, FIRST_NEW = dt.date(2026, 6, 30), dt.date(2026, 7, 1)


@pytest.mark.parametrize(
    ("parameter", "old", "new"),
    [
        ("law.user_management_decider", "commune_pc_chairman", "commune_police_chief"),
        (
            "law.user_management_deadline",
            Deadline(amount=3, unit="working_days"),
            Deadline(amount=24, unit="hours"),
        ),
        ("law.user_management_period", Period(years=1), Period(years=1)),
    ],
)
def test_values_on_30_june_and_1_july_2026(parameter: str, old: object, new: object) -> None:
    assert LAW[parameter].at(LAST_OLD).value == old
    assert LAW[parameter].at(FIRST_NEW).value == new
    assert LAW[parameter].at(FIRST_NEW).provenance is Provenance.READ


def test_rehab_terms_24_or_36_months_for_every_form_from_1_july_2026() -> None:
    old = LAW["law.rehab_max_duration"].at(LAST_OLD).value
    new = LAW["law.rehab_max_duration"].at(FIRST_NEW).value
    assert old["voluntary_home_community"] == Period(months=12)  # type: ignore[index]
    assert old["compulsory_facility"] == Period(months=24)  # type: ignore[index]
    for form in ("voluntary_home_community", "voluntary_facility", "compulsory_facility"):
        assert new[f"{form}:first"] == Period(months=24)  # type: ignore[index]
        assert new[f"{form}:later"] == Period(months=36)  # type: ignore[index]
        assert LAW["law.rehab_min_duration"].at(FIRST_NEW).value[f"{form}:first"] == Period(  # type: ignore[index]
            months=24
        )
    # post-rehab management is unchanged: 1 year, 2 after compulsory rehab as an adult
    assert (
        LAW["law.post_rehab_period"].at(LAST_OLD).value
        == LAW["law.post_rehab_period"].at(FIRST_NEW).value
    )


def test_deadlines_in_working_days_and_hours() -> None:
    three = Deadline(amount=3, unit="working_days")
    assert three.latest_day(dt.date(2026, 6, 26)) == dt.date(2026, 7, 1)  # Fri -> Wed
    assert three.latest_day(dt.date(2026, 6, 27)) == dt.date(2026, 7, 1)  # Sat -> Wed
    assert Deadline(amount=24, unit="hours").latest_day(FIRST_NEW) == dt.date(2026, 7, 2)
    assert str(three) == "3 working days"


# ------------------------------------------------------------- the transition (Art. 56)


def in_rehab(start: dt.date, rank: int | None = None) -> list[object]:
    ep = RehabEpisode(form=RehabForm.VOLUNTARY_HOME_COMMUNITY, start=start, rank=rank)
    return [person("a1", "U1", status(SubjectKind.ADDICT), episodes=[ep])]


def c1(on: dt.date, subjects: list[object], scheme: Scheme = MPS) -> str:
    """TH.C1 (every addict in treatment) for U1, engine and oracle agreeing."""
    records = make_records([province(), commune("U1")], subjects)  # type: ignore[arg-type]
    got = evaluate(build_dataset(records), scheme, on).unit("U1").criterion("TH.C1").outcome.value
    assert got == oracle_evaluate(records, scheme, on).units["U1"].criteria["TH.C1"].outcome
    return got


def test_people_in_rehab_on_1_july_2026_keep_the_old_term() -> None:
    # Started on 30 Jun 2026 under Law 73/2021: 12 months, so stale after 30 Jun 2027.
    assert c1(dt.date(2027, 6, 30), in_rehab(LAST_OLD)) == "pass"
    assert c1(dt.date(2027, 7, 1), in_rehab(LAST_OLD)) == "unknown"
    # Started on 1 Jul 2026 under Law 120/2025: 36 months without a rank, 24 for a first.
    assert c1(dt.date(2027, 7, 1), in_rehab(FIRST_NEW)) == "pass"
    assert c1(dt.date(2028, 7, 1), in_rehab(FIRST_NEW, rank=1)) == "pass"
    assert c1(dt.date(2028, 7, 2), in_rehab(FIRST_NEW, rank=1)) == "unknown"
    assert c1(dt.date(2029, 7, 1), in_rehab(FIRST_NEW, rank=2)) == "pass"
    assert c1(dt.date(2029, 7, 2), in_rehab(FIRST_NEW)) == "unknown"


def test_the_transition_rule_is_a_parameter() -> None:
    on_the_date = MPS.with_parameter(
        "law.rehab_term_law",
        DatedValue(
            start=dt.date(2022, 1, 1),
            value="reference_date",
            citation="test",
            provenance=Provenance.INFERRED,
        ),
        by="test",
    )
    # read by the reference date, the episode of 30 Jun 2026 gets the new 36 months
    assert c1(dt.date(2027, 7, 1), in_rehab(LAST_OLD), on_the_date) == "pass"


# ---------------------------------------------------------------- the terms as checks


def issues(subjects: list[object], on: dt.date) -> list[tuple[str, str]]:
    records = make_records([province(), commune("U1")], subjects)  # type: ignore[arg-type]
    report = assess_quality(build_dataset(records), on)
    return [(i.check, i.detail) for i in report.issues if i.check in CHECKS]


CHECKS = {"rehab_short", "rehab_overrun", "late_management_decision"}


@pytest.mark.parametrize(
    ("start", "length", "flagged"),
    [
        (dt.date(2025, 1, 1), 180, True),  # 6 months from 1 Jan is 1 Jul: a day short
        (dt.date(2025, 1, 1), 181, False),
        (FIRST_NEW, 500, True),  # the new law: 24 months at least
        (FIRST_NEW, 731, False),
    ],
)
def test_a_rehab_completed_before_its_legal_minimum(
    start: dt.date, length: int, flagged: bool
) -> None:
    ep = episode(RehabForm.VOLUNTARY_FACILITY, start, start + days(length - 1), completed=True)
    found = issues(
        [person("a1", "U1", status(SubjectKind.ADDICT), episodes=[ep])], dt.date(2029, 1, 1)
    )
    assert [c for c, _ in found if c == "rehab_short"] == (["rehab_short"] if flagged else [])


def test_a_rehab_running_past_its_legal_maximum() -> None:
    open_old = episode(RehabForm.VOLUNTARY_HOME_COMMUNITY, dt.date(2025, 3, 1))
    subject = person("a1", "U1", status(SubjectKind.ADDICT), episodes=[open_old])
    assert [c for c, _ in issues([subject], dt.date(2026, 3, 1))] == []
    found = issues([subject], dt.date(2026, 3, 2))
    assert [c for c, _ in found] == ["rehab_overrun"]
    assert "still open past its legal maximum (12mo)" in found[0][1]
    long = episode(RehabForm.COMPULSORY_FACILITY, dt.date(2023, 1, 1), dt.date(2025, 6, 1))
    closed = person("a2", "U1", status(SubjectKind.ADDICT), episodes=[long])
    assert [c for c, _ in issues([closed], dt.date(2025, 7, 1))] == ["rehab_overrun"]


@pytest.mark.parametrize(
    ("received", "decided", "flagged"),
    [
        (dt.date(2026, 6, 26), dt.date(2026, 7, 1), False),  # Fri + 3 working days
        (dt.date(2026, 6, 26), dt.date(2026, 7, 2), True),
        (FIRST_NEW, dt.date(2026, 7, 2), False),  # 24 hours: the next day at the latest
        (FIRST_NEW, dt.date(2026, 7, 3), True),
    ],
)
def test_a_management_decision_later_than_the_law_allows(
    received: dt.date, decided: dt.date, flagged: bool
) -> None:
    user = person("u1", "U1", status(SubjectKind.ILLEGAL_USER, received, management_start=decided))
    found = issues([user], dt.date(2026, 8, 1))
    assert ("late_management_decision" in [c for c, _ in found]) is flagged
