"""The one entry point of the engine: evaluate a scheme over a dataset at a date."""

from __future__ import annotations

import datetime as dt
import enum
import functools
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import Any

import attrs
import polars as pl

from drugfree_core._args import expect, expect_codes
from drugfree_core._gc import gc_paused
from drugfree_core.dataset.dataset import Dataset, UnitScope
from drugfree_core.engine.compile import Node, compile_node, decode_reason
from drugfree_core.engine.context import EvalContext
from drugfree_core.engine.coverage import no_coverage_reason
from drugfree_core.engine.json_floats import plain_float_expr
from drugfree_core.engine.node_table import node_table
from drugfree_core.engine.placement import (
    commune_codes_on,
    lost_codes,
    undetermined_records,
    unplaced_subjects,
)
from drugfree_core.engine.results import (
    CriterionResult,
    Evaluation,
    LostRecord,
    RuleResult,
    UnitResult,
    UnitVerdict,
)
from drugfree_core.errors import CoverageError, SchemeError, UsageError
from drugfree_core.i18n import Message, Text, msg, msgn, render
from drugfree_core.model._checks import is_identifier
from drugfree_core.model.enums import Provenance, UnitLevel
from drugfree_core.model.periods import AssessmentPeriod, DateOrPeriod
from drugfree_core.rules.describe import describe_rule
from drugfree_core.rules.outcome import Outcome
from drugfree_core.rules.scheme import Criterion, Level, Scheme
from drugfree_core.rules.tables import tables_needed


