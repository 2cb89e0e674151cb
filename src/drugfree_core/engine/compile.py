"""Turn rule trees into columnar results: one frame per rule node, one row per unit.

Every node frame is aligned with ``EvalContext.units`` (same row order), with columns
``outcome`` (Boolean; null = unknown), ``numerator``, ``denominator``, ``observed``,
``failing`` and ``unknown`` (lists of subject ids) and ``reason``.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import math
from collections.abc import Callable
from fractions import Fraction
from functools import singledispatch
from typing import Any

import attrs
import polars as pl

from drugfree_core.engine.context import EvalContext
from drugfree_core.engine.coverage import SINCE_EVER
from drugfree_core.engine.fact_gaps import Parts, first_gaps
from drugfree_core.engine.fact_totals import Ancestors, fact_totals, lineage_ancestors
from drugfree_core.errors import SchemeError
from drugfree_core.i18n import LABELS, Message, Text, bilingual, msg, msgn
from drugfree_core.model._dates import shift
from drugfree_core.model.enums import FactKind, UnitLevel
from drugfree_core.rules import primitives as p
from drugfree_core.rules.describe import threshold_message
from drugfree_core.rules.outcome import Outcome
from drugfree_core.rules.params import reports_due_from
from drugfree_core.rules.primitives import Rule, SubjectPredicate

_IDS = pl.List(pl.String)
NODE_SCHEMA: dict[str, pl.DataType] = {
    "outcome": pl.Boolean(),
    "numerator": pl.Float64(),
    "denominator": pl.Float64(),
    "observed": pl.Float64(),
    "failing": _IDS,
    "unknown": _IDS,
    "reason": pl.String(),
}


@attrs.frozen
class Node:
    """The columnar result of one rule node and of its children."""

    rule: Rule
    path: str
    #: What the node compares with: a message (numbers written in the reader's language
    #: when shown) or a word of the engine (``all``, ``any``, ``not``, ``custom``, ``—``;
    #: empty for a parameter's flag).
    threshold: Text
    frame: pl.DataFrame
    children: tuple[Node, ...] = ()


# A reason is a catalogue message kept in the frame's ``reason`` column as its JSON
# (Message.encode), rendered in the reader's language when shown; a plain string (a
# custom rule's own words) stays as it is.


def _reason(message: Message) -> pl.Expr:
    """*message* as a literal of the ``reason`` column."""
    return pl.lit(message.encode(), dtype=pl.String)


def _counted_reason(message: Message, n: pl.Expr, **params: pl.Expr) -> pl.Expr:
    """Per row, the plural *message* for the count *n*, with integer or date *params*.

    A date parameter is an expression of type ``pl.Date``, written as
    :meth:`Message.encode` writes a date.
    """
    head = {"msgid": message.msgid, "plural": message.plural}
    parts: list[pl.Expr] = [pl.lit(json.dumps(head, ensure_ascii=False)[:-1] + ',"n":')]
    parts.append(n.cast(pl.Int64).cast(pl.String))
    if params:
        parts.append(pl.lit(',"params":{'))
        for k, (name, value) in enumerate(sorted(params.items())):
            parts.append(pl.lit(("," if k else "") + json.dumps(name) + ":"))
            if name in _DATE_PARAMS:
                parts += [pl.lit('{"date":"'), value.dt.to_string("%Y-%m-%d"), pl.lit('"}')]
            else:
                parts.append(value.cast(pl.Int64).cast(pl.String))
        parts.append(pl.lit("}"))
    parts.append(pl.lit("}"))
    return pl.concat_str(parts)


#: The parameters of counted reasons that are dates.
_DATE_PARAMS = frozenset({"since"})


def _valued_reason(message: Message, **values: pl.Expr) -> pl.Expr:
    """Per row, *message* with the numbers *values* (floats) among its parameters.

    Written as :meth:`Message.encode` writes it. A value too large for a float (a sum
    of huge records) is said as ``∞``, which JSON has no number for.
    """
    head = message.to_dict()
    fixed = head.pop("params", {})
    parts: list[pl.Expr] = [pl.lit(_compact(head)[:-1] + ',"params":{')]
    for k, name in enumerate(sorted(fixed)):
        parts.append(pl.lit(("," if k else "") + _compact(name) + ":" + _compact(fixed[name])))
    for k, (name, value) in enumerate(sorted(values.items())):
        number = value.cast(pl.Float64)
        number = pl.when(number == 0).then(pl.lit(0.0)).otherwise(number)  # -0.0 said as 0
        parts.append(pl.lit(("," if k or fixed else "") + _compact(name) + ":"))
        parts.append(
            pl.when(number.is_finite()).then(number.cast(pl.String)).otherwise(pl.lit('"∞"'))
        )
    parts.append(pl.lit("}}"))
    return pl.concat_str(parts)


def _compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


@functools.cache
def decode_reason(raw: str | None) -> Text:
    """The reason a ``reason`` cell holds: a :class:`Message`, a plain text, or ``""``."""
    if not raw:
        return ""
    if raw.startswith('{"msgid":'):
        try:
            return Message.decode(raw)
        except (ValueError, KeyError, TypeError):
            return raw
    return raw


def _aligned(ctx: EvalContext, per_unit: pl.DataFrame, defaults: dict[str, Any]) -> pl.DataFrame:
    """Left-join per-unit values onto every unit in force, in order.

    *defaults* fill the rows of units absent from *per_unit* only: a null inside
    *per_unit* is a real unknown and must stay one.
    """
    keys = ctx.unit_index["unit_code"]
    if per_unit["unit_code"].equals(keys, check_dtypes=True, null_equal=False):
        # Already one row per unit in order (one unit's explanation, a combinator's
        # rows): the key stands beside itself, as the join would leave it, for a few
        # microseconds against the join's 0.2 ms on one row.
        frame = per_unit.hstack([keys.alias("unit_code_right")])
    else:
        # The join keeps the right side's key: null exactly where a unit had no row (a
        # row's key is never null once matched), which marks it without another call.
        frame = ctx.unit_index.join(
            per_unit, on="unit_code", how="left", maintain_order="left", coalesce=False
        )
    kept = tuple((name, type(value), _hashable(value)) for name, value in defaults.items())
    return frame.select(_aligned_columns(frozenset(frame.columns), kept))


def _hashable(value: Any) -> Any:
    """*value* as part of a cache key: a list (the empty lists of people) as a tuple.

    The defaults given are flags, numbers, texts, None and such lists; a default of
    another kind (a dict) would be refused by the cache, not mistaken.
    """
    return tuple(value) if isinstance(value, list) else value


@functools.lru_cache(maxsize=1024)
def _aligned_columns(
    present: frozenset[str], defaults: tuple[tuple[str, type, Any], ...]
) -> tuple[pl.Expr, ...]:
    """The select that fills and casts every column of :data:`NODE_SCHEMA` (one call).

    Made once per set of columns and defaults (a few per rule node): building the
    expressions took about as long as the select itself on one unit's rows. *defaults*
    hold each name's type beside its value, so that ``True`` and ``1`` stay apart (inside
    a list they would not, nor ``0.0`` and ``-0.0``: no default holds either).
    """
    filled = {name: list(value) if kind is list else value for name, kind, value in defaults}
    absent = pl.col("unit_code_right").is_null()
    columns = []
    for name, dtype in NODE_SCHEMA.items():
        if name not in present:
            # repeated to the frame's height: a select of literals alone gives one row
            column = pl.repeat(pl.lit(filled.get(name), dtype=dtype), pl.len())
        elif name in filled:
            default = pl.lit(filled[name], dtype=dtype)
            column = pl.when(absent).then(default).otherwise(pl.col(name))
        else:
            column = pl.col(name)
        columns.append(column.cast(dtype).alias(name))
    return tuple(columns)


# ------------------------------------------------------------------ subject predicates


class _FeatureJoiner:
    """Builds a predicate's expression, joining each feature it reads onto the people.

    A class rather than nested functions: a nested function that calls itself is a
    reference cycle, and this one would hold the date's context (every frame the
    evaluation derived) until the garbage collector found it, not until the date's
    evaluation is dropped.
    """

    def __init__(self, ctx: EvalContext, people: pl.DataFrame) -> None:
        self.ctx = ctx
        self.people = people
        self.joined = 0
        #: Per person, each part of the predicate that coverage begun too late left
        #: undecided (see :meth:`tests_since`).
        self.cut_short: list[pl.Expr] = []

    def feature(self, frame: pl.DataFrame, missing: bool | None) -> pl.Expr:
        """*frame*'s ``value`` per person, *missing* for a person it has no row for."""
        value, found = self.joined_feature(frame)
        return pl.when(found).then(value).otherwise(pl.lit(missing, dtype=pl.Boolean))

    def joined_feature(self, frame: pl.DataFrame, *also: str) -> tuple[pl.Expr, pl.Expr]:
        """*frame*'s ``value`` joined onto the people, and whether each person had a row.

        Columns *also* of *frame* are joined too, as ``{column}{n}`` for this join's *n*.
        """
        self.joined += 1
        name = f"_f{self.joined}"
        marker = f"_m{self.joined}"
        self.people = self.people.join(
            frame.select(
                "subject_id",
                pl.col("value").alias(name),
                pl.lit(True).alias(marker),
                *[pl.col(c).alias(f"{c}{self.joined}") for c in also],
            ),
            on="subject_id",
            how="left",
        )
        return pl.col(name), pl.col(marker).is_not_null()

    def covered_since(self) -> pl.Expr:
        """Per person: since when their row's records are vouched for (null: ever).

        Joined onto the people on first use.
        """
        if "_since" not in self.people.columns:
            since = self.ctx.coverage_after(SINCE_EVER)
            self.people = self.people.join(
                pl.DataFrame(
                    {"unit_code": list(since), "_since": list(since.values())},
                    schema={"unit_code": pl.String, "_since": pl.Date},
                ),
                on="unit_code",
                how="left",
            )
        return pl.col("_since")

    def tests_since(self, days: int, rule: str) -> pl.Expr:
        """:class:`~.primitives.NegativeTestWithin`, *unknown* where the window may lack tests.

        A person whose row's coverage begins after the window does may have had tests
        before it that the data do not hold. Under each rule, only what such tests could
        not change stays decided: a positive found (``latest_negative_no_positive``), a
        latest test on or after that day (``latest_negative``), a negative found
        (``any_negative``).
        """
        ctx = self.ctx
        also = ("latest",) if rule == "latest_negative" else ()
        value, found = self.joined_feature(ctx.test_window(days, rule), *also)
        judged = pl.when(found).then(value).otherwise(pl.lit(False))
        start = shift(ctx.on, -days)
        if not ctx.coverage_after(start):
            return judged
        since = self.covered_since()
        if rule == "latest_negative_no_positive":
            kept = found & ~value  # a positive in the window
        elif rule == "latest_negative":
            # A latest test on a day the records vouch for: none can be missing after it.
            kept = found & (pl.col(f"latest{self.joined}") >= since)
        else:
            kept = found & value  # a negative in the window
        return self.unless_cut_short(judged, since > pl.lit(start), kept)

    def unless_cut_short(self, judged: pl.Expr, short: pl.Expr, kept: pl.Expr) -> pl.Expr:
        """*judged*, or *unknown* where a late coverage (*short*) may hide records.

        Hidden records could change every outcome but those *kept* says they could not;
        the cut is noted for the criterion's reason.
        """
        cut = short & ~kept
        self.cut_short.append(cut)
        return pl.when(cut).then(pl.lit(None, dtype=pl.Boolean)).otherwise(judged)

    def build(self, pred: SubjectPredicate) -> pl.Expr:
        ctx = self.ctx
        if isinstance(pred, p.HasManagementRecord):
            return pl.col("has_record")
        if isinstance(pred, p.SupportProvided):
            return pl.col("support")
        if isinstance(pred, p.InTreatment):
            forms = None if pred.forms is None else tuple(sorted(f.value for f in pred.forms))
            return self.feature(ctx.in_treatment(forms), False)
        if isinstance(pred, p.InCustody):
            return self.feature(ctx.in_custody(), False)
        if isinstance(pred, p.NegativeTestWithin):
            days = int(ctx.value(pred.days))
            rule = ctx.value(pred.rule)
            rule = rule.value if isinstance(rule, p.TestWindowRule) else str(rule)
            return self.tests_since(days, rule)
        if isinstance(pred, p.TestedDuringManagement):
            schedules = tuple(sorted(s.value for s in pred.schedules))
            value, found = self.joined_feature(ctx.tested_during_management(self.people, schedules))
            tested = found & value
            # Nobody's anchor before their row's coverage: nothing to cut (the common case,
            # and one join fewer).
            earliest = self.people["anchor"].min()
            if not isinstance(earliest, dt.date) or not ctx.coverage_after(earliest):
                return tested
            # Tests since management began, when it began before the records did, may be
            # missing: only tests of every schedule found decide.
            return self.unless_cut_short(tested, self.covered_since() > pl.col("anchor"), tested)
        if isinstance(pred, p.SubjectAllOf):
            exprs = [self.build(x) for x in pred.predicates]
            return pl.all_horizontal(exprs) if len(exprs) > 1 else exprs[0]
        if isinstance(pred, p.SubjectAnyOf):
            exprs = [self.build(x) for x in pred.predicates]
            return pl.any_horizontal(exprs) if len(exprs) > 1 else exprs[0]
        if isinstance(pred, p.SubjectNot):
            return ~self.build(pred.predicate)
        raise SchemeError(msg("unsupported subject predicate {type}", type=type(pred).__name__))


