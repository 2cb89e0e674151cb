"""People under management and their dated records, generated column-wise.

Each person enters on one of four tracks (criteria.md §1, §6.1):

* **addict**: determined addicted; goes through rounds of rehab. A completed episode ends
  the addict period and starts post-rehab management (2 years after adult compulsory
  rehab, otherwise 1 year); a relapse during it starts a new addict period. An episode
  dropped before completion keeps the person an addict and usually leads to compulsory
  rehab. Someone still inside an episode on ``as_of`` has an open episode.
* **illegal user**: positive test, management decision within days, managed for 1 year;
  some are determined addicted during that year and continue on the addict track.
* **psychosis** (drug-induced) and **released offender** (after a prison term for a drug
  offence): one open status, the latter with the custody period that preceded it.

Every step works on whole arrays: a round of the addict track is one set of numpy
operations over all people still in it, never a loop over people.
"""

from __future__ import annotations

import datetime as dt

import attrs
import numpy as np
import polars as pl

from drugfree_core.model import (
    TWO_TIER_START,
    RehabForm,
    SubjectKind,
    TestMethod,
    TestResult,
    TestSchedule,
)
from drugfree_core.synth._util import (
    Days,
    Floats,
    Ints,
    Mask,
    add_years,
    bool_column,
    choose,
    date_column,
    day,
    enum_column,
    group_ptr,
    id_column,
    stream,
    uniform_days,
)
from drugfree_core.synth.config import SynthConfig
from drugfree_core.synth.territory import Territory

ADDICT_TRACK, USER_TRACK, PSYCHOSIS_TRACK, RELEASED_TRACK = 0, 1, 2, 3

_KINDS = (
    SubjectKind.ADDICT,
    SubjectKind.ILLEGAL_USER,
    SubjectKind.POST_REHAB,
    SubjectKind.PSYCHOSIS,
    SubjectKind.RELEASED_OFFENDER,
)
_ADDICT, _USER, _POST, _PSYCH, _RELEASED = range(5)
_FORMS = (
    RehabForm.VOLUNTARY_HOME_COMMUNITY,
    RehabForm.VOLUNTARY_FACILITY,
    RehabForm.COMPULSORY_FACILITY,
    RehabForm.OPIOID_SUBSTITUTION,
)
_HOME, _VOL_FACILITY, _COMPULSORY, _OST = range(4)
_RESULTS = (TestResult.NEGATIVE, TestResult.POSITIVE)
_METHODS = (TestMethod.SCREENING, TestMethod.CONFIRMATORY)
_SCHEDULES = (TestSchedule.PERIODIC, TestSchedule.SURPRISE)
# Form choice for a first episode, and after a dropout or relapse (compulsory rehab is
# ordered for people who quit voluntary rehab or relapse, Law 73/2021 Art. 32).
_FORM_FIRST = (0.42, 0.13, 0.20, 0.25)
_FORM_AGAIN = (0.15, 0.08, 0.60, 0.17)
# Ordered duration in days: voluntary 6-12 months, compulsory 12-24 months, OST open-ended.
_DURATION_LO = np.array([182, 182, 365, 180])
_DURATION_HI = np.array([365, 365, 730, 1800])
_COMPLETION = np.array([0.62, 0.72, 0.93, 0.30])
_MAX_ROUNDS = 10
_TESTS_PER_YEAR = np.array([1.0, 1.5, 0.6, 0.35])  # relative testing intensity by track
_POSITIVITY = np.array([0.16, 0.10, 0.22, 0.04])  # share of positive tests by track
_SUBJECT_ID_DIGITS = 7


class _Columns:
    """Accumulates column chunks and concatenates them once at the end."""

    def __init__(self, *names: str) -> None:
        self._parts: dict[str, list[np.ndarray]] = {name: [] for name in names}

    def add(self, **columns: np.ndarray) -> None:
        """Append one chunk; every column of the table must be given."""
        for name, values in columns.items():
            self._parts[name].append(np.asarray(values))

    def get(self, name: str, dtype: type = np.int64) -> np.ndarray:
        """Return the concatenated column *name*."""
        parts = self._parts[name]
        return np.concatenate(parts).astype(dtype) if parts else np.zeros(0, dtype=dtype)


