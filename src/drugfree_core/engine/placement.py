"""Where each person lives on a date, who cannot be placed, and records whose unit is lost.

A person counts for the commune-level unit in force where their residence on the date
leads (following the lineage from a unit that no longer exists). Three kinds of people
cannot be placed, and none of them may simply vanish, since a person who vanishes can
only make a unit look better:

* ``split``: the residence is in a predecessor split between several successors; the
  candidate units are known and each gets a note that downgrades its passes;
* ``gone``: the residence is in a unit that ended without a successor in force;
* ``no_residence``: a status runs on the date but no residence covers it. They are
  listed, never dropped; they do not threaten a covered unit, whose records are complete
  by its coverage, so they show the data's gaps rather than widen a range.

Likewise a quarantined record of a person or a unit fact whose unit cannot be determined
(a mistyped code, a unit that no longer leads anywhere) may concern any unit: the record
*is* some unit's data, only broken. So may a valid finding or unit fact recorded in a
unit that leads nowhere on the date (:func:`nowhere_codes_on`): one that a rule counts
(inside its look-back window) would count for no unit. These records and the ``gone``
people are counted as *unplaced anywhere*: each can turn at most one passing unit into a
failing one, so a report gives the range they imply ("meet: 40, at least 37").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from typing import Any

import attrs
import polars as pl

from drugfree_core.dataset.dataset import Dataset, QuarantinedRecord
from drugfree_core.dataset.person_keys import of_people
from drugfree_core.engine.change_days import change_days, day_after, stretch_of
from drugfree_core.engine.results import UNPLACED_REASONS, UnplacedSubject
from drugfree_core.model.enums import COMMUNE_LEVEL_KINDS, UnitKind

_COMMUNE_LEVEL = [k.value for k in COMMUNE_LEVEL_KINDS]
#: Quarantined records that stand for one person, one fact or one finding, each able to
#: make one passing unit fail (a subject's other rows are quarantined with its subject
#: row, so counting subject rows counts people). A recognition changes no verdict.
_PLACED_TABLES = (
    "subjects",
    "unit_facts",
    "drug_law_violations",
    "wanted_fugitives",
    "drug_use_locations",
)


def active(start: str, end: str, on: dt.date) -> pl.Expr:
    """Row's [start, end] (end open when null) contains *on*."""
    return (pl.col(start).is_null() | (pl.col(start) <= on)) & (
        pl.col(end).is_null() | (pl.col(end) >= on)
    )


def commune_units_in_force(dataset: Dataset, on: dt.date) -> pl.DataFrame:
    """The commune-level rows of the dataset's units that are in force on *on*."""
    return dataset.units.filter(
        pl.col("kind").cast(pl.String).is_in(_COMMUNE_LEVEL) & active("valid_from", "valid_to", on)
    )


def communes_on(dataset: Dataset, on: dt.date) -> pl.DataFrame:
    """The commune-level units in force on *on*, by code, with their province.

    Columns: ``unit_code``, ``name``, ``province_code``, ``resident_population``. The
    same on every date of one :func:`territory_era`: worked out once per era and kept
    with the map (a report's dates, and every unit explained on a date, find it).
    """
    found: pl.DataFrame = dataset.derived(
        ("communes", territory_era(dataset, on)), lambda: _communes(dataset, on), map_only=True
    )
    return found


def _communes(dataset: Dataset, on: dt.date) -> pl.DataFrame:
    # Before 1 July 2025 a commune's parent is a district: its province is one level up.
    parents = dataset.units.select(
        pl.col("code").alias("parent_code"),
        pl.col("kind").cast(pl.String).alias("parent_kind"),
        pl.col("parent_code").alias("grandparent_code"),
    )
    return (
        commune_units_in_force(dataset, on)
        .join(parents, on="parent_code", how="left")
        .sort("code")
        .select(
            pl.col("code").alias("unit_code"),
            "name",
            pl.when(pl.col("parent_kind") == UnitKind.PROVINCE.value)
            .then(pl.col("parent_code"))
            .otherwise(pl.col("grandparent_code"))
            .alias("province_code"),
            "resident_population",
        )
    )


