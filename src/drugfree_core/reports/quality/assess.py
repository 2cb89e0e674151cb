"""Run every check and count the issues per unit: :func:`assess_quality`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import polars as pl

from drugfree_core._args import expect, expect_date
from drugfree_core.dataset.dataset import Dataset
from drugfree_core.engine.context import EvalContext
from drugfree_core.errors import SchemeError, UsageError
from drugfree_core.i18n import msg
from drugfree_core.reports.quality.checks import (
    CHECKS,
    ISSUE_SCHEMA,
    Inputs,
    in_force,
    indexed_table,
)
from drugfree_core.reports.quality.records import (
    DIMENSIONS,
    UNPLACED_NAME,
    IssueTable,
    QualityReport,
    QualityRow,
)
from drugfree_core.rules.law import LAW_PARAMETERS
from drugfree_core.rules.params import Parameter
from drugfree_core.rules.scheme import ResolvedParameter


def _inputs(
    dataset: Dataset,
    on: dt.date,
    extracted: dt.date,
    stale_after_days: int,
    law: Sequence[Parameter],
) -> Inputs:
    # The engine's own placement, so quality rows count people where verdicts do; the
    # law's parameters for the checks of legal durations and deadlines.
    resolved = {}
    for parameter in law:
        try:
            dv = parameter.at(on)
        except SchemeError:
            continue
        resolved[parameter.id] = ResolvedParameter(
            id=parameter.id, value=dv.value, citation=dv.citation, provenance=dv.provenance
        )
    ctx = EvalContext(dataset, on, resolved, dated={p.id: p for p in law})
    statuses = indexed_table(ctx, dataset, "status_periods").filter(in_force("start", "end", on))
    people = (
        statuses.select("subject_id")
        .unique()
        .join(ctx.placement, on="subject_id", how="left")
        .select("subject_id", "unit_code")
    )
    return Inputs(
        dataset=dataset,
        on=on,
        extracted=extracted,
        stale_after_days=stale_after_days,
        ctx=ctx,
        # a semi join: half the time of looking each person up (the issues are sorted
        # before anyone reads them, so the order of the rows does not count)
        placed_statuses=statuses.join(
            ctx.placement.select("subject_id"), on="subject_id", how="semi"
        ),
        people=people,
    )


#: Check ids and dimensions as categories while counting: two million issues compare
#: and group them as small numbers, not as texts. Records read them as text.
_CHECK_IDS = pl.Enum([check.id for check in CHECKS])
_DIMENSIONS = pl.Enum(DIMENSIONS)


def _issue_frame(q: Inputs) -> pl.LazyFrame:
    """Every issue of every check, attributed to a unit (lazy; see :func:`_in_order`)."""
    parts = [
        check.run(q)
        .select(ISSUE_SCHEMA.names())
        .cast(ISSUE_SCHEMA)
        .with_columns(
            pl.lit(check.id, dtype=_CHECK_IDS).alias("check"),
            pl.lit(check.dimension, dtype=_DIMENSIONS).alias("dimension"),
            pl.lit(i).alias("_check"),
        )
        for i, check in enumerate(CHECKS)
    ]
    placed = q.ctx.placement.lazy().select("subject_id", pl.col("unit_code").alias("_placed"))
    return (
        pl.concat(parts)
        .join(placed, on="subject_id", how="left", maintain_order="left")
        .with_columns(pl.coalesce("unit_code", "_placed").alias("unit_code"))
    )


def _in_order(issues: pl.LazyFrame) -> pl.LazyFrame:
    """*issues* in reporting order: by unit, then check, then row and location."""
    return issues.sort(
        "unit_code", "_check", "row", "location", nulls_last=True, maintain_order=True
    ).with_columns(pl.col("check", "dimension").cast(pl.String()))


def _counts(frame: pl.DataFrame, name: str) -> pl.DataFrame:
    """Rows per ``unit_code`` (the null group is the unplaced row)."""
    return frame.group_by("unit_code").agg(pl.len().cast(pl.Int64()).alias(name))


def _rows(q: Inputs, issues: pl.DataFrame) -> tuple[QualityRow, ...]:
    """One row per commune-level unit in force, then the unplaced row when it has anything."""
    per_dimension = issues.group_by("unit_code").agg(
        (pl.col("dimension") == d).sum().cast(pl.Int64()).alias(d) for d in DIMENSIONS
    )
    # The people with an issue, by a semi join: less than half the time of listing the
    # issues' distinct people and looking each person up among them.
    flagged = q.people.join(issues.select("subject_id"), on="subject_id", how="semi")
    stats = (
        _counts(q.people, "people")
        .join(
            _counts(flagged, "flagged"),
            on="unit_code",
            how="full",
            coalesce=True,
            nulls_equal=True,
        )
        .join(per_dimension, on="unit_code", how="full", coalesce=True, nulls_equal=True)
    )
    units = q.ctx.units.select("unit_code", pl.col("name").alias("unit_name"), "province_code")
    unplaced = pl.DataFrame(
        {"unit_code": [None], "unit_name": [UNPLACED_NAME], "province_code": [None]},
        schema=units.schema,
    )
    table = pl.concat([units, unplaced]).join(stats, on="unit_code", how="left", nulls_equal=True)
    columns = ("people", "flagged", *DIMENSIONS)
    table = table.with_columns(pl.col(c).fill_null(0) for c in columns)
    nothing = pl.col("unit_code").is_null() & (pl.sum_horizontal(columns) == 0)
    return tuple(QualityRow(**row) for row in table.filter(~nothing).iter_rows(named=True))


def assess_quality(
    dataset: Dataset,
    on: dt.date,
    *,
    stale_after_days: int = 180,
    extracted: dt.date | None = None,
    law: Sequence[Parameter] | None = None,
) -> QualityReport:
    """Assess the subject database on *on* against "đúng, đủ, sạch, sống", per unit.

    *extracted* is the date the data were extracted (default: *on*): records dated
    after it are reported as future-dated (``future_test``, ``future_record``). A report
    on an earlier date passes the run date, so later records are not mistaken for errors.

    *stale_after_days* (INFERRED): a person under a status in force whose latest recorded
    activity is more than this many days before *on* is reported as stale (``stale``).
    Hải Phòng's resolution sets the standard ("sống": kept up to date) but no number;
    180 days, two quarterly follow-ups missed, is this library's assumption. Override it
    with the province's practice.

    *law* holds the drug law's parameters the checks of legal terms and deadlines read
    (default: the built-in :data:`~drugfree_core.rules.law.LAW_PARAMETERS`; a report
    passes its plugin host's, with every dated value plugins added).
    """
    expect(dataset, Dataset, msg("the dataset"), msg("a Dataset (see drugfree_core.load)"))
    if not isinstance(on, dt.date) or isinstance(on, dt.datetime):
        raise UsageError(msg("the assessment date must be a datetime.date"))
    if extracted is not None:
        expect_date(extracted, msg("the extraction date"))
    if isinstance(stale_after_days, bool) or not isinstance(stale_after_days, int):
        raise UsageError(msg("stale_after_days must be a whole number of days"))
    if stale_after_days < 0:
        raise UsageError(msg("stale_after_days must not be negative"))
    if extracted is not None and extracted < on:
        raise UsageError(msg("the extraction date cannot be before the assessment date"))
    q = _inputs(dataset, on, extracted or on, stale_after_days, law or LAW_PARAMETERS)
    issues = _issue_frame(q)
    # What the counts need, without the texts of every issue (made if records are read).
    counted = issues.select("unit_code", "dimension", "check", "subject_id").collect()
    return QualityReport(
        on=on,
        stale_after_days=stale_after_days,
        rows=_rows(q, counted),
        issues=IssueTable(_in_order(issues), counted=counted),
        checks=tuple((c.id, c.dimension, c.description) for c in CHECKS),
    )
