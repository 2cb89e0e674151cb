"""The quality checks: one small, named, columnar function per kind of problem.

Each check takes the shared :class:`Inputs` and returns one row per issue in the shape
of :data:`ISSUE_SCHEMA`; :data:`CHECKS` lists them in reporting order with their
dimension and description.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import attrs
import polars as pl

from drugfree_core.dataset.dataset import Dataset
from drugfree_core.engine.context import EvalContext
from drugfree_core.model._dates import shift
from drugfree_core.model.enums import SubjectKind
from drugfree_core.rules.params import Deadline

# --- inputs shared by the checks -----------------------------------------------------------

#: What every check returns, one row per issue. A null ``unit_code`` with a subject means
#: "the unit where that person is placed on the date"; ``row`` only orders the output.
ISSUE_SCHEMA = pl.Schema(
    {
        "unit_code": pl.String(),
        "subject_id": pl.String(),
        "record_id": pl.String(),
        "table": pl.String(),
        "row": pl.Int64(),
        "location": pl.String(),
        "detail": pl.String(),
    }
)

_POST_REHAB = SubjectKind.POST_REHAB.value
_OPEN = dt.date.max  # an open end runs forever


def in_force(start: str, end: str, on: dt.date) -> pl.Expr:
    """The row's [start, end] (inclusive; null bounds are open) contains *on*."""
    return (pl.col(start).is_null() | (pl.col(start) <= on)) & (
        pl.col(end).is_null() | (pl.col(end) >= on)
    )


def indexed(frame: pl.DataFrame) -> pl.DataFrame:
    """*frame* with its 0-based row index as ``row``, the issue's location."""
    return frame.with_row_index("row").with_columns(pl.col("row").cast(pl.Int64()))


def _text(column: str) -> pl.Expr:
    """*column* as text for a detail, ``open`` when null (only end dates may be null)."""
    return pl.col(column).cast(pl.String()).fill_null("open")


@attrs.frozen(kw_only=True, eq=False)
class Inputs:
    """What the checks share: the dataset, the date and where people are on it.

    ``ctx`` knows the law's parameters (``law.*``, with every dated value), which the
    checks of legal durations and deadlines read.
    """

    dataset: Dataset
    on: dt.date
    extracted: dt.date
    stale_after_days: int
    ctx: EvalContext
    # Status periods in force on the date, with their row index, of people placed in a unit.
    placed_statuses: pl.DataFrame
    # Everyone under a status in force: subject_id, unit_code (null when unplaced).
    people: pl.DataFrame

    def indexed(self, table: str) -> pl.DataFrame:
        """The dataset's *table* with its row index as ``row`` (see :func:`indexed`).

        Made once per table for every check that reads it (the tests' index alone is
        4 million numbers).
        """
        return indexed_table(self.ctx, self.dataset, table)


def indexed_table(ctx: EvalContext, dataset: Dataset, table: str) -> pl.DataFrame:
    """:func:`indexed` of the dataset's *table*, kept in *ctx* for the next check."""
    frame: pl.DataFrame = ctx.memo(
        ("quality: indexed", table), lambda: indexed(dataset.frame(table))
    )
    return frame


def _subject_issues(frame: pl.DataFrame, table: str, detail: pl.Expr) -> pl.LazyFrame:
    """Issues on rows of a subject table (``row``, ``subject_id``), placed by their subject.

    Lazy: the texts (location, detail) are written only if someone reads them; a report
    that counts the issues never does (1.8 million on the national benchmark data).
    """
    return frame.lazy().select(
        pl.lit(None, dtype=pl.String()).alias("unit_code"),
        pl.col("subject_id"),
        pl.col("subject_id").alias("record_id"),
        pl.lit(table).alias("table"),
        pl.col("row"),
        pl.format(f"{table}[{{}}]", pl.col("row")).fill_null(table).alias("location"),
        detail.alias("detail"),
    )


def _as_before(column: str) -> pl.Expr:
    """Whether *column* holds the same value as in the row before (two nulls are equal)."""
    return pl.col(column).eq_missing(pl.col(column).shift(1))