def commune_codes_on(dataset: Dataset, on: dt.date) -> frozenset[str]:
    """The codes of :func:`communes_on`, as a set: kept per territory era too.

    Asked on every date by the evaluation, the census of people who may be anywhere and
    the records whose unit is lost (a few thousand codes each time).
    """
    found: frozenset[str] = dataset.derived(
        ("commune codes", territory_era(dataset, on)),
        lambda: frozenset(communes_on(dataset, on)["unit_code"].to_list()),
        map_only=True,
    )
    return found


def territory_era(dataset: Dataset, on: dt.date) -> int:
    """Which stretch of days between the dataset's changes of territory *on* falls in.

    Two dates of one stretch have the same units in force and the same lineage links in
    effect: no unit starts or ends between them and no link takes effect. So what follows
    from those alone, such as :func:`successors_in_force`, is the same on both (the four
    quarter-ends before a reform, the months after it). The stretches start on each day a
    unit starts, the day after one ends, and each day a link takes effect.
    """
    changes: list[int] = dataset.derived(
        ("territory changes",), lambda: _territory_changes(dataset), map_only=True
    )
    return stretch_of(changes, on)


def _territory_changes(dataset: Dataset) -> list[int]:
    """The days the territory may change on (see :func:`.change_days.change_days`)."""
    units = dataset.units
    return change_days(
        [units["valid_from"], day_after(units["valid_to"]), dataset.lineage["effective"]]
    )


def successors_on(dataset: Dataset, on: dt.date) -> dict[str, tuple[str, ...]]:
    """:func:`successors_in_force` on *on*, worked out once per :func:`territory_era`.

    Kept on the dataset under a key with no date, so the dates of a report's series that
    share a territory share it (about 40 ms for the national units after the reform). It
    stays for the dataset's life: one mapping per stretch asked for, a handful at most.
    """
    era = territory_era(dataset, on)
    found: dict[str, tuple[str, ...]] = dataset.derived(
        ("successors", "era", era), lambda: successors_in_force(dataset, on), map_only=True
    )
    return found


def successors_in_force(dataset: Dataset, on: dt.date) -> dict[str, tuple[str, ...]]:
    """For each unit code with lineage links in force, the in-force units it became."""
    in_force = set(dataset.units.filter(active("valid_from", "valid_to", on))["code"])
    links: dict[str, list[str]] = {}
    for pred, succ in (
        dataset.lineage.filter(pl.col("effective") <= on)
        .select("predecessor_code", "successor_code")
        .iter_rows()
    ):
        links.setdefault(pred, []).append(succ)

    return {
        code: tuple(sorted(_resolve(code, frozenset({code}), in_force, links))) for code in links
    }


def _resolve(
    code: str, seen: frozenset[str], in_force: set[str], links: dict[str, list[str]]
) -> set[str]:
    """The in-force units *code* became, following *links* but never back to *seen*.

    A module function, not a nested one: a nested function that calls itself is a
    reference cycle, which would keep the links of every date until a collection.
    """
    if code in in_force:
        return {code}
    out: set[str] = set()
    for nxt in links.get(code, []):
        if nxt not in seen:
            out |= _resolve(nxt, seen | {nxt}, in_force, links)
    return out


def successor_table_on(dataset: Dataset, on: dt.date) -> pl.DataFrame | None:
    """:func:`successor_table` of :func:`successors_on`, made once per territory era.

    Kept on the dataset like the mapping it is made of: made from Python lists, it took
    4 ms for the national units after the reform, and every look-up of unit codes on a
    date (the placements, each table of findings) made it again, holding the
    interpreter's lock while the other thread of a report's series waited.
    """
    era = territory_era(dataset, on)
    found: pl.DataFrame | None = dataset.derived(
        ("successor table", "era", era),
        lambda: successor_table(successors_on(dataset, on)),
        map_only=True,
    )
    return found


def successor_table(successors: dict[str, tuple[str, ...]]) -> pl.DataFrame | None:
    """*successors* as a frame for :func:`map_codes` (None when there are none).

    Columns: ``_code``, ``_target`` (the one unit it became, else null) and
    ``candidates`` (the units it became, when not exactly one, else null).
    """
    if not successors:
        return None
    return pl.DataFrame(
        {
            "_code": list(successors),
            "_target": [v[0] if len(v) == 1 else None for v in successors.values()],
            "candidates": [list(v) if len(v) != 1 else None for v in successors.values()],
        },
        schema={"_code": pl.String, "_target": pl.String, "candidates": pl.List(pl.String)},
    )


