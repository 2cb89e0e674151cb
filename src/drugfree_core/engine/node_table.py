"""An evaluation as rows per unit and rule node, built from the engine's own columns.

:func:`drugfree_core.engine.tabular.evaluation_frame` gives this table; here it is put
together from the node frames with whole-column operations, with no per-unit object and
no Python list of rows (which took most of the time of writing Parquet nationally). The
rows say what the evaluation's JSON says, in the language in force: a test holds the two
equal.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import polars as pl

from drugfree_core.engine.compile import Node, decode_reason
from drugfree_core.engine.results import UnitVerdict
from drugfree_core.i18n import Message, render
from drugfree_core.rules.outcome import Outcome
from drugfree_core.rules.scheme import Criterion

_TEXT = pl.String()
_IDS = pl.List(pl.String())

#: The columns of the table, in order (see ``evaluation_frame``).
TABLE_SCHEMA: dict[str, pl.DataType] = {
    "unit_code": _TEXT,
    "unit_name": _TEXT,
    "province_code": _TEXT,
    "verdict": _TEXT,
    "level": _TEXT,
    "affected_by": _IDS,
    "criterion_id": _TEXT,
    "provenance": _TEXT,
    "overridden_by": _TEXT,
    "node_id": _TEXT,
    "rule": _TEXT,
    "outcome": _TEXT,
    "observed": pl.Float64(),
    "numerator": pl.Float64(),
    "denominator": pl.Float64(),
    "threshold": _TEXT,
    "reason": _TEXT,
    "failing_count": pl.Int64(),
    "unknown_count": pl.Int64(),
}
#: The columns added when subject ids are asked for.
SUBJECT_COLUMNS: dict[str, pl.DataType] = {"failing_subjects": _IDS, "unknown_subjects": _IDS}


def node_table(
    *,
    nodes: Sequence[Node],
    criteria: Sequence[Criterion],
    overrides: Mapping[str, str],
    units: pl.DataFrame,
    verdicts: Sequence[UnitVerdict],
    covered: frozenset[str],
    affected: Mapping[str, list[Message]],
    why_no_data: Callable[[str], Message],
    joined: Callable[[list[Message]], Message | None],
    include_subjects: bool,
) -> pl.DataFrame:
    """The rows of every unit (``units``, the node frames' row order) and rule node.

    A unit the dataset does not cover has only its criteria's root rows, *no data*, with
    *why_no_data*'s reason; a covered unit's passing root becomes *unknown* when notes
    affect it, the notes (*joined*) its reason, as the unit results say.
    """
    codes = units["unit_code"].to_list()
    per_unit = _unit_columns(codes, units, verdicts, covered, affected, why_no_data, joined)
    parts = []
    order = 0
    for criterion, root in zip(criteria, nodes, strict=True):
        for node in _depth_first(root):
            parts.append(
                _node_rows(node, order, node is root, criterion, overrides, include_subjects)
            )
            order += 1
    rows = pl.concat(parts).join(per_unit, on="_unit", how="left")
    open_ = pl.col("_no_data").is_null()
    downgraded = (
        open_ & pl.col("_root") & pl.col("_downgrade").is_not_null() & (pl.col("outcome") == "pass")
    )
    no_data = Outcome.NO_DATA.value
    rows = (
        rows.filter(open_ | pl.col("_root"))
        .sort("_unit", "_order")
        .with_columns(
            pl.when(~open_)
            .then(pl.lit(no_data))
            .when(downgraded)
            .then(pl.lit(Outcome.UNKNOWN.value))
            .otherwise(pl.col("outcome"))
            .alias("outcome"),
            pl.when(~open_)
            .then(pl.col("_no_data"))
            .when(downgraded)
            .then(pl.col("_downgrade"))
            .otherwise(pl.col("reason"))
            .alias("reason"),
            *(
                pl.when(open_).then(pl.col(name)).alias(name)
                for name in ("observed", "numerator", "denominator")
            ),
            *(
                pl.when(open_).then(pl.col(name)).otherwise(0).alias(name)
                for name in ("failing_count", "unknown_count")
            ),
        )
    )
    names = [*TABLE_SCHEMA]
    if include_subjects:
        rows = rows.with_columns(
            pl.when(open_).then(pl.col(name)).otherwise(pl.lit([], dtype=_IDS)).alias(name)
            for name in SUBJECT_COLUMNS
        )
        names += [*SUBJECT_COLUMNS]
    schema = {**TABLE_SCHEMA, **(SUBJECT_COLUMNS if include_subjects else {})}
    return rows.select(pl.col(name).cast(schema[name]) for name in names)


def _depth_first(node: Node) -> list[Node]:
    out = [node]
    for child in node.children:
        out.extend(_depth_first(child))
    return out


def _unit_columns(
    codes: list[str],
    units: pl.DataFrame,
    verdicts: Sequence[UnitVerdict],
    covered: frozenset[str],
    affected: Mapping[str, list[Message]],
    why_no_data: Callable[[str], Message],
    joined: Callable[[list[Message]], Message | None],
) -> pl.DataFrame:
    """Per unit row: what its rows repeat, and the reasons that replace its roots' own."""
    notes = [affected.get(code, []) for code in codes]
    downgrade = []
    no_data = []
    for code, unit_notes in zip(codes, notes, strict=True):
        why = joined(unit_notes) if code in covered else None
        downgrade.append(None if why is None else render(why))
        no_data.append(None if code in covered else render(why_no_data(code)))
    return pl.DataFrame(
        {
            "_unit": pl.int_range(len(codes), eager=True, dtype=pl.UInt32),
            "unit_code": codes,
            "unit_name": units["name"],
            "province_code": units["province_code"],
            "verdict": [v.verdict.value for v in verdicts],
            "level": [v.level for v in verdicts],
            "affected_by": [[render(note) for note in n] for n in notes],
            "_downgrade": downgrade,
            "_no_data": no_data,
        },
        schema_overrides={
            "level": _TEXT,
            "affected_by": _IDS,
            "_downgrade": _TEXT,
            "_no_data": _TEXT,
            "unit_name": _TEXT,
            "province_code": _TEXT,
        },
    )


def _node_rows(
    node: Node,
    order: int,
    is_root: bool,
    criterion: Criterion,
    overrides: Mapping[str, str],
    include_subjects: bool,
) -> pl.DataFrame:
    """One row per unit of *node*'s frame, with the node's and its criterion's labels."""
    frame = node.frame
    said = {}
    for raw in frame["reason"].drop_nulls().unique().to_list():
        text = render(decode_reason(raw)) if raw else ""
        said[raw] = text or None
    outcome = pl.col("outcome")
    columns: list[pl.Expr] = [
        pl.int_range(pl.len(), dtype=pl.UInt32).alias("_unit"),
        pl.lit(order, dtype=pl.UInt32).alias("_order"),
        pl.lit(is_root).alias("_root"),
        pl.lit(criterion.id, dtype=_TEXT).alias("criterion_id"),
        pl.lit(criterion.provenance.value, dtype=_TEXT).alias("provenance"),
        pl.lit(overrides.get(f"criterion:{criterion.id}") or None, dtype=_TEXT).alias(
            "overridden_by"
        ),
        pl.lit(node.path, dtype=_TEXT).alias("node_id"),
        pl.lit(type(node.rule).__name__, dtype=_TEXT).alias("rule"),
        pl.when(outcome)
        .then(pl.lit(Outcome.PASS.value))
        .when(~outcome)
        .then(pl.lit(Outcome.FAIL.value))
        .otherwise(pl.lit(Outcome.UNKNOWN.value))
        .alias("outcome"),
        pl.col("observed"),
        pl.col("numerator"),
        pl.col("denominator"),
        pl.lit(render(node.threshold) or None, dtype=_TEXT).alias("threshold"),
        pl.col("reason").replace_strict(said, default=None, return_dtype=_TEXT).alias("reason"),
        pl.col("failing").list.len().fill_null(0).cast(pl.Int64).alias("failing_count"),
        pl.col("unknown").list.len().fill_null(0).cast(pl.Int64).alias("unknown_count"),
    ]
    if include_subjects:
        columns += [
            pl.col("failing").fill_null(pl.lit([], dtype=_IDS)).alias("failing_subjects"),
            pl.col("unknown").fill_null(pl.lit([], dtype=_IDS)).alias("unknown_subjects"),
        ]
    return frame.select(columns)


__all__ = ["SUBJECT_COLUMNS", "TABLE_SCHEMA", "node_table"]
