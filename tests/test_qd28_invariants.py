"""Invariants of Decision 28/2025's classification and Art. 6 (Hypothesis).

* A unit drug-free under Art. 6 is never type I or II **on what Art. 6 counts**: it can
  reach those types only through persons Art. 6 excepts or does not count as residing
  (substitution, rehab, custody, post-rehab) and through arrests and plants, which may
  be non-residents' (criteria.md §2.2 item 6). Remove those, and it is neither.
* Adding a violation, a fugitive or a location never turns an Art. 6 failure into a pass,
  and never raises a verdict once the table is supplied.
* Classification is monotone in each count when a value above a type's band counts for
  that type (``qd28.lower_type_counts_higher_band``): more users, locations, arrests or
  plants never lose a type. With the default closed bands it is not, and an example
  pins why.
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from typing import Any

import attrs
from conftest import (
    build_dataset,
    commune,
    complete_reports,
    days,
    make_records,
    person,
    province,
    status,
)
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies_core import QD28_START, Case, cases

from drugfree_core.dataset.dataset import DatasetRecords
from drugfree_core.engine import Evaluation, Outcome
from drugfree_core.engine import evaluate as run_scheme
from drugfree_core.model import (
    DrugLawViolation,
    DrugUseLocation,
    FactKind,
    LocationBasis,
    LocationKind,
    Provenance,
    SubjectKind,
    UnitFact,
    UnitKind,
    ViolationKind,
    WantedFugitive,
)
from drugfree_core.rules.params import DatedValue
from drugfree_core.schemes import qd28_complex_areas, qd28_drug_free

DF = qd28_drug_free.SCHEME
CA = qd28_complex_areas.SCHEME
# No data never changes with the records, so its rank only has to equal itself.
RANK = {Outcome.FAIL: 0, Outcome.UNKNOWN: 1, Outcome.PASS: 2, Outcome.NO_DATA: 3}
TYPES = ("type-I", "type-II")


def evaluate(dataset: Any, scheme: Any, on: dt.date) -> Evaluation:
    """Evaluate with no data allowed: a generated case may declare coverage of nothing."""
    return run_scheme(dataset, scheme, on, allow_no_coverage=True)


SEVERITY = {"type-I": 3, "type-II": 2, "type-III": 1}
ARRESTS_AND_PLANTS = (
    FactKind.ARRESTED_DRUG_OFFENDERS,
    FactKind.NARCOTIC_PLANTS_COUNT,
    FactKind.NARCOTIC_PLANTS_AREA_M2,
)


def commune_codes(case: Case) -> list[str]:
    return [u.code for u in case.records.units if u.kind is not UnitKind.PROVINCE]


def seen_by_article_6_only(records: DatasetRecords) -> DatasetRecords:
    """The records without what Art. 6 does not count against a unit.

    People with any rehab episode, custody or post-rehab status go (with their
    violations); arrests and plants become zero.
    """
    gone = {
        s.id
        for s in records.subjects
        if s.rehab_episodes
        or s.custody
        or any(x.kind is SubjectKind.POST_REHAB for x in s.statuses)
    }
    facts = tuple(
        attrs.evolve(f, value=0.0) if f.kind in ARRESTS_AND_PLANTS else f
        for f in records.unit_facts
    )
    violations = records.drug_law_violations
    if violations is not None:
        violations = tuple(v for v in violations if v.subject_id not in gone)
    return attrs.evolve(
        records,
        subjects=tuple(s for s in records.subjects if s.id not in gone),
        unit_facts=facts,
        drug_law_violations=violations,
    )


@settings(max_examples=40)
@given(cases(min_date=QD28_START))
def test_a_drug_free_unit_is_never_type_i_or_ii_on_what_article_6_counts(case: Case) -> None:
    records = seen_by_article_6_only(case.records)
    ds = build_dataset(records, case.quarantined)
    drug_free = {u.unit_code: u.verdict for u in evaluate(ds, DF, case.on).units}
    for unit in evaluate(ds, CA, case.on).units:
        if drug_free[unit.unit_code] is Outcome.PASS:
            assert not set(unit.levels_reached) & set(TYPES), (unit.unit_code, unit.levels_reached)
            if unit.affected_by:
                # Art. 4 reads unit facts: facts reported on a split predecessor leave every
                # criterion of the classification open (evaluate's rule), Art. 6's too
                continue
            # ... and the classification agrees with Art. 6 on the unit
            assert "drug-free" in unit.levels_reached
            # no location at all: Art. 6.3 holds, so T1.b and T2.b cannot
            assert unit.criterion("T1.b").outcome is Outcome.FAIL
            assert unit.criterion("T2.b").outcome is Outcome.FAIL


def test_a_drug_free_unit_can_be_type_i_through_what_article_6_does_not_count() -> None:
    # 60 addicts on methadone (0.6 %, excepted), 10 arrests and 3,000 plants, perhaps
    # by non-residents: type I and drug-free at once (criteria.md §2.2 item 6)
    from conftest import episode

    from drugfree_core.model import RehabForm

    on = dt.date(2025, 12, 14)
    ost = [
        person(
            f"m{i}",
            "U1",
            status(SubjectKind.ADDICT),
            episodes=[episode(RehabForm.OPIOID_SUBSTITUTION, dt.date(2025, 1, 1))],
        )
        for i in range(60)
    ]
    end = on - days(5)

    def fact(kind: FactKind, value: float) -> UnitFact:
        return UnitFact(unit_code="U1", kind=kind, period_start=end, period_end=end, value=value)

    facts = [
        fact(FactKind.ARRESTED_DRUG_OFFENDERS, 10),
        fact(FactKind.NARCOTIC_PLANTS_COUNT, 3000),
        fact(FactKind.DRUG_USE_LOCATIONS, 0),
    ]
    records = make_records(
        [province(), commune("U1")],
        ost,
        unit_facts=facts,
        drug_law_violations=[],
        wanted_fugitives=[],
        drug_use_locations=[],
    )
    unit = evaluate(build_dataset(records), CA, on).unit("U1")
    assert unit.levels_reached == ("type-I", "drug-free")
    assert unit.level == "type-I"


# ------------------------------------------------------------ more findings, never better


@st.composite
def _finding(draw: st.DrawFn, case: Case) -> tuple[str, object]:
    codes = commune_codes(case)
    on = case.on
    day = on - dt.timedelta(days=draw(st.integers(0, 400)))
    table = draw(st.sampled_from(("drug_law_violations", "wanted_fugitives", "drug_use_locations")))
    if table == "drug_law_violations":
        if not case.records.subjects:
            table = "wanted_fugitives"
        else:
            sid = draw(st.sampled_from([s.id for s in case.records.subjects]))
            kind = draw(st.sampled_from(ViolationKind))
            return table, DrugLawViolation(
                subject_id=sid, unit_code=draw(st.sampled_from(codes)), date=day, kind=kind
            )
    if table == "wanted_fugitives":
        return table, WantedFugitive(id="f-new", unit_code=draw(st.sampled_from(codes)), start=day)
    return table, DrugUseLocation(
        id="loc-new",
        unit_code=draw(st.sampled_from(codes)),
        kind=draw(st.sampled_from(LocationKind)),
        basis=draw(st.sampled_from(LocationBasis)),
        identified_on=day,
    )


@settings(max_examples=40)
@given(cases(min_date=QD28_START), st.data())
def test_adding_a_finding_never_turns_a_failure_into_a_pass(
    case: Case, data: st.DataObject
) -> None:
    table, row = data.draw(_finding(case), label="finding")
    # A table not supplied is supplied empty first: supplying a locations table replaces
    # the reported counts (facts), a change of source, not a finding more.
    base = attrs.evolve(case.records, **{table: getattr(case.records, table) or ()})
    more = attrs.evolve(base, **{table: (*getattr(base, table), row)})
    before = evaluate(build_dataset(base, case.quarantined), DF, case.on)
    after = evaluate(build_dataset(more, case.quarantined), DF, case.on)
    for u in before.units:
        v = after.unit(u.unit_code)
        if u.verdict is Outcome.FAIL:
            assert v.verdict is Outcome.FAIL, (u.unit_code, table)
        assert RANK[v.verdict] <= RANK[u.verdict], (u.unit_code, table)
        for c in u.criteria:
            assert RANK[v.criterion(c.criterion_id).outcome] <= RANK[c.outcome]


# -------------------------------------------------------------- monotone classification


ABOVE = CA.with_parameter(
    "qd28.lower_type_counts_higher_band",
    DatedValue(
        start=QD28_START,
        value=True,
        citation="test: a value above a band counts for the lower type",
        provenance=Provenance.INFERRED,
    ),
    by="test",
)
COUNTED = (
    FactKind.DRUG_USE_LOCATIONS,
    FactKind.ARRESTED_DRUG_OFFENDERS,
    FactKind.NARCOTIC_PLANTS_COUNT,
    FactKind.NARCOTIC_PLANTS_AREA_M2,
)


def severity(levels: tuple[str, ...]) -> int:
    return max((SEVERITY.get(level, 0) for level in levels), default=0)


@st.composite
def _more(draw: st.DrawFn, case: Case) -> DatasetRecords:
    """The records with one count of one unit raised (a fact, a location or a user)."""
    codes = commune_codes(case)
    unit = draw(st.sampled_from(codes))
    what = draw(st.sampled_from(("fact", "user", "location")))
    records = case.records
    if what == "fact":
        kind = draw(st.sampled_from(COUNTED))
        extra = float(draw(st.sampled_from((1, 5, 100, 3000))))
        end = case.on - dt.timedelta(days=draw(st.integers(0, 60)))
        new = UnitFact(unit_code=unit, kind=kind, period_start=end, period_end=end, value=extra)
        return attrs.evolve(records, unit_facts=(*records.unit_facts, new))
    if what == "location" and records.drug_use_locations is not None:
        new_loc = DrugUseLocation(
            id="loc-more",
            unit_code=unit,
            kind=LocationKind.PLACE,
            basis=LocationBasis.SUSPECTED,
            identified_on=case.on - dt.timedelta(days=draw(st.integers(0, 300))),
        )
        return attrs.evolve(records, drug_use_locations=(*records.drug_use_locations, new_loc))
    addict = person(f"more-{unit}", unit, status(SubjectKind.ADDICT, record=True))
    return attrs.evolve(records, subjects=(*records.subjects, addict))


def _completed(records: DatasetRecords) -> DatasetRecords:
    return attrs.evolve(records, unit_facts=tuple(complete_reports(records.unit_facts)))


@settings(max_examples=40)
@given(cases(min_date=QD28_START, quarantine=False), st.data())
def test_types_only_grow_with_each_count_when_higher_bands_count(
    case: Case, data: st.DataObject
) -> None:
    more = data.draw(_more(case), label="more")
    # Reports completed with zeros: a one-day record after the others would leave the
    # days between unreported, and a total at its least may lose a type (the days', not
    # the count's doing: see test_fact_gaps).
    before = evaluate(build_dataset(_completed(case.records)), ABOVE, case.on)
    after = evaluate(build_dataset(_completed(more)), ABOVE, case.on)
    for u in before.units:
        v = after.unit(u.unit_code)
        types_before = set(u.levels_reached) - {"drug-free"}
        assert types_before <= set(v.levels_reached), (u.unit_code, u.levels_reached)
        assert severity(v.levels_reached) >= severity(u.levels_reached)


def test_with_closed_bands_more_users_can_lose_a_type() -> None:
    # 0.4 % users, 1 location and 0.06 % arrests: type II. At 0.5 % users T2.a fails
    # (above its band) and T1.a alone is not type I: the unit meets no type.
    on = dt.date(2025, 12, 14)
    end = on - days(3)

    def records(n: int) -> DatasetRecords:
        people = [person(f"a{i}", "U1", status(SubjectKind.ADDICT)) for i in range(n)]
        facts = [
            UnitFact(unit_code="U1", kind=k, period_start=end, period_end=end, value=v)
            for k, v in (
                (FactKind.DRUG_USE_LOCATIONS, 1),
                (FactKind.ARRESTED_DRUG_OFFENDERS, 6),
                (FactKind.NARCOTIC_PLANTS_COUNT, 0),
                (FactKind.NARCOTIC_PLANTS_AREA_M2, 0),
                (FactKind.ON_COMPLEX_ROUTE, 0),
            )
        ]
        # (the rest of the period reported as nothing found: each total is then exact)
        return make_records([province(), commune("U1")], people, (), complete_reports(facts))

    assert evaluate(build_dataset(records(40)), CA, on).unit("U1").levels_reached == ("type-II",)
    assert evaluate(build_dataset(records(50)), CA, on).unit("U1").levels_reached == ()
    assert evaluate(build_dataset(records(50)), ABOVE, on).unit("U1").levels_reached == (
        "type-II",
        "type-III",
    )
    assert Fraction(50, 10_000) == Fraction(1, 200)  # exactly 0.5 %
