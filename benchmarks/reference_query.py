"""The "speed of light": a hand-written lazy polars query of ``mps-recognition-2024``.

This is what an analyst who knows polars would write to compute the five Thanh Hóa
criteria (TH.C1–C5, see ``drugfree_core.schemes.mps_recognition_2024``) over a folder of
Parquet tables, with the people who make each criterion fail or leave it undecided:
read → evaluate → write, nothing else. It uses no part of drugfree-core (only polars),
skips every check the library does on its input, and knows the rules by heart instead
of compiling them. ``benchmarks/national.py`` measures the library against it, in the
same run, and checks that both give the same verdict, outcomes and subject lists, unit
by unit (:func:`compare`).

Run it on its own::

    python benchmarks/reference_query.py DATA --date 2025-10-01 --format json --out FILE
    python benchmarks/reference_query.py DATA --date 2025-10-01 --unit 00004   # one unit
    python benchmarks/reference_query.py DATA --dates 2025-06-30,2025-10-01 --format json --out FILE

Output: one row per commune-level unit in force (``unit_code``, ``unit_name``,
``province_code``, ``verdict``) and, for every rule node the library reports
(``TH.C1``, ``TH.C2``, ``TH.C2.1``, ``TH.C2.2``, ``TH.C3``, ``TH.C4``, ``TH.C5``),
``<node>`` (pass / fail / unknown), ``<node>.failing`` and ``<node>.unknown`` (sorted
subject ids). A unit the data do not cover on the date (its ``coverage`` rows, see
below) is ``no_data``, and so is each criterion; their parts are null, as the library
reports no parts for them. ``--format csv`` writes the outcomes only, like ``drugfree evaluate
--format csv``. With ``--dates`` the rows of every date follow one another, each with its
``date``.

What it hard-codes, from the scheme and the law (values in force from 15 October 2024 to
30 June 2026, the only dates it accepts): the
30-day window (latest negative, no positive), at most 9 addicts, compulsory-facility and
custody exemptions from C3, management periods of 1 year (illegal users) and 1 or 2
years after rehab (2 without a completed episode), the longest legal rehab episodes
(12 / 12 / 24 months; substitution open-ended), and the merger rule (residences in a
pre-reform commune follow the lineage; a split one leaves the person unplaced and the
candidate units undecided), statutory periods ending at the end of their anniversary
(the Civil Code reading, ``law.period_end_rule``), an illegal user detected and never
given a management decision counting for as long as the status runs, and coverage (a
``coverage.parquet`` row for the unit, its district or its province containing the date;
failing any row, every predecessor covered; without the table, every unit of the data),
with the day the records are vouched for from: the earliest start of the rows holding the
date, or, for a row that starts no later than the unit's first day, the latest start of
its predecessors' rows holding the day before (rows that meet or overlap are joined up
only where both hold the date: the benchmark data have one per unit). Where the records
begin after a window does, what missing tests could change is undecided: a post-rehab
person managed since before that day and not tested, a person with no positive test in
the 30 days.
Lineage is followed one step, which is all the official map has. Every other table must
be there: the reference does not know which criteria a missing table leaves unknown.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import polars as pl

NODES = ("TH.C1", "TH.C2", "TH.C2.1", "TH.C2.2", "TH.C3", "TH.C4", "TH.C5")
CRITERIA = ("TH.C1", "TH.C2", "TH.C3", "TH.C4", "TH.C5")
_COMMUNE_LEVEL = ["commune", "ward", "town", "special_zone"]
_EVER = dt.date(1, 1, 1)  # an open coverage start: records vouched for however far back
# Post-rehab management by the completed episode's form (compulsory as a minor: 1 year).
_POST_REHAB = {
    "voluntary_home_community": "1y",
    "voluntary_facility": "1y",
    "opioid_substitution": "1y",
    "compulsory_facility": "2y",
    "compulsory_facility_minor": "1y",
}
_POST_REHAB_NO_EPISODE = "2y"
_POST_REHAB_SHORTEST = "1y"
_USER_PERIOD = "1y"
_MAX_EPISODE = {
    "voluntary_home_community": "12mo",
    "voluntary_facility": "12mo",
    "compulsory_facility": "24mo",
}
_WINDOW_DAYS = 30
_MAX_ADDICTS = 9
_IDS = pl.List(pl.String)


def _active(start: str, end: str, on: dt.date) -> pl.Expr:
    return (pl.col(start).is_null() | (pl.col(start) <= on)) & (
        pl.col(end).is_null() | (pl.col(end) >= on)
    )


def _feature(people: pl.LazyFrame, frame: pl.LazyFrame, name: str) -> pl.LazyFrame:
    """Join a per-person boolean; a person absent from *frame* gets false."""
    marked = frame.select("subject_id", pl.col("value").alias(name), pl.lit(True).alias("_m"))
    return (
        people.join(marked, on="subject_id", how="left")
        .with_columns(
            pl.when(pl.col("_m").is_null()).then(False).otherwise(pl.col(name)).alias(name)
        )
        .drop("_m")
    )


def _all_satisfy(people: pl.LazyFrame, ok: pl.Expr, node: str) -> pl.LazyFrame:
    """Per unit: outcome, failing and undecided people of an "every one of" criterion."""
    s = (ok | ~pl.col("member")).alias("_s")
    failing = pl.col("subject_id").filter(pl.col("_s") == False).sort()  # noqa: E712
    unknown = pl.col("subject_id").filter(pl.col("_s").is_null()).sort()
    return (
        people.with_columns(s)
        .group_by("unit_code")
        .agg(failing.alias(f"{node}.failing"), unknown.alias(f"{node}.unknown"))
        .with_columns(
            pl.when(pl.col(f"{node}.failing").list.len() > 0)
            .then(pl.lit(False))
            .when(pl.col(f"{node}.unknown").list.len() > 0)
            .then(pl.lit(None, pl.Boolean))
            .otherwise(True)
            .alias(node)
        )
    )


_TABLES = (
    "units",
    "lineage",
    "subjects",
    "residences",
    "status_periods",
    "drug_tests",
    "rehab_episodes",
    "custody_periods",
)
FIRST_DAY = dt.date(2024, 10, 15)  # the scheme comes into force
LAST_DAY = dt.date(2026, 6, 30)  # the day before Law 120/2025 changes rehab durations


def query(
    data: Path,
    on: dt.date,
    unit: str | None = None,
    tables: Mapping[str, pl.DataFrame] | None = None,
) -> pl.LazyFrame:
    """The whole computation as one lazy frame; *unit* restricts it to one unit.

    *tables* are the tables of *data* already read (see :func:`read_tables`), for a run
    over several dates that reads the files once.
    """
    if not FIRST_DAY <= on <= LAST_DAY:
        raise ValueError(f"the hard-coded values hold from {FIRST_DAY} to {LAST_DAY}")

    def scan(table: str) -> pl.LazyFrame:
        if tables is not None:
            return tables[table].lazy()
        return pl.scan_parquet(data / f"{table}.parquet")

    missing = [t for t in _TABLES if not (data / f"{t}.parquet").exists()]
    if missing:
        raise ValueError(f"the reference needs every table; missing: {', '.join(missing)}")

    all_units = scan("units")
    in_force_any = all_units.filter(_active("valid_from", "valid_to", on)).select("code")
    communes = all_units.filter(
        pl.col("kind").cast(pl.String).is_in(_COMMUNE_LEVEL) & _active("valid_from", "valid_to", on)
    )
    if unit is not None:
        communes = communes.filter(pl.col("code") == unit)
    parents = all_units.select(
        pl.col("code").alias("parent_code"),
        pl.col("kind").cast(pl.String).alias("parent_kind"),
        pl.col("parent_code").alias("grandparent"),
    )
    units = (
        communes.join(parents, on="parent_code", how="left")
        .select(
            pl.col("code").alias("unit_code"),
            pl.col("name").alias("unit_name"),
            pl.when(pl.col("parent_kind") == "province")
            .then(pl.col("parent_code"))
            .otherwise(pl.col("grandparent"))
            .alias("province_code"),
            "parent_code",
            "grandparent",
        )
        .sort("unit_code")
    )
    coverage = scan("coverage") if (data / "coverage.parquet").exists() else None
    # Materialised: three criteria and the verdicts read it (computed once, not four times).
    covered = _coverage(coverage, on, units, all_units, scan("lineage")).collect().lazy()
    units = units.drop("parent_code", "grandparent")

    # Where people live on the date, a pre-reform code following the lineage one step.
    successors = (
        scan("lineage")
        .filter(pl.col("effective") <= on)
        .join(in_force_any, left_on="successor_code", right_on="code", how="semi")
        .group_by("predecessor_code")
        .agg(pl.col("successor_code").sort().alias("cands"))
    )
    residences = (
        scan("residences")
        .filter(_active("start", "end", on))
        .select("subject_id", "unit_code")
        .join(successors, left_on="unit_code", right_on="predecessor_code", how="left")
        .with_columns(
            pl.when(pl.col("cands").is_null())
            .then(pl.col("unit_code"))
            .when(pl.col("cands").list.len() == 1)
            .then(pl.col("cands").list.first())
            .alias("unit_code")
        )
    )
    commune_codes = communes.select(pl.col("code").alias("unit_code"))
    # Materialised: every criterion reads it, and the optimiser would compute it again
    # for each (measured: 0.4 s for the whole query this way, 1.5-2 s without).
    placed = (
        residences.join(commune_codes, on="unit_code", how="semi")
        .select("subject_id", "unit_code")
        .collect()
        .lazy()
    )
    # People in a split commune may belong to any of its successors: those stay undecided.
    affected = (
        residences.filter(pl.col("cands").list.len() > 1)
        .select(pl.col("cands").explode().alias("unit_code"))
        .unique()
        .with_columns(pl.lit(True).alias("_affected"))
    )
    subjects = placed.select("subject_id")

    def of_placed(frame: pl.LazyFrame) -> pl.LazyFrame:
        return frame.join(subjects, on="subject_id", how="semi")

    # Statuses running on the date, and whether statutory management still runs.
    statuses = (
        of_placed(scan("status_periods"))
        .filter(_active("start", "end", on))
        .with_columns(
            pl.col("kind").cast(pl.String),
            pl.coalesce("management_start", "start").alias("anchor"),
        )
    )
    episodes = of_placed(scan("rehab_episodes")).with_columns(pl.col("form").cast(pl.String))
    completed = (
        episodes.filter(pl.col("completed") & pl.col("end").is_not_null())
        .select(
            "subject_id",
            pl.col("end").alias("episode_end"),
            pl.when((pl.col("form") == "compulsory_facility") & pl.col("minor"))
            .then(pl.lit("compulsory_facility_minor"))
            .otherwise(pl.col("form"))
            .alias("basis"),
        )
        .sort("subject_id", "episode_end")
    )
    post = (
        statuses.filter(pl.col("kind") == "post_rehab")
        .sort("subject_id", "anchor")
        .join_asof(
            completed,
            left_on="anchor",
            right_on="episode_end",
            by="subject_id",
            strategy="backward",
            check_sortedness=False,
        )
        .with_columns(
            # the anniversary is the last day managed; with no completed episode on record
            # the term is one of the law's: certain within the shortest, unknown up to the
            # longest, over after it
            pl.when(pl.col("basis").is_not_null())
            .then(
                pl.col("anchor").dt.offset_by(
                    pl.col("basis").replace_strict(_POST_REHAB, default=_POST_REHAB_NO_EPISODE)
                )
                >= on
            )
            .when(pl.col("anchor").dt.offset_by(_POST_REHAB_SHORTEST) >= on)
            .then(pl.lit(True))
            .when(pl.col("anchor").dt.offset_by(_POST_REHAB_NO_EPISODE) >= on)
            .then(pl.lit(None, pl.Boolean))
            .otherwise(pl.lit(False))
            .alias("running")
        )
        .drop("episode_end", "basis")
    )
    # An illegal user's year runs from the decision; never given one (no record): for as
    # long as the status runs; not known whether there was one: after the year, unknown.
    by_period = pl.col("anchor").dt.offset_by(_USER_PERIOD) >= on
    record = pl.col("has_management_record")
    user_running = (
        pl.when(pl.col("management_start").is_not_null())
        .then(by_period)
        .when(record.is_not_null() & ~record)
        .then(pl.lit(True))
        .when(record.is_null())
        .then(pl.when(by_period).then(pl.lit(True)).otherwise(pl.lit(None, pl.Boolean)))
        .otherwise(by_period)
    )
    others = statuses.filter(pl.col("kind") != "post_rehab").with_columns(
        pl.when(pl.col("kind") == "illegal_user")
        .then(user_running)
        .otherwise(True)
        .alias("running")
    )
    statuses = (
        pl.concat([others, post], how="diagonal").join(placed, on="subject_id").collect().lazy()
    )

    def population(kinds: list[str], running: bool) -> pl.LazyFrame:
        st = statuses.filter(pl.col("kind").is_in(kinds))
        certain = pl.lit(True)
        if running:
            # a person whose management may or may not run is a member, undecided
            st = st.filter(pl.col("running").is_null() | pl.col("running"))
            certain = pl.col("running").fill_null(False)
        return st.group_by("subject_id", "unit_code").agg(
            pl.when(certain)
            .then(pl.lit(True))
            .otherwise(pl.lit(None, pl.Boolean))
            .max()
            .alias("member"),
            pl.col("has_management_record").all(ignore_nulls=False).alias("has_record"),
            pl.col("support_provided").all(ignore_nulls=False).alias("support"),
            pl.col("anchor").min(),
        )

    # Rehab running on the date: an open episode older than the legal maximum is stale
    # (unknown); custody; the tests of the last 30 days.
    stale = pl.col("end").is_null() & pl.col("start").dt.offset_by(
        pl.col("form").replace_strict(_MAX_EPISODE, default=None)
    ).lt(on).fill_null(False)
    ongoing = episodes.filter(_active("start", "end", on)).select(
        "subject_id",
        "form",
        pl.when(stale).then(pl.lit(None, pl.Boolean)).otherwise(True).alias("value"),
    )
    treatment = ongoing.group_by("subject_id").agg(pl.col("value").max())
    custody = (
        of_placed(scan("custody_periods"))
        .filter(_active("start", "end", on))
        .select("subject_id")
        .unique()
        .with_columns(pl.lit(True).alias("value"))
    )
    tests = of_placed(scan("drug_tests"))
    window = (
        tests.filter(pl.col("date").is_between(on - dt.timedelta(days=_WINDOW_DAYS), on))
        .group_by("subject_id")
        .agg((~(pl.col("result") == "positive").any()).alias("value"))
    )

    addicts = population(["addict"], running=False)
    c1 = _all_satisfy(
        _feature(_feature(addicts, treatment, "_treated"), custody, "_custody"),
        pl.col("has_record") & (pl.col("_treated") | pl.col("_custody")),
        "TH.C1",
    )
    counts = addicts.group_by("unit_code").agg(
        pl.len().alias("_n"), pl.col("subject_id").sort().alias("_members")
    )
    c2_2 = _all_satisfy(addicts, pl.col("has_record"), "TH.C2.2")

    exempt = (
        ongoing.filter(pl.col("form") == "compulsory_facility")
        .group_by("subject_id")
        .agg(pl.col("value").max().alias("_exempt"))
    )
    in_community = (
        addicts.join(exempt, on="subject_id", how="left")
        .filter(pl.col("_exempt").is_null() | ~pl.col("_exempt"))
        .join(exempt.select("subject_id", pl.lit(True).alias("_has")), on="subject_id", how="left")
        # an addict whose facility episode is stale may or may not be exempt
        .with_columns(
            pl.when(pl.col("_has")).then(pl.lit(None, pl.Boolean)).otherwise(True).alias("member")
        )
        .join(custody, on="subject_id", how="anti")
    )
    since = covered.select("unit_code", "_since")
    window_start = on - dt.timedelta(days=_WINDOW_DAYS)

    def negative(people: pl.LazyFrame) -> pl.LazyFrame:
        # No positive in the window (and a test); with records that begin after the window
        # does, only a positive found decides.
        marked = window.select("subject_id", pl.col("value").alias("_neg"))
        short = pl.col("_since") > window_start
        return (
            people.join(marked, on="subject_id", how="left")
            .join(since, on="unit_code", how="left")
            .with_columns(
                pl.when(short & pl.col("_neg").fill_null(True))
                .then(pl.lit(None, pl.Boolean))
                .otherwise(pl.col("_neg").fill_null(False))
                .alias("_neg")
            )
            .drop("_since")
        )

    c3 = _all_satisfy(negative(in_community), pl.col("_neg"), "TH.C3")
    c4 = _all_satisfy(
        negative(population(["illegal_user", "psychosis"], running=True)),
        pl.col("has_record") & pl.col("_neg"),
        "TH.C4",
    )
    post_people = population(["post_rehab"], running=True)
    tested = (
        tests.join(post_people.select("subject_id", "anchor"), on="subject_id")
        .filter((pl.col("date") >= pl.col("anchor")) & (pl.col("date") <= on))
        .group_by("subject_id")
        .agg(
            (
                (pl.col("schedule") == "periodic").any() & (pl.col("schedule") == "surprise").any()
            ).alias("value")
        )
    )
    # Tests since the anchor, when it lies before the unit's records begin, may be missing:
    # not tested is then not known.
    untold = (pl.col("anchor") < pl.col("_since")) & ~pl.col("_tested")
    c5 = _all_satisfy(
        _feature(post_people, tested, "_tested")
        .join(since, on="unit_code", how="left")
        .with_columns(
            pl.when(untold).then(pl.lit(None, pl.Boolean)).otherwise("_tested").alias("_tested")
        ),
        pl.col("has_record") & pl.col("_tested") & pl.col("support"),
        "TH.C5",
    )

    frame = units
    for part in (c1, c2_2, c3, c4, c5):
        frame = frame.join(part, on="unit_code", how="left", maintain_order="left")
    frame = frame.join(counts, on="unit_code", how="left", maintain_order="left").join(
        affected, on="unit_code", how="left", maintain_order="left"
    )
    empty = pl.lit([], _IDS)
    fills = []
    for node in ("TH.C1", "TH.C2.2", "TH.C3", "TH.C4", "TH.C5"):
        absent = pl.col(f"{node}.failing").is_null()
        fills += [
            pl.when(absent).then(True).otherwise(pl.col(node)).alias(node),
            pl.col(f"{node}.failing").fill_null(empty),
            pl.col(f"{node}.unknown").fill_null(empty),
        ]
    over = pl.col("_n").fill_null(0) > _MAX_ADDICTS
    frame = frame.with_columns(
        *fills,
        (~over).alias("TH.C2.1"),
        pl.when(over).then(pl.col("_members")).otherwise(empty).alias("TH.C2.1.failing"),
        empty.alias("TH.C2.1.unknown"),
        empty.alias("TH.C2.failing"),
        empty.alias("TH.C2.unknown"),
    ).with_columns((pl.col("TH.C2.1") & pl.col("TH.C2.2")).alias("TH.C2"))
    # A criterion passed by a unit that may own unplaced people is only "unknown".
    frame = frame.with_columns(
        pl.when(pl.col("_affected") & pl.col(c))
        .then(pl.lit(None, pl.Boolean))
        .otherwise(pl.col(c))
        .alias(c)
        for c in CRITERIA
    )
    verdict = (
        pl.when(pl.any_horizontal(~pl.col(c) for c in CRITERIA))
        .then(pl.lit("fail"))
        .when(pl.any_horizontal(pl.col(c).is_null() for c in CRITERIA))
        .then(pl.lit("unknown"))
        .otherwise(pl.lit("pass"))
    )

    def word(node: str) -> pl.Expr:
        c = pl.col(node)
        return (
            pl.when(c.is_null())
            .then(pl.lit("unknown"))
            .when(c)
            .then(pl.lit("pass"))
            .otherwise(pl.lit("fail"))
        )

    # A unit the data do not cover: no data, each criterion too, and no parts at all.
    here = pl.col("_covered")

    def node_columns(n: str) -> list[pl.Expr]:
        if n in CRITERIA:
            return [
                pl.when(here).then(word(n)).otherwise(pl.lit("no_data")).alias(n),
                pl.when(here).then(pl.col(f"{n}.failing")).otherwise(empty).alias(f"{n}.failing"),
                pl.when(here).then(pl.col(f"{n}.unknown")).otherwise(empty).alias(f"{n}.unknown"),
            ]
        return [
            pl.when(here).then(word(n)).alias(n),
            pl.when(here).then(pl.col(f"{n}.failing")).alias(f"{n}.failing"),
            pl.when(here).then(pl.col(f"{n}.unknown")).alias(f"{n}.unknown"),
        ]

    return frame.join(covered, on="unit_code", how="left", maintain_order="left").select(
        "unit_code",
        "unit_name",
        "province_code",
        pl.when(here).then(verdict).otherwise(pl.lit("no_data")).alias("verdict"),
        *[x for n in NODES for x in node_columns(n)],
    )


def _coverage(
    coverage: pl.LazyFrame | None,
    on: dt.date,
    units: pl.LazyFrame,
    all_units: pl.LazyFrame,
    lineage: pl.LazyFrame,
) -> pl.LazyFrame:
    """Per unit of *units*: whether the data vouch for it on *on*, and from which day.

    ``_covered`` and ``_since`` (0001-01-01 for a row with no start; null without a
    coverage table, or where the unit is not covered).
    """
    if coverage is None:  # no coverage table: the data's own units are all covered
        return units.select(
            "unit_code", pl.lit(True).alias("_covered"), pl.lit(None, pl.Date).alias("_since")
        )
    rows = coverage.select(
        "unit_code", pl.col("covered_from").fill_null(_EVER).alias("_from"), "covered_to"
    )

    def own(frame: pl.LazyFrame, key: list[str], day: pl.Expr) -> pl.LazyFrame:
        # Per key: whether a row names the unit or one above it (_has), and the earliest
        # start among those holding *day* (_start; null when none holds it).
        owners = pl.concat(
            frame.select(*key, day.alias("_day"), pl.col(c).alias("_owner"))
            for c in ("code", "parent", "grandparent")
        ).drop_nulls("_owner")
        holds = (pl.col("_from") <= pl.col("_day")) & (
            pl.col("covered_to").is_null() | (pl.col("covered_to") >= pl.col("_day"))
        )
        return (
            owners.join(rows, left_on="_owner", right_on="unit_code", how="left")
            .group_by(key)
            .agg(
                pl.col("_from").is_not_null().any().alias("_has"),
                pl.col("_from").filter(holds).min().alias("_start"),
            )
        )

    parents = all_units.select(
        pl.col("code").alias("parent"), pl.col("parent_code").alias("grandparent")
    )
    first_day = all_units.select(pl.col("code").alias("unit_code"), "valid_from")
    links = (
        lineage.filter(pl.col("effective") <= on)
        .select(
            pl.col("successor_code").alias("unit_code"), pl.col("predecessor_code").alias("code")
        )
        .join(
            all_units.select("code", pl.col("parent_code").alias("parent")), on="code", how="left"
        )
        .join(parents, on="parent", how="left")
    )
    mine = own(
        units.select(
            "unit_code", pl.col("unit_code").alias("code"), pl.col("parent_code").alias("parent"),
            "grandparent",
        ),
        ["unit_code"],
        pl.lit(on),
    )  # fmt: skip

    def formed(frame: pl.LazyFrame) -> pl.LazyFrame:
        # every predecessor covered by its own rows (one step of lineage), since the latest
        counted = frame.group_by("unit_code").agg(
            pl.col("_start").is_not_null().all().alias("_all"), pl.col("_start").max()
        )
        return counted.select(
            "unit_code", pl.when(pl.col("_all")).then(pl.col("_start")).alias("_start")
        )

    on_date = formed(own(links, ["unit_code", "code"], pl.lit(on)))
    # A run of its own rows from no later than the unit's first day goes on through the
    # predecessors' rows holding the day before.
    early = mine.join(first_day, on="unit_code").filter(pl.col("_start") <= pl.col("valid_from"))
    before = formed(
        own(
            links.join(early.select("unit_code", "_start"), on="unit_code"),
            ["unit_code", "code"],
            pl.col("_start") - pl.duration(days=1),
        )
    ).rename({"_start": "_before"})
    return (
        units.select("unit_code")
        .join(mine, on="unit_code", how="left")
        .join(on_date.rename({"_start": "_formed"}), on="unit_code", how="left")
        .join(before, on="unit_code", how="left")
        .select(
            "unit_code",
            pl.when(pl.col("_has"))
            .then(pl.col("_start").is_not_null())
            .otherwise(pl.col("_formed").is_not_null())
            .alias("_covered"),
            pl.when(pl.col("_has"))
            .then(pl.coalesce("_before", "_start"))
            .otherwise(pl.col("_formed"))
            .alias("_since"),
        )
    )


def library_rows(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The library's JSON (``evaluate --format json --include-subjects``) in the same shape."""
    rows: dict[str, dict[str, Any]] = {}
    for unit in document["units"]:
        row: dict[str, Any] = {
            "unit_name": unit["unit_name"],
            "province_code": unit["province_code"],
            "verdict": unit["verdict"],
        }
        stack = [c["result"] | {"outcome": c["outcome"]} for c in unit["criteria"]]
        while stack:
            node = stack.pop()
            row[node["id"]] = node["outcome"]
            row[f"{node['id']}.failing"] = node.get("failing_subjects", [])
            row[f"{node['id']}.unknown"] = node.get("unknown_subjects", [])
            stack.extend(node.get("children", ()))
        rows[unit["unit_code"]] = row
    return rows