# -------------------------------------------------------------------------- measures


@attrs.frozen
class MeasureFrame:
    """Per unit: a measure's lowest and highest possible value and its denominator."""

    #: unit_code, lo, hi, den, members (list), reason; and ``short``, where a unit's
    #: coverage begins after the measure's window does (see :func:`_looking_back`).
    frame: pl.DataFrame
    is_rate: bool
    #: Whether a value between ``lo`` and ``hi`` is simply not known (a unit fact's
    #: records that disagree or may repeat), so that no observed value is given; else
    #: ``lo`` is what is certain (people certainly counted) and is given.
    range_is_unknown: bool = False


def measure_frame(ctx: EvalContext, measure: p.Measure) -> MeasureFrame:
    """The per-unit values of *measure*, aligned with the units in force."""
    units = ctx.units.select(
        "unit_code", pl.col("resident_population").cast(pl.Float64).alias("pop")
    )
    if isinstance(measure, p.SubjectCount | p.SubjectRate):
        people = ctx.population(measure.population)
        counts = people.group_by("unit_code").agg(
            pl.col("member").fill_null(False).sum().cast(pl.Float64).alias("lo"),
            pl.len().cast(pl.Float64).alias("hi"),
            # sorting every unit's people is most of this step: only when they are listed
            (pl.col("subject_id").sort() if ctx.list_subjects else pl.lit([], dtype=_IDS)).alias(
                "members"
            ),
        )
        frame = units.join(counts, on="unit_code", how="left", maintain_order="left").with_columns(
            pl.col("lo").fill_null(0.0),
            pl.col("hi").fill_null(0.0),
            pl.col("members").fill_null([]),
        )
        if isinstance(measure, p.SubjectCount):
            return MeasureFrame(
                frame.with_columns(
                    pl.lit(1.0).alias("den"), pl.lit(None, dtype=pl.String).alias("reason")
                ),
                False,
            )
        return MeasureFrame(_rate(frame), True)
    if isinstance(measure, p.ResidentViolations | p.WantedFugitives | p.DrugUseLocations):
        return _finding_frame(ctx, measure, units)
    if isinstance(measure, p.CommuneShare):
        return MeasureFrame(_commune_share(ctx, measure, units), True)
    start = ctx.window_start(measure.lookback)
    facts = ctx.dataset.unit_facts.filter(
        (pl.col("kind") == measure.kind.value)
        & (pl.col("period_end") <= ctx.on)
        & (pl.col("period_end") >= start)
    )
    # The unit that reported each fact, kept apart from the row it counts for: two
    # communes merged into one, or a province's communes, report different places.
    facts = ctx.resolve_rows(facts.with_columns(pl.col("unit_code").alias("_reporter")))
    value = pl.col("value")
    if isinstance(measure, p.FactLatest):
        # The latest period's value. Records of that period that disagree leave it
        # anywhere between them, whatever their order: decided only where every one of
        # them gives the same outcome, else unknown, and said.
        latest = facts.filter(pl.col("period_end") == pl.col("period_end").max().over("unit_code"))
        agg = latest.group_by("unit_code").agg(
            value.min().alias("lo"), value.max().alias("hi"), pl.col("period_end").first()
        )
        disagree = _facts_disagree(measure.kind.value)
        gaps = None
    else:
        agg = fact_totals(facts, lambda: _lineage_ancestors(ctx))
        disagree = _facts_overlap(measure.kind.value)
        # Only the rows asked for (a unit explained alone has a few among its neighbours').
        asked = facts.filter(pl.col("unit_code").is_in(units["unit_code"].implode()))
        due = reports_due_from(ctx.value(measure.lookback), ctx.on)
        gaps = first_gaps(asked, due, lambda: _report_parts(ctx))
    frame = units.join(agg, on="unit_code", how="left", maintain_order="left").with_columns(
        pl.lit([], dtype=_IDS).alias("members"),
        pl.when(pl.col("lo").is_null())
        .then(_reason(_no_fact(measure.kind.value)))
        .when(pl.col("hi") != pl.col("lo"))
        .then(_valued_reason(disagree, lo=pl.col("lo"), hi=pl.col("hi")))
        .alias("reason"),
    )
    frame = _looking_back(ctx, frame, start, latest=isinstance(measure, p.FactLatest))
    if gaps is not None and gaps.height:
        frame = _unreported(frame, gaps, measure.kind.value)
    if isinstance(measure, p.FactRate):
        return MeasureFrame(_rate(frame), True, range_is_unknown=True)
    return MeasureFrame(frame.with_columns(pl.lit(1.0).alias("den")), False, range_is_unknown=True)