@functools.cache  # the package metadata is read from disk (1–2 ms a call, every explanation)
def library_version() -> str:
    """The installed drugfree-core version ("0+unknown" from a bare source tree)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("drugfree-core")
    except PackageNotFoundError:  # running from a source tree
        return "0+unknown"


# The JSON's words for outcomes and provenance tags, looked up without the enum's
# ``value`` property (a Python-level descriptor: 0.1 s over a national evaluation).
_WORD: dict[enum.Enum, str] = {m: m.value for kind in (Outcome, Provenance) for m in kind}
_OUTCOME_NAMED = {o.value: o for o in Outcome}
_PASS, _UNKNOWN, _NO_DATA = Outcome.PASS.value, Outcome.UNKNOWN.value, Outcome.NO_DATA.value
#: A rule column's cell (True, False or None) as the word of its outcome.
_OUTCOME_WORD = {True: _PASS, False: Outcome.FAIL.value, None: _UNKNOWN}
#: A node's outcome cell as an outcome (what :meth:`Outcome.from_bool` gives).
_FROM_BOOL = {True: Outcome.PASS, False: Outcome.FAIL, None: Outcome.UNKNOWN}


#: A node frame's columns that the JSON writes as numbers.
_NUMBERS = ("observed", "numerator", "denominator")


class _Columns:
    """A node's frame as Python lists, read once, indexed by unit row."""

    def __init__(self, node: Node, ctx: EvalContext) -> None:
        self.node = node
        f = node.frame
        self.outcome = f["outcome"].to_list()
        self.numerator = f["numerator"].to_list()
        self.denominator = f["denominator"].to_list()
        self.observed = f["observed"].to_list()
        self.failing = f["failing"].to_list()
        self.unknown = f["unknown"].to_list()
        self.raw_reason: list[str | None] = f["reason"].to_list()
        # Each encoded reason decoded once: many units share one (messages are immutable).
        self._reasons: dict[str, Text] = {}
        self._rule_name = type(node.rule).__name__
        self.en = describe_rule(node.rule, "en", ctx.value)
        self.vi = describe_rule(node.rule, "vi", ctx.value)
        self.children = [_Columns(c, ctx) for c in node.children]
        self._head: dict[str, Any] = {
            "id": node.path,
            "rule": self._rule_name,
            "outcome": None,
        }
        if self.en:
            self._head["description_en"] = self.en
        if self.vi:
            self._head["description_vi"] = self.vi
        # The threshold's words are the reader's: a message is rendered once per document
        # (its encoded form is the key of *said*, as a reason's is); an engine word is not.
        threshold = node.threshold
        self._threshold_key = threshold.encode() if isinstance(threshold, Message) else None
        if threshold and self._threshold_key is None:
            self._head["threshold"] = threshold

    @functools.cached_property
    def plain(self) -> bool:
        """Whether every number this node and its children write is a plain float."""
        own = self.node.frame.select(plain_float_expr(pl.col(c)).all() for c in _NUMBERS)
        return all(own.row(0)) and all(c.plain for c in self.children)

    def no_data(self, reason: Message) -> RuleResult:
        """The root of a unit the dataset does not cover: named, not evaluated."""
        return RuleResult(
            id=self.node.path,
            rule=self._rule_name,
            outcome=Outcome.NO_DATA,
            description_en=self.en,
            description_vi=self.vi,
            threshold=self.node.threshold,
            reason=reason,
        )

    def written(
        self,
        i: int,
        include_subjects: bool,
        said: dict[str, str],
        downgraded: str | None = None,
    ) -> dict[str, Any]:
        """What the JSON writes of :meth:`result`, without the result objects (fast path).

        *said* holds each encoded reason's words, so a reason shared by many units is
        rendered once; *downgraded* is the reason of a passing root downgraded to
        unknown, in words (see ``_downgrade``).
        """
        word = _OUTCOME_WORD[self.outcome[i]]
        if downgraded is not None and word == _PASS:
            word = _UNKNOWN
        else:
            downgraded = None
        out = self._written_head(word, said)
        raw = self.raw_reason[i]
        if downgraded is not None:
            out["reason"] = downgraded
        elif raw:
            if raw not in said:
                said[raw] = render(decode_reason(raw))
            out["reason"] = said[raw]
        # spelled out, not looped: this runs for every node of every unit
        observed, numerator, denominator = self.observed[i], self.numerator[i], self.denominator[i]
        if observed is not None:
            out["observed"] = observed
        if numerator is not None:
            out["numerator"] = numerator
        if denominator is not None:
            out["denominator"] = denominator
        if include_subjects:
            if self.failing[i]:
                out["failing_subjects"] = list(self.failing[i])
            if self.unknown[i]:
                out["unknown_subjects"] = list(self.unknown[i])
        if self.children:
            out["children"] = [c.written(i, include_subjects, said) for c in self.children]
        return out

    def written_no_data(self, reason: str, said: dict[str, str]) -> dict[str, Any]:
        """What the JSON writes of :meth:`no_data` (*reason* in words)."""
        out = self._written_head(_NO_DATA, said)
        out["reason"] = reason  # a no-data root always says why
        return out

    def _written_head(self, outcome: str, said: dict[str, str]) -> dict[str, Any]:
        """The node's first keys, in the order the JSON of a result has them."""
        out = self._head.copy()  # the same for every unit but the outcome
        out["outcome"] = outcome
        key = self._threshold_key
        if key is not None:
            if key not in said:
                said[key] = render(self.node.threshold)
            out["threshold"] = said[key]
        return out

    def result(self, i: int) -> RuleResult:
        """The result of unit row *i* (with its parts'): built for every node of every unit."""
        # Spelled out with each value read once: a national evaluation of a large scheme
        # builds half a million of these.
        raw, failing, unknown = self.raw_reason[i], self.failing[i], self.unknown[i]
        return RuleResult(
            id=self.node.path,
            rule=self._rule_name,
            outcome=_FROM_BOOL[self.outcome[i]],
            description_en=self.en,
            description_vi=self.vi,
            observed=self.observed[i],
            numerator=self.numerator[i],
            denominator=self.denominator[i],
            threshold=self.node.threshold,
            failing_subjects=tuple(failing) if failing else (),
            unknown_subjects=tuple(unknown) if unknown else (),
            reason=self._reason(raw) if raw else "",
            children=tuple([c.result(i) for c in self.children]) if self.children else (),
        )

    def _reason(self, raw: str) -> Text:
        reason = self._reasons.get(raw)
        if reason is None:
            reason = self._reasons[raw] = decode_reason(raw)
        return reason


def _affected_units(dataset: Dataset, ctx: EvalContext) -> dict[str, list[Message]]:
    """Why each unit's outcomes cannot be trusted fully: quarantine and unplaced people.

    At province level a province is affected by what affects any of its communes.
    """
    succ = ctx.successors_in_force()
    notes: dict[str, list[Message]] = {}

    def rows(codes: set[str]) -> set[str]:
        return ctx.row_codes({c for raw in codes for c in succ.get(raw, (raw,))})

    quarantined_per_unit: dict[str, int] = {}
    for record in dataset.quarantined:
        for code in rows(set(record.unit_codes)):
            quarantined_per_unit[code] = quarantined_per_unit.get(code, 0) + 1
    for code, n in quarantined_per_unit.items():
        notes.setdefault(code, []).append(quarantined_note(n))
    unplaced_per_unit: dict[str, int] = {}
    # People share a few hundred lists of candidates: each list is resolved once, and
    # counted by polars (listing 17,000 people's lists in Python took ten times longer).
    shared: Counter[tuple[str, ...]] = Counter()
    for candidates, people in ctx.unplaced.group_by("candidates").len().iter_rows():
        shared[tuple(candidates) if candidates else ()] += people
    for candidates, people in shared.items():
        for code in rows(set(candidates)):
            unplaced_per_unit[code] = unplaced_per_unit.get(code, 0) + people
    for code, n in unplaced_per_unit.items():
        notes.setdefault(code, []).append(split_predecessor_note(n))
    for code in sorted(rows(ctx.ambiguous_fact_units())):
        notes.setdefault(code, []).append(
            msg("facts reported on a split predecessor may belong to this unit")
        )
    return notes