def compare(reference: pl.DataFrame, document: dict[str, Any]) -> list[str]:
    """Every difference between the reference and the library's JSON, unit by unit."""
    library = library_rows(document)
    ours = {row.pop("unit_code"): row for row in reference.iter_rows(named=True)}
    diffs = [f"{code}: only in the library" for code in sorted(library.keys() - ours.keys())]
    diffs += [f"{code}: only in the reference" for code in sorted(ours.keys() - library.keys())]
    for code in sorted(ours.keys() & library.keys()):
        mine, theirs = ours[code], library[code]
        for key in mine:
            if mine[key] != theirs.get(key):
                diffs.append(f"{code} {key}: reference {mine[key]!r}, library {theirs.get(key)!r}")
    return diffs


def read_tables(data: Path) -> dict[str, pl.DataFrame]:
    """Every table the query reads, read once (the coverage table when there is one)."""
    names = [*_TABLES, *(["coverage"] if (data / "coverage.parquet").exists() else [])]
    return {name: pl.read_parquet(data / f"{name}.parquet") for name in names}


def over_dates(data: Path, dates: list[dt.date]) -> pl.DataFrame:
    """The query on each of *dates*, the files read once: one row per unit and date.

    The work a report's series does (one evaluation per date), done by hand: the same
    work, with nothing shared between the dates but the tables read.
    """
    tables = read_tables(data)
    return pl.concat(
        query(data, on, tables=tables).collect().with_columns(pl.lit(on).alias("date"))
        for on in dates
    )