def _unreported(frame: pl.DataFrame, gaps: pl.DataFrame, kind: str) -> pl.DataFrame:
    """*frame* (a fact total) with no upper bound where the reports leave days out.

    What the reports show is the least (``lo``); the days no record covers may have had
    more (:mod:`.fact_gaps`). The reason says so whether or not the least decides (a
    range's reason no longer holds); where coverage already begins late, its own reason
    stays.
    """
    said = pl.DataFrame(
        {
            "unit_code": gaps["unit_code"],
            "_gap": [
                _unreported_days(kind, first, last).encode()
                for first, last in gaps.select("gap_from", "gap_to").iter_rows()
            ],
        },
        schema={"unit_code": pl.String, "_gap": pl.String},
    )
    if "short" not in frame.columns:
        frame = frame.with_columns(pl.lit(None, dtype=pl.String).alias("short"))
    frame = frame.join(said, on="unit_code", how="left", maintain_order="left")
    unseen = pl.col("_gap").is_not_null() & pl.col("lo").is_not_null() & pl.col("short").is_null()
    return frame.with_columns(
        pl.when(unseen).then(pl.lit(math.inf)).otherwise(pl.col("hi")).alias("hi"),
        pl.when(unseen).then(pl.col("_gap")).otherwise(pl.col("reason")).alias("reason"),
    ).drop("_gap")


