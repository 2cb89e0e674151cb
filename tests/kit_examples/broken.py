"""Schemes that each break one conformance check on purpose, and a broken roadmap.

Every broken scheme is the conforming example of :mod:`kit_examples.good` with one
defect, so it should fail exactly the check named in :data:`BROKEN_BY_CHECK`. All of them
pass the registrar's own checks (``scheme_problems``), so a plugin can register them;
only the kit's stricter checks find the defects:

* ``check_metadata`` - :data:`UNSTABLE_METADATA`: ``sources`` is a generator expression,
  so the metadata changes once read and the scheme cannot be copied or dumped stably.
* ``check_total`` - :data:`CRASHES_ON_OPEN_EPISODE`: a custom rule subtracts the start of
  every rehab episode from its end, which raises for a running (open) episode.
* ``check_deterministic`` - :data:`NONDETERMINISTIC`: a custom rule reports a random
  "audit score", so two evaluations of the same data differ.
* ``check_outcomes_cite_criteria`` - :data:`UNEXPLAINED_OUTCOME`: a custom rule returns
  *unknown* for units of unknown population without saying why.
* ``check_json_round_trip`` - :data:`NAN_OBSERVED`: a custom rule reports a share of 0/0
  as NaN for units without people, which strict JSON cannot hold.
* ``check_bad_input`` - :data:`LEAP_DAY_CRASH`: a custom rule computes "a year ago" with
  ``date.replace(year=...)``, which raises on 29 February (a reference date generated
  data never uses, but the edge cases do).

:data:`EMPTY_UNIT_CRASH` (``view.subjects[0]``) breaks ``check_bad_input`` on a unit
with no people, and ``check_total`` too, since generated units are often empty.
:data:`EMPTY_AFTER_2025` has no criterion in force from 1 January 2026 although it stays
in force: ``check_metadata`` names the day (and evaluation refuses it from that day).
"""

from __future__ import annotations

import datetime as dt
import random
from fractions import Fraction

import attrs

from drugfree_core.engine import CustomOutcome, Outcome, UnitView
from drugfree_core.model import Provenance
from drugfree_core.rules.primitives import PythonRule
from drugfree_core.rules.roadmap import Milestone, Roadmap
from drugfree_core.rules.scheme import Scheme
from kit_examples import good


def _variant(scheme_id: str, func: object, description: str, **changes: object) -> Scheme:
    rule = PythonRule(
        name=f"{scheme_id}.rule",
        func=func,  # type: ignore[arg-type]
        description_en=description,
        description_vi=description,
    )
    return attrs.evolve(
        good.SCHEME,
        id=scheme_id,
        title_en=f"Conformance kit example: {description}",
        criteria=good.criteria(rule),
        **changes,
    )


# ----------------------------------------------------------------- check_metadata

UNSTABLE_METADATA = _variant(
    "kit-broken-metadata",
    good.no_drug_use_locations,
    "sources given as a generator",
    sources=(url for url in (good.SOURCE,)),
)

# -------------------------------------------------------------------- check_total


def _days_in_rehab(view: UnitView) -> CustomOutcome:
    # The defect: an open episode has no end, and None - date raises TypeError.
    days = sum((e.end - e.start).days for s in view.subjects for e in s.rehab_episodes)  # type: ignore[operator]
    return CustomOutcome(outcome=Outcome.PASS, observed=float(days))


CRASHES_ON_OPEN_EPISODE = _variant(
    "kit-broken-total", _days_in_rehab, "days spent in rehab (crashes on open episodes)"
)

# ------------------------------------------------------------ check_deterministic

_RANDOM = random.Random()


def _audit_score(view: UnitView) -> CustomOutcome:
    # The defect: a private random generator, so the same unit scores differently.
    return CustomOutcome(outcome=Outcome.PASS, observed=_RANDOM.random())


NONDETERMINISTIC = _variant(
    "kit-broken-deterministic", _audit_score, "a random audit score (nondeterministic)"
)

# --------------------------------------------------- check_outcomes_cite_criteria


def _population_known(view: UnitView) -> CustomOutcome:
    if view.unit.resident_population is None:
        return CustomOutcome(outcome=Outcome.UNKNOWN)  # the defect: no reason given
    return CustomOutcome(outcome=Outcome.PASS, observed=float(view.unit.resident_population))


UNEXPLAINED_OUTCOME = _variant(
    "kit-broken-outcomes", _population_known, "population known (unknown without a reason)"
)