def map_codes(frame: pl.DataFrame, column: str, table: pl.DataFrame | None) -> pl.DataFrame:
    """Rewrite *column* to in-force unit codes, by *table* (see :func:`successor_table`).

    Adds ``candidates`` (a list) for codes that map to several units or to none; those
    rows get a null *column*.
    """
    if table is None:
        return frame.with_columns(pl.lit(None, dtype=pl.List(pl.String)).alias("candidates"))
    joined = frame.join(table, left_on=column, right_on="_code", how="left")
    return joined.with_columns(
        pl.when(pl.col("_target").is_not_null() | pl.col("candidates").is_not_null())
        .then(pl.col("_target"))
        .otherwise(pl.col(column))
        .alias(column)
    ).drop("_target")


def has_repeats(values: pl.Series) -> bool:
    """Whether some value occurs twice (values hold no null).

    A person's residences or statuses usually come sorted by person: then neighbours
    tell, in a millisecond.
    Otherwise counting distinct values is still five times faster than marking copies.
    """
    if values.is_sorted():
        return bool(
            values.len() > 1 and (values.slice(1) == values.slice(0, values.len() - 1)).any()
        )
    return values.n_unique() < values.len()


def _one_residence_each(residences: pl.DataFrame) -> pl.DataFrame:
    """The residence that counts for each person, among those running on one date.

    Valid data has one per person on a date; otherwise the latest start (then the
    highest unit code) counts, so the choice is the same whoever asks.
    """
    return residences.sort("start", "unit_code", descending=True).unique(
        "subject_id", keep="first", maintain_order=True
    )


def place_people(dataset: Dataset, on: dt.date) -> tuple[pl.DataFrame, pl.DataFrame]:
    """``(placed, unplaced)`` on *on*.

    ``placed`` has ``subject_id, unit_code``; ``unplaced`` has ``subject_id``,
    ``candidates`` (a list, empty when the person could be anywhere), ``why`` (a key of
    :data:`UNPLACED_REASONS`) and ``recorded`` (the unit of the residence as recorded;
    for ``no_residence``, the latest residence that started before the date, if any).
    """
    res = dataset.residences.filter(active("start", "end", on))
    if has_repeats(res["subject_id"]):
        res = _one_residence_each(res)
    res = map_codes(
        res.select("subject_id", "unit_code", pl.col("unit_code").alias("recorded")),
        "unit_code",
        successor_table_on(dataset, on),
    )
    # A residence must end in a commune-level unit in force: otherwise (a unit that
    # ended without successor, a link not yet effective) the person is unplaced. Looked
    # up once for both sides (each look-up of 400,000 codes took 3 ms nationally).
    in_force = communes_on(dataset, on)["unit_code"]
    ok = res.select(pl.col("unit_code").is_in(in_force.implode()).fill_null(False)).to_series()
    unplaced = res.filter(~ok).select(
        "subject_id",
        pl.col("candidates").fill_null([]),
        pl.when(pl.col("candidates").list.len() > 1)
        .then(pl.lit("split"))
        .otherwise(pl.lit("gone"))
        .alias("why"),
        "recorded",
    )
    placed = res.filter(ok).select("subject_id", "unit_code")
    # A person with a status running on the date but no residence on it is somewhere.
    statuses = dataset.status_periods.filter(active("start", "end", on)).select("subject_id")
    homeless = of_people(statuses, res["subject_id"], among=False).unique().sort("subject_id")
    if homeless.height:
        # Their last residence before the date, only for them (a handful, not millions).
        last = (
            dataset.residences.filter(
                pl.col("subject_id").is_in(homeless["subject_id"].implode())
                & (pl.col("start") <= on)
            )
            .sort("start")
            .group_by("subject_id")
            .agg(pl.col("unit_code").last().alias("recorded"))
        )
        homeless = homeless.join(last, on="subject_id", how="left")
    else:
        homeless = homeless.with_columns(pl.lit(None, pl.String).alias("recorded"))
    homeless = homeless.select(
        "subject_id",
        pl.lit([], dtype=pl.List(pl.String)).alias("candidates"),
        pl.lit("no_residence").alias("why"),
        "recorded",
    )
    return placed, pl.concat([unplaced, homeless])