def _report_parts(ctx: EvalContext) -> Parts:
    """The ways each unit's area was made of on the date, for its reports' days.

    A unit's predecessors by the lineage in force; at province level, a province's
    commune-level units in force too. Once per date, for every fact total.
    """

    def build() -> Parts:
        ways: dict[str, list[list[str]]] = {}
        preds: dict[str, list[str]] = {}
        lineage = ctx.dataset.lineage.filter(pl.col("effective") <= ctx.on)
        for pred, succ in lineage.select("predecessor_code", "successor_code").iter_rows():
            preds.setdefault(succ, []).append(pred)
        for succ, made_of in preds.items():
            ways[succ] = [made_of]
        if ctx.level is UnitLevel.PROVINCE:
            communes: dict[str, list[str]] = {}
            for code, province in ctx.communes.select("unit_code", "province_code").iter_rows():
                communes.setdefault(province, []).append(code)
            for province, codes in communes.items():
                ways.setdefault(province, []).append(codes)
        return ways

    found: Parts = ctx.memo(("report parts",), build)
    return found


def _lineage_ancestors(ctx: EvalContext) -> Ancestors:
    """Every unit that became each unit by the date: once per date, for every fact total."""
    found: Ancestors = ctx.memo(
        ("lineage ancestors",), lambda: lineage_ancestors(ctx.dataset.lineage, ctx.on)
    )
    return found


_FINDING_TABLE = {
    p.ResidentViolations: "drug_law_violations",
    p.WantedFugitives: "wanted_fugitives",
    p.DrugUseLocations: "drug_use_locations",
}


def _finding_frame(
    ctx: EvalContext,
    measure: p.ResidentViolations | p.WantedFugitives | p.DrugUseLocations,
    units: pl.DataFrame,
) -> MeasureFrame:
    """Counts from a finding table; *unknown* for every unit when it was not supplied."""
    table = _FINDING_TABLE[type(measure)]
    if table not in ctx.dataset.supplied:
        if isinstance(measure, p.DrugUseLocations) and measure.facts_when_absent:
            return measure_frame(
                ctx, p.FactTotal(kind=FactKind.DRUG_USE_LOCATIONS, lookback=measure.window)
            )
        frame = units.with_columns(
            pl.lit(None, dtype=pl.Float64).alias("lo"),
            pl.lit(None, dtype=pl.Float64).alias("hi"),
            pl.lit([], dtype=_IDS).alias("members"),
            _reason(msg("the {table} table was not supplied", table=table)).alias("reason"),
            pl.lit(1.0).alias("den"),
        )
        return MeasureFrame(frame, False)
    if isinstance(measure, p.ResidentViolations):
        counts = ctx.resident_violations(measure)
    elif isinstance(measure, p.WantedFugitives):
        counts = ctx.wanted_fugitives(measure.window)
    else:
        counts = ctx.drug_use_locations(measure)
    if "members" not in counts.columns:
        counts = counts.with_columns(pl.lit([], dtype=_IDS).alias("members"))
    frame = units.join(counts, on="unit_code", how="left", maintain_order="left").with_columns(
        pl.col("lo").fill_null(0.0),
        pl.col("hi").fill_null(0.0),
        pl.col("members").fill_null([]),
        pl.lit(None, dtype=pl.String).alias("reason"),
        pl.lit(1.0).alias("den"),
    )
    return MeasureFrame(_looking_back(ctx, frame, ctx.window_start(measure.window)), False)


def _short_coverage(since: dt.date, start: dt.date) -> Message:
    """Why a unit's records may not show all of a window: its coverage begins later."""
    return msg(
        "the data hold this unit's records only from {since}, and the criterion looks "
        "back to {start}: records from between those days may be missing",
        since=since,
        start=start,
    )