def quarantined_note(n: int) -> Message:
    """The note on a unit that *n* quarantined records concern."""
    return msgn(
        "{n} quarantined record concerns this unit", "{n} quarantined records concern this unit", n
    )


def split_predecessor_note(n: int) -> Message:
    """The note on a unit to which *n* people of a split predecessor may belong."""
    return msgn(
        "{n} person living in a split predecessor may belong to this unit",
        "{n} people living in a split predecessor may belong to this unit",
        n,
    )


def _joined(notes: list[Message]) -> Message | None:
    """The notes as one reason (``a; b``), or ``None`` when there are none."""
    if not notes:
        return None
    joined = notes[0]
    for note in notes[1:]:
        joined = msg("{first}; {then}", first=joined, then=note)
    return joined


def no_data_reason(basis: str, on: dt.date) -> Message:
    """Why a unit is *no data*, by how the dataset states its coverage."""
    if basis == "none":
        return msg(
            "no data: the units come from the official map and the dataset declares no "
            "coverage, so it does not say it holds every record of this unit on {date}",
            date=on,
        )
    return msg("no data: the dataset's coverage does not include this unit on {date}", date=on)


def _classify(
    levels: tuple[Level, ...], outcomes: dict[str, Outcome], no_level: str = "none"
) -> tuple[str | None, tuple[str, ...]]:
    """The first level reached, *no_level*, or ``None`` with the levels still possible."""
    candidates: list[str] = []
    for level in levels:
        results = [outcomes.get(cid, Outcome.UNKNOWN) for cid in level.criteria]
        passed = sum(r is Outcome.PASS for r in results)
        open_ = sum(r is Outcome.UNKNOWN for r in results)
        if passed >= level.min_pass and not candidates:
            return level.id, ()
        if passed >= level.min_pass or passed + open_ >= level.min_pass:
            candidates.append(level.id)
            if passed >= level.min_pass:
                break  # lower levels cannot be reached once this one is certain
    if not candidates:
        return no_level, ()
    return None, tuple(candidates)


def _downgrade(result: CriterionResult, why: Message) -> CriterionResult:
    if result.outcome is not Outcome.PASS:
        return result
    from attrs import evolve

    root = evolve(result.result, outcome=Outcome.UNKNOWN, reason=why)
    return evolve(result, outcome=Outcome.UNKNOWN, result=root)


def evaluate(
    dataset: Dataset,
    scheme: Scheme,
    on: DateOrPeriod,
    *,
    units: Iterable[str] | None = None,
    allow_no_coverage: bool = False,
) -> Evaluation:
    """Evaluate *scheme* for every unit in force on *on* at the scheme's level.

    *on* is the reference date, or an :class:`~drugfree_core.model.AssessmentPeriod`
    standing for its last day (``AssessmentPeriod(2025)``: 14 Dec 2025, counting from
    15 Dec 2024). The units are the commune-level units in force, or the provinces for
    a scheme whose ``unit_level`` is province. One columnar pass over the whole
    dataset; pass ``units`` to restrict the output to some unit codes (units in force
    on the date, at that level). Outcomes never claim more than the data shows: missing
    data gives *unknown*, a table the dataset did not supply makes the rules that read
    it *unknown*, and a unit the dataset does not cover is *no data* (never a pass). A
    province is covered only when every one of its commune-level units in force is.

    Raises :class:`~drugfree_core.errors.SchemeError` when no criterion of the scheme is
    in force on *on* (every unit would pass without a check), and
    :class:`~drugfree_core.errors.CoverageError` when the evaluation has units and the
    dataset covers none of them, unless *allow_no_coverage*.
    """
    return _evaluate(dataset, scheme, on, units, allow_no_coverage, list_subjects=True)


def evaluate_verdicts(
    dataset: Dataset,
    scheme: Scheme,
    on: DateOrPeriod,
    *,
    units: Iterable[str] | None = None,
    allow_no_coverage: bool = False,
) -> tuple[UnitVerdict, ...]:
    """Every unit's verdict and criterion outcomes, as :func:`evaluate` gives them.

    The same :attr:`Evaluation.verdicts <drugfree_core.engine.Evaluation.verdicts>`,
    the same checks and errors, for less work: the people behind each outcome are
    counted but not listed (a report's earlier dates, which only count verdicts).
    """
    # Its rule frames hold no lists of people: only its verdicts may be read.
    evaluation = _evaluate(dataset, scheme, on, units, allow_no_coverage, list_subjects=False)
    return evaluation.verdicts