def gone_people(dataset: Dataset, on: dt.date) -> int:
    """How many people :func:`census` finds ``gone`` on *on*, without placing everyone.

    A residence leads somewhere when its unit is a commune-level unit in force, when its
    lineage leads to exactly one, or when it leads to several (a split: its people are
    ``split``, not gone). Only the people with a residence on the date in a unit that
    leads nowhere are looked at further, for the residence :func:`place_people` would
    choose when one has several. About 11 ms nationally, where the census takes 76 ms:
    what an explanation of a passing unit needs to say how many people may be anywhere.
    Kept on the dataset for the next unit.
    """
    found: int = dataset.derived(("gone", on), lambda: _gone_people(dataset, on))
    return found


def _gone_people(dataset: Dataset, on: dt.date) -> int:
    successors = successors_on(dataset, on)
    communes = commune_codes_on(dataset, on)
    leads = communes | {
        code
        for code, targets in successors.items()
        if len(targets) > 1 or (len(targets) == 1 and targets[0] in communes)
    }
    nowhere = ~pl.col("unit_code").is_in(pl.Series(sorted(leads), dtype=pl.String).implode())
    running = dataset.residences.filter(active("start", "end", on))
    lost = running.filter(nowhere.fill_null(True))["subject_id"].unique()
    if lost.is_empty():
        return 0
    chosen = _one_residence_each(running.filter(pl.col("subject_id").is_in(lost.implode())))
    return chosen.filter(nowhere.fill_null(True)).height


#: The tables of valid records that name the unit they count for: a unit fact, a finding.
LOST_TABLES = ("unit_facts", "drug_law_violations", "wanted_fugitives", "drug_use_locations")


def nowhere_codes_on(dataset: Dataset, on: dt.date) -> frozenset[str]:
    """The units of the map that lead nowhere on *on*: a record naming one counts nowhere.

    Units that ended before *on* and whose lineage leads to no unit in force (none, or
    a link not yet in effect). A unit in force of any kind keeps its own records (a
    district's, a province's), and one whose lineage leads to several units is split:
    its records are ambiguous, not lost. A unit not yet begun is left out: its records
    (a new commune's reports of the months before it) are of the units it came from,
    which the lineage does not follow backwards. Worked out once per
    :func:`territory_era`.
    """
    found: frozenset[str] = dataset.derived(
        ("nowhere codes", territory_era(dataset, on)),
        lambda: _nowhere_codes(dataset, on),
        map_only=True,
    )
    return found


def _nowhere_codes(dataset: Dataset, on: dt.date) -> frozenset[str]:
    successors = successors_on(dataset, on)
    ended = dataset.units.filter(pl.col("valid_to") < on)["code"].to_list()
    return frozenset(code for code in ended if not successors.get(code))


def lost_rows(dataset: Dataset, table: str, on: dt.date) -> pl.DataFrame:
    """The rows of *table* (one of :data:`LOST_TABLES`) whose unit leads nowhere on *on*.

    With the table's columns and ``_row``, each row's place in the table (from 0). Such
    a record counts for no unit (see :func:`nowhere_codes_on`); a rule that counts it
    (:meth:`.EvalContext.resolve_rows`) notes it as lost. Usually none: the same on
    every date of a :func:`territory_era`, so kept on the dataset per era.
    """
    found: pl.DataFrame = dataset.derived(
        ("lost rows", table, territory_era(dataset, on)),
        lambda: _lost_rows(dataset, table, on),
    )
    return found


def _lost_rows(dataset: Dataset, table: str, on: dt.date) -> pl.DataFrame:
    frame = dataset.frame(table)
    nowhere = nowhere_codes_on(dataset, on)
    if not nowhere or frame.is_empty():
        return frame.clear().with_row_index("_row")  # no unit leads nowhere: no pass
    codes = pl.Series(sorted(nowhere), dtype=pl.String).implode()
    rows = frame["unit_code"].is_in(codes).arg_true()
    return frame[rows].with_columns(rows.alias("_row")).select("_row", *frame.columns)