def write(frame: pl.DataFrame, fmt: str, out: Path) -> None:
    """Write the result: JSON (rows), CSV (outcomes only) or Parquet."""
    if fmt == "json":
        frame.write_json(out)
    elif fmt == "csv":
        frame.select("unit_code", "unit_name", "verdict", *CRITERIA).write_csv(out)
    else:
        frame.write_parquet(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data", type=Path, help="folder of <table>.parquet files")
    parser.add_argument("--date", type=dt.date.fromisoformat, default=dt.date(2025, 10, 1))
    parser.add_argument(
        "--dates",
        type=lambda text: [dt.date.fromisoformat(d) for d in text.split(",")],
        help="comma-separated dates, each evaluated in turn (as a report's series does)",
    )
    parser.add_argument("--unit", help="only this unit (what `drugfree explain` answers)")
    parser.add_argument("--format", choices=("json", "csv", "parquet", "text"), default="text")
    parser.add_argument("--out", type=Path, help="output file (default: a summary on stdout)")
    args = parser.parse_args()
    if args.dates is not None and args.unit is not None:
        parser.error("--dates evaluates every unit: give --unit with --date only")
    if args.dates is not None:
        frame = over_dates(args.data, args.dates)
    else:
        frame = query(args.data, args.date, args.unit).collect()
    if args.out is not None and args.format != "text":
        write(frame, args.format, args.out)
    elif args.unit is not None:
        for row in frame.iter_rows(named=True):
            print(f"{row['unit_code']} {row['unit_name']}: {row['verdict']}")
            for node in NODES:
                print(f"  {node}: {row[node]}  failing {row[node + '.failing']}")
    else:
        print(frame["verdict"].value_counts(sort=True))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