# ---------------------------------------------------------- check_json_round_trip


def _share_tested(view: UnitView) -> CustomOutcome:
    people = view.subjects
    if not people:
        # The defect: 0/0 reported as NaN instead of leaving observed empty.
        return CustomOutcome(outcome=Outcome.PASS, observed=float("nan"))
    untested = tuple(s.id for s in people if not s.tests)
    return CustomOutcome(
        outcome=Outcome.FAIL if untested else Outcome.PASS,
        observed=1 - len(untested) / len(people),
        failing_subjects=untested,
    )


NAN_OBSERVED = _variant("kit-broken-json", _share_tested, "share of people ever tested (NaN)")

# ---------------------------------------------------------------- check_bad_input


def _tested_within_a_year(view: UnitView) -> CustomOutcome:
    # The defect: there is no 29 February a year before 29 February.
    year_ago = view.on.replace(year=view.on.year - 1)
    untested = tuple(
        s.id for s in view.subjects if not any(year_ago <= t.date <= view.on for t in s.tests)
    )
    if untested:
        return CustomOutcome(
            outcome=Outcome.FAIL,
            failing_subjects=untested,
            reason="some people were not tested in the past year",
        )
    return CustomOutcome(outcome=Outcome.PASS)


LEAP_DAY_CRASH = _variant(
    "kit-broken-bad-input", _tested_within_a_year, "tested within a year (crashes on 29 Feb)"
)


def _first_person_tested(view: UnitView) -> CustomOutcome:
    first = view.subjects[0]  # the defect: a unit may have nobody
    if first.tests:
        return CustomOutcome(outcome=Outcome.PASS)
    return CustomOutcome(outcome=Outcome.FAIL, failing_subjects=(first.id,))


EMPTY_UNIT_CRASH = _variant(
    "kit-broken-empty-unit", _first_person_tested, "first person tested (crashes when empty)"
)

EMPTY_AFTER_2025 = attrs.evolve(
    good.SCHEME,
    id="kit-broken-vacuous",
    title_en="Conformance kit example: no criterion in force from 2026",
    criteria=tuple(attrs.evolve(c, effective_to=dt.date(2025, 12, 31)) for c in good.criteria()),
)

#: The broken scheme designed to fail each check (and pass the others).
BROKEN_BY_CHECK: dict[str, Scheme] = {
    "check_metadata": UNSTABLE_METADATA,
    "check_total": CRASHES_ON_OPEN_EPISODE,
    "check_deterministic": NONDETERMINISTIC,
    "check_outcomes_cite_criteria": UNEXPLAINED_OUTCOME,
    "check_json_round_trip": NAN_OBSERVED,
    "check_bad_input": LEAP_DAY_CRASH,
}

#: Every broken scheme, as the broken plugin registers them.
BROKEN_SCHEMES: tuple[Scheme, ...] = (*BROKEN_BY_CHECK.values(), EMPTY_UNIT_CRASH)

# ------------------------------------------------------------------------ roadmap


@attrs.frozen(kw_only=True)
class RoundingMilestone(Milestone):
    """A milestone that rounds the required count instead of taking the ceiling."""

    def required(self, units: int) -> int:
        """The defect: 30 % of 114 units gives 34, not 35."""
        return round(float(self.share) * units)


#: Breaks ``check_roadmap_metadata`` (its scope is a name, not a unit code, and its
#: first milestone is due before the roadmap starts) and ``check_roadmap_counts`` (the
#: second milestone rounds). The roadmap registrar would accept it; the broken plugin
#: does not register it, so ``plugins check`` reports scheme checks only.
BROKEN_ROADMAP = Roadmap(
    id="kit-broken-roadmap",
    scope="Tỉnh Ví Dụ",
    scope_name="Tỉnh Ví Dụ",
    title_vi="Lộ trình ví dụ (có lỗi)",
    title_en="Conformance kit example: a broken roadmap",
    milestones=(
        Milestone(
            due=dt.date(2025, 12, 31),
            share=Fraction(20, 100),
            citation=good.CITATION,
            provenance=Provenance.INFERRED,
        ),
        RoundingMilestone(
            due=dt.date(2027, 12, 31),
            share=Fraction(30, 100),
            citation=good.CITATION,
            provenance=Provenance.INFERRED,
        ),
    ),
    citation=good.CITATION,
    provenance=Provenance.INFERRED,
    effective_from=dt.date(2026, 1, 1),
)