def _statuses() -> _Columns:
    return _Columns("sid", "kind", "start", "end", "end_null", "mstart", "mstart_null")


def _add_status(
    table: _Columns,
    sid: Ints,
    kind: int,
    start: Days,
    end: Days | None = None,
    end_null: Mask | None = None,
    mstart: Days | None = None,
) -> None:
    n = len(sid)
    table.add(
        sid=sid,
        kind=np.full(n, kind),
        start=start,
        end=np.zeros(n, dtype=np.int64) if end is None else end,
        end_null=np.ones(n, dtype=np.bool_) if end_null is None else end_null,
        mstart=np.zeros(n, dtype=np.int64) if mstart is None else mstart,
        mstart_null=np.full(n, mstart is None),
    )


@attrs.frozen(kw_only=True)
class People:
    """The subject tables and, for unit facts, how many people each successor has."""

    frames: dict[str, pl.DataFrame]
    per_successor: Ints


def build_people(config: SynthConfig, territory: Territory) -> People:
    """Generate subjects, residences, status periods, rehab, custody and drug tests."""
    seed = config.seed
    as_of = day(config.as_of)
    n = config.subjects
    n_units = territory.n_successors

    rng = stream(seed, "allocation")
    home = _allocate(rng, n, territory)
    # Unit quality: how thoroughly the commune police manage, test and treat people.
    good = rng.random(n_units) < 0.45
    unit_q = np.where(good, rng.uniform(0.97, 1.0, n_units), rng.beta(5.0, 2.0, n_units))
    q = unit_q[home]
    track = choose(rng, config.track_shares, n)

    status = _statuses()
    rehab = _Columns("sid", "form", "start", "end", "end_null", "completed", "minor")
    custody = _Columns("sid", "start", "end", "end_null")
    events = _Columns("sid", "date", "positive")  # tests tied to events (detection, relapse)

    rng = stream(seed, "tracks")
    # Addicts: most known for years, the rest detected from 2023 on (the 2025 reviews
    # found many new ones).
    addicts = np.flatnonzero(track == ADDICT_TRACK)
    early = rng.random(len(addicts)) < 0.65
    entry = np.where(
        early,
        uniform_days(rng, day(dt.date(2010, 1, 1)), day(dt.date(2022, 12, 31)), len(addicts)),
        uniform_days(rng, day(dt.date(2023, 1, 1)), as_of - 60, len(addicts)),
    )
    converted_sid, converted_entry = _illegal_users(
        rng, np.flatnonzero(track == USER_TRACK), as_of, status, events
    )
    _addict_careers(
        stream(seed, "careers"),
        np.concatenate([addicts, converted_sid]),
        np.concatenate([entry, converted_entry]),
        q,
        as_of,
        status,
        rehab,
        events,
    )
    _psychosis(rng, np.flatnonzero(track == PSYCHOSIS_TRACK), as_of, status)
    _released(rng, np.flatnonzero(track == RELEASED_TRACK), as_of, status, custody)

    st = _status_arrays(status, q, stream(seed, "records"))
    first_start = np.full(n, as_of, dtype=np.int64)
    np.minimum.at(first_start, st["sid"], st["start"])
    last_end = np.full(n, np.iinfo(np.int64).min, dtype=np.int64)
    np.maximum.at(last_end, st["sid"], np.where(st["end_null"], as_of, st["end"]))

    _other_custody(stream(seed, "custody"), config, track, first_start, as_of, custody)
    cust_start = custody.get("start")
    first_event = first_start.copy()
    np.minimum.at(first_event, custody.get("sid"), cust_start)

    ids = id_column("id", "S", np.arange(1, n + 1), max(_SUBJECT_ID_DIGITS, len(str(n))))
    frames = {
        "subjects": pl.DataFrame([ids]),
        "status_periods": _status_frame(ids, st),
        "rehab_episodes": _rehab_frame(ids, rehab),
        "custody_periods": _custody_frame(ids, custody),
        "residences": _residences(
            stream(seed, "residences"), config, territory, ids, home, first_event
        ),
        "drug_tests": _tests(
            stream(seed, "tests"), config, ids, track, q, st, first_start, last_end, events
        ),
    }
    return People(frames=frames, per_successor=np.bincount(home, minlength=n_units))