def _first_copies(frame: pl.DataFrame, keys: list[str]) -> pl.DataFrame:
    """Rows of *frame* that repeat an earlier row on *keys*, with that row as ``first``."""
    # Rows grouped by the first key (exports list each person's records together) sort
    # almost for free. In any other order a 4-million-row sort takes seconds: there one
    # hashing pass finds the few rows whose keys repeat, and only those are sorted
    # (stable, so the earliest row leads its run either way).
    if not frame[keys[0]].is_sorted():
        frame = frame.filter(pl.struct(keys).is_duplicated())
    else:
        # Sorted by another key too within the first (a person's tests by date, statuses
        # by start): copies lie in runs of rows equal on both, and only those runs need
        # sorting (a national status table: 13 ms instead of 83).
        then = next((k for k in keys[1:] if _sorted_by_two(frame, keys[0], k)), None)
        if then is not None:
            # Rows equal on *then* to a neighbour first, by one pass over numbers or days:
            # the people's ids (texts) are compared on those few only (4 million tests:
            # 39 ms to 7). Each row kept beside an equal one keeps that neighbour, and a
            # row kept only for the next one cannot equal the row kept before it (*then*
            # never falls within a person), so the second pass finds what one pass over
            # every row would.
            near = _as_before(then)
            frame = frame.filter(near | near.shift(-1, fill_value=False))
            both = _as_before(keys[0]) & _as_before(then)
            frame = frame.filter(both | both.shift(-1, fill_value=False))
    ordered = frame.sort(keys, maintain_order=True)
    same = pl.all_horizontal(_as_before(k) for k in keys)
    return ordered.with_columns(
        pl.when(same).then(None).otherwise(pl.col("row")).forward_fill().alias("first")
    ).filter(same)


def _sorted_by_two(frame: pl.DataFrame, first: str, second: str) -> bool:
    """Whether *second* never decreases within a run of equal *first* (no null in it).

    *first* is known to be sorted: its equal values are runs of neighbours.
    """
    new_run = ~_as_before(first)
    ascending = new_run | (pl.col(second) >= pl.col(second).shift(1))
    found = frame.select(ascending.fill_null(False).all() & pl.col(second).is_not_null().all())
    return bool(found.item())


def _people_with_overlaps(frame: pl.DataFrame) -> pl.DataFrame:
    """The rows of the people who have two periods that share a day, or *frame* whole.

    Only when *frame* lists each person's periods together, by start: then a period
    overlaps an earlier one of the same person exactly when it starts on or before the
    latest end so far, which one pass finds without grouping (a national status table:
    24 ms, against 230 ms to pair every person's periods). In any other order every row
    is kept and the pairing finds the overlaps alone.
    """
    if not frame["subject_id"].is_sorted() or not _sorted_by_two(frame, "subject_id", "start"):
        return frame
    return _runs_with_overlaps(frame, ["subject_id"])


def _runs_with_overlaps(frame: pl.DataFrame, key: list[str]) -> pl.DataFrame:
    """The rows of the *key* values with two periods that share a day.

    *frame* lists each key's periods together, by start: then a period overlaps an
    earlier one of its key exactly when it starts on or before the latest end so far,
    which one pass finds without grouping.
    """
    # Each key's run of rows gets its own band of numbers, so one running maximum over
    # the whole column restarts at every key (days are shifted to be positive).
    same_key = pl.lit(True)
    for column in key:
        same_key &= _as_before(column)
    band = (~same_key).cum_sum().cast(pl.Int64) * _DAYS_BAND
    end = pl.col("end").fill_null(_OPEN).cast(pl.Int64) + _DAY_SHIFT + band
    start = pl.col("start").cast(pl.Int64) + _DAY_SHIFT + band
    # Lazy, so the band and the comparison with the row before are worked out once
    # for both ends (a national status table: 37 ms eagerly, 18 lazily).
    clashing = (
        frame.lazy().filter(same_key & (start <= end.cum_max().shift(1))).select(key).collect()
    )
    if len(key) == 1:
        return frame.filter(pl.col(key[0]).is_in(clashing[key[0]].unique().implode()))
    return frame.join(clashing.unique(), on=key, how="semi", maintain_order="left")


#: Days are shifted by this to be positive (1 January of year 1 is day -719,162) ...
_DAY_SHIFT = 800_000
#: ... and stay below this (31 December 9999 is day 2,932,896), the band of one person.
_DAYS_BAND = 10_000_000


