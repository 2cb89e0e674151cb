"""Hypothesis strategies for the data model: valid units, people, records and datasets.

Dates cluster around a reference date, its 1-3 year anniversaries (+-1 day) and the
30-day test window, so the boundaries that drug-free rules care about are hit often.
Territories follow a fixed template with random options: a 2-into-1 merger on
1 July 2025 (A, B -> M), optionally a split (C -> S1, S2), an older merger (O -> A) and a
special zone, plus an unchanged town U that is always in force.

Every strategy takes keyword-only arguments, each either a plain value or a strategy of
values; bad arguments raise :class:`hypothesis.errors.InvalidArgument` with a hint::

    import datetime as dt
    from drugfree_core.testing import strategies as dfs

    dataset = dfs.datasets(on=dt.date(2025, 10, 1)).example()  # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple, TypeVar

import attrs
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from drugfree_core.dataset.dataset import Dataset, DatasetRecords, QuarantinedRecord
from drugfree_core.model import (
    TWO_TIER_START,
    AdminUnit,
    AssessmentPeriod,
    CustodyPeriod,
    DrugLawViolation,
    DrugTest,
    DrugUseLocation,
    FactKind,
    LineageLink,
    LocationBasis,
    LocationKind,
    Recognition,
    RehabEpisode,
    RehabForm,
    Residence,
    StatusPeriod,
    Subject,
    SubjectKind,
    TestMethod,
    TestResult,
    TestSchedule,
    UnitFact,
    UnitKind,
    ViolationKind,
    WantedFugitive,
)
from drugfree_core.model._checks import MAX_POPULATION, is_identifier
from drugfree_core.rules.params import Period

T = TypeVar("T")

#: The province every generated territory belongs to.
PROVINCE_CODE = "P38"
#: The day the generated merger and split take effect (two-tier local government).
MERGER_DATE = TWO_TIER_START
#: Unit codes of the territory template that are always present.
DEFAULT_UNIT_CODES = ("A", "B", "M", "U")

#: Reference dates: scheme starts, the day before/of the reorganisation, the end of
#: February, the last and first days of an assessment year (14/15 December), the day
#: before/of the 2026 law change.
REFERENCE_DATES = (
    dt.date(2024, 10, 15),
    dt.date(2025, 2, 28),
    dt.date(2025, 6, 30),
    TWO_TIER_START,
    dt.date(2025, 8, 24),
    dt.date(2025, 10, 1),
    dt.date(2025, 12, 14),
    dt.date(2025, 12, 15),
    dt.date(2026, 3, 1),
    dt.date(2026, 6, 30),
    dt.date(2026, 7, 1),
    dt.date(2027, 2, 28),
)

# Reference dates far from today would overflow once the strategies add years or days.
_EARLIEST = dt.date(1900, 1, 1)
_LATEST = dt.date(2199, 12, 31)

_DAY_OFFSETS = (
    -800, -731, -730, -729, -400, -367, -366, -365, -364, -200, -90, -61, -60, -31, -30,
    -29, -15, -2, -1, 0, 1, 2, 30,
)  # fmt: skip
_DURATIONS = (0, 1, 29, 30, 31, 180, 364, 365, 366, 729, 730, 731)
_POPULATIONS = (None, 0, 100, 199, 200, 201, 400, 1000, 2000, 10_000)
_FACT_VALUES: dict[FactKind, tuple[float, ...]] = {
    FactKind.DRUG_USE_LOCATIONS: (0, 1, 1, 2, 3),
    FactKind.ARRESTED_DRUG_OFFENDERS: (0, 1, 2, 5, 10),
    FactKind.NARCOTIC_PLANTS_COUNT: (0, 499, 500, 1500, 2999, 3000),
    FactKind.NARCOTIC_PLANTS_AREA_M2: (0, 124.5, 125, 749.5, 750, 375),
    FactKind.ON_COMPLEX_ROUTE: (0, 1),
    FactKind.ON_INTER_PROVINCIAL_ROUTE: (0, 1),
    FactKind.COMPULSORY_REHAB_DOSSIERS: (0, 1, 3, 6, 10),
    FactKind.COMPULSORY_REHAB_DOSSIERS_ASSIGNED: (0, 5, 10),
}
_FACT_END_OFFSETS = (-400, -366, -365, -364, -200, -30, -1, 0, 1)
#: The fact kinds a complete report of a unit holds.
_COMPLETE_KINDS = (
    FactKind.DRUG_USE_LOCATIONS,
    FactKind.ARRESTED_DRUG_OFFENDERS,
    FactKind.NARCOTIC_PLANTS_COUNT,
    FactKind.NARCOTIC_PLANTS_AREA_M2,
    FactKind.ON_COMPLEX_ROUTE,
    FactKind.ON_INTER_PROVINCIAL_ROUTE,
)
#: Scheme ids generated recognitions name.
RECOGNITION_SCHEMES = ("qd28-2025-drug-free", "mps-recognition-2024")
_FACT_LENGTHS = (0, 30, 365)


class Territory(NamedTuple):
    """Units and lineage links of a generated territory (unpacks as ``units, lineage``)."""

    units: tuple[AdminUnit, ...]
    lineage: tuple[LineageLink, ...]

    @property
    def commune_codes(self) -> tuple[str, ...]:
        """Codes of every unit below the province, in force or not."""
        return tuple(u.code for u in self.units if u.kind is not UnitKind.PROVINCE)


# ------------------------------------------------------------------ argument checks


def _fail(message: str) -> InvalidArgument:
    return InvalidArgument(message)


def _as_strategy(value: T | st.SearchStrategy[T]) -> st.SearchStrategy[T]:
    return value if isinstance(value, st.SearchStrategy) else st.just(value)


def _bind(make: Callable[..., st.SearchStrategy[T]], **args: Any) -> st.SearchStrategy[T]:
    """``make(**args)``, drawing first the arguments that are strategies.

    When every argument is a plain value nothing extra is drawn, so a value passed in
    generates exactly the examples the private strategy would.
    """
    if not any(isinstance(v, st.SearchStrategy) for v in args.values()):
        return make(**args)
    parts = st.fixed_dictionaries({k: _as_strategy(v) for k, v in args.items()})
    return parts.flatmap(lambda drawn: make(**drawn))


def _resolve(draw: st.DrawFn, value: T | st.SearchStrategy[T]) -> T:
    # A plain value is used as is, without a draw, so passing values does not change
    # which examples the strategy generates.
    return draw(value) if isinstance(value, st.SearchStrategy) else value


def _check_date(name: str, value: object) -> dt.date:
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise _fail(
            f"{name} must be a datetime.date or a strategy of dates, not {value!r}; "
            f"for example {name}=datetime.date(2025, 10, 1)"
        )
    if not _EARLIEST <= value <= _LATEST:
        raise _fail(f"{name}={value} is outside {_EARLIEST}..{_LATEST}; pick a nearer date")
    return value


def _date_arg(name: str, value: object) -> Any:
    """Check a date-or-strategy argument now if it is a value, at draw time otherwise."""
    if isinstance(value, st.SearchStrategy):
        return value.map(functools.partial(_check_date, name))
    return _check_date(name, value)


def _check_codes(name: str, value: object) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, Sequence) or not value:
        raise _fail(
            f"{name} must be a non-empty sequence of unit codes (or a strategy of them), "
            f"not {value!r}; for example {name}=('A', 'M')"
        )
    bad = [c for c in value if not isinstance(c, str) or not is_identifier(c)]
    if bad:
        raise _fail(
            f"{name} contains invalid unit codes {bad!r}; use 1-64 letters, digits, "
            "'.', '_', ':' or '-'"
        )
    return tuple(value)


def _codes_arg(name: str, value: object) -> Any:
    if isinstance(value, st.SearchStrategy):
        return value.map(functools.partial(_check_codes, name))
    return _check_codes(name, value)


def _check_count(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise _fail(f"{name} must be an integer >= 0, not {value!r}")
    return value


def _check_flag(name: str, value: object) -> Any:
    if isinstance(value, st.SearchStrategy):
        return value
    if not isinstance(value, bool):
        raise _fail(f"{name} must be True, False or a strategy of booleans, not {value!r}")
    return value


# ----------------------------------------------------------------------------- dates


def reference_dates(
    *, min_date: dt.date | None = None, max_date: dt.date | None = None
) -> st.SearchStrategy[dt.date]:
    """Reference dates that matter to the rules (:data:`REFERENCE_DATES`) in a range.

    *min_date* and *max_date* are inclusive bounds (a scheme's effective period, say).
    Bounds that are not in :data:`REFERENCE_DATES` are themselves sampled, so a range
    that holds none of them still gives its first and last day.

    >>> reference_dates(min_date=datetime.date(2025, 7, 1)).example()  # doctest: +SKIP
    datetime.date(2026, 3, 1)
    """
    lo = None if min_date is None else _check_date("min_date", min_date)
    hi = None if max_date is None else _check_date("max_date", max_date)
    if lo is not None and hi is not None and lo > hi:
        raise _fail(f"min_date={lo} is after max_date={hi}; swap them")
    dates = [d for d in REFERENCE_DATES if (lo is None or lo <= d) and (hi is None or d <= hi)]
    for bound in (lo, hi):
        if bound is not None and bound not in dates:
            dates.append(bound)
    return st.sampled_from(sorted(dates))


# Module-level defaults: strategies are immutable, so one instance serves every call.
_ANY_DATE = reference_dates()
_ANY_CODE = st.sampled_from(DEFAULT_UNIT_CODES)
_ANY_KIND = st.sampled_from((UnitKind.COMMUNE, UnitKind.WARD, UnitKind.TOWN, UnitKind.SPECIAL_ZONE))
_ANY_POPULATION = st.sampled_from(_POPULATIONS)
_NO_DATE = st.none()
_ANY_PREDECESSOR = st.sampled_from(("A", "B", "C", "O"))
_ANY_SUCCESSOR = st.sampled_from(("M", "S1", "S2"))
_BOOLEANS = st.booleans()
_ANY_SUBJECT_ID = st.integers(0, 999).map(lambda i: f"subj-{i:03d}")


@functools.lru_cache(maxsize=64)
def _near_dates(on: dt.date) -> tuple[dt.date, ...]:
    by_days = {on + dt.timedelta(days=n) for n in _DAY_OFFSETS}
    by_years = {
        Period(years=-k).add_to(on) + dt.timedelta(days=d) for k in (1, 2, 3) for d in (-1, 0, 1)
    }
    return tuple(sorted(by_days | by_years))


def _near(on: dt.date) -> st.SearchStrategy[dt.date]:
    return st.sampled_from(_near_dates(on))


def dates_near(*, on: dt.date | st.SearchStrategy[dt.date]) -> st.SearchStrategy[dt.date]:
    """A date near *on*: within the test window, or near one of its 1-3 year anniversaries.

    >>> dates_near(on=datetime.date(2025, 10, 1)).example()  # doctest: +SKIP
    datetime.date(2024, 9, 30)
    """
    return _bind(_near, on=_date_arg("on", on))


def _end_after(start: dt.date, on: dt.date) -> st.SearchStrategy[dt.date | None]:
    """None (open), *start* plus a boundary duration, or a date near *on* not before it."""
    return st.one_of(
        st.none(),
        st.sampled_from(_DURATIONS).map(lambda n: start + dt.timedelta(days=n)),
        _near(on).map(lambda d: d if d >= start else start),
    )


# ------------------------------------------------------------------------- territory


def _unit(
    code: str,
    kind: UnitKind,
    population: int | None,
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
    parent: str = PROVINCE_CODE,
) -> AdminUnit:
    return AdminUnit(
        code=code,
        name=f"Unit {code}",
        kind=kind,
        parent_code=parent,
        resident_population=population,
        valid_from=valid_from,
        valid_to=valid_to,
    )


def units(
    *,
    code: str | st.SearchStrategy[str] = _ANY_CODE,
    kind: UnitKind | st.SearchStrategy[UnitKind] = _ANY_KIND,
    population: int | st.SearchStrategy[int | None] | None = _ANY_POPULATION,
    valid_from: dt.date | st.SearchStrategy[dt.date | None] | None = _NO_DATE,
) -> st.SearchStrategy[AdminUnit]:
    """One valid administrative unit of province :data:`PROVINCE_CODE`.

    Populations hit the thresholds of rate criteria (199, 200, 201 per 100 000...) and
    include ``None`` (not known) and 0.

    >>> units(code="X1", kind=UnitKind.WARD).example()  # doctest: +SKIP
    AdminUnit(code='X1', name='Unit X1', kind=<UnitKind.WARD: 'ward'>, ...)
    """
    if isinstance(code, str) and not is_identifier(code):
        raise _fail(f"code={code!r} is not a valid unit code; use letters, digits, '.', '_', '-'")
    kind_arg = kind  # the check below must not narrow the type the composite sees
    if kind is UnitKind.PROVINCE:
        raise _fail("kind=UnitKind.PROVINCE: units() draws units below the province")
    given = population is not None and not isinstance(population, st.SearchStrategy)
    if given and _check_count("population", population) > MAX_POPULATION:
        raise _fail(f"population must be at most {MAX_POPULATION}, not {population!r}")

    @st.composite
    def build(draw: st.DrawFn) -> AdminUnit:
        return _unit(
            _resolve(draw, code),
            _resolve(draw, kind_arg),
            _resolve(draw, population),
            _resolve(draw, valid_from),
        )

    return build()


def lineage_links(
    *,
    predecessor_code: str | st.SearchStrategy[str] = _ANY_PREDECESSOR,
    successor_code: str | st.SearchStrategy[str] = _ANY_SUCCESSOR,
    effective: dt.date | st.SearchStrategy[dt.date] = MERGER_DATE,
) -> st.SearchStrategy[LineageLink]:
    """One lineage link: *predecessor_code* became (part of) *successor_code*.

    >>> lineage_links().example()  # doctest: +SKIP
    LineageLink(predecessor_code='A', successor_code='M', effective=datetime.date(2025, 7, 1))
    """
    checked = _date_arg("effective", effective)
    if isinstance(predecessor_code, str) and predecessor_code == successor_code:
        raise _fail(f"a unit cannot be its own successor ({predecessor_code!r})")

    @st.composite
    def build(draw: st.DrawFn) -> LineageLink:
        before, after = _resolve(draw, predecessor_code), _resolve(draw, successor_code)
        if before == after:
            raise _fail(f"a unit cannot be its own successor ({before!r}); draw distinct codes")
        return LineageLink(
            predecessor_code=before, successor_code=after, effective=_resolve(draw, checked)
        )

    return build()


def territories(
    *,
    split: bool | st.SearchStrategy[bool] = _BOOLEANS,
    chain: bool | st.SearchStrategy[bool] = _BOOLEANS,
    special_zone: bool | st.SearchStrategy[bool] = _BOOLEANS,
) -> st.SearchStrategy[Territory]:
    """A province with the 2025 merger (A, B -> M on 1 July 2025) and an unchanged town U.

    With *split*, C splits into S1 and S2 on the same day (people of C can then not be
    placed); with *chain*, O merged into A in 2020; with *special_zone*, a special zone Z.

    >>> units, lineage = territories(split=True).example()  # doctest: +SKIP
    """
    with_split_arg = _check_flag("split", split)
    with_chain_arg = _check_flag("chain", chain)
    with_zone_arg = _check_flag("special_zone", special_zone)

    @st.composite
    def build(draw: st.DrawFn) -> Territory:
        pops = st.sampled_from(_POPULATIONS)
        with_split = _resolve(draw, with_split_arg)
        with_chain = _resolve(draw, with_chain_arg)
        with_zone = _resolve(draw, with_zone_arg)
        r = MERGER_DATE
        day_before = r - dt.timedelta(days=1)
        found = [AdminUnit(code=PROVINCE_CODE, name="Province", kind=UnitKind.PROVINCE)]
        a_from = dt.date(2020, 1, 1) if with_chain else None
        found += [
            _unit("A", UnitKind.COMMUNE, draw(pops), a_from, day_before),
            _unit("B", UnitKind.COMMUNE, draw(pops), None, day_before),
            _unit("M", UnitKind.WARD, draw(pops), r, None),
            _unit("U", UnitKind.TOWN, draw(pops)),
        ]
        links = [
            LineageLink(predecessor_code="A", successor_code="M", effective=r),
            LineageLink(predecessor_code="B", successor_code="M", effective=r),
        ]
        if with_chain:
            found.append(_unit("O", UnitKind.COMMUNE, draw(pops), None, dt.date(2019, 12, 31)))
            links.append(
                LineageLink(predecessor_code="O", successor_code="A", effective=dt.date(2020, 1, 1))
            )
        if with_split:
            found += [
                _unit("C", UnitKind.COMMUNE, draw(pops), None, day_before),
                _unit("S1", UnitKind.COMMUNE, draw(pops), r, None),
                _unit("S2", UnitKind.WARD, draw(pops), r, None),
            ]
            links += [
                LineageLink(predecessor_code="C", successor_code="S1", effective=r),
                LineageLink(predecessor_code="C", successor_code="S2", effective=r),
            ]
        if with_zone:
            found.append(_unit("Z", UnitKind.SPECIAL_ZONE, draw(pops)))
        return Territory(tuple(found), tuple(links))

    return build()


# -------------------------------------------------------------------- dated records


@st.composite
def _residence_history(draw: st.DrawFn, on: dt.date, codes: Sequence[str]) -> tuple[Residence, ...]:
    n = draw(st.integers(0, 3))
    out: list[Residence] = []
    start = draw(_near(on))
    for _ in range(n):
        end = draw(_end_after(start, on))
        out.append(Residence(unit_code=draw(st.sampled_from(codes)), start=start, end=end))
        if end is None:
            break
        start = end + dt.timedelta(days=draw(st.sampled_from((1, 1, 2, 30))))
    return tuple(out)


@st.composite
def _residence(draw: st.DrawFn, on: dt.date, codes: Sequence[str]) -> Residence:
    start = draw(_near(on))
    return Residence(
        unit_code=draw(st.sampled_from(codes)), start=start, end=draw(_end_after(start, on))
    )


@st.composite
def _status(draw: st.DrawFn, on: dt.date) -> StatusPeriod:
    start = draw(_near(on))
    end = draw(_end_after(start, on))
    ms = draw(st.one_of(st.none(), _near(on)))
    if ms is not None and end is not None and ms > end:
        ms = end
    return StatusPeriod(
        kind=draw(st.sampled_from(SubjectKind)),
        start=start,
        end=end,
        has_management_record=draw(st.sampled_from((True, True, False, None))),
        management_start=ms,
        support_provided=draw(st.sampled_from((True, True, False, None))),
    )


@st.composite
def _test(draw: st.DrawFn, on: dt.date) -> DrugTest:
    return DrugTest(
        date=draw(_near(on)),
        result=draw(st.sampled_from(TestResult)),
        method=draw(st.sampled_from(TestMethod)),
        schedule=draw(st.sampled_from(TestSchedule)),
    )


@st.composite
def _episode(draw: st.DrawFn, on: dt.date) -> RehabEpisode:
    start = draw(_near(on))
    end = draw(_end_after(start, on))
    return RehabEpisode(
        form=draw(st.sampled_from(RehabForm)),
        start=start,
        end=end,
        completed=end is not None and draw(st.booleans()),
        minor=draw(st.booleans()),
        rank=draw(st.sampled_from((None, None, 1, 2))),
    )


@st.composite
def _custody(draw: st.DrawFn, on: dt.date) -> CustodyPeriod:
    start = draw(_near(on))
    return CustodyPeriod(start=start, end=draw(_end_after(start, on)))


def _around(
    on: dt.date | st.SearchStrategy[dt.date], make: Callable[[dt.date], st.SearchStrategy[T]]
) -> st.SearchStrategy[T]:
    return _bind(make, on=_date_arg("on", on))


def residences(
    *,
    on: dt.date | st.SearchStrategy[dt.date] = _ANY_DATE,
    unit_codes: Sequence[str] | st.SearchStrategy[Sequence[str]] = DEFAULT_UNIT_CODES,
) -> st.SearchStrategy[Residence]:
    """One residence in one of *unit_codes*, starting near *on* (open or ending later).

    >>> residences(on=datetime.date(2025, 7, 1), unit_codes=("M",)).example()  # doctest: +SKIP
    Residence(unit_code='M', start=datetime.date(2024, 6, 30), end=None)
    """
    return _bind(_residence, on=_date_arg("on", on), codes=_codes_arg("unit_codes", unit_codes))


def status_periods(
    *, on: dt.date | st.SearchStrategy[dt.date] = _ANY_DATE
) -> st.SearchStrategy[StatusPeriod]:
    """One status period (addict, illegal user...) starting near *on*.

    Management records and reintegration support are sometimes unknown (``None``).

    >>> status_periods(on=datetime.date(2025, 7, 1)).example()  # doctest: +SKIP
    StatusPeriod(kind=<SubjectKind.ADDICT: 'addict'>, start=datetime.date(2025, 6, 1), ...)
    """
    return _around(on, _status)


def drug_tests(
    *, on: dt.date | st.SearchStrategy[dt.date] = _ANY_DATE
) -> st.SearchStrategy[DrugTest]:
    """One drug test dated near *on* (often exactly 29, 30 or 31 days before it).

    >>> drug_tests(on=datetime.date(2025, 7, 1)).example()  # doctest: +SKIP
    DrugTest(date=datetime.date(2025, 6, 1), result=<TestResult.NEGATIVE: 'negative'>, ...)
    """
    return _around(on, _test)


def rehab_episodes(
    *, on: dt.date | st.SearchStrategy[dt.date] = _ANY_DATE
) -> st.SearchStrategy[RehabEpisode]:
    """One rehab episode starting near *on*; open episodes are never completed.

    >>> rehab_episodes(on=datetime.date(2025, 7, 1)).example()  # doctest: +SKIP
    RehabEpisode(form=<RehabForm.COMPULSORY_FACILITY: 'compulsory_facility'>, ...)
    """
    return _around(on, _episode)


def custody_periods(
    *, on: dt.date | st.SearchStrategy[dt.date] = _ANY_DATE
) -> st.SearchStrategy[CustodyPeriod]:
    """One custody period starting near *on*.

    >>> custody_periods(on=datetime.date(2025, 7, 1)).example()  # doctest: +SKIP
    CustodyPeriod(start=datetime.date(2025, 6, 30), end=None)
    """
    return _around(on, _custody)


def _period_key(e: RehabEpisode) -> tuple[str, bool]:
    return e.form.value, e.form is RehabForm.COMPULSORY_FACILITY and e.minor


@st.composite
def _subject(draw: st.DrawFn, sid: str, on: dt.date, codes: Sequence[str]) -> Subject:
    eps = draw(st.lists(_episode(on), max_size=2))
    # Two completed episodes ending the same day with different post-rehab periods would
    # make "the latest completed episode" ambiguous: keep the first of them.
    kept: list[RehabEpisode] = []
    for e in eps:
        if e.completed and any(
            k.completed and k.end == e.end and _period_key(k) != _period_key(e) for k in kept
        ):
            continue
        kept.append(e)
    sts = list(draw(st.lists(_status(on), max_size=3)))
    completed = [e for e in kept if e.completed]
    for i, s in enumerate(sts):
        # Post-rehab management usually starts when an episode ends: hit end <= anchor.
        if s.kind is SubjectKind.POST_REHAB and completed and draw(st.booleans()):
            e = draw(st.sampled_from(completed))
            assert e.end is not None  # completed episodes have an end
            ms = e.end + dt.timedelta(days=draw(st.integers(-1, 1)))
            sts[i] = attrs.evolve(
                s,
                start=min(s.start, ms),
                end=s.end if s.end is not None and s.end >= ms else None,
                management_start=ms,
            )
    custody: tuple[CustodyPeriod, ...] = ()
    if draw(st.integers(0, 3)) == 0:
        c_start = draw(_near(on))
        custody = (CustodyPeriod(start=c_start, end=draw(_end_after(c_start, on))),)
    return Subject(
        id=sid,
        residences=draw(_residence_history(on, codes)),
        statuses=tuple(sts),
        tests=tuple(draw(st.lists(_test(on), max_size=4))),
        rehab_episodes=tuple(kept),
        custody=custody,
    )


def subjects(
    *,
    on: dt.date | st.SearchStrategy[dt.date] = _ANY_DATE,
    unit_codes: Sequence[str] | st.SearchStrategy[Sequence[str]] = DEFAULT_UNIT_CODES,
    subject_id: str | st.SearchStrategy[str] = _ANY_SUBJECT_ID,
) -> st.SearchStrategy[Subject]:
    """One person with 0-3 consecutive residences in *unit_codes* and dated records.

    Up to 3 status periods, 4 drug tests, 2 rehab episodes and sometimes a custody
    period, all dated near *on*; post-rehab management often starts the day a completed
    episode ends (+-1 day).

    >>> subjects(on=datetime.date(2025, 7, 1), unit_codes=("M", "U")).example()  # doctest: +SKIP
    Subject(id='subj-000', residences=(Residence(unit_code='U', ...),), ...)
    """
    if isinstance(subject_id, str) and not is_identifier(subject_id):
        raise _fail(f"subject_id={subject_id!r} is not a valid pseudonymous id")
    return _bind(
        _subject,
        sid=subject_id,
        on=_date_arg("on", on),
        codes=_codes_arg("unit_codes", unit_codes),
    )


@st.composite
def _fact_set(draw: st.DrawFn, on: dt.date, codes: Sequence[str]) -> tuple[UnitFact, ...]:
    raw = draw(
        st.lists(
            st.tuples(
                st.sampled_from(codes),
                st.sampled_from(FactKind),
                st.sampled_from(_FACT_END_OFFSETS),
                st.sampled_from(_FACT_LENGTHS),
                st.integers(0, 5),
            ),
            max_size=10,
        )
    )
    out: list[UnitFact] = []
    if draw(st.integers(0, 2)) == 0:
        # A complete report: every unit, every kind Decision 28/2025 counts, in the
        # window (a day apart per unit).
        for i, code in enumerate(codes):
            end = on - dt.timedelta(days=i)
            for kind in _COMPLETE_KINDS:
                out.append(_fact(code, kind, end, 30, draw(st.integers(0, 5))))
    # Two facts of a kind may end on the same day (in one unit, or after lineage maps a
    # predecessor's onto it): the latest value is then anywhere between theirs.
    out.extend(
        _fact(code, kind, on + dt.timedelta(days=end_offset), length, value_index)
        for code, kind, end_offset, length, value_index in raw
    )
    return tuple(out)


def _fact(code: str, kind: FactKind, end: dt.date, length: int, value_index: int) -> UnitFact:
    values = _FACT_VALUES[kind]
    return UnitFact(
        unit_code=code,
        kind=kind,
        period_start=end - dt.timedelta(days=length),
        period_end=end,
        value=values[value_index % len(values)],
    )


@st.composite
def _one_fact(draw: st.DrawFn, on: dt.date, codes: Sequence[str]) -> UnitFact:
    end = on + dt.timedelta(days=draw(st.sampled_from(_FACT_END_OFFSETS)))
    return _fact(
        draw(st.sampled_from(codes)),
        draw(st.sampled_from(FactKind)),
        end,
        draw(st.sampled_from(_FACT_LENGTHS)),
        draw(st.integers(0, 5)),
    )


def unit_facts(
    *,
    on: dt.date | st.SearchStrategy[dt.date] = _ANY_DATE,
    unit_codes: Sequence[str] | st.SearchStrategy[Sequence[str]] = DEFAULT_UNIT_CODES,
) -> st.SearchStrategy[UnitFact]:
    """One unit fact about one of *unit_codes*, for a period ending near *on*.

    Values sit on the thresholds of the criteria (500 plants, 125 m², 1 location...).

    >>> unit_facts(on=datetime.date(2025, 7, 1), unit_codes=("M",)).example()  # doctest: +SKIP
    UnitFact(unit_code='M', kind=<FactKind.DRUG_USE_LOCATIONS: 'drug_use_locations'>, ...)
    """
    return _bind(_one_fact, on=_date_arg("on", on), codes=_codes_arg("unit_codes", unit_codes))


# -------------------------------------------------------------------------- findings


def _period_edges(on: dt.date) -> tuple[dt.date, ...]:
    """The assessment period's first and last days around *on*, and their neighbours."""
    period = AssessmentPeriod.containing(on)
    edges = {period.start, period.end, period.start - dt.timedelta(days=1)}
    edges.add(period.end + dt.timedelta(days=1))
    return tuple(sorted(edges))


def _finding_date(on: dt.date) -> st.SearchStrategy[dt.date]:
    return st.one_of(_near(on), st.sampled_from(_period_edges(on)))


@st.composite
def _violation(
    draw: st.DrawFn, on: dt.date, codes: Sequence[str], subject_ids: Sequence[str]
) -> DrugLawViolation:
    return DrugLawViolation(
        subject_id=draw(st.sampled_from(subject_ids)),
        unit_code=draw(st.sampled_from(codes)),
        date=draw(_finding_date(on)),
        kind=draw(st.sampled_from(ViolationKind)),
    )


@st.composite
def _fugitive(draw: st.DrawFn, on: dt.date, codes: Sequence[str], fid: str) -> WantedFugitive:
    start = draw(_finding_date(on))
    return WantedFugitive(
        id=fid, unit_code=draw(st.sampled_from(codes)), start=start, end=draw(_end_after(start, on))
    )


@st.composite
def _location(draw: st.DrawFn, on: dt.date, codes: Sequence[str], lid: str) -> DrugUseLocation:
    start = draw(_finding_date(on))
    return DrugUseLocation(
        id=lid,
        unit_code=draw(st.sampled_from(codes)),
        kind=draw(st.sampled_from(LocationKind)),
        basis=draw(st.sampled_from(LocationBasis)),
        identified_on=start,
        closed_on=draw(_end_after(start, on)),
    )


@st.composite
def _recognition(draw: st.DrawFn, on: dt.date, code: str, scheme_id: str) -> Recognition:
    year = AssessmentPeriod.containing(on).year + draw(st.sampled_from((-2, -1, -1, 0)))
    decided = dt.date(year, 12, 14) + dt.timedelta(days=draw(st.sampled_from((0, 20, 40))))
    withdrawn = draw(st.one_of(st.none(), _near(on).map(lambda d: max(d, decided))))
    return Recognition(
        unit_code=code,
        scheme_id=scheme_id,
        assessment_year=year,
        decided_on=decided,
        decision_ref=draw(st.sampled_from((None, "123/QĐ-UBND"))),
        withdrawn_on=withdrawn,
    )


def drug_law_violations(
    *,
    on: dt.date | st.SearchStrategy[dt.date] = _ANY_DATE,
    unit_codes: Sequence[str] | st.SearchStrategy[Sequence[str]] = DEFAULT_UNIT_CODES,
    subject_ids: Sequence[str] | st.SearchStrategy[Sequence[str]] = ("subj-00",),
) -> st.SearchStrategy[DrugLawViolation]:
    """One drug-law violation by one of *subject_ids* in one of *unit_codes*, near *on*.

    Dates often fall on the edges of the assessment period (14 and 15 December).

    >>> drug_law_violations(on=datetime.date(2025, 12, 14)).example()  # doctest: +SKIP
    DrugLawViolation(subject_id='subj-00', unit_code='M', date=datetime.date(2024, 12, 15), ...)
    """
    return _bind(
        _violation,
        on=_date_arg("on", on),
        codes=_codes_arg("unit_codes", unit_codes),
        subject_ids=_codes_arg("subject_ids", subject_ids),
    )


def wanted_fugitives(
    *,
    on: dt.date | st.SearchStrategy[dt.date] = _ANY_DATE,
    unit_codes: Sequence[str] | st.SearchStrategy[Sequence[str]] = DEFAULT_UNIT_CODES,
) -> st.SearchStrategy[WantedFugitive]:
    """One wanted drug fugitive hiding in one of *unit_codes* from near *on*.

    >>> wanted_fugitives(on=datetime.date(2025, 12, 14)).example()  # doctest: +SKIP
    WantedFugitive(id='fug-0', unit_code='U', start=datetime.date(2025, 12, 15), end=None)
    """
    return _bind(
        lambda on, codes: _fugitive(on, codes, "fug-0"),
        on=_date_arg("on", on),
        codes=_codes_arg("unit_codes", unit_codes),
    )


def drug_use_locations(
    *,
    on: dt.date | st.SearchStrategy[dt.date] = _ANY_DATE,
    unit_codes: Sequence[str] | st.SearchStrategy[Sequence[str]] = DEFAULT_UNIT_CODES,
) -> st.SearchStrategy[DrugUseLocation]:
    """One drug-use location (place, area or vehicle; suspected or documented) near *on*.

    >>> drug_use_locations(on=datetime.date(2025, 12, 14)).example()  # doctest: +SKIP
    DrugUseLocation(id='loc-0', unit_code='M', kind=<LocationKind.VEHICLE: 'vehicle'>, ...)
    """
    return _bind(
        lambda on, codes: _location(on, codes, "loc-0"),
        on=_date_arg("on", on),
        codes=_codes_arg("unit_codes", unit_codes),
    )


def recognitions(
    *,
    on: dt.date | st.SearchStrategy[dt.date] = _ANY_DATE,
    unit_codes: Sequence[str] | st.SearchStrategy[Sequence[str]] = DEFAULT_UNIT_CODES,
) -> st.SearchStrategy[Recognition]:
    """One recognition of one of *unit_codes* for an assessment year up to *on*'s.

    Sometimes withdrawn; the scheme is one of :data:`RECOGNITION_SCHEMES`.

    >>> recognitions(on=datetime.date(2026, 3, 1)).example()  # doctest: +SKIP
    Recognition(unit_code='M', scheme_id='qd28-2025-drug-free', assessment_year=2025, ...)
    """

    @st.composite
    def build(draw: st.DrawFn, on: dt.date, codes: Sequence[str]) -> Recognition:
        code = draw(st.sampled_from(codes))
        return draw(_recognition(on, code, draw(st.sampled_from(RECOGNITION_SCHEMES))))

    return _bind(build, on=_date_arg("on", on), codes=_codes_arg("unit_codes", unit_codes))


@st.composite
def _findings(
    draw: st.DrawFn, on: dt.date, codes: Sequence[str], subject_ids: Sequence[str]
) -> dict[str, Any]:
    """Each finding table: not supplied (None) one time in four, else up to a few rows."""

    def maybe(make: Callable[[int], st.SearchStrategy[Any]], most: int) -> Any:
        if draw(st.integers(0, 3)) == 0:
            return None
        return tuple(draw(make(i)) for i in range(draw(st.integers(0, most))))

    violations = maybe(lambda _i: _violation(on, codes, subject_ids), 3) if subject_ids else None
    seen: set[tuple[str, str, int]] = set()
    recs: list[Recognition] = []
    for _ in range(draw(st.integers(0, 2))):
        r = draw(_recognition(on, draw(st.sampled_from(codes)), RECOGNITION_SCHEMES[0]))
        if (r.unit_code, r.scheme_id, r.assessment_year) not in seen:
            seen.add((r.unit_code, r.scheme_id, r.assessment_year))
            recs.append(r)
    return {
        "drug_law_violations": violations,
        "wanted_fugitives": maybe(lambda i: _fugitive(on, codes, f"fug-{i}"), 2),
        "drug_use_locations": maybe(lambda i: _location(on, codes, f"loc-{i}"), 3),
        "recognitions": None if draw(st.integers(0, 3)) == 0 else tuple(recs),
    }


# -------------------------------------------------------------------------- datasets


@st.composite
def _records(
    draw: st.DrawFn, on: dt.date, max_subjects: int, territory: st.SearchStrategy[Territory]
) -> DatasetRecords:
    units_, links = draw(territory)
    codes = [u.code for u in units_ if u.kind is not UnitKind.PROVINCE]
    n = draw(st.integers(0, max_subjects))
    people = tuple(draw(_subject(f"subj-{i:02d}", on, codes)) for i in range(n))
    return DatasetRecords(
        units=units_,
        lineage=links,
        subjects=people,
        unit_facts=draw(_fact_set(on, codes)),
        **draw(_findings(on, codes, [p.id for p in people])),
    )


def dataset_records(
    *,
    on: dt.date | st.SearchStrategy[dt.date] = _ANY_DATE,
    max_subjects: int = 10,
    territory: st.SearchStrategy[Territory] | None = None,
) -> st.SearchStrategy[DatasetRecords]:
    """A small valid dataset as typed records, around the reference date *on*.

    A territory from :func:`territories` (or *territory*), up to *max_subjects* people
    with ids ``subj-00``, ``subj-01``... and up to 10 unit facts, or one time in three a
    complete report of every unit besides (every kind Decision 28/2025 counts). Each
    finding table
    (violations by these people, wanted fugitives, drug-use locations, recognitions) is
    left unsupplied (``None``) one time in four, else holds a few rows, often none.

    >>> dataset_records(on=datetime.date(2025, 10, 1)).example()  # doctest: +SKIP
    DatasetRecords(units=(AdminUnit(code='P38', ...), ...), ...)
    """
    limit = _check_count("max_subjects", max_subjects)
    if territory is not None and not isinstance(territory, st.SearchStrategy):
        raise _fail(f"territory must be a strategy such as territories(), not {territory!r}")
    terr = territories() if territory is None else territory
    # The territory is a strategy drawn inside _records, not an argument to bind.
    return _bind(lambda on: _records(on, limit, terr), on=_date_arg("on", on))


@st.composite
def _quarantine(draw: st.DrawFn, codes: Sequence[str]) -> tuple[QuarantinedRecord, ...]:
    if draw(st.integers(0, 4)) != 0:
        return ()
    return (
        QuarantinedRecord(
            table="drug_tests",
            location="drug_tests.csv:row 2",
            reason="generated",
            record_id=None,
            unit_codes=(draw(st.sampled_from(codes)),),
        ),
    )


def quarantined_records(
    *, unit_codes: Sequence[str] | st.SearchStrategy[Sequence[str]] = DEFAULT_UNIT_CODES
) -> st.SearchStrategy[tuple[QuarantinedRecord, ...]]:
    """Usually nothing; one time in five a quarantined drug test of one of *unit_codes*.

    >>> quarantined_records(unit_codes=("M",)).example()  # doctest: +SKIP
    ()
    """
    return _bind(_quarantine, codes=_codes_arg("unit_codes", unit_codes))


def dataset_from_records(
    records: DatasetRecords, quarantined: Sequence[QuarantinedRecord] = ()
) -> Dataset:
    """The engine's :class:`Dataset` for *records*, with *quarantined* records attached.

    No coverage rows: the records' own units are covered. A finding table that is
    ``None`` in *records* is not supplied.
    """
    dataset = Dataset.from_records(
        units=records.units,
        subjects=records.subjects,
        lineage=records.lineage,
        unit_facts=records.unit_facts,
        coverage=records.coverage or None,
        drug_law_violations=records.drug_law_violations,
        wanted_fugitives=records.wanted_fugitives,
        drug_use_locations=records.drug_use_locations,
        recognitions=records.recognitions,
    )
    return attrs.evolve(dataset, quarantined=tuple(quarantined))


def datasets(
    *,
    on: dt.date | st.SearchStrategy[dt.date] = _ANY_DATE,
    max_subjects: int = 10,
    quarantine: bool = False,
) -> st.SearchStrategy[Dataset]:
    """A small valid :class:`Dataset` around the reference date *on*.

    Built from :func:`dataset_records` with :meth:`Dataset.from_records` (which checks
    it). With *quarantine*, one dataset in five also lists a quarantined record, as a
    lenient load would.

    >>> datasets(on=datetime.date(2025, 10, 1), quarantine=True).example()  # doctest: +SKIP
    Dataset(units=shape: (6, 7) ...)
    """
    if not isinstance(quarantine, bool):
        raise _fail(f"quarantine must be True or False, not {quarantine!r}")
    records = dataset_records(on=on, max_subjects=max_subjects)

    @st.composite
    def build(draw: st.DrawFn) -> Dataset:
        drawn = draw(records)
        codes = [u.code for u in drawn.units if u.kind is not UnitKind.PROVINCE]
        extra = draw(_quarantine(codes)) if quarantine else ()
        return dataset_from_records(drawn, extra)

    return build()


__all__ = [
    "DEFAULT_UNIT_CODES",
    "MERGER_DATE",
    "PROVINCE_CODE",
    "RECOGNITION_SCHEMES",
    "REFERENCE_DATES",
    "Territory",
    "custody_periods",
    "dataset_from_records",
    "dataset_records",
    "datasets",
    "dates_near",
    "drug_law_violations",
    "drug_tests",
    "drug_use_locations",
    "lineage_links",
    "quarantined_records",
    "recognitions",
    "reference_dates",
    "rehab_episodes",
    "residences",
    "status_periods",
    "subjects",
    "territories",
    "unit_facts",
    "units",
    "wanted_fugitives",
]