def _allocate(rng: np.random.Generator, n: int, territory: Territory) -> Ints:
    """Assign each person a home successor unit; counts are heavily skewed across units."""
    n_units = territory.n_successors
    pop = np.nan_to_num(territory.succ_population, nan=15_000.0)
    # A third of units are "quiet" (a handful of people); the rest have a long tail.
    quiet = rng.random(n_units) < 0.35
    weight = np.sqrt(pop) * territory.succ_burden * rng.lognormal(0.0, 1.0, n_units)
    weight = np.where(quiet, weight * 0.06, weight)
    counts = rng.multinomial(n, weight / weight.sum())
    home = np.repeat(np.arange(n_units), counts)
    return home[rng.permutation(n)]


def _illegal_users(
    rng: np.random.Generator, sid: Ints, as_of: int, status: _Columns, events: _Columns
) -> tuple[Ints, Days]:
    """Add illegal-user periods; return those determined addicted and from when."""
    n = len(sid)
    detected = uniform_days(rng, day(dt.date(2022, 6, 1)), as_of - 30, n)
    # Decision within 3 working days of the positive result (Decree 105/2021).
    decision = detected + rng.integers(1, 6, n)
    statutory_end = add_years(decision, 1) - 1
    converts = rng.random(n) < 0.2
    convert_day = uniform_days(rng, detected + 30, np.minimum(statutory_end, as_of - 1), n)
    converts &= convert_day < np.minimum(statutory_end, as_of)
    end = np.where(converts, convert_day, statutory_end)
    # Some expired periods were never closed in the source system: the engine must apply
    # the 1-year rule from management_start itself.
    end_null = ~converts & ((statutory_end > as_of) | (rng.random(n) < 0.1))
    decision = np.where(end_null, decision, np.minimum(decision, end))
    _add_status(status, sid, _USER, detected, end, end_null, decision)
    events.add(sid=sid, date=detected, positive=np.ones(n, dtype=np.bool_))
    return sid[converts], convert_day[converts] + 1