def evaluate_verdict_by_unit(
    dataset: Dataset,
    scheme: Scheme,
    on: DateOrPeriod,
    *,
    units: Iterable[str] | None = None,
    allow_no_coverage: bool = False,
    lost: list[LostRecord] | None = None,
) -> dict[str, Outcome]:
    """Every unit's verdict by unit code, in unit-code order, as :func:`evaluate_verdicts`.

    The same checks and errors, for still less work: no record per unit (see
    :attr:`Evaluation.verdict_by_unit <drugfree_core.engine.Evaluation.verdict_by_unit>`).
    When *lost* is given, the records the rules counted in no unit are added to it
    (:attr:`Evaluation.lost_records <drugfree_core.engine.Evaluation.lost_records>`): a
    report's earlier dates count them with the verdicts.
    """
    evaluation = _evaluate(dataset, scheme, on, units, allow_no_coverage, list_subjects=False)
    if lost is not None:
        lost.extend(evaluation.lost_records)
    return dict(evaluation.verdict_by_unit)


def lost_records(dataset: Dataset, scheme: Scheme, on: DateOrPeriod) -> tuple[LostRecord, ...]:
    """The :attr:`Evaluation.lost_records` of *scheme* over the whole of *dataset* on *on*.

    Found from those records alone, without placing anyone: the facts and findings
    whose unit leads nowhere are cut out with the map (usually there are none, and
    nothing is evaluated) and the scheme's rules counted over them. One unit evaluated on
    its part of the data asks for them (any of them may be its own). The rows are those
    of *dataset*'s tables. Kept on the dataset per scheme and date. Raises what
    :func:`evaluate` raises for a scheme not in force on the date.
    """
    day = on.reference_date if isinstance(on, AssessmentPeriod) else on
    codes = lost_codes(dataset, day)
    if not codes:
        return ()

    def build() -> tuple[Scheme, tuple[LostRecord, ...]]:
        nobody: frozenset[str] = frozenset()
        scope = UnitScope(linked=codes, with_parents=codes, homes=nobody)
        part = dataset.restricted_to(scope, whole_map=True)
        found = _evaluate(part, scheme, day, [], True, list_subjects=False).lost_records
        # The part keeps each table's rows of those units, in order: back to their places.
        wanted = pl.Series(sorted(codes), dtype=pl.String).implode()
        places = {
            table: dataset.frame(table)
            .with_row_index("_row")
            .filter(pl.col("unit_code").is_in(wanted))["_row"]
            .to_list()
            for table in {record.table for record in found}
        }
        kept = (attrs.evolve(r, row=places[r.table][r.row]) for r in found)
        # The scheme is kept with them: its id stays its own while the key is held.
        return scheme, tuple(sorted(kept))

    kept: tuple[Scheme, tuple[LostRecord, ...]] = dataset.derived(
        ("lost records", id(scheme), day), build
    )
    return kept[1]


def same_verdicts(first: Scheme, second: Scheme, on: dt.date) -> bool:
    """Whether *first* and *second* give every unit the same verdict on *on*.

    They do when everything a verdict is decided by is the same: whether the scheme is
    in force, the level of the units judged, the criteria in force (their ids and rules,
    a custom rule's very function, a share of communes' scheme by the same test), every
    parameter's dated values (a rule may read a value as of a record's own date, not
    only the one in force on *on*), and the classification levels in the order they are
    tried, with the label of a unit that reaches none. A province's scheme that adopts
    the national criteria as they stand is then evaluated once with them where only
    verdicts are counted (a report's earlier dates), instead of once more on its own.
    """
    return _verdict_basis(first, on) == _verdict_basis(second, on)


def _verdict_basis(scheme: Scheme, on: dt.date) -> tuple[Any, ...]:
    """What decides the verdicts of *scheme* on *on* (see :func:`same_verdicts`)."""
    return (
        scheme.in_force(on),
        scheme.unit_level,
        tuple((c.id, _rule_basis(c.rule, on)) for c in scheme.criteria_on(on)),
        {p.id: tuple((dv.start, dv.value) for dv in p.values) for p in scheme.parameters},
        scheme.levels_on(on),
        scheme.no_level,
    )