def _looking_back(
    ctx: EvalContext, frame: pl.DataFrame, start: dt.date, *, latest: bool = False
) -> pl.DataFrame:
    """*frame* (a measure over a window from *start*) where coverage begins later.

    A unit whose records are vouched for only from a day after *start* may have more to
    count than its records show: what they show is the least (``lo``), and nothing
    bounds it above (``hi`` is infinite), so the measure decides only what that least
    already decides. With *latest* (a latest value: *frame* has the ``period_end`` of
    the latest period found), a latest period that ends before the coverage begins may
    not be the latest: the value is then anything a fact may be (at least 0). The
    reason, in column ``short``, is said where it leaves the outcome *unknown*, and
    where no value is said (a fact's range) whatever the outcome; a reason about the
    records' range, which no longer holds, gives way to it.
    """
    after = ctx.coverage_after(start)
    if not after:
        return frame
    reasons = pl.DataFrame(
        {
            "unit_code": list(after),
            "_since": list(after.values()),
            "short": [_short_coverage(day, start).encode() for day in after.values()],
        },
        schema={"unit_code": pl.String, "_since": pl.Date, "short": pl.String},
    )
    frame = frame.join(reasons, on="unit_code", how="left", maintain_order="left")
    unseen = pl.col("short").is_not_null() & pl.col("lo").is_not_null()
    if latest:
        unseen &= pl.col("period_end") < pl.col("_since")
    return frame.with_columns(
        pl.when(unseen).then(pl.lit(0.0)).otherwise(pl.col("lo")).alias("lo")
        if latest
        else pl.col("lo"),
        pl.when(unseen).then(pl.lit(math.inf)).otherwise(pl.col("hi")).alias("hi"),
        pl.when(unseen).then(pl.lit(None, dtype=pl.String)).otherwise(pl.col("reason")),
        pl.when(unseen).then(pl.col("short")).alias("short"),
    ).drop("_since")


def _commune_share(ctx: EvalContext, measure: p.CommuneShare, units: pl.DataFrame) -> pl.DataFrame:
    """Per province: communes placed by the commune-level scheme (lo..hi) of all in force.

    ``lo`` counts the communes certainly placed, ``hi`` adds those the data cannot decide
    and those with no data (not covered): a share is claimed only when the communes
    known to be placed reach it, and denied only when even every undecided or uncovered
    commune could not.
    """
    if ctx.level is not UnitLevel.PROVINCE:
        raise SchemeError(
            msg(
                "{scheme}: a share of commune-level units is measured for provinces "
                "only (a scheme whose unit_level is province)",
                scheme=str(measure.scheme_id),
            )
        )
    codes = ctx.communes.filter(pl.col("province_code").is_in(units["unit_code"].implode()))
    key = ("commune_share", measure.scheme_id, measure.scheme.version, measure.levels)

    def classify() -> pl.DataFrame:
        rows: list[tuple[str, bool, bool]] = []
        if codes.height:
            # Uncovered communes come back as no data, counted below as undecided.
            evaluation = ctx.evaluate_communes(measure.scheme, codes["unit_code"].to_list())
            for unit in evaluation.units:
                if unit.verdict is Outcome.NO_DATA:
                    # No data is never counted as placed, nor as certainly not placed.
                    rows.append((unit.unit_code, False, True))
                    continue
                if measure.levels:
                    # Each level's own answer, whatever the order of labels puts first: a
                    # commune labelled type III may still reach another level asked for.
                    outcomes = {c.criterion_id: c.outcome for c in unit.criteria}
                    states = [
                        level.reached(outcomes)
                        for level in measure.scheme.levels
                        if level.id in measure.levels
                    ]
                    sure = any(state is True for state in states)
                    maybe = any(state is not False for state in states)
                else:
                    sure = unit.verdict.value == "pass"
                    maybe = unit.verdict.value == "unknown"
                rows.append((unit.unit_code, sure, sure or maybe))
        return pl.DataFrame(
            rows,
            schema={"unit_code": pl.String, "sure": pl.Boolean, "maybe": pl.Boolean},
            orient="row",
        )

    placed: pl.DataFrame = ctx.memo(key, classify)
    per_province = (
        codes.select("unit_code", "province_code")
        .join(placed, on="unit_code", how="left")
        .group_by("province_code")
        .agg(
            pl.col("sure").fill_null(False).sum().cast(pl.Float64).alias("lo"),
            pl.col("maybe").fill_null(True).sum().cast(pl.Float64).alias("hi"),
            pl.len().cast(pl.Float64).alias("_n"),
        )
        .rename({"province_code": "unit_code"})
    )
    frame = units.select("unit_code").join(
        per_province, on="unit_code", how="left", maintain_order="left"
    )
    return frame.with_columns(
        pl.col("lo").fill_null(0.0),
        pl.col("hi").fill_null(0.0),
        pl.lit([], dtype=_IDS).alias("members"),
        pl.when(pl.col("_n") > 0).then(pl.col("_n")).alias("den"),
        pl.when(pl.col("_n").is_null())
        .then(_reason(msg("the province has no commune-level unit in force")))
        .when(pl.col("hi") != pl.col("lo"))
        .then(
            _counted_reason(
                msgn(
                    "between {lo} and {n} commune-level unit, depending on communes the data "
                    "cannot decide or do not cover",
                    "between {lo} and {n} commune-level units, depending on communes the data "
                    "cannot decide or do not cover",
                    0,
                ),
                pl.col("hi"),
                lo=pl.col("lo"),
            )
        )
        .alias("reason"),
    ).drop("_n")


_NO_THRESHOLD = msg("threshold not known").encode()


def _fact_words(kind: str) -> Message | str:
    """A unit fact's kind in words (its code when it has none)."""
    return LABELS.get(kind, kind)


def _no_fact(kind: str) -> Message:
    return msg("no fact on {fact} for the period", fact=_fact_words(kind))