def _addict_careers(
    rng: np.random.Generator,
    sid: Ints,
    phase_start: Days,
    quality: Floats,
    as_of: int,
    status: _Columns,
    rehab: _Columns,
    events: _Columns,
) -> None:
    """Run everyone on the addict track through rounds of rehab, post-rehab and relapse."""
    cursor = phase_start.copy()
    for round_ in range(_MAX_ROUNDS):
        n = len(sid)
        if n == 0:
            return
        q = quality[sid]
        p_treat = (0.35 + 0.62 * q) if round_ == 0 else (0.45 + 0.5 * q)
        treat = rng.random(n) < p_treat
        start = cursor + np.floor(rng.exponential(10.0 + 120.0 * (1.0 - q))).astype(np.int64)
        form = choose(rng, _FORM_FIRST if round_ == 0 else _FORM_AGAIN, n)
        planned = uniform_days(rng, _DURATION_LO[form], _DURATION_HI[form], n)
        completes = rng.random(n) < _COMPLETION[form]
        cut = np.maximum(14, np.round(planned * rng.uniform(0.15, 0.9, n))).astype(np.int64)
        end = start + np.where(completes, planned, cut) - 1
        minor = rng.random(n) < 0.015
        in_rehab = treat & (start <= as_of)
        # An episode still running on the extraction day is open (no end, not completed).
        ongoing = in_rehab & (end >= as_of)
        done = in_rehab & ~ongoing & completes
        dropped = in_rehab & ~ongoing & ~completes
        rehab.add(
            sid=sid[in_rehab],
            form=form[in_rehab],
            start=start[in_rehab],
            end=end[in_rehab],
            end_null=ongoing[in_rehab],
            completed=done[in_rehab],
            minor=minor[in_rehab],
        )

        # Untreated addicts are usually ordered into rehab later (Law 73/2021 Art. 32):
        # they go round again unless this was the last round or the data end first.
        waits = ~treat & (start <= as_of) & (round_ < _MAX_ROUNDS - 1) & (rng.random(n) < 0.8)
        # Still an addict at the end of the data: untreated, or inside an open episode.
        stays = (~in_rehab & ~waits) | ongoing
        removed = stays & ~in_rehab & (rng.random(n) < 0.04)  # died, moved abroad...
        removal_day = uniform_days(rng, phase_start, as_of, n)
        _add_status(
            status, sid[stays], _ADDICT, phase_start[stays], removal_day[stays], ~removed[stays]
        )

        # Completed: the addict period ends, post-rehab management starts the next day.
        closed = np.zeros(int(done.sum()), np.bool_)
        _add_status(status, sid[done], _ADDICT, phase_start[done], end[done], closed)
        pr_start = end + 1
        mstart = np.minimum(pr_start + rng.integers(0, 11, n), as_of)
        years = np.where((form == _COMPULSORY) & ~minor, 2, 1)  # Law 73/2021 Art. 40
        statutory_end = add_years(mstart, years) - 1
        relapse_day = uniform_days(rng, pr_start, np.minimum(statutory_end, as_of - 1), n)
        relapses = (
            done
            & (rng.random(n) < 0.45 + 0.4 * (1.0 - q))
            & (relapse_day <= np.minimum(statutory_end, as_of - 1))
        )
        pr_end = np.where(relapses, relapse_day, statutory_end)
        pr_open = ~relapses & ((statutory_end > as_of) | (rng.random(n) < 0.12))
        mstart = np.where(pr_open, mstart, np.minimum(mstart, pr_end))
        _add_status(
            status, sid[done], _POST, pr_start[done], pr_end[done], pr_open[done], mstart[done]
        )
        # Some who finished post-rehab management relapse later and are listed again.
        late_day = statutory_end + rng.integers(30, 1500, n)
        late = done & ~relapses & ~pr_open & (late_day < as_of - 30) & (rng.random(n) < 0.35)
        relapse_day = np.where(late, late_day - 1, relapse_day)
        relapses |= late
        positive = np.ones(int(relapses.sum()), np.bool_)
        events.add(sid=sid[relapses], date=relapse_day[relapses] + 1, positive=positive)

        # Next round: dropouts stay addicts and may start again; relapsed people re-enter.
        again = dropped | relapses | waits
        new_phase = np.where(relapses, relapse_day + 1, phase_start)
        new_cursor = np.where(relapses, relapse_day + 1, end + rng.integers(15, 121, n))
        new_cursor = np.where(waits, start + rng.integers(180, 901, n), new_cursor)
        sid, phase_start, cursor = sid[again], new_phase[again], new_cursor[again]
    # Anyone still cycling after the last round remains an addict, untreated.
    _add_status(status, sid, _ADDICT, phase_start)


def _psychosis(rng: np.random.Generator, sid: Ints, as_of: int, status: _Columns) -> None:
    """Add drug-induced psychosis cases; a few were taken off the list."""
    n = len(sid)
    start = uniform_days(rng, day(dt.date(2021, 1, 1)), as_of - 30, n)
    end = uniform_days(rng, start, as_of, n)
    _add_status(status, sid, _PSYCH, start, end, rng.random(n) >= 0.08)


def _released(
    rng: np.random.Generator, sid: Ints, as_of: int, status: _Columns, custody: _Columns
) -> None:
    """Add released drug offenders; most have their prison term on record."""
    n = len(sid)
    released = uniform_days(rng, day(dt.date(2021, 1, 1)), as_of - 30, n)
    jailed = released - rng.integers(365, 8 * 365, n)
    _add_status(status, sid, _RELEASED, released + 1)
    known = rng.random(n) < 0.6
    k = int(known.sum())
    ended = np.zeros(k, np.bool_)
    custody.add(sid=sid[known], start=jailed[known], end=released[known], end_null=ended)