def _rule_basis(item: Any, on: dt.date) -> Any:
    """*item*, a rule or a part of one, as a value equal only for parts that decide alike.

    A rule's own equality leaves out what it cannot compare by content: a custom rule's
    function and the scheme a share of communes evaluates. Here the function counts as
    itself (two functions are the same only if they are one) and the scheme by what
    decides its verdicts.
    """
    if isinstance(item, Scheme):
        return _verdict_basis(item, on)
    if isinstance(item, tuple):
        return tuple(_rule_basis(part, on) for part in item)
    if attrs.has(type(item)):
        fields = attrs.fields(type(item))
        return (type(item), tuple(_rule_basis(getattr(item, f.name), on) for f in fields))
    return item


def _evaluate(
    dataset: Dataset,
    scheme: Scheme,
    on: DateOrPeriod,
    units: Iterable[str] | None,
    allow_no_coverage: bool,
    *,
    list_subjects: bool,
) -> Evaluation:
    """:func:`evaluate`; without *list_subjects*, only the verdicts may be read."""
    expect(dataset, Dataset, msg("the dataset"), msg("a Dataset (see drugfree_core.load)"))
    expect(scheme, Scheme, msg("the scheme"), msg("a Scheme (see drugfree_core.get_scheme)"))
    if isinstance(on, AssessmentPeriod):
        on = on.reference_date
    if not isinstance(on, dt.date) or isinstance(on, dt.datetime):
        raise UsageError(msg("the reference date must be a datetime.date or an AssessmentPeriod"))
    if units is not None:
        units = expect_codes(units, "units")
    if not scheme.in_force(on):
        raise SchemeError(_not_in_force(scheme, on))
    criteria = scheme.criteria_on(on)
    if not criteria:
        raise SchemeError(
            msg(
                "scheme {scheme} has no criterion in force on {date}: evaluating it would "
                "pass every unit without checking anything",
                scheme=scheme.id,
                date=on,
            )
        )
    wanted = None if units is None else frozenset(units)
    held = dataset.records_for
    if held is not None and (wanted is None or not wanted <= held):
        # Every other unit of the part's map would be judged on nobody's records.
        raise UsageError(
            msg(
                "this part of the data holds the people of some units only "
                "(Dataset.records_for): evaluate it with units= among them"
            )
        )
    ctx = EvalContext(
        dataset,
        on,
        scheme.resolve_parameters(on),
        wanted,
        level=scheme.unit_level,
        dated={p.id: p for p in scheme.parameters},
        commune_evaluator=lambda commune_scheme, codes: evaluate(
            dataset, commune_scheme, on, units=codes, allow_no_coverage=True
        ),
        list_subjects=list_subjects,
    )
    if wanted is not None:
        missing = sorted(wanted - set(ctx.unit_index["unit_code"]))
        if missing:
            raise UsageError(_not_a_unit(scheme.unit_level, on, missing))
    if ctx.units.height and not ctx.covered and not allow_no_coverage:
        raise CoverageError(_no_coverage_message(dataset, on, ctx.units.height, scheme.unit_level))
    levels = scheme.levels_on(on)
    nodes = [compile_node(c.rule, ctx, c.id) for c in criteria]
    affected = _affected_units(dataset, ctx)
    # Noted while the criteria were compiled: what the rules counted in no unit.
    lost = ctx.lost_records()
    listed: list[list[dict[str, Any]]] = []

    def unit_rows() -> list[dict[str, Any]]:
        # The units as records, made once for the results or the JSON; the verdicts read
        # the columns (10,000 records nationally before the reform took 13 ms a date).
        if not listed:
            listed.append(ctx.units.to_dicts())
        return listed[0]

    unplaced_frame = ctx.unplaced
    covered = ctx.covered
    commune_reason = no_data_reason(dataset.coverage_basis, on)

    def why_no_data(code: str) -> Message:
        if scheme.unit_level is UnitLevel.COMMUNE_LEVEL:
            return commune_reason
        return province_no_data_reason(ctx, code)

    # A record is placed if it leads to any unit in force, whatever the output is cut to.
    undetermined = undetermined_records(
        dataset.quarantined, ctx.successors_in_force(), commune_codes_on(dataset, on)
    )
    needed: set[str] = set()
    for c in criteria:
        needed |= set(tables_needed(c.rule, _safe(ctx), dataset.supplied))
    missing_tables = tuple(sorted(needed - dataset.supplied))

    read: list[list[_Columns]] = []

    def columns() -> list[_Columns]:
        # read once, whichever of the objects or the JSON is asked for first
        if not read:
            read.append([_Columns(node, ctx) for node in nodes])
        return read[0]

    def write_units(include_subjects: bool) -> list[dict[str, Any]]:
        said: dict[str, str] = {}
        cols = columns()
        return [
            _written_unit(
                i,
                row,
                scheme,
                criteria,
                cols,
                affected,
                levels,
                row["unit_code"] in covered,
                why_no_data(row["unit_code"]),
                include_subjects,
                said,
            )
            for i, row in enumerate(unit_rows())
        ]

    def build_units() -> tuple[UnitResult, ...]:
        # A tree of results per unit (thousands nationally), none in a cycle: collections
        # in the middle would walk them all again for nothing.
        with gc_paused():
            return tuple(
                _unit_result(
                    i,
                    row,
                    scheme,
                    criteria,
                    columns(),
                    affected,
                    levels,
                    row["unit_code"] in covered,
                    why_no_data(row["unit_code"]),
                )
                for i, row in enumerate(unit_rows())
            )

    roots = _Roots(scheme, criteria, nodes, affected, levels, covered)
    return Evaluation(
        scheme_id=scheme.id,
        scheme_version=scheme.version,
        scheme_title_en=scheme.title_en,
        scheme_title_vi=scheme.title_vi,
        reference_date=on,
        library_version=library_version(),
        parameters=tuple(scheme.resolve_parameters(on).values()),
        quarantined=dataset.quarantined,
        levels=tuple(level.id for level in levels),
        unit_level=scheme.unit_level.value,
        no_level=scheme.no_level,
        coverage_basis=dataset.coverage_basis,
        undetermined=undetermined,
        build_lost=lambda: lost,
        missing_tables=missing_tables,
        build_units=build_units,
        build_unplaced=lambda: unplaced_subjects(unplaced_frame),
        build_unplaced_frame=lambda: unplaced_frame,
        write_units=write_units,
        plain_unit_floats=lambda: all(c.plain for c in columns()),
        build_table=lambda include_subjects, verdicts: node_table(
            nodes=nodes,
            criteria=criteria,
            overrides=scheme.overrides,
            units=ctx.units,
            verdicts=verdicts,
            covered=covered,
            affected=affected,
            why_no_data=why_no_data,
            joined=_joined,
            include_subjects=include_subjects,
        ),
        build_verdicts=lambda: roots.verdicts(ctx.units),
        build_verdict_by_unit=lambda: roots.verdict_by_unit(ctx.units),
    )