def _facts_disagree(kind: str) -> Message:
    return msg(
        "the records of {fact} for the latest period disagree: its value is anywhere from "
        "{lo} to {hi}",
        fact=_fact_words(kind),
    )


def _unreported_days(kind: str, first: dt.date, last: dt.date) -> Message:
    return msg(
        "no record of {fact} covers {first} to {last}: the total may be higher than the "
        "records show",
        fact=_fact_words(kind),
        first=first,
        last=last,
    )


def _facts_overlap(kind: str) -> Message:
    return msg(
        "some records of {fact} cover the same days and may count the same things: the "
        "total is anywhere from {lo} to {hi}",
        fact=_fact_words(kind),
    )


def _missing_bound(lower: bool) -> Message:
    if lower:
        return msg("the band's lower bound is not known")
    return msg("the band's upper bound is not known")


def _rate(frame: pl.DataFrame) -> pl.DataFrame:
    earlier = pl.col("reason") if "reason" in frame.columns else pl.lit(None, dtype=pl.String)
    reason = (
        pl.when(pl.col("pop").is_null())
        .then(_reason(msg("resident population not known")))
        .when(pl.col("pop") <= 0)
        .then(_reason(msg("resident population is zero")))
        .otherwise(earlier)
    )
    return frame.with_columns(
        pl.when(pl.col("pop") > 0).then(pl.col("pop")).alias("den"), reason.alias("reason")
    )


def _as_fraction(value: Any) -> Fraction | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return Fraction(int(value))
    if isinstance(value, int | Fraction):
        return Fraction(value)
    raise SchemeError(msg("threshold {value} is not an integer or a fraction", value=repr(value)))


def _cmp(op: p.Op, num: pl.Expr, den: pl.Expr, threshold: Fraction) -> pl.Expr:
    """``num / den  op  threshold`` in exact arithmetic: ``num * q  op  p * den``."""
    left = num * threshold.denominator
    right = den * threshold.numerator
    return {
        p.Op.GE: left >= right,
        p.Op.GT: left > right,
        p.Op.LE: left <= right,
        p.Op.LT: left < right,
        p.Op.EQ: left == right,
    }[op]


def _compared(op: p.Op, threshold: Fraction) -> pl.Expr:
    """``measure op threshold`` for a measure known to lie between ``lo`` and ``hi``.

    An order is decided when both ends agree. Equality is false when the threshold lies
    outside the range, true when the range is that one value, and else unknown: both
    ends of a range around the threshold differ from it, yet the value may not.
    """
    den = pl.col("den")
    if op is not p.Op.EQ:
        return _decided(
            _cmp(op, pl.col("lo"), den, threshold), _cmp(op, pl.col("hi"), den, threshold)
        )
    around = _cmp(p.Op.LE, pl.col("lo"), den, threshold) & _cmp(
        p.Op.GE, pl.col("hi"), den, threshold
    )
    return (
        pl.when(~around)
        .then(pl.lit(False))
        .when(pl.col("lo") == pl.col("hi"))
        .then(pl.lit(True))
        .otherwise(pl.lit(None, dtype=pl.Boolean))
    )


def _decided(lo_true: pl.Expr, hi_true: pl.Expr) -> pl.Expr:
    """True/false when the lowest and highest possible values agree, else unknown."""
    return pl.when(lo_true == hi_true).then(lo_true).otherwise(pl.lit(None, dtype=pl.Boolean))


def _measure_node(
    ctx: EvalContext, mf: MeasureFrame, outcome: pl.Expr, fail_lists_members: bool
) -> pl.DataFrame:
    f = mf.frame.with_columns(outcome.alias("outcome"))
    f = f.with_columns(
        *_measure_columns(mf.range_is_unknown, mf.is_rate, fail_lists_members, "short" in f.columns)
    )
    return _aligned(ctx, f, {})


@functools.cache
def _measure_columns(
    range_is_unknown: bool, is_rate: bool, fail_lists_members: bool, has_short: bool
) -> tuple[pl.Expr, ...]:
    """What a measure's node shows beside its outcome, made once per kind of measure."""
    known = (
        pl.when(pl.col("lo").is_null() | pl.col("den").is_null())
        .then(pl.lit(None, dtype=pl.Boolean))
        .otherwise(pl.col("outcome"))
    )
    spread = pl.col("hi") != pl.col("lo")
    short = pl.col("short") if has_short else pl.lit(None, dtype=pl.String)
    # A range that is not known says no value; a count's certain part is said.
    said = ~spread if range_is_unknown else pl.lit(True)
    return (
        known.alias("outcome"),
        pl.when(said).then(pl.col("lo")).alias("numerator"),
        pl.when(pl.lit(is_rate)).then(pl.col("den")).alias("denominator"),
        pl.when(said).then(pl.col("lo") / pl.col("den")).alias("observed"),
        (
            pl.when(pl.lit(fail_lists_members) & (known == False))  # noqa: E712
            .then(pl.col("members"))
            .otherwise(pl.lit([], dtype=_IDS))
        ).alias("failing"),
        pl.lit([], dtype=_IDS).alias("unknown"),
        pl.when(pl.col("reason").is_not_null())
        .then(pl.col("reason"))
        # The coverage's reason where it is why the outcome is not known, or why no value
        # is said: a fact's least over a short record decides some outcomes ("<= 0" with 1
        # found fails), which would otherwise have neither a reason nor a value.
        .when((known.is_null() | ~said) & short.is_not_null() & pl.col("den").is_not_null())
        .then(short)
        .when(spread & known.is_null())
        .then(
            _counted_reason(
                msgn(
                    "between {lo} and {n} person depending on unknown management records",
                    "between {lo} and {n} people depending on unknown management records",
                    0,
                ),
                # (an open count, a record that begins late, has no highest number)
                pl.when(pl.col("hi").is_finite()).then(pl.col("hi")),
                lo=pl.col("lo"),
            )
        )
        .alias("reason"),
    )