def _overlaps(frame: pl.DataFrame, by: list[str]) -> pl.DataFrame:
    """Pairs of rows with the same *by* whose periods share a day, once per pair.

    Each pair comes as the later row (by start, then row) with the earlier one's columns
    suffixed ``_other``. A self-join is cheap here: people have few rows of each kind.
    """
    periods = frame.with_columns(pl.col("end").fill_null(_OPEN).alias("_end")).filter(
        pl.len().over(by) > 1
    )
    pairs = periods.join(periods, on=by, suffix="_other")
    other_first = (pl.col("start_other") < pl.col("start")) | (
        (pl.col("start_other") == pl.col("start")) & (pl.col("row_other") < pl.col("row"))
    )
    return pairs.filter(
        other_first
        & (pl.col("start") <= pl.col("_end_other"))
        & (pl.col("start_other") <= pl.col("_end"))
    )


# --- đúng: correct ------------------------------------------------------------------------


def _episode_terms(q: Inputs) -> pl.DataFrame:
    """Rehab episodes with the law's minimum and maximum term for each (days; null: none).

    The term is the one of the law in force when the episode started (Law 120/2025 Art.
    56, ``law.rehab_term_law``), by form and, from 1 July 2026, by rank. Computed once
    for the two checks that read it.
    """
    terms: pl.DataFrame = q.ctx.memo("quality: episode terms", lambda: _build_episode_terms(q))
    return terms


def _build_episode_terms(q: Inputs) -> pl.DataFrame:
    episodes = q.indexed("rehab_episodes")
    terms = episodes.with_columns(
        q.ctx.episode_term("law.rehab_min_duration").alias("_min"),
        q.ctx.episode_term("law.rehab_max_duration").alias("_max"),
    )
    return terms.with_columns(
        pl.col("start").dt.offset_by(pl.col("_min").fill_null("0d")).alias("_earliest"),
        pl.col("start").dt.offset_by(pl.col("_max").fill_null("0d")).alias("_latest"),
        pl.col("form").cast(pl.String()).alias("_form"),
    )


def _check_rehab_short(q: Inputs) -> pl.LazyFrame:
    """A rehab episode completed before the legal minimum term of its form.

    Why: Law 73/2021 sets 6 to 12 months of voluntary rehab and 12 to 24 of compulsory
    rehab (less up to 6 months off for merit); Law 120/2025 sets 24 months for a first
    rehab and 36 from the second, every form, from 1 July 2026. A completed episode
    shorter than that is mistyped, or was not completed. The law in force when the
    episode started applies.
    """
    short = _episode_terms(q).filter(
        # The end day is a day of rehab: 1 Jan to 30 Jun is 6 months.
        pl.col("completed")
        & pl.col("_min").is_not_null()
        & (pl.col("end") + pl.duration(days=1) < pl.col("_earliest"))
    )
    return _subject_issues(
        short,
        "rehab_episodes",
        pl.format(
            "{} rehab completed after {} days, shorter than its legal minimum ({})",
            "_form",
            (pl.col("end") - pl.col("start")).dt.total_days() + 1,
            pl.col("_min"),
        ),
    )


def _check_rehab_overrun(q: Inputs) -> pl.LazyFrame:
    """A rehab episode running past the legal maximum term of its form.

    Why: an open episode older than the law's maximum is stale (the person left or
    finished and nobody closed it), and the engine then cannot say whether the person is
    in treatment; a closed one longer than the maximum is mistyped. The law in force
    when the episode started applies (Law 120/2025 Art. 56).
    """
    terms = _episode_terms(q).filter(pl.col("_max").is_not_null() & (pl.col("start") <= q.on))
    over = terms.filter(
        (pl.col("end").is_null() & (pl.col("_latest") < q.on))
        | (pl.col("end").is_not_null() & (pl.col("end") > pl.col("_latest")))
    )
    return _subject_issues(
        over,
        "rehab_episodes",
        pl.format(
            "{} rehab {} past its legal maximum ({})",
            "_form",
            pl.when(pl.col("end").is_null())
            .then(pl.lit("still open"))
            .otherwise(pl.lit("recorded")),
            pl.col("_max"),
        ),
    )


