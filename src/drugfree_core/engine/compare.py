"""Two schemes side by side: where, unit by unit, they reach different results.

National and provincial criteria are different things (criteria.md §2.8): a commune can
pass Thanh Hóa's and fail Art. 6, or the reverse. :func:`compare` evaluates both over
the same units on the same date and lists every unit whose results differ, never merging
them into one verdict.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable

import attrs

from drugfree_core._args import expect
from drugfree_core.dataset.dataset import Dataset
from drugfree_core.engine.evaluate import evaluate
from drugfree_core.engine.results import Evaluation, UnitResult
from drugfree_core.errors import UsageError
from drugfree_core.i18n import msg
from drugfree_core.model.enums import UnitLevel
from drugfree_core.model.periods import DateOrPeriod
from drugfree_core.rules.outcome import Outcome
from drugfree_core.rules.scheme import Scheme

#: How two results differ: ``opposite`` (both decided, differently) or ``undecided``
#: (one of them is unknown).
DIFFERENCES = ("opposite", "undecided")
#: The result of a unit the dataset does not cover (the same under both schemes, since
#: coverage belongs to the data): counted apart, neither agreeing nor differing.
NO_DATA = "no_data"


def result_of(unit: UnitResult) -> str:
    """A unit's result: its level for a classification, else its verdict.

    An undecided classification is ``"unknown"``; a unit the dataset does not cover is
    ``"no_data"``.
    """
    if unit.verdict is Outcome.NO_DATA:
        return NO_DATA
    if unit.level is not None or unit.level_candidates:
        return unit.level or "unknown"
    return str(unit.verdict.value)


@attrs.frozen(kw_only=True)
class UnitComparison:
    """One unit under both schemes: the result of each, and how they differ."""

    unit_code: str
    unit_name: str
    province_code: str | None
    result_a: str
    result_b: str

    @property
    def agree(self) -> bool:
        """Whether both schemes reach the same result (no data is no agreement)."""
        return self.result_a == self.result_b != NO_DATA

    @property
    def difference(self) -> str | None:
        """How the results differ, ``None`` when they agree.

        ``"no_data"`` for a unit the data do not cover, else ``"opposite"`` or
        ``"undecided"``.
        """
        if self.agree:
            return None
        if NO_DATA in (self.result_a, self.result_b):
            return NO_DATA
        return "undecided" if "unknown" in (self.result_a, self.result_b) else "opposite"


@attrs.frozen(kw_only=True, eq=False)
class Comparison:
    """Scheme A and scheme B over the same units on the same date."""

    a: Evaluation
    b: Evaluation
    units: tuple[UnitComparison, ...]

    @property
    def reference_date(self) -> dt.date:
        """The date both were evaluated on."""
        return self.a.reference_date

    def disagreements(self) -> tuple[UnitComparison, ...]:
        """The units whose results differ, in unit-code order (not those with no data)."""
        return tuple(u for u in self.units if u.difference in DIFFERENCES)

    def counts(self) -> dict[str, int]:
        """How many units agree, differ (opposite, one undecided), or have no data.

        A unit with no data is not covered by the dataset: neither scheme judges it.
        """
        tally = Counter(u.difference or "agree" for u in self.units)
        return {k: tally.get(k, 0) for k in ("agree", *DIFFERENCES, NO_DATA)}

    def crosstab(self) -> dict[tuple[str, str], int]:
        """Units per pair of results ``(result under A, result under B)``."""
        return dict(sorted(Counter((u.result_a, u.result_b) for u in self.units).items()))

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready dict: both schemes, the counts and every disagreement."""

        def scheme(e: Evaluation) -> dict[str, str]:
            return {"id": e.scheme_id, "version": e.scheme_version, "title_en": e.scheme_title_en}

        return {
            "reference_date": self.reference_date.isoformat(),
            "scheme_a": scheme(self.a),
            "scheme_b": scheme(self.b),
            "counts": self.counts(),
            "crosstab": [{"a": a, "b": b, "units": n} for (a, b), n in self.crosstab().items()],
            "disagreements": [
                {
                    "unit_code": u.unit_code,
                    "unit_name": u.unit_name,
                    "province_code": u.province_code,
                    "a": u.result_a,
                    "b": u.result_b,
                    "difference": u.difference,
                }
                for u in self.disagreements()
            ],
        }


def compare(
    dataset: Dataset,
    scheme_a: Scheme,
    scheme_b: Scheme,
    on: DateOrPeriod,
    *,
    units: Iterable[str] | None = None,
    allow_no_coverage: bool = False,
) -> Comparison:
    """Evaluate *scheme_a* and *scheme_b* over the same units on *on* and line them up.

    Both must judge the same kind of unit and give the same kind of result (two
    pass/fail schemes, or two classifications), or a :class:`UsageError` says why. A
    unit the dataset does not cover is *no data* under both, neither agreeing nor
    differing (see :func:`evaluate` for *allow_no_coverage*).
    """
    expect(dataset, Dataset, msg("the dataset"), msg("a Dataset (see drugfree_core.load)"))
    expect(scheme_a, Scheme, msg("scheme A"), msg("a Scheme (see drugfree_core.get_scheme)"))
    expect(scheme_b, Scheme, msg("scheme B"), msg("a Scheme (see drugfree_core.get_scheme)"))
    expect(allow_no_coverage, bool, "allow_no_coverage", msg("True or False"))
    if scheme_a.unit_level is not scheme_b.unit_level:
        provinces, communes = (
            (scheme_a, scheme_b)
            if scheme_a.unit_level is UnitLevel.PROVINCE
            else (scheme_b, scheme_a)
        )
        raise UsageError(
            msg(
                "{provinces} judges provinces and {communes} commune-level units: they "
                "cannot be compared unit by unit",
                provinces=provinces.id,
                communes=communes.id,
            )
        )
    if scheme_a.is_classification is not scheme_b.is_classification:
        raise UsageError(
            msg(
                "{a} and {b} give different kinds of result (a classification and a "
                "verdict): compare two drug-free schemes or two classifications",
                a=scheme_a.id,
                b=scheme_b.id,
            )
        )
    wanted = None if units is None else list(units)
    a = evaluate(dataset, scheme_a, on, units=wanted, allow_no_coverage=allow_no_coverage)
    b = evaluate(dataset, scheme_b, on, units=wanted, allow_no_coverage=allow_no_coverage)
    by_code = {u.unit_code: u for u in b.units}
    rows = tuple(
        UnitComparison(
            unit_code=u.unit_code,
            unit_name=u.unit_name,
            province_code=u.province_code,
            result_a=result_of(u),
            result_b=result_of(by_code[u.unit_code]),
        )
        for u in a.units
    )
    return Comparison(a=a, b=b, units=rows)