def province_no_data_reason(ctx: EvalContext, province: str) -> Message:
    """Why a province is *no data*: how many of its commune-level units are not covered."""
    uncovered, total = ctx.uncovered_share(province)
    if not total:
        return msg(
            "no data: the province has no commune-level unit in force on {date}", date=ctx.on
        )
    return msgn(
        "no data: {uncovered} of the province's {n} commune-level unit is not covered by "
        "the dataset on {date}, so its totals are not known",
        "no data: {uncovered} of the province's {n} commune-level units are not covered by "
        "the dataset on {date}, so its totals are not known",
        total,
        uncovered=uncovered,
        date=ctx.on,
    )


def _safe(ctx: EvalContext) -> Any:
    def resolve(item: Any) -> Any:
        try:
            return ctx.value(item)
        except SchemeError:
            return item

    return resolve


def _not_in_force(scheme: Scheme, on: dt.date) -> Message:
    """Why *scheme* cannot be evaluated on *on*: the dates it is in force."""
    start, end = scheme.effective_from, scheme.effective_to
    if start is not None and end is not None:
        return msg(
            "scheme {scheme} is in force from {start} to {end}, not on {date}",
            scheme=scheme.id,
            start=start,
            end=end,
            date=on,
        )
    if start is not None:
        return msg(
            "scheme {scheme} is in force from {start}, not on {date}",
            scheme=scheme.id,
            start=start,
            date=on,
        )
    # A scheme with neither date is always in force; this is one that ended.
    return msg(
        "scheme {scheme} is in force until {end}, not on {date}",
        scheme=scheme.id,
        end=end or on,
        date=on,
    )


def _not_a_unit(level: UnitLevel, on: dt.date, codes: list[str]) -> Message:
    """The error for codes asked for that are not units of *level* in force on *on*.

    A code is repeated only when it could be one (an identifier, not an identity
    number): anything else was typed by someone and may be personal, or break the line.
    """
    shown = ", ".join(code for code in codes if is_identifier(code))
    hidden = sum(1 for code in codes if not is_identifier(code))
    listed: Text = shown
    if hidden:
        unsaid = msgn(
            "{n} value that is no unit code (not repeated)",
            "{n} values that are no unit codes (not repeated)",
            hidden,
        )
        listed = msg("{codes}, {more}", codes=shown, more=unsaid) if shown else unsaid
    if level is UnitLevel.PROVINCE:
        return msg("not a province in force on {date}: {codes}", date=on, codes=listed)
    return msg("not a commune-level unit in force on {date}: {codes}", date=on, codes=listed)