def _other_custody(
    rng: np.random.Generator,
    config: SynthConfig,
    track: Ints,
    first_start: Days,
    as_of: int,
    custody: _Columns,
) -> None:
    """Put a few addicts and users in temporary detention or prison."""
    eligible = np.flatnonzero((track <= USER_TRACK) & (first_start < as_of - 30))
    chosen = eligible[rng.random(len(eligible)) < config.custody_share]
    n = len(chosen)
    start = uniform_days(rng, first_start[chosen], as_of - 10, n)
    detention = rng.random(n) < 0.6
    length = np.where(detention, rng.integers(30, 121, n), rng.integers(365, 5 * 365, n))
    end = start + length - 1
    custody.add(sid=chosen, start=start, end=end, end_null=end > as_of)


def _status_arrays(
    status: _Columns, quality: Floats, rng: np.random.Generator
) -> dict[str, np.ndarray]:
    """Concatenate status rows, sort them by person and date, draw the record flags."""
    sid = status.get("sid")
    start = status.get("start")
    order = np.lexsort((start, sid))
    cols = {
        name: status.get(name, bool if name.endswith("null") else np.int64)[order]
        for name in ("sid", "kind", "start", "end", "end_null", "mstart", "mstart_null")
    }
    rows = len(order)
    q = quality[cols["sid"]]
    # Management record: mostly present, missing more often where management is weak,
    # unknown (null) for about 1 %.
    cols["record"] = rng.random(rows) < 0.75 + 0.24 * q
    cols["record_null"] = rng.random(rows) < 0.01
    supported_kind = (cols["kind"] == _POST) | (cols["kind"] == _RELEASED)
    cols["support"] = rng.random(rows) < 0.55 + 0.43 * q
    cols["support_null"] = ~supported_kind | (rng.random(rows) < 0.03)
    managed_kind = (cols["kind"] == _USER) | (cols["kind"] == _POST)
    cols["mstart_null"] = cols["mstart_null"] | ~managed_kind | (rng.random(rows) < 0.03)
    return cols


def _status_frame(ids: pl.Series, st: dict[str, np.ndarray]) -> pl.DataFrame:
    return pl.DataFrame(
        [
            ids.gather(st["sid"]).alias("subject_id"),
            enum_column("kind", _KINDS, st["kind"]),
            date_column("start", st["start"]),
            date_column("end", st["end"], st["end_null"]),
            bool_column("has_management_record", st["record"], st["record_null"]),
            date_column("management_start", st["mstart"], st["mstart_null"]),
            bool_column("support_provided", st["support"], st["support_null"]),
        ]
    )


def _rehab_frame(ids: pl.Series, rehab: _Columns) -> pl.DataFrame:
    sid, start = rehab.get("sid"), rehab.get("start")
    order = np.lexsort((start, sid))
    return pl.DataFrame(
        [
            ids.gather(sid[order]).alias("subject_id"),
            enum_column("form", _FORMS, rehab.get("form")[order]),
            date_column("start", start[order]),
            date_column("end", rehab.get("end")[order], rehab.get("end_null", bool)[order]),
            bool_column("completed", rehab.get("completed", bool)[order]),
            bool_column("minor", rehab.get("minor", bool)[order]),
            _ranks(sid[order]),
        ]
    )


def _ranks(sid: Ints) -> pl.Series:
    """Each episode's rank among the person's episodes (sorted by person, then start).

    A third of the people (every third id) have no rank on record, as in real data.
    """
    ptr = np.flatnonzero(np.r_[True, sid[1:] != sid[:-1]]) if len(sid) else np.zeros(0, int)
    first = np.repeat(ptr, np.diff(np.r_[ptr, len(sid)]))
    rank = np.arange(len(sid)) - first + 1
    return pl.Series("rank", rank, dtype=pl.Int64).scatter(np.flatnonzero(sid % 3 == 0), None)


