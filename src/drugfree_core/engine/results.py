"""What an evaluation returns: per unit a verdict and, per criterion, why.

All result classes are frozen attrs objects that serialise to JSON with
:func:`drugfree_core.engine.serialize.evaluation_to_dict` (or ``Evaluation.to_json``).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import attrs

from drugfree_core.dataset.dataset import QuarantinedRecord
from drugfree_core.errors import UsageError
from drugfree_core.i18n import Message, Text, msg, msgn, render
from drugfree_core.model._checks import is_identifier
from drugfree_core.rules.outcome import Outcome
from drugfree_core.rules.scheme import ResolvedParameter

if TYPE_CHECKING:
    import polars as pl

#: The outcomes' words, in the order :meth:`Evaluation.criterion_counts` lists them.
_OUTCOME_WORDS = [o.value for o in Outcome]


@attrs.frozen(kw_only=True)
class RuleResult:
    """The outcome of one rule node (a criterion's root or one of its parts) for one unit.

    ``observed`` is the measured value (a count, a rate, the share of people satisfying a
    predicate) with its ``numerator`` / ``denominator`` when it is a ratio; ``threshold``
    says what it was compared with (like ``reason``, a message whose numbers are written
    in the reader's language when shown, or a word of the engine: ``all``, ``any``,
    ``not``, ``custom``, ``—``).
    ``failing_subjects`` are the pseudonymous ids of the people who made it fail;
    ``unknown_subjects`` those whose data could not decide.
    """

    id: str
    rule: str
    outcome: Outcome
    description_en: str = ""
    description_vi: str = ""
    observed: float | None = None
    numerator: float | None = None
    denominator: float | None = None
    threshold: Text = ""
    failing_subjects: tuple[str, ...] = ()
    unknown_subjects: tuple[str, ...] = ()
    reason: Text = ""
    children: tuple[RuleResult, ...] = ()

    def in_words(self, lang: str | None = None) -> RuleResult:
        """A copy whose reasons (its own and its parts') are text in *lang*.

        What the result's JSON holds, and so what reading that JSON back gives.
        ``lang=None`` is the language in force.
        """
        return attrs.evolve(
            self,
            threshold=render(self.threshold, lang),
            reason=render(self.reason, lang),
            children=tuple(c.in_words(lang) for c in self.children),
        )

    def without_subjects(self) -> RuleResult:
        """A copy of the result and its parts without any subject id (aggregate use)."""
        if not (self.failing_subjects or self.unknown_subjects or self.children):
            return self
        return attrs.evolve(
            self,
            failing_subjects=(),
            unknown_subjects=(),
            children=tuple(c.without_subjects() for c in self.children),
        )


@attrs.frozen(kw_only=True)
class CriterionResult:
    """A criterion's outcome for one unit, with the tree of its rule's results."""

    criterion_id: str
    outcome: Outcome
    provenance: str
    result: RuleResult
    overridden_by: str | None = None


@attrs.frozen(kw_only=True)
class UnitResult:
    """The verdict for one unit and the result of every criterion in force.

    ``province_code`` is the province the unit belongs to (through its district before
    1 July 2025; a province's own code when provinces are evaluated). For classification
    schemes ``level`` is the level reached (the scheme's ``no_level`` label, such as
    ``"none"`` or ``"unclassified"``, when none applies; ``None`` when the data cannot
    decide), ``level_candidates`` the levels still possible and ``levels_reached`` every
    level whose criteria are certainly met, whatever the precedence (a unit may meet
    type III and be drug-free). ``affected_by`` lists why outcomes were downgraded to
    unknown (quarantined records, people who could not be placed after a split). A unit
    the dataset does not cover has the verdict ``NO_DATA``, and so has each of its
    criteria; it has no level and reaches none.
    """

    unit_code: str
    unit_name: str
    province_code: str | None
    verdict: Outcome
    criteria: tuple[CriterionResult, ...]
    level: str | None = None
    level_candidates: tuple[str, ...] = ()
    levels_reached: tuple[str, ...] = ()
    affected_by: tuple[Text, ...] = ()

    def without_subjects(self) -> UnitResult:
        """A copy of the unit's result without any subject id (counts and reasons stay)."""
        return attrs.evolve(
            self,
            criteria=tuple(
                attrs.evolve(c, result=c.result.without_subjects()) for c in self.criteria
            ),
        )

    def criterion(self, criterion_id: str) -> CriterionResult:
        """The result of *criterion_id* for this unit."""
        for c in self.criteria:
            if c.criterion_id == criterion_id:
                return c
        # repr() quotes the code and shows any invisible character in it.
        raise UsageError(
            msg("no criterion {criterion} in this result", criterion=repr(criterion_id))
        )


@attrs.frozen(kw_only=True)
class UnitVerdict:
    """One unit's verdict and its criteria's outcomes, without the reasons behind them.

    What counts, series and summaries read: the same outcomes as the unit's
    :class:`UnitResult` (a pass downgraded to unknown included), built straight from
    the engine's columns without the rule trees, so a report's earlier dates and an
    evaluation's summary cost a fraction of the full results.
    """

    unit_code: str
    unit_name: str
    province_code: str | None
    verdict: Outcome
    #: ``(criterion_id, outcome)`` for each criterion in force, in the scheme's order.
    criteria: tuple[tuple[str, Outcome], ...]
    level: str | None = None
    level_candidates: tuple[str, ...] = ()


#: Why a person could not be placed, by kind (see :mod:`drugfree_core.engine.placement`).
UNPLACED_REASONS: dict[str, Message] = {
    "split": msg("resides in a unit that was split; the successor is not known"),
    "gone": msg("resides in a unit that is not in force and has no successor"),
    "no_residence": msg("has a status on the date but no residence on it"),
}


@attrs.frozen(kw_only=True)
class UnplacedSubject:
    """A person the engine could not place in one unit at the date.

    ``kind`` says why: ``split`` (the residence is in a unit split between several
    successors, ``candidate_units``), ``gone`` (in a unit that ended without a successor
    in force) or ``no_residence`` (a status runs on the date, no residence does).
    ``unit_code`` is the residence's unit as recorded (for ``no_residence``, the last
    residence before the date, if any); ``reason`` says it in words.
    """

    subject_id: str
    candidate_units: tuple[str, ...]
    reason: Text
    kind: str = "split"
    unit_code: str | None = None


@attrs.frozen(kw_only=True, order=True)
class LostRecord:
    """A valid finding or unit fact that a rule counts on the date, in a unit gone nowhere.

    Its unit (``unit_code``, as recorded) ended before the date and its lineage leads
    to no unit in force (it ended without a successor), so it counts for no unit: it may
    be any unit's, like a person whose residence is there (counted in
    :attr:`Evaluation.unplaced_anywhere`). ``table`` is one of ``unit_facts``,
    ``drug_law_violations``, ``wanted_fugitives`` and ``drug_use_locations``; ``row``
    is its place (from 0) in that table of the dataset evaluated, which tells two
    records with the same values apart. Only records inside the look-back window of
    some rule in force are lost: one outside every window concerns no verdict.
    """

    table: str
    row: int
    unit_code: str


@attrs.frozen(kw_only=True, eq=False)
class Evaluation:
    """The result of evaluating one scheme over a dataset at a reference date.

    The engine computes every outcome in columnar form; the per-unit objects in
    :attr:`units` (and :attr:`unplaced`) are built on first access, so a caller who only
    needs a few units or the JSON does not pay for objects it never reads.
    ``unit_level`` says what the units are (``"commune_level"`` or ``"province"``);
    ``levels`` are the scheme's levels in the order they were tried and ``no_level`` the
    label of a unit that reaches none.
    """

    scheme_id: str
    scheme_version: str
    scheme_title_en: str
    scheme_title_vi: str
    reference_date: dt.date
    library_version: str
    parameters: tuple[ResolvedParameter, ...] = ()
    quarantined: tuple[QuarantinedRecord, ...] = ()
    levels: tuple[str, ...] = ()
    unit_level: str = "commune_level"
    no_level: str = "none"
    #: How the dataset says which units it covers (``Dataset.coverage_basis``).
    coverage_basis: str = "units"
    #: Quarantined people and facts whose unit cannot be determined: they may be anywhere.
    undetermined: tuple[QuarantinedRecord, ...] = ()
    #: Tables the criteria in force read that the dataset did not supply.
    missing_tables: tuple[str, ...] = ()
    build_units: Callable[[], tuple[UnitResult, ...]] = attrs.field(repr=False)
    build_unplaced: Callable[[], tuple[UnplacedSubject, ...]] = attrs.field(repr=False)
    #: The unplaced people as a frame (``subject_id``, ``candidates``, ``why``,
    #: ``recorded``): counted and written without building a record per person.
    build_unplaced_frame: Callable[[], pl.DataFrame] | None = attrs.field(default=None, repr=False)
    build_verdicts: Callable[[], tuple[UnitVerdict, ...]] | None = attrs.field(
        default=None, repr=False
    )
    #: Builds :attr:`verdict_by_unit` from the engine's columns, without the records.
    build_verdict_by_unit: Callable[[], dict[str, Outcome]] | None = attrs.field(
        default=None, repr=False
    )
    #: Gives :attr:`lost_records` (built on first use: one unit's evaluation finds those
    #: of the whole dataset only when asked). None: there are none.
    build_lost: Callable[[], tuple[LostRecord, ...]] | None = attrs.field(default=None, repr=False)
    #: Counts the people whose residence leads nowhere (``gone``) without listing the
    #: unplaced: an evaluation of a few units asks only this of the whole dataset. It
    #: must give the number of ``gone`` rows of ``build_unplaced_frame``'s frame.
    count_gone: Callable[[], int] | None = attrs.field(default=None, repr=False)
    #: Writes every unit's JSON straight from the engine's columns (``include_subjects``).
    write_units: Callable[[bool], list[dict[str, Any]]] | None = attrs.field(
        default=None, repr=False
    )
    #: Whether every float the units' JSON holds is plain (finite, and written without
    #: an exponent, so that msgspec writes it as the standard library does), read off
    #: the engine's columns at once instead of walking the written units.
    plain_unit_floats: Callable[[], bool] | None = attrs.field(default=None, repr=False)
    #: Builds the rows per unit and rule node from the engine's columns
    #: (``include_subjects``, :attr:`verdicts`); see ``tabular.evaluation_frame``.
    build_table: Callable[[bool, tuple[UnitVerdict, ...]], pl.DataFrame] | None = attrs.field(
        default=None, repr=False
    )
    _cache: dict[str, Any] = attrs.field(factory=dict, init=False, repr=False)

    @property
    def units(self) -> tuple[UnitResult, ...]:
        """Every unit's result, in unit-code order."""
        if "units" not in self._cache:
            self._cache["units"] = self.build_units()
        units: tuple[UnitResult, ...] = self._cache["units"]
        return units

    @property
    def verdicts(self) -> tuple[UnitVerdict, ...]:
        """Every unit's verdict and criterion outcomes, in unit-code order.

        The same outcomes as :attr:`units`, without the rule trees: built from the
        engine's columns when the units have not been built, read off them when they
        have.
        """
        if "verdicts" not in self._cache:
            if "units" in self._cache or self.build_verdicts is None:
                self._cache["verdicts"] = tuple(_verdict_of(u) for u in self.units)
            else:
                self._cache["verdicts"] = self.build_verdicts()
        verdicts: tuple[UnitVerdict, ...] = self._cache["verdicts"]
        return verdicts

    @property
    def verdict_by_unit(self) -> Mapping[str, Outcome]:
        """Every unit's verdict by unit code, in unit-code order: that of :attr:`verdicts`.

        Read-only (it is kept; copy it with ``dict(...)``). Built from the engine's
        columns, without a record per unit, unless the verdicts or the units are built
        already (then read off them). A report's earlier dates count verdicts and
        nothing else.
        """
        if "verdict_by_unit" not in self._cache:
            if "verdicts" in self._cache:
                built = {v.unit_code: v.verdict for v in self.verdicts}
            elif "units" in self._cache or self.build_verdict_by_unit is None:
                built = {u.unit_code: u.verdict for u in self.units}
            else:
                built = self.build_verdict_by_unit()
            self._cache["verdict_by_unit"] = MappingProxyType(built)
        by_unit: Mapping[str, Outcome] = self._cache["verdict_by_unit"]
        return by_unit

    def unit_dicts(self, *, include_subjects: bool = True) -> list[dict[str, Any]]:
        """Every unit's result as its JSON holds it, in the language in force.

        Written straight from the engine's columns when the unit objects have not been
        built (the same text byte for byte, much faster); from the objects when they
        have.
        """
        if "units" in self._cache or self.write_units is None:
            from drugfree_core.engine.serialize import unit_dict

            return [unit_dict(u, include_subjects) for u in self.units]
        return self.write_units(include_subjects)

    @property
    def unplaced(self) -> tuple[UnplacedSubject, ...]:
        """People who could not be placed in one unit on the date."""
        if "unplaced" not in self._cache:
            self._cache["unplaced"] = self.build_unplaced()
        unplaced: tuple[UnplacedSubject, ...] = self._cache["unplaced"]
        return unplaced

    @property
    def lost_records(self) -> tuple[LostRecord, ...]:
        """Findings and unit facts a rule counts on the date whose unit leads nowhere.

        Each counts for no unit and may be any unit's (see :class:`LostRecord`), each
        once however many rules read it, in the order of their tables and rows.
        """
        if "lost" not in self._cache:
            self._cache["lost"] = () if self.build_lost is None else self.build_lost()
        lost: tuple[LostRecord, ...] = self._cache["lost"]
        return lost

    def unplaced_frame(self) -> pl.DataFrame | None:
        """The unplaced people as a frame, or None once their records exist (use them)."""
        if "unplaced" in self._cache or self.build_unplaced_frame is None:
            return None
        if "unplaced_frame" not in self._cache:
            self._cache["unplaced_frame"] = self.build_unplaced_frame()
        frame: pl.DataFrame = self._cache["unplaced_frame"]
        return frame

    def _key(self) -> tuple[Any, ...]:
        return (
            self.scheme_id,
            self.scheme_version,
            self.reference_date,
            self.parameters,
            self.quarantined,
            self.levels,
            self.coverage_basis,
            self.undetermined,
            self.lost_records,
            self.missing_tables,
            self.units,
            self.unplaced,
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Evaluation):
            return NotImplemented
        return self._key() == other._key()

    __hash__ = None  # type: ignore[assignment]  # results are compared, not hashed

    def unit(self, unit_code: str) -> UnitResult:
        """The result for *unit_code*."""
        for u in self.units:
            if u.unit_code == unit_code:
                return u
        if not isinstance(unit_code, str) or not is_identifier(unit_code):
            # Typed by someone, not a code: it may be personal, so it is not repeated.
            raise UsageError(msg("the unit asked for is no unit code of this evaluation"))
        raise UsageError(msg("unit {unit} is not in this evaluation", unit=repr(unit_code)))

    def verdict_counts(self) -> dict[str, int]:
        """How many units passed, failed, are unknown, or have no data."""
        counts = Counter(u.verdict.value for u in self.verdicts)
        return {o.value: counts.get(o.value, 0) for o in Outcome}

    def covered_count(self) -> int:
        """How many units the dataset covers (every unit but the *no data* ones)."""
        return sum(1 for u in self.verdicts if u.verdict is not Outcome.NO_DATA)

    @property
    def unplaced_anywhere(self) -> int:
        """People and records that may belong to any unit of the evaluation.

        People whose residence is in a unit that ended without a successor, quarantined
        people and facts whose unit cannot be determined (:attr:`undetermined`), and
        valid findings and unit facts inside a rule's look-back window whose unit leads
        nowhere (:attr:`lost_records`). Each could make one passing unit fail, so the
        passes are at least ``pass - unplaced_anywhere``. (People with no residence on
        the date are listed in :attr:`unplaced` but not counted here: a covered unit's
        records are complete, so they do not live in one.)
        """
        listed = {"unplaced", "unplaced_frame"} & set(self._cache)
        if self.count_gone is not None and not listed:
            people = self.count_gone()  # kept where it is computed (on the dataset)
        elif (frame := self.unplaced_frame()) is None:
            people = sum(1 for u in self.unplaced if u.kind == "gone")
        else:
            people = int((frame["why"] == "gone").sum())
        return people + len(self.undetermined) + len(self.lost_records)

    def level_counts(self) -> dict[str, int]:
        """For classification schemes: how many units reached each level."""
        counts = Counter(
            Outcome.NO_DATA.value
            if u.verdict is Outcome.NO_DATA
            else "unknown"
            if u.level is None
            else u.level
            for u in self.verdicts
        )
        return dict(sorted(counts.items()))

    def criterion_counts(self) -> dict[str, dict[str, int]]:
        """Per criterion, how many units passed, failed, are unknown or have no data."""
        # Counted as pairs first: the outcomes' words are read once per pair, not per unit.
        pairs = Counter(pair for u in self.verdicts for pair in u.criteria)
        table: dict[str, dict[str, int]] = {}
        for (criterion_id, outcome), n in pairs.items():
            table.setdefault(criterion_id, dict.fromkeys(_OUTCOME_WORDS, 0))[outcome.value] += n
        return table

    def to_dict(self, *, include_subjects: bool = True) -> dict[str, object]:
        """A JSON-ready dict; ``include_subjects=False`` leaves out every subject id."""
        from drugfree_core.engine.serialize import evaluation_to_dict

        return evaluation_to_dict(self, include_subjects=include_subjects)

    def to_json(self, *, include_subjects: bool = True, indent: int | None = None) -> str:
        """The evaluation as a JSON document (one line unless *indent* is given)."""
        return self.to_json_bytes(include_subjects=include_subjects, indent=indent).decode()

    def to_json_bytes(self, *, include_subjects: bool = True, indent: int | None = None) -> bytes:
        """:meth:`to_json` as UTF-8 bytes, for a file or a socket (no text made between)."""
        from drugfree_core.engine.serialize import evaluation_json

        return evaluation_json(self, include_subjects=include_subjects, indent=indent)


def _verdict_of(unit: UnitResult) -> UnitVerdict:
    return UnitVerdict(
        unit_code=unit.unit_code,
        unit_name=unit.unit_name,
        province_code=unit.province_code,
        verdict=unit.verdict,
        criteria=tuple((c.criterion_id, c.outcome) for c in unit.criteria),
        level=unit.level,
        level_candidates=unit.level_candidates,
    )


def unplaced_note(n: int) -> Message:
    """The note on a passing unit when *n* people or records were placed in no unit."""
    return msgn(
        "not placed in any unit: {n} person or record of the dataset, which may belong to "
        "this unit",
        "not placed in any unit: {n} people or records of the dataset, which may belong to "
        "this unit",
        n,
    )