# ------------------------------------------------------------------------ unit rules


def compile_node(rule: Any, ctx: EvalContext, path: str) -> Node:
    """The :class:`Node` of *rule*, or *unknown* everywhere if it reads a missing table.

    A rule (other than a combinator, whose parts are checked one by one) that reads a
    table the dataset did not supply is not run: an absent table would look like "nobody"
    or "nothing" and pass it. Which tables a rule reads comes from
    :func:`drugfree_core.rules.tables.tables_needed`, so a primitive a plugin adds is
    covered as soon as it registers its tables.
    """
    if isinstance(rule, p.COMBINATOR_TYPES):
        return compile_rule(rule, ctx, path)
    missing = ctx.missing_tables(rule)
    if not missing:
        return compile_rule(rule, ctx, path)
    names = ", ".join(missing)
    reason = msgn(
        "needs the {tables} table, not supplied in the data",
        "needs the {tables} tables, not supplied in the data",
        len(missing),
        tables=names,
    ).encode()
    frame = _aligned(ctx, ctx.unit_index, {"reason": reason, "failing": [], "unknown": []})
    return Node(rule, path, _threshold_of(rule, ctx), frame)


def _threshold_of(rule: Any, ctx: EvalContext) -> Text:
    if isinstance(rule, p.Compare | p.InBand):
        return threshold_message(rule, ctx.value)
    return {p.AllSatisfy: "all", p.PythonRule: "custom"}.get(type(rule), "—")


@singledispatch
def compile_rule(rule: Any, ctx: EvalContext, path: str) -> Node:
    """The columnar :class:`Node` of *rule* for every unit in force."""
    raise SchemeError(msg("unsupported rule {type}", type=type(rule).__name__))


#: The column a person's outcome under "all satisfy" is in (true, false or unknown).
_SATISFIES = pl.col("_s")


@functools.cache
def _all_satisfy_exprs(
    list_subjects: bool, cut_parts: int
) -> tuple[tuple[pl.Expr, ...], tuple[pl.Expr, ...]]:
    """The per-unit aggregates of "all satisfy" and the outcome and reason read from them.

    Made once per shape (whether people are listed, how many parts of the predicate a
    late coverage may cut short, whose flags are ``_cut{i}``): building them took longer
    than running them on one unit's people.
    """
    s = _SATISFIES
    # Who is undecided for want of records from before the unit's coverage: said apart.
    cut = [pl.col(f"_cut{i}") for i in range(cut_parts)]
    late = (
        [
            (s.is_null() & pl.any_horizontal(cut).fill_null(False)).sum().alias("_late"),
            pl.col("_since").max(),
        ]
        if cut
        else []
    )
    # The outcome reads the counts; the lists of people are made only when asked for.
    lists = (
        [
            pl.col("subject_id").filter(s == False).sort().alias("failing"),  # noqa: E712
            pl.col("subject_id").filter(s.is_null()).sort().alias("unknown"),
        ]
        if list_subjects
        else []
    )
    counted = (
        (s == True).sum().cast(pl.Float64).alias("numerator"),  # noqa: E712
        pl.len().cast(pl.Float64).alias("denominator"),
        (s == False).sum().alias("_failing"),  # noqa: E712
        s.is_null().sum().alias("_unknown"),
        *late,
        *lists,
    )
    undecided = _counted_reason(
        msgn(
            "{n} person with data that cannot decide",
            "{n} people with data that cannot decide",
            0,
        ),
        pl.col("_unknown"),
    )
    if late:
        undecided = (
            pl.when(pl.col("_late") > 0)
            .then(
                _counted_reason(
                    msgn(
                        "{n} person with data that cannot decide, {late} of them because "
                        "this unit's records begin only on {since}",
                        "{n} people with data that cannot decide, {late} of them because "
                        "this unit's records begin only on {since}",
                        0,
                    ),
                    pl.col("_unknown"),
                    late=pl.col("_late"),
                    since=pl.col("_since"),
                )
            )
            .otherwise(undecided)
        )
    judged = (
        pl.when(pl.col("_failing") > 0)
        .then(pl.lit(False))
        .when(pl.col("_unknown") > 0)
        .then(pl.lit(None, dtype=pl.Boolean))
        .otherwise(pl.lit(True))
        .alias("outcome"),
        (pl.col("numerator") / pl.col("denominator")).alias("observed"),
        pl.when(pl.col("_unknown") > 0).then(undecided).alias("reason"),
    )
    return counted, judged


@compile_rule.register
def _(rule: p.AllSatisfy, ctx: EvalContext, path: str) -> Node:
    joiner = _FeatureJoiner(ctx, ctx.population(rule.population))
    pred = joiner.build(rule.predicate)
    people = joiner.people
    # Each part of the predicate that a late coverage cut short, flagged per person.
    cut = [part.alias(f"_cut{i}") for i, part in enumerate(joiner.cut_short)]
    # An uncertain member who fails makes the outcome unknown, not a failure.
    people = people.with_columns((pred | ~pl.col("member")).alias("_s"), *cut)
    counted, judged = _all_satisfy_exprs(ctx.list_subjects, len(joiner.cut_short))
    per_unit = people.group_by("unit_code").agg(*counted).with_columns(*judged)
    frame = _aligned(
        ctx,
        per_unit,
        {"outcome": True, "numerator": 0.0, "denominator": 0.0, "failing": [], "unknown": []},
    )
    return Node(rule, path, "all", frame)


@compile_rule.register
def _(rule: p.Compare, ctx: EvalContext, path: str) -> Node:
    mf = measure_frame(ctx, rule.measure)
    threshold = _as_fraction(ctx.value(rule.value))
    text = threshold_message(rule, ctx.value)
    if threshold is None:
        frame = _aligned(
            ctx,
            ctx.unit_index,
            {"reason": _NO_THRESHOLD, "failing": [], "unknown": []},
        )
        return Node(rule, path, text, frame)
    counts = isinstance(rule.measure, p.SubjectCount | p.ResidentViolations | p.WantedFugitives)
    return Node(rule, path, text, _measure_node(ctx, mf, _compared(rule.op, threshold), counts))