def _custody_frame(ids: pl.Series, custody: _Columns) -> pl.DataFrame:
    sid, start = custody.get("sid"), custody.get("start")
    order = np.lexsort((start, sid))
    return pl.DataFrame(
        [
            ids.gather(sid[order]).alias("subject_id"),
            date_column("start", start[order]),
            date_column("end", custody.get("end")[order], custody.get("end_null", bool)[order]),
        ]
    )


def _residences(
    rng: np.random.Generator,
    config: SynthConfig,
    territory: Territory,
    ids: pl.Series,
    home: Ints,
    first_event: Days,
) -> pl.DataFrame:
    """Build residences: one stay for most, two for movers, with pre-reform unit codes.

    A stay in a merged successor that began before 1 July 2025 is recorded against one of
    its predecessors: either still open there (legacy record; the engine remaps it, or
    cannot when the predecessor was split) or closed on 30 June 2025 and continued in the
    successor from 1 July 2025 (migrated record).
    """
    n = len(home)
    as_of = day(config.as_of)
    reform = day(TWO_TIER_START)
    since = np.maximum(day(dt.date(1990, 1, 1)), first_event - rng.integers(0, 3650, n))
    since = np.minimum(since, first_event)
    earliest_move = np.maximum(since + 30, day(config.history_start))
    can_move = earliest_move <= as_of - 60
    mover = can_move & (rng.random(n) < config.mover_share)
    left = can_move & ~mover & (rng.random(n) < config.left_share)
    moved_on = uniform_days(rng, earliest_move, as_of - 60, n)
    arrival = moved_on + rng.integers(1, 46, n)

    # Where movers came from: usually another unit of the same province.
    prov = territory.succ_province
    by_prov = np.argsort(prov, kind="stable")
    prov_ptr = group_ptr(np.bincount(prov, minlength=int(prov.max()) + 1))
    p = prov[home]
    size = prov_ptr[p + 1] - prov_ptr[p]
    rank = np.empty(territory.n_successors, dtype=np.int64)
    rank[by_prov] = np.arange(territory.n_successors) - prov_ptr[prov[by_prov]]
    shift = 1 + np.floor(rng.random(n) * np.maximum(size - 1, 1)).astype(np.int64)
    same_prov = by_prov[prov_ptr[p] + (rank[home] + shift) % np.maximum(size, 1)]
    anywhere = rng.integers(0, territory.n_successors, n)
    origin = np.where((rng.random(n) < 0.7) & (size > 1), same_prov, anywhere)

    # Stays: (person, successor, start, end, open).
    st_sid = np.concatenate([np.flatnonzero(mover), np.arange(n)])
    st_unit = np.concatenate([origin[mover], home])
    st_start = np.concatenate([since[mover], np.where(mover, arrival, since)])
    st_end = np.concatenate([moved_on[mover], np.where(left, moved_on, 0)])
    st_open = np.concatenate([np.zeros(int(mover.sum()), np.bool_), ~left])

    # Recode stays that began before the reform in merged units.
    k = len(st_sid)
    lo = territory.link_ptr[st_unit]
    count = territory.link_ptr[st_unit + 1] - lo
    pick = lo + np.floor(rng.random(k) * count).astype(np.int64)
    links = territory.link_pred
    # Unmerged units have no links; their pick is never used, so any valid index will do.
    pred = links[np.clip(pick, 0, len(links) - 1)] if len(links) else np.zeros(k, np.int64)
    pred_code = territory.n_successors + pred
    before = territory.succ_merged[st_unit] & (st_start < reform)
    ended_before = before & ~st_open & (st_end < reform)
    spans = before & ~ended_before
    legacy = spans & st_open & (rng.random(k) < config.legacy_residence_share)
    migrated = spans & ~legacy
    plain = ~before

    parts = [
        (plain, st_unit, st_start, st_end, st_open),
        (ended_before, pred_code, st_start, st_end, st_open),
        (legacy, pred_code, st_start, st_end, st_open),
        (migrated, pred_code, st_start, np.full(k, reform - 1), np.zeros(k, np.bool_)),
        (migrated, st_unit, np.full(k, reform), st_end, st_open),
    ]
    r_sid = np.concatenate([st_sid[m] for m, *_ in parts])
    r_unit = np.concatenate([u[m] for m, u, *_ in parts])
    r_start = np.concatenate([s[m] for m, _, s, *_ in parts])
    r_end = np.concatenate([e[m] for m, _, _, e, _ in parts])
    r_open = np.concatenate([o[m] for m, *_, o in parts])
    order = np.lexsort((r_start, r_sid))
    return pl.DataFrame(
        [
            ids.gather(r_sid[order]).alias("subject_id"),
            territory.codes.gather(r_unit[order]).alias("unit_code"),
            date_column("start", r_start[order]),
            date_column("end", r_end[order], r_open[order]),
        ]
    )