def _no_coverage_message(
    dataset: Dataset, on: dt.date, units: int, level: UnitLevel = UnitLevel.COMMUNE_LEVEL
) -> Message:
    why: Message
    if level is UnitLevel.PROVINCE and dataset.coverage_basis != "none":
        why = msgn(
            "its coverage covers the {n} province in force only in part (a province is "
            "covered when every one of its commune-level units is)",
            "its coverage covers none of the {n} provinces in force in full (a province is "
            "covered when every one of its commune-level units is)",
            units,
        )
    else:
        why = no_coverage_reason(dataset, units)
    return msg(
        "the dataset covers no unit of this evaluation on {date}: {why}. Declare what the "
        "records cover in a coverage table, or allow a result that is all 'no data' "
        "(--allow-no-coverage; in Python, allow_no_coverage)",
        date=on,
        why=why,
    )


def _unit_result(
    i: int,
    row: dict[str, Any],
    scheme: Scheme,
    criteria: tuple[Criterion, ...],
    columns: list[_Columns],
    affected: dict[str, list[Message]],
    levels: tuple[Level, ...],
    covered: bool,
    why_no_data: Message,
) -> UnitResult:
    code = row["unit_code"]
    if not covered:
        return UnitResult(
            unit_code=code,
            unit_name=row["name"],
            province_code=row["province_code"],
            verdict=Outcome.NO_DATA,
            criteria=tuple(
                CriterionResult(
                    criterion_id=criterion.id,
                    outcome=Outcome.NO_DATA,
                    provenance=criterion.provenance.value,
                    result=col.no_data(why_no_data),
                    overridden_by=scheme.overrides.get(f"criterion:{criterion.id}"),
                )
                for criterion, col in zip(criteria, columns, strict=True)
            ),
            affected_by=tuple(affected.get(code, ())),
        )
    why = _joined(affected.get(code, []))
    crits = []
    for criterion, col in zip(criteria, columns, strict=True):
        root = col.result(i)
        cr = CriterionResult(
            criterion_id=criterion.id,
            outcome=root.outcome,
            provenance=criterion.provenance.value,
            result=root,
            overridden_by=scheme.overrides.get(f"criterion:{criterion.id}"),
        )
        crits.append(_downgrade(cr, why) if why else cr)
    verdict, level, candidates, reached = _standing(
        scheme, levels, {c.criterion_id: c.outcome for c in crits}
    )
    return UnitResult(
        unit_code=code,
        unit_name=row["name"],
        province_code=row["province_code"],
        verdict=verdict,
        criteria=tuple(crits),
        level=level,
        level_candidates=candidates,
        levels_reached=reached,
        affected_by=tuple(affected.get(code, ())),
    )


def _written_unit(
    i: int,
    row: dict[str, Any],
    scheme: Scheme,
    criteria: tuple[Criterion, ...],
    columns: list[_Columns],
    affected: dict[str, list[Message]],
    levels: tuple[Level, ...],
    covered: bool,
    why_no_data: Message,
    include_subjects: bool,
    said: dict[str, str],
) -> dict[str, Any]:
    """The JSON of ``_unit_result(...)``, written straight from the columns.

    The same keys in the same order as ``serialize.unit_dict`` writes of the result
    objects (a test holds the two byte for byte); this skips building the objects.
    """
    code = row["unit_code"]
    notes = affected.get(code, [])
    out: dict[str, Any] = {
        "unit_code": code,
        "unit_name": row["name"],
        "province_code": row["province_code"],
    }
    written: list[dict[str, Any]] = []
    outcomes: dict[str, Outcome] = {}
    if covered:
        why = _joined(notes)
        downgraded = None if why is None else render(why)
        for criterion, col in zip(criteria, columns, strict=True):
            root = col.written(i, include_subjects, said, downgraded)
            outcomes[criterion.id] = _OUTCOME_NAMED[root["outcome"]]
            written.append(_written_criterion(scheme, criterion, root))
        verdict, level, candidates, reached = _standing(scheme, levels, outcomes)
    else:
        reason = render(why_no_data)
        for criterion, col in zip(criteria, columns, strict=True):
            root = col.written_no_data(reason, said)
            written.append(_written_criterion(scheme, criterion, root))
        verdict, level, candidates, reached = Outcome.NO_DATA, None, (), ()
    out["verdict"] = _WORD[verdict]
    out["criteria"] = written
    if level is not None:
        out["level"] = level
    if candidates:
        out["level_candidates"] = list(candidates)
    if reached:
        out["levels_reached"] = list(reached)
    if notes:
        out["affected_by"] = [render(note) for note in notes]
    return out