def _band_side(ok: pl.Expr | None) -> pl.Expr:
    return pl.lit(None, dtype=pl.Boolean) if ok is None else ok


@compile_rule.register
def _(rule: p.InBand, ctx: EvalContext, path: str) -> Node:
    mf = measure_frame(ctx, rule.measure)
    lower = _as_fraction(ctx.value(rule.lower))
    upper = _as_fraction(ctx.value(rule.upper))
    text = threshold_message(rule, ctx.value)

    def side(op: p.Op, bound: Fraction | None) -> pl.Expr:
        # Each side is monotone in the measure, so its two range ends decide it.
        if bound is None:
            return _band_side(None)
        at_lo = _cmp(op, pl.col("lo"), pl.col("den"), bound)
        at_hi = _cmp(op, pl.col("hi"), pl.col("den"), bound)
        return _decided(at_lo, at_hi)

    inside = side(p.Op.GE, lower) & side(p.Op.LT, upper)
    if (lower is None or upper is None) and "short" in mf.frame.columns:
        # A bound not known leaves the band undecided whatever the records: said below.
        # Where the other bound decides, a short record still says why no value is.
        short = pl.when(inside.is_not_null()).then(pl.col("short"))
        mf = attrs.evolve(mf, frame=mf.frame.with_columns(short.alias("short")))
    frame = _measure_node(ctx, mf, inside, False)
    if lower is None or upper is None:
        frame = frame.with_columns(
            pl.when(pl.col("outcome").is_null() & pl.col("reason").is_null())
            .then(_reason(_missing_bound(lower is None)))
            .otherwise(pl.col("reason"))
            .alias("reason")
        )
    return Node(rule, path, text, frame)


@compile_rule.register
def _(rule: p.ParamFlag, ctx: EvalContext, path: str) -> Node:
    value = ctx.value(rule.parameter)
    if value is not None and not isinstance(value, bool):
        raise SchemeError(
            msg(
                "parameter {parameter} must be true or false, not {value}",
                parameter=str(rule.parameter.id),
                value=repr(value),
            )
        )
    reason = None if value is not None else f"parameter {rule.parameter.id} is not known"
    frame = _aligned(
        ctx, ctx.unit_index, {"outcome": value, "reason": reason, "failing": [], "unknown": []}
    )
    return Node(rule, path, "", frame)


@compile_rule.register
def _(rule: p.NotYetKnown, ctx: EvalContext, path: str) -> Node:
    frame = _aligned(
        ctx,
        ctx.unit_index,
        {
            "reason": bilingual(rule.reason_en, rule.reason_vi).encode(),
            "failing": [],
            "unknown": [],
        },
    )
    return Node(rule, path, "—", frame)


def _combine(
    rule: Rule,
    ctx: EvalContext,
    path: str,
    children: tuple[Rule, ...],
    outcome: Callable[[list[pl.Expr]], pl.Expr],
    threshold: Text,
) -> Node:
    nodes = tuple(compile_node(child, ctx, f"{path}.{i + 1}") for i, child in enumerate(children))
    outcomes = pl.DataFrame({f"c{i}": n.frame["outcome"] for i, n in enumerate(nodes)})
    cols = [pl.col(f"c{i}") for i in range(len(nodes))]
    passed = pl.sum_horizontal([c.fill_null(False).cast(pl.Int32) for c in cols])
    per_unit = outcomes.select(
        outcome(cols).alias("outcome"),
        passed.cast(pl.Float64).alias("numerator"),
        pl.lit(float(len(nodes))).alias("denominator"),
    ).with_columns((pl.col("numerator") / pl.col("denominator")).alias("observed"))
    frame = pl.concat([ctx.unit_index, per_unit], how="horizontal")
    return Node(rule, path, threshold, _aligned(ctx, frame, {"failing": [], "unknown": []}), nodes)


@compile_rule.register
def _(rule: p.AllOf, ctx: EvalContext, path: str) -> Node:
    return _combine(rule, ctx, path, rule.rules, pl.all_horizontal, "all")


@compile_rule.register
def _(rule: p.AnyOf, ctx: EvalContext, path: str) -> Node:
    return _combine(rule, ctx, path, rule.rules, pl.any_horizontal, "any")


@compile_rule.register
def _(rule: p.AtLeast, ctx: EvalContext, path: str) -> Node:
    def at_least(cols: list[pl.Expr]) -> pl.Expr:
        passed = pl.sum_horizontal([c.fill_null(False).cast(pl.Int32) for c in cols])
        open_ = pl.sum_horizontal([c.is_null().cast(pl.Int32) for c in cols])
        return (
            pl.when(passed >= rule.k)
            .then(pl.lit(True))
            .when(passed + open_ >= rule.k)
            .then(pl.lit(None, dtype=pl.Boolean))
            .otherwise(pl.lit(False))
        )

    # Translators: the threshold of "at least {k} of these {n}" (≥ 2 of 4).
    threshold = msg("≥ {k} of {n}", k=rule.k, n=len(rule.rules))
    return _combine(rule, ctx, path, rule.rules, at_least, threshold)


@compile_rule.register
def _(rule: p.Not, ctx: EvalContext, path: str) -> Node:
    return _combine(rule, ctx, path, (rule.rule,), lambda cols: ~cols[0], "not")


@compile_rule.register
def _(rule: p.PythonRule, ctx: EvalContext, path: str) -> Node:
    from drugfree_core.engine.custom import run_python_rule

    return Node(
        rule,
        path,
        "custom",
        _aligned(ctx, run_python_rule(rule, ctx), {"failing": [], "unknown": []}),
    )
