"""A small scheme that passes every conformance check: two criteria, one custom rule."""

from __future__ import annotations

import datetime as dt

from drugfree_core.engine import CustomOutcome, Outcome, UnitView
from drugfree_core.model import FactKind, Provenance, SubjectKind
from drugfree_core.rules.law import LAW_PARAMETERS
from drugfree_core.rules.params import ParamRef, constant
from drugfree_core.rules.primitives import (
    AllOf,
    AllSatisfy,
    Compare,
    NegativeTestWithin,
    Op,
    Population,
    PythonRule,
    SubjectCount,
)
from drugfree_core.rules.scheme import Criterion, Scheme

START = dt.date(2024, 10, 15)
CITATION = "drugfree-core conformance kit example (not a legal text)"
SOURCE = "https://example.org/drugfree-kit-example"
ADDICTS = Population(kinds={SubjectKind.ADDICT})

WINDOW = constant(
    "kit.test_window_days",
    30,
    since=START,
    en="Days before the reference date within which an addict's negative test must be.",
    vi="Số ngày trước ngày xét mà người nghiện phải có xét nghiệm âm tính.",
    citation=CITATION,
    provenance=Provenance.INFERRED,
)


def no_drug_use_locations(view: UnitView) -> CustomOutcome:
    """Pass when the unit reported no drug-use location over the past 365 days."""
    since = view.on - dt.timedelta(days=365)
    facts = [
        f
        for f in view.facts
        if f.kind is FactKind.DRUG_USE_LOCATIONS and since < f.period_end <= view.on
    ]
    if not facts:
        return CustomOutcome(
            outcome=Outcome.UNKNOWN, reason="no drug-use location report in the past 365 days"
        )
    total = sum(f.value for f in facts)
    if total == 0:
        return CustomOutcome(outcome=Outcome.PASS, observed=0.0)
    return CustomOutcome(
        outcome=Outcome.FAIL,
        observed=total,
        reason=f"{total:g} drug-use location(s) reported in the past 365 days",
    )


NO_LOCATIONS = PythonRule(
    name="kit.no_drug_use_locations",
    func=no_drug_use_locations,
    description_en="no drug-use location reported in the past 365 days",
    description_vi="không có tụ điểm sử dụng ma túy trong 365 ngày qua",
)


def criteria(custom: PythonRule = NO_LOCATIONS) -> tuple[Criterion, ...]:
    """The two criteria; *custom* is the custom rule of the second (the broken examples
    swap in their own)."""
    return (
        Criterion(
            id="KIT.C1",
            title_vi="Người nghiện có xét nghiệm âm tính trong 30 ngày",
            title_en="Every addict has a negative test within 30 days",
            rule=AllSatisfy(ADDICTS, NegativeTestWithin(days=ParamRef("kit.test_window_days"))),
            citation=CITATION,
            provenance=Provenance.INFERRED,
            sources=(SOURCE,),
        ),
        Criterion(
            id="KIT.C2",
            title_vi="Dưới 10 người nghiện và điều kiện riêng của ví dụ",
            title_en="Fewer than 10 addicts, and the example's own condition",
            rule=AllOf((Compare(SubjectCount(ADDICTS), Op.LE, 9), custom)),
            citation=CITATION,
            provenance=Provenance.INFERRED,
            sources=(SOURCE,),
        ),
    )


SCHEME = Scheme(
    id="kit-good-example",
    version="1.0",
    title_vi="Ví dụ bộ tiêu chí đạt chuẩn",
    title_en="Conformance kit example: a conforming scheme",
    criteria=criteria(),
    parameters=(*LAW_PARAMETERS, WINDOW),
    effective_from=START,
    sources=(SOURCE,),
)
