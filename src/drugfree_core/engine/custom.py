"""Custom criteria written as plain Python over one unit's records (run per unit)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs
import polars as pl

from drugfree_core.dataset.dataset import DatasetRecords
from drugfree_core.errors import SchemeError
from drugfree_core.i18n import msg
from drugfree_core.model import Subject, UnitFact
from drugfree_core.rules.outcome import CustomOutcome, Outcome, UnitView

if TYPE_CHECKING:
    from drugfree_core.engine.context import EvalContext
    from drugfree_core.rules.primitives import PythonRule


def _unit_views(ctx: EvalContext) -> dict[str, UnitView]:
    def build() -> dict[str, UnitView]:
        ds = ctx.dataset
        placed = ctx.placement.filter(
            pl.col("unit_code").is_in(ctx.unit_index["unit_code"].implode())
        )
        ids = placed["subject_id"]
        codes = ctx.unit_index["unit_code"]
        mini = attrs.evolve(
            ds,
            units=ds.units.filter(pl.col("code").is_in(codes.implode())),
            lineage=ds.lineage.clear(),
            subjects=ds.subjects.filter(pl.col("id").is_in(ids.implode())),
            residences=ds.residences.filter(pl.col("subject_id").is_in(ids.implode())),
            status_periods=ds.status_periods.filter(pl.col("subject_id").is_in(ids.implode())),
            drug_tests=ds.drug_tests.filter(pl.col("subject_id").is_in(ids.implode())),
            rehab_episodes=ds.rehab_episodes.filter(pl.col("subject_id").is_in(ids.implode())),
            custody_periods=ds.custody_periods.filter(pl.col("subject_id").is_in(ids.implode())),
            unit_facts=ds.unit_facts.filter(pl.col("unit_code").is_in(codes.implode())),
        )
        records = DatasetRecords.from_dataset(mini)
        by_id = {s.id: s for s in records.subjects}
        people: dict[str, list[Subject]] = {}
        for sid, code in placed.iter_rows():
            people.setdefault(code, []).append(by_id[sid])
        facts: dict[str, list[UnitFact]] = {}
        for fact in records.unit_facts:
            facts.setdefault(fact.unit_code, []).append(fact)
        params = {k: v.value for k, v in ctx.parameters.items()}
        return {
            unit.code: UnitView(
                unit=unit,
                on=ctx.on,
                subjects=tuple(people.get(unit.code, ())),
                facts=tuple(facts.get(unit.code, ())),
                parameters=params,
            )
            for unit in records.units
        }

    views: dict[str, UnitView] = ctx.memo("unit_views", build)
    return views


def run_python_rule(rule: PythonRule, ctx: EvalContext) -> pl.DataFrame:
    """Run *rule* for every unit in force; a raising rule is a clear :class:`SchemeError`."""
    views = _unit_views(ctx)
    rows = []
    for code in ctx.unit_index["unit_code"]:
        try:
            result = rule.func(views[code])
        except (Exception, SystemExit) as exc:
            # The rule's own message is left out: it may quote a person's records. The
            # type says what went wrong; `drugfree --debug` shows where.
            if isinstance(exc, SystemExit):
                failed = msg(
                    "custom rule {rule} failed on unit {unit}: it called sys.exit(), which a "
                    "rule must not do",
                    rule=repr(rule.name),
                    unit=code,
                )
            else:
                failed = msg(
                    "custom rule {rule} failed on unit {unit}: it raised {kind}",
                    rule=repr(rule.name),
                    unit=code,
                    kind=type(exc).__name__,
                )
            raise SchemeError(failed) from exc
        if not isinstance(result, CustomOutcome):
            raise SchemeError(
                msg(
                    "custom rule {rule} returned {kind}, not CustomOutcome",
                    rule=repr(rule.name),
                    kind=type(result).__name__,
                )
            )
        rows.append(
            {
                "unit_code": code,
                "outcome": None
                if result.outcome is Outcome.UNKNOWN
                else result.outcome is Outcome.PASS,
                "numerator": result.numerator,
                "denominator": result.denominator,
                "observed": result.observed,
                "failing": list(result.failing_subjects),
                "unknown": [],
                "reason": result.reason or None,
            }
        )
    return pl.DataFrame(
        rows,
        schema={
            "unit_code": pl.String,
            "outcome": pl.Boolean,
            "numerator": pl.Float64,
            "denominator": pl.Float64,
            "observed": pl.Float64,
            "failing": pl.List(pl.String),
            "unknown": pl.List(pl.String),
            "reason": pl.String,
        },
    )