def lost_codes(dataset: Dataset, on: dt.date) -> frozenset[str]:
    """The units that lead nowhere on *on* and that some fact or finding names."""
    return frozenset(
        code for table in LOST_TABLES for code in lost_rows(dataset, table, on)["unit_code"]
    )


def undetermined_on(dataset: Dataset, on: dt.date) -> tuple[QuarantinedRecord, ...]:
    """The quarantined people and facts whose unit cannot be determined on *on*.

    Kept on the dataset: every unit explained on the date asks for them.
    """
    if not dataset.quarantined:
        return ()
    found: tuple[QuarantinedRecord, ...] = dataset.derived(
        ("undetermined", on), lambda: _undetermined_on(dataset, on)
    )
    return found


def _undetermined_on(dataset: Dataset, on: dt.date) -> tuple[QuarantinedRecord, ...]:
    in_force = commune_codes_on(dataset, on)
    return undetermined_records(dataset.quarantined, successors_on(dataset, on), in_force)


def unplaced_subjects(unplaced: pl.DataFrame) -> tuple[UnplacedSubject, ...]:
    """The rows of an ``unplaced`` frame as :class:`UnplacedSubject` records."""
    return tuple(
        UnplacedSubject(
            subject_id=sid,
            candidate_units=tuple(cands or ()),
            reason=UNPLACED_REASONS[why],
            kind=why,
            unit_code=recorded,
        )
        for sid, cands, why, recorded in unplaced.select(
            "subject_id", "candidates", "why", "recorded"
        ).rows()
    )


def undetermined_records(
    records: Iterable[QuarantinedRecord],
    successors: dict[str, tuple[str, ...]],
    in_force: AbstractSet[str],
) -> tuple[QuarantinedRecord, ...]:
    """The quarantined people and facts whose unit cannot be determined on the date.

    A record is undetermined when it names no unit, or when one of the units it names
    leads to no commune-level unit in force (an unknown code, a unit that ended without
    a successor): the person or fact may then belong to any unit.
    """
    out = []
    for record in records:
        if record.table not in _PLACED_TABLES:
            continue
        lost = not record.unit_codes or any(
            not (set(successors.get(code, (code,))) & in_force) for code in record.unit_codes
        )
        if lost:
            out.append(record)
    return tuple(out)


@attrs.frozen(kw_only=True, eq=False)
class Census:
    """Who and what could not be placed in one unit on a date (see the module doc).

    ``people`` is the frame of the people (``subject_id``, ``candidates``, ``why``,
    ``recorded``); :attr:`unplaced` gives them as records, built on first use.
    """

    people: pl.DataFrame
    undetermined: tuple[QuarantinedRecord, ...]
    _cache: dict[str, Any] = attrs.field(factory=dict, init=False, repr=False)

    @property
    def unplaced(self) -> tuple[UnplacedSubject, ...]:
        """The people who could not be placed, as :class:`UnplacedSubject` records."""
        if "unplaced" not in self._cache:
            self._cache["unplaced"] = unplaced_subjects(self.people)
        found: tuple[UnplacedSubject, ...] = self._cache["unplaced"]
        return found

    def people_by_kind(self) -> list[tuple[str, str | None, int]]:
        """``(kind, recorded unit code, people)``: how many could not be placed, and why.

        Counted over the frame, without a record per person (tens of thousands
        nationally, on every date of a report).
        """
        counts = self.people.group_by("why", "recorded").len().sort("why", "recorded")
        return [(kind, code, n) for kind, code, n in counts.iter_rows()]

    @property
    def anywhere(self) -> int:
        """People and records that may belong to any unit of the scope."""
        gone = self.people.filter(pl.col("why") == "gone").height
        return gone + len(self.undetermined)


def census(dataset: Dataset, on: dt.date) -> Census:
    """The :class:`Census` of *dataset* on *on* (no scheme needed; kept on the dataset)."""
    found: Census = dataset.derived(("census", on), lambda: _census(dataset, on))
    return found


def _census(dataset: Dataset, on: dt.date) -> Census:
    _placed, unplaced = dataset.derived(("placement", on), lambda: place_people(dataset, on))
    return Census(people=unplaced, undetermined=undetermined_on(dataset, on))