def _tests(
    rng: np.random.Generator,
    config: SynthConfig,
    ids: pl.Series,
    track: Ints,
    quality: Floats,
    st: dict[str, np.ndarray],
    first_start: Days,
    last_end: Days,
    events: _Columns,
) -> pl.DataFrame:
    """Generate drug tests: event tests, campaigns before reference dates, routine tests."""
    n = len(track)
    as_of = day(config.as_of)
    p_pos = _POSITIVITY[track] * (1.5 - quality)

    # Campaigns: most people whose status covers a reference date are tested in the
    # 30 days before it, nearly all of them where management is thorough.
    camp_sid, camp_date = [], []
    for ref in config.reference_dates:
        r = day(ref)
        covers = (st["start"] <= r) & (st["end_null"] | (st["end"] >= r))
        active = np.bincount(st["sid"][covers], minlength=n) > 0
        tested = active & (rng.random(n) < 0.55 + 0.44 * quality)
        who = np.flatnonzero(tested)
        camp_sid.append(who)
        camp_date.append(r - rng.integers(0, 29, len(who)))
    c_sid = np.concatenate(camp_sid)
    c_date = np.concatenate(camp_date)
    c_pos = rng.random(len(c_sid)) < 0.5 * p_pos[c_sid]

    e_sid, e_date, e_pos = events.get("sid"), events.get("date"), events.get("positive", bool)

    # Routine tests spread over the time the person was on a list since history_start.
    w_start = np.maximum(first_start, day(config.history_start))
    w_end = np.minimum(last_end + 30, as_of)
    years = np.maximum(w_end - w_start + 1, 0) / 365.25
    weight = years * _TESTS_PER_YEAR[track] * rng.gamma(1.5, 1 / 1.5, n)
    budget = max(0.0, config.tests_per_subject * n - len(c_sid) - len(e_sid))
    scale = budget / weight.sum() if weight.sum() > 0 else 0.0
    k = rng.poisson(weight * scale)
    k[years <= 0] = 0
    r_sid = np.repeat(np.arange(n), k)
    r_date = uniform_days(rng, w_start[r_sid], w_end[r_sid], len(r_sid))
    r_pos = rng.random(len(r_sid)) < p_pos[r_sid]

    sid = np.concatenate([e_sid, c_sid, r_sid])
    date = np.concatenate([e_date, c_date, r_date])
    positive = np.concatenate([e_pos, c_pos, r_pos])
    rows = len(sid)
    # Positives are confirmed in a lab more often than negatives.
    confirm = rng.random(rows) < np.where(positive, 0.45, 0.08)
    surprise = rng.random(rows) < 0.25
    order = np.lexsort((date, sid))
    return pl.DataFrame(
        [
            ids.gather(sid[order]).alias("subject_id"),
            date_column("date", date[order]),
            enum_column("result", _RESULTS, positive[order]),
            enum_column("method", _METHODS, confirm[order]),
            enum_column("schedule", _SCHEDULES, surprise[order]),
        ]
    )