def _written_criterion(
    scheme: Scheme, criterion: Criterion, root: dict[str, Any]
) -> dict[str, Any]:
    out = {
        "criterion_id": criterion.id,
        "outcome": root["outcome"],
        "provenance": _WORD[criterion.provenance],
        "result": root,
    }
    overridden_by = scheme.overrides.get(f"criterion:{criterion.id}")
    if overridden_by:
        out["overridden_by"] = overridden_by
    return out


def _standing(
    scheme: Scheme, levels: tuple[Level, ...], outcomes: dict[str, Outcome]
) -> tuple[Outcome, str | None, tuple[str, ...], tuple[str, ...]]:
    """A covered unit's verdict, level, levels still possible and levels reached."""
    if levels:
        level, candidates = _classify(levels, outcomes, scheme.no_level)
        verdict = Outcome.UNKNOWN if level is None else Outcome.PASS
        reached = tuple(lv.id for lv in scheme.levels if lv.reached(outcomes))
        return verdict, level, candidates, reached
    values = set(outcomes.values())
    verdict = (
        Outcome.FAIL
        if Outcome.FAIL in values
        else Outcome.UNKNOWN
        if Outcome.UNKNOWN in values
        else Outcome.PASS
    )
    return verdict, None, (), ()


#: A covered unit's verdict, criterion outcomes, level and levels still possible.
_Standing = tuple[Outcome, tuple[tuple[str, Outcome], ...], str | None, tuple[str, ...]]


@attrs.frozen(eq=False)
class _Roots:
    """What decides each unit's verdict: the criteria's root columns, and what downgrades.

    A covered unit's criterion outcome is its root's, a pass downgraded to unknown when
    the unit is affected; an uncovered unit is *no data* throughout (as
    :func:`_unit_result` reads them off the built units).
    """

    scheme: Scheme
    criteria: tuple[Criterion, ...]
    nodes: list[Node]
    affected: dict[str, list[Message]]
    levels: tuple[Level, ...]
    covered: frozenset[str]

    def verdicts(self, units: pl.DataFrame) -> tuple[UnitVerdict, ...]:
        """Every unit's verdict record, in the order of *units*."""
        codes = units["unit_code"].to_list()
        rows = zip(
            codes,
            units["name"].to_list(),
            units["province_code"].to_list(),
            self.standings(codes),
            strict=True,
        )
        return tuple(
            UnitVerdict(
                unit_code=code,
                unit_name=name,
                province_code=province,
                verdict=verdict,
                criteria=criteria_outcomes,
                level=level,
                level_candidates=candidates,
            )
            for code, name, province, (verdict, criteria_outcomes, level, candidates) in rows
        )

    def verdict_by_unit(self, units: pl.DataFrame) -> dict[str, Outcome]:
        """Every unit's verdict by code, as :meth:`verdicts` gives it, without the records.

        A report's earlier dates count verdicts only: for the 10,035 communes of a
        national date before the 2025 reform, the pass with records took 22–27 ms, this
        one 5–8.
        """
        codes = units["unit_code"].to_list()
        return dict(zip(codes, (s[0] for s in self.standings(codes)), strict=True))

    def standings(self, codes: list[str]) -> Iterator[_Standing]:
        """Each unit's standing, in the order of *codes* (the units' codes)."""
        ids = [criterion.id for criterion in self.criteria]
        # each unit's row of root outcomes, as a tuple: few distinct ones nationally
        patterns = zip(*(node.frame["outcome"].to_list() for node in self.nodes), strict=True)
        no_data: _Standing = (
            Outcome.NO_DATA,
            tuple((cid, Outcome.NO_DATA) for cid in ids),
            None,
            (),
        )
        read: dict[tuple[tuple[bool | None, ...], bool], _Standing] = {}
        for code, pattern in zip(codes, patterns, strict=True):
            if code not in self.covered:
                yield no_data
                continue
            key = (pattern, bool(self.affected.get(code)))
            standing = read.get(key)
            if standing is None:
                standing = read[key] = _pattern_standing(self.scheme, self.levels, ids, *key)
            yield standing


def _pattern_standing(
    scheme: Scheme,
    levels: tuple[Level, ...],
    ids: list[str],
    pattern: tuple[bool | None, ...],
    downgrade: bool,
) -> _Standing:
    """The standing of a covered unit whose criteria's roots have these outcomes."""
    outcomes = {}
    for cid, value in zip(ids, pattern, strict=True):
        outcome = Outcome.from_bool(value)
        if downgrade and outcome is Outcome.PASS:
            outcome = Outcome.UNKNOWN
        outcomes[cid] = outcome
    verdict, level, candidates, _ = _standing(scheme, levels, outcomes)
    return verdict, tuple(outcomes.items()), level, candidates