def _latest_day(deadline: Deadline) -> pl.Expr:
    """Per row: the last day within *deadline* after the status start (as Deadline)."""
    start = pl.col("start")
    if deadline.unit == "working_days":
        # From a weekend day the count starts on Monday, as Deadline.latest_day counts.
        return start.dt.add_business_days(deadline.amount, roll="backward")
    days = deadline.amount if deadline.unit == "days" else -(-deadline.amount // 24)
    return start + pl.duration(days=days)


def _check_late_management_decision(q: Inputs) -> pl.LazyFrame:
    """An illegal user's management decision dated later than the law allows.

    Why: the decision must follow the positive result within 3 working days (commune PC
    chairman, Law 73/2021 with Decree 105/2021) or, from 1 July 2026, within 24 hours
    (commune police chief, Law 120/2025 Art. 24.4.a). The status start stands for the
    day the result was received [INFERRED], and the law in force that day applies.
    Weekends are skipped; public holidays are not known, so the limit may be short.
    """
    law = q.ctx.dated.get("law.user_management_deadline")
    users = q.indexed("status_periods").filter(
        (pl.col("kind").cast(pl.String()) == SubjectKind.ILLEGAL_USER.value)
        & pl.col("management_start").is_not_null()
        & (pl.col("start") <= q.on)
    )
    if law is None:
        return _subject_issues(users.clear(), "status_periods", pl.lit(""))
    latest: pl.Expr = pl.lit(None, dtype=pl.Date)
    limit: pl.Expr = pl.lit(None, dtype=pl.String)
    for dv in law.values:  # later values override earlier ones from their start
        if not isinstance(dv.value, Deadline):
            continue
        applies = pl.col("start") >= dv.start
        latest = pl.when(applies).then(_latest_day(dv.value)).otherwise(latest)
        limit = pl.when(applies).then(pl.lit(str(dv.value))).otherwise(limit)
    first = next((dv for dv in law.values if isinstance(dv.value, Deadline)), None)
    if first is not None:  # a status before the first value: the first value
        latest = pl.coalesce(latest, _latest_day(first.value))  # type: ignore[arg-type]
        limit = pl.coalesce(limit, pl.lit(str(first.value)))
    late = users.with_columns(latest.alias("_latest"), limit.alias("_limit")).filter(
        pl.col("management_start") > pl.col("_latest")
    )
    return _subject_issues(
        late,
        "status_periods",
        pl.format(
            "management decision {} days after the positive result; the law allows {}",
            (pl.col("management_start") - pl.col("start")).dt.total_days(),
            pl.col("_limit"),
        ),
    )


def _check_quarantined_record(q: Inputs) -> pl.LazyFrame:
    """Records a lenient load kept out because they were invalid (``dataset.quarantined``).

    Why: the evaluation never saw them, so the verdicts of the units they concern rest on
    partial data. A record is listed in every commune-level unit in force it concerns (a
    predecessor's code follows lineage), as the engine marks each of them as affected; one
    that concerns none of them goes to the unplaced row.
    """
    successors = q.ctx.successors_in_force()
    communes = set(q.ctx.units["unit_code"])
    rows: list[tuple[object, ...]] = []
    for i, record in enumerate(q.dataset.quarantined):
        codes = {c for raw in record.unit_codes for c in successors.get(raw, (raw,))}
        targets: list[str | None] = [*sorted(codes & communes)] or [None]
        for code in targets:
            rows.append(
                (code, None, record.record_id, record.table, i, record.location, record.reason)
            )
    return pl.DataFrame(rows, schema=ISSUE_SCHEMA, orient="row").lazy()


# --- đủ: sufficient ------------------------------------------------------------------------


def _check_missing_management_record(q: Inputs) -> pl.LazyFrame:
    """A status in force of a placed person that does not say whether a management record exists.

    Why: criteria count people "with a management record"; unstated, the person's
    membership (and the unit's verdict) is unknown.
    """
    rows = q.placed_statuses.filter(pl.col("has_management_record").is_null())
    return _subject_issues(
        rows,
        "status_periods",
        pl.format(
            "{} status from {}: whether a management record exists is not stated",
            pl.col("kind").cast(pl.String()),
            pl.col("start"),
        ),
    )


def _check_missing_support(q: Inputs) -> pl.LazyFrame:
    """A post-rehab status in force of a placed person that does not say whether support was given.

    Why: post-rehab management requires support measures; unstated, that criterion
    cannot be decided for the person.
    """
    rows = q.placed_statuses.filter(
        (pl.col("kind").cast(pl.String()) == _POST_REHAB) & pl.col("support_provided").is_null()
    )
    return _subject_issues(
        rows,
        "status_periods",
        pl.format("post_rehab status from {}: whether support was provided is not stated", "start"),
    )


def _check_missing_management_start(q: Inputs) -> pl.LazyFrame:
    """A status in force of a placed person with a management record but no management start.

    Why: the legal management period runs from the decision; without its date the engine
    falls back to the status start and may misjudge whether management still runs.
    """
    rows = q.placed_statuses.filter(
        pl.col("has_management_record") & pl.col("management_start").is_null()
    )
    return _subject_issues(
        rows,
        "status_periods",
        pl.format(
            "{} status from {}: management record without a management start date",
            pl.col("kind").cast(pl.String()),
            pl.col("start"),
        ),
    )


def _check_missing_population(q: Inputs) -> pl.LazyFrame:
    """A commune-level unit in force whose resident population is not stated.

    Why: criteria expressed per population (rates of users) cannot be computed.
    """
    codes = q.ctx.units["unit_code"]
    rows = q.indexed("units").filter(
        pl.col("code").is_in(codes.implode())
        & in_force("valid_from", "valid_to", q.on)
        & pl.col("resident_population").is_null()
    )
    return rows.lazy().select(
        pl.col("code").alias("unit_code"),
        pl.lit(None, dtype=pl.String()).alias("subject_id"),
        pl.col("code").alias("record_id"),
        pl.lit("units").alias("table"),
        pl.col("row"),
        pl.format("units[{}]", pl.col("row")).alias("location"),
        pl.lit("resident population not stated").alias("detail"),
    )


def _check_unplaced(q: Inputs) -> pl.LazyFrame:
    """A person under a status in force who cannot be placed in a unit on the date.

    Either no residence covers the date, or it lies in a unit that is not in force and
    does not resolve to one successor. Why: the person belongs to no unit's population,
    so no unit answers for them.
    """
    lost = q.people.filter(pl.col("unit_code").is_null()).select("subject_id")
    subjects = q.indexed("subjects").select(pl.col("id").alias("subject_id"), "row")
    rows = lost.join(q.ctx.unplaced, on="subject_id", how="left").join(
        subjects, on="subject_id", how="left"
    )
    resolved = pl.col("subject_id").is_in(q.ctx.unplaced["subject_id"].implode())
    detail = (
        pl.when(pl.col("candidates").is_not_null())
        .then(
            pl.format(
                "resides in a split unit; the successor is not known (one of {})",
                pl.col("candidates").list.join(", "),
            )
        )
        .when(resolved)
        .then(
            pl.lit("resides in a unit that is not a commune-level unit in force, with no successor")
        )
        .otherwise(pl.format("no residence covers {}", pl.lit(q.on)))
    )
    return _subject_issues(rows, "subjects", detail)


# --- sạch: clean ---------------------------------------------------------------------------


def _check_duplicate_test(q: Inputs) -> pl.LazyFrame:
    """A drug test repeating an earlier one: same subject, date, result, method and schedule.

    Why: copies inflate test counts and shares; each copy after the first is one issue.
    """
    tests = q.indexed("drug_tests")
    copies = _first_copies(tests, ["subject_id", "date", "result", "method", "schedule"])
    return _subject_issues(
        copies,
        "drug_tests",
        pl.format(
            "{} {} test on {} repeats drug_tests[{}]",
            pl.col("result").cast(pl.String()),
            pl.col("method").cast(pl.String()),
            pl.col("date"),
            pl.col("first"),
        ),
    )


def _check_duplicate_status(q: Inputs) -> pl.LazyFrame:
    """A status period repeating an earlier one: same subject, kind and start.

    Why: a person counted twice in a population; each copy after the first is one issue.
    """
    statuses = q.indexed("status_periods")
    copies = _first_copies(statuses, ["subject_id", "kind", "start"])
    return _subject_issues(
        copies,
        "status_periods",
        pl.format(
            "{} status from {} repeats status_periods[{}]",
            pl.col("kind").cast(pl.String()),
            pl.col("start"),
            pl.col("first"),
        ),
    )


def _check_overlapping_residences(q: Inputs) -> pl.LazyFrame:
    """Two residences of one person, in different units, that share a day.

    Why: a person lives in one unit at a time, so one of the records is wrong and the
    person may be counted in the wrong unit. One issue per pair, on the later residence.
    (Loaders reject such data; frames built directly may still hold it.)
    """
    residences = _people_with_overlaps(q.indexed("residences"))
    pairs = _overlaps(residences, ["subject_id"]).filter(
        pl.col("unit_code") != pl.col("unit_code_other")
    )
    return _subject_issues(
        pairs,
        "residences",
        pl.format(
            "residence in {} from {} overlaps residences[{}] in {} ({} to {})",
            pl.col("unit_code"),
            pl.col("start"),
            pl.col("row_other"),
            pl.col("unit_code_other"),
            pl.col("start_other"),
            _text("end_other"),
        ),
    )


def _check_overlapping_status(q: Inputs) -> pl.LazyFrame:
    """Two status periods of one person, of the same kind, that share a day.

    Why: the person would be under two management periods of one kind at once, and the
    period lengths (hence whether management still runs) are ambiguous. Exact copies are
    left to ``duplicate_status``; one issue per remaining pair, on the later period.
    """
    # Only people with two periods of a kind can clash: skip the rest before deduplicating.
    statuses = _people_with_overlaps(q.indexed("status_periods"))
    statuses = statuses.filter(pl.len().over("subject_id", "kind") > 1)
    distinct = statuses.filter(pl.struct("subject_id", "kind", "start").is_first_distinct())
    pairs = _overlaps(distinct, ["subject_id", "kind"])
    return _subject_issues(
        pairs,
        "status_periods",
        pl.format(
            "{} status from {} overlaps status_periods[{}] ({} to {})",
            pl.col("kind").cast(pl.String()),
            pl.col("start"),
            pl.col("row_other"),
            pl.col("start_other"),
            _text("end_other"),
        ),
    )


#: How far back ``overlapping_facts`` looks: a year, the longest look-back of the
#: built-in criteria (a third of the national facts; the rest are history).
_FACT_HORIZON_DAYS = 366


def _check_overlapping_facts(q: Inputs) -> pl.LazyFrame:
    """Two records of one unit fact, reported by one unit, whose periods share a day.

    Why: they may count the same things (one period entered twice, a month inside its
    quarter), or be a correction, or two parts to add: a total over them is then only
    known as a range, and criteria it cannot decide are unknown. One issue per pair, on
    the later record, for the commune-level unit in force it counts for (else the
    unplaced row). Records of periods after the date are left to be read when their
    time comes. (The engine also reads a merged commune's record and its predecessor's
    for the same days as possibly one: this check lists one reporting unit's only.)
    """
    horizon = shift(q.on, -_FACT_HORIZON_DAYS)
    facts = q.indexed("unit_facts").filter(pl.col("period_end").is_between(horizon, q.on))
    periods = facts.select(
        "row",
        pl.col("unit_code").alias("_reporter"),
        "kind",
        pl.col("period_start").alias("start"),
        pl.col("period_end").alias("end"),
    )
    key = ["_reporter", "kind"]
    pairs = _overlaps(_runs_with_overlaps(periods.sort(*key, "start"), key), key)
    placed = q.ctx.map_codes(
        pairs.with_columns(pl.col("_reporter").alias("unit_code")), "unit_code"
    )
    # A fact of a unit now split, or of a district or province, concerns no one commune in
    # force: it goes to the unplaced row, as a quarantined record does.
    communes = q.ctx.units["unit_code"].implode()
    return placed.lazy().select(
        pl.when(pl.col("unit_code").is_in(communes)).then(pl.col("unit_code")).alias("unit_code"),
        pl.lit(None, dtype=pl.String()).alias("subject_id"),
        pl.col("_reporter").alias("record_id"),
        pl.lit("unit_facts").alias("table"),
        pl.col("row"),
        pl.format("unit_facts[{}]", pl.col("row")).alias("location"),
        pl.format(
            "{} of {} from {} to {} shares days with unit_facts[{}] ({} to {})",
            pl.col("kind").cast(pl.String()),
            pl.col("_reporter"),
            pl.col("start"),
            pl.col("end"),
            pl.col("row_other"),
            pl.col("start_other"),
            pl.col("end_other"),
        ).alias("detail"),
    )


def _check_future_test(q: Inputs) -> pl.LazyFrame:
    """A drug test dated after the assessment date.

    Why: a result cannot exist before the test is taken; the date is mistyped. Assess on
    the date the data were extracted, or later tests are flagged as well.
    """
    tests = q.indexed("drug_tests").filter(pl.col("date") > q.extracted)
    return _subject_issues(
        tests,
        "drug_tests",
        pl.format("test dated {}, after {}", pl.col("date"), pl.lit(q.extracted)),
    )


def _check_future_record(q: Inputs) -> pl.LazyFrame:
    """Another record that starts after the assessment date, or a rehab completed after it.

    Covers residences, status periods (start or management start), rehab episodes and
    custody periods. Why: these record what has happened; a date ahead of the extract is
    mistyped. One issue per record. Ends in the future are planned ends, not problems.
    """
    on = pl.lit(q.extracted)
    parts = [
        _subject_issues(
            q.indexed("residences").filter(pl.col("start") > q.extracted),
            "residences",
            pl.format("residence in {} starts {}, after {}", "unit_code", "start", on),
        ),
        _subject_issues(
            q.indexed("status_periods").filter(
                (pl.col("start") > q.extracted) | (pl.col("management_start") > q.extracted)
            ),
            "status_periods",
            pl.format(
                "{} status starts {} (management start {}), after {}",
                pl.col("kind").cast(pl.String()),
                "start",
                _text("management_start"),
                on,
            ),
        ),
        _subject_issues(
            q.indexed("rehab_episodes").filter(
                (pl.col("start") > q.extracted)
                | (pl.col("completed") & (pl.col("end") > q.extracted))
            ),
            "rehab_episodes",
            pl.format(
                "{} rehab episode {} to {} (completed: {}) is dated after {}",
                pl.col("form").cast(pl.String()),
                "start",
                _text("end"),
                pl.col("completed").cast(pl.String()),
                on,
            ),
        ),
        _subject_issues(
            q.indexed("custody_periods").filter(pl.col("start") > q.extracted),
            "custody_periods",
            pl.format("custody starts {}, after {}", "start", on),
        ),
    ]
    return pl.concat(parts)


def _check_rehab_in_custody(q: Inputs) -> pl.LazyFrame:
    """A rehab episode that shares a day with a custody period of the same person.

    Why: a person in prison or detention is not in rehab at the same time; one of the
    records (often an episode left open) is wrong. One issue per pair, on the episode.
    """
    custody = q.indexed("custody_periods").select(
        "subject_id",
        pl.col("row").alias("custody_row"),
        pl.col("start").alias("custody_start"),
        pl.col("end").alias("custody_end"),
    )
    episodes = q.indexed("rehab_episodes").filter(
        pl.col("subject_id").is_in(custody["subject_id"].implode())
    )
    pairs = episodes.join(custody, on="subject_id").filter(
        (pl.col("start") <= pl.col("custody_end").fill_null(_OPEN))
        & (pl.col("custody_start") <= pl.col("end").fill_null(_OPEN))
    )
    return _subject_issues(
        pairs,
        "rehab_episodes",
        pl.format(
            "{} rehab episode {} to {} overlaps custody_periods[{}] ({} to {})",
            pl.col("form").cast(pl.String()),
            "start",
            _text("end"),
            "custody_row",
            "custody_start",
            _text("custody_end"),
        ),
    )


# --- sống: live ----------------------------------------------------------------------------


def _activity_dates() -> list[tuple[str, str]]:
    """Every table and date column whose dates count as a person's recorded activity."""
    return [
        ("drug_tests", "date"),
        ("status_periods", "start"),
        ("status_periods", "management_start"),
        ("residences", "start"),
        ("rehab_episodes", "start"),
        ("rehab_episodes", "end"),
        ("custody_periods", "start"),
        ("custody_periods", "end"),
    ]


def _check_stale(q: Inputs) -> pl.LazyFrame:
    """A person under a status in force whose latest recorded activity is too old.

    Activity is any test, status or management start, residence start, or rehab or
    custody start or end, on or before the date. Why: a person under management is
    tested and followed up; nothing recorded for ``stale_after_days`` means the file is
    not kept alive.
    """
    cutoff = shift(q.on, -q.stale_after_days)  # a huge threshold stops at year 1
    dated = _activity_dates()
    # A person is stale exactly when nothing of theirs is dated from the cutoff to the
    # date. Those with something are found by comparing dates alone; only the few left
    # are looked up for their latest date (a national table: 70 ms, against 150 for
    # every person's latest).
    recent = pl.concat(
        q.dataset.frame(table)
        .lazy()
        .filter(pl.col(column).is_between(cutoff, q.on))
        .select("subject_id")
        for table, column in dated
    )
    stale = q.people.lazy().select("subject_id").join(recent, on="subject_id", how="anti").collect()
    # Their records by binary search where a table lists each person's records together
    # (2,000 people nationally: 12 ms, against 35 by one filtering pass per table), once
    # per table (three of them give two dates each).
    tables = dict.fromkeys(table for table, _ in dated)
    theirs = {
        table: q.dataset.rows_with(table, "subject_id", stale["subject_id"]) for table in tables
    }
    latest = (
        pl.concat(
            theirs[table]
            .lazy()
            .filter(pl.col(column) <= q.on)
            .select("subject_id", pl.col(column).alias("latest"))
            for table, column in dated
        )
        .group_by("subject_id")
        .agg(pl.col("latest").max())
    )
    subjects = q.indexed("subjects").select(pl.col("id").alias("subject_id"), "row")
    rows = (
        stale.lazy()
        .join(latest, on="subject_id", how="left")
        .join(subjects.lazy(), on="subject_id", how="left")
        .collect()  # once: the issues' texts are written later, from these few rows
    )
    days = (pl.lit(q.on) - pl.col("latest")).dt.total_days()
    return _subject_issues(
        rows,
        "subjects",
        pl.format(
            "latest recorded activity on {}, {} days before {}", "latest", days, pl.lit(q.on)
        ).fill_null("no dated activity on record"),
    )


# --- the run ----------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class Check:
    """One check: its id, the dimension it counts in, what it looks for, and the function."""

    id: str
    dimension: str
    description: str
    run: Callable[[Inputs], pl.LazyFrame]


#: Every check, in reporting order (grouped by dimension).
CHECKS: tuple[Check, ...] = (
    Check(
        id="quarantined_record",
        dimension="correct",
        description="record kept out of the dataset by the loader as invalid",
        run=_check_quarantined_record,
    ),
    Check(
        id="missing_management_record",
        dimension="sufficient",
        description="status in force does not say whether a management record exists",
        run=_check_missing_management_record,
    ),
    Check(
        id="missing_support",
        dimension="sufficient",
        description="post-rehab status in force does not say whether support was provided",
        run=_check_missing_support,
    ),
    Check(
        id="missing_management_start",
        dimension="sufficient",
        description="status in force with a management record but no management start date",
        run=_check_missing_management_start,
    ),
    Check(
        id="missing_population",
        dimension="sufficient",
        description="commune-level unit in force without a resident population",
        run=_check_missing_population,
    ),
    Check(
        id="unplaced",
        dimension="sufficient",
        description="person under a status in force who resides in no unit in force on the date",
        run=_check_unplaced,
    ),
    Check(
        id="duplicate_test",
        dimension="clean",
        description="drug test repeating another (same subject, date, result, method, schedule)",
        run=_check_duplicate_test,
    ),
    Check(
        id="duplicate_status",
        dimension="clean",
        description="status period repeating another (same subject, kind, start)",
        run=_check_duplicate_status,
    ),
    Check(
        id="overlapping_residences",
        dimension="clean",
        description="residences of one person in two units on the same day",
        run=_check_overlapping_residences,
    ),
    Check(
        id="overlapping_status",
        dimension="clean",
        description="status periods of one person and kind that overlap",
        run=_check_overlapping_status,
    ),
    Check(
        id="overlapping_facts",
        dimension="clean",
        description="records of one unit fact from one unit whose periods share a day",
        run=_check_overlapping_facts,
    ),
    Check(
        id="future_test",
        dimension="clean",
        description="drug test dated after the assessment date",
        run=_check_future_test,
    ),
    Check(
        id="future_record",
        dimension="clean",
        description="residence, status, rehab or custody record dated after the assessment date",
        run=_check_future_record,
    ),
    Check(
        id="rehab_in_custody",
        dimension="clean",
        description="rehab episode overlapping a custody period of the same person",
        run=_check_rehab_in_custody,
    ),
    Check(
        id="rehab_short",
        dimension="correct",
        description="rehab episode completed before the legal minimum term of its form",
        run=_check_rehab_short,
    ),
    Check(
        id="rehab_overrun",
        dimension="correct",
        description="rehab episode running past the legal maximum term of its form",
        run=_check_rehab_overrun,
    ),
    Check(
        id="late_management_decision",
        dimension="correct",
        description="illegal user's management decision later than the law allows",
        run=_check_late_management_decision,
    ),
    Check(
        id="stale",
        dimension="live",
        description="person under a status in force with no recorded activity for too long",
        run=_check_stale,
    ),
)
