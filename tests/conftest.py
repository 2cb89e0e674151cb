"""Shared helpers: building datasets from records, shuffling rows, comparing with the oracle."""

from __future__ import annotations

import atexit
import datetime as dt
import enum
import os
import random
import shutil
import tempfile
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import attrs
import polars as pl
import pytest
from docs_site import site, site_vi  # noqa: F401  (session fixtures: the built docs)
from hypothesis import HealthCheck, Phase, settings
from oracle import OracleEvaluation, OracleNode, oracle_evaluate
from pgserver import postgres_uri  # noqa: F401  (the session's PostgreSQL server)

from drugfree_core.dataset.dataset import Dataset, DatasetRecords, QuarantinedRecord
from drugfree_core.dataset.schema import FINDING_TABLES, TABLES
from drugfree_core.engine import Evaluation, RuleResult, UnitVerdict, evaluate
from drugfree_core.model import (
    AdminUnit,
    Authority,
    CustodyPeriod,
    DrugTest,
    FactKind,
    LineageLink,
    Provenance,
    RehabEpisode,
    RehabForm,
    Residence,
    StatusPeriod,
    Subject,
    SubjectKind,
    TestResult,
    TestSchedule,
    UnitFact,
    UnitKind,
)
from drugfree_core.plugins import SchemeRegistrar, get_scheme, hookimpl
from drugfree_core.rules.extension import Jurisdiction
from drugfree_core.rules.outcome import CustomOutcome, UnitView
from drugfree_core.rules.primitives import PythonRule
from drugfree_core.rules.scheme import Criterion, Scheme
from drugfree_core.testing.strategies import dataset_from_records

# The library's own tests see only the built-in plugin, whatever is installed (province
# plugins are tested in their own folders, and tests that load plugins say so).
os.environ["DRUGFREE_DISABLE_PLUGIN_AUTOLOAD"] = "1"
# Output follows DRUGFREE_LANG, else the locale: the tests expect English unless they ask
# for Vietnamese, whatever the machine's locale (the language tests set their own).
os.environ["DRUGFREE_LANG"] = "en"
# The compiled catalogue an editable install keeps goes to the session's own folder, not
# the user's cache (the subprocesses of the CLI tests inherit it).
os.environ["DRUGFREE_CACHE_DIR"] = tempfile.mkdtemp(prefix="drugfree-test-cache-")
atexit.register(shutil.rmtree, os.environ["DRUGFREE_CACHE_DIR"], ignore_errors=True)


@pytest.fixture(autouse=True, scope="session")
def _fresh_default_host() -> Iterable[None]:
    from drugfree_core.plugins import reset_default_host

    reset_default_host()
    yield
    reset_default_host()


# Deterministic runs in CI: the same examples every time, and no shrinking (a failure is
# reported at once, with a reproduce blob); per-test max_examples are set where the tests
# are. HYPOTHESIS_PROFILE=dev explores randomly and shrinks failures to minimal examples.
settings.register_profile(
    "ci",
    derandomize=True,
    deadline=None,
    database=None,
    print_blob=True,
    phases=(Phase.explicit, Phase.reuse, Phase.generate),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "dev",
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

# ------------------------------------------------------------------- records -> dataset


def _wire(value: Any) -> Any:
    return value.value if isinstance(value, enum.Enum) else value


def _row(record: Any, **extra: Any) -> dict[str, Any]:
    return {**{k: _wire(v) for k, v in attrs.asdict(record, recurse=False).items()}, **extra}


def records_to_frames(records: DatasetRecords) -> dict[str, pl.DataFrame]:
    """Flatten typed records into the tables of ``dataset/schema.py`` (no checks)."""
    rows: dict[str, list[dict[str, Any]]] = {t.name: [] for t in TABLES}
    rows["units"] = [_row(u) for u in records.units]
    rows["lineage"] = [_row(link) for link in records.lineage]
    rows["unit_facts"] = [_row(f) for f in records.unit_facts]
    rows["coverage"] = [_row(c) for c in records.coverage]
    absent = set() if records.coverage else {"coverage"}
    for table in FINDING_TABLES:
        found = getattr(records, table)
        if found is None:
            absent.add(table)
        else:
            rows[table] = [_row(r) for r in found]
    for s in records.subjects:
        rows["subjects"].append({"id": s.id})
        rows["residences"] += [_row(r, subject_id=s.id) for r in s.residences]
        rows["status_periods"] += [_row(r, subject_id=s.id) for r in s.statuses]
        rows["drug_tests"] += [_row(r, subject_id=s.id) for r in s.tests]
        rows["rehab_episodes"] += [_row(r, subject_id=s.id) for r in s.rehab_episodes]
        rows["custody_periods"] += [_row(r, subject_id=s.id) for r in s.custody]
    frames = {}
    for t in TABLES:
        if t.name in absent:
            continue
        data = [{c: r.get(c) for c in t.column_names} for r in rows[t.name]]
        frames[t.name] = pl.DataFrame(data, schema=t.polars_schema, orient="row")
    return frames


def build_dataset(
    records: DatasetRecords, quarantined: Sequence[QuarantinedRecord] = ()
) -> Dataset:
    """The engine's dataset for *records* (``Dataset.from_records``, which checks them)."""
    return dataset_from_records(records, quarantined)


def make_records(
    units: Iterable[AdminUnit],
    subjects: Iterable[Subject] = (),
    lineage: Iterable[LineageLink] = (),
    unit_facts: Iterable[UnitFact] = (),
    **findings: Any,
) -> DatasetRecords:
    """Records; *findings* are finding tables by name (left out: not supplied)."""
    return DatasetRecords(
        units=tuple(units),
        subjects=tuple(subjects),
        lineage=tuple(lineage),
        unit_facts=tuple(unit_facts),
        **{k: None if v is None else tuple(v) for k, v in findings.items()},
    )


#: The day a test's reports of a unit fact are completed from: before every window read.
REPORTS_FROM = dt.date(2023, 12, 15)
#: The unit facts a criterion adds up over a window (the others are read as latest values).
SUMMED_FACTS = frozenset(
    {
        FactKind.DRUG_USE_LOCATIONS,
        FactKind.ARRESTED_DRUG_OFFENDERS,
        FactKind.NARCOTIC_PLANTS_COUNT,
        FactKind.NARCOTIC_PLANTS_AREA_M2,
    }
)


def complete_reports(facts: Iterable[UnitFact]) -> list[UnitFact]:
    """*facts* and a report of 0 for every day before and between a unit's reports of a kind.

    A test that gives one period's total means nothing was found on the other days of the
    window; a fact total now needs every day of its window reported
    (:mod:`drugfree_core.engine.fact_gaps`). The zeros share no day with the reports
    given, so they change no total and no range.
    """
    out = list(facts)
    spans: dict[tuple[str, FactKind], list[tuple[dt.date, dt.date]]] = {}
    for f in out:
        if f.kind in SUMMED_FACTS:
            spans.setdefault((f.unit_code, f.kind), []).append((f.period_start, f.period_end))
    for (unit, kind), periods in spans.items():
        day = REPORTS_FROM
        for start, end in sorted(periods):
            if start > day:
                out.append(
                    UnitFact(
                        unit_code=unit,
                        kind=kind,
                        period_start=day,
                        period_end=start - dt.timedelta(days=1),
                        value=0,
                    )
                )
            day = max(day, end + dt.timedelta(days=1))
    return out


def shuffled(dataset: Dataset, rng: random.Random) -> Dataset:
    """The same dataset with the rows of every table in another order."""
    frames = {}
    for name, frame in dataset.frames().items():
        order = list(range(frame.height))
        rng.shuffle(order)
        frames[name] = frame[order] if order else frame
    return Dataset.from_frames(
        frames,
        quarantined=dataset.quarantined,
        map_source=dataset.map_source,
        supplied=dataset.supplied,
    )


# ------------------------------------------------------------------ engine vs oracle


def _tree_diff(engine: RuleResult, oracle: OracleNode, path: str, out: list[str]) -> None:
    where = f"{path}[{oracle.rule}]"
    if engine.rule != oracle.rule:
        out.append(f"{where}: engine node is {engine.rule}")
        return
    if engine.outcome.value != oracle.outcome:
        out.append(f"{where}: engine {engine.outcome.value}, oracle {oracle.outcome}")
    if oracle.rule == "AllSatisfy":
        if tuple(sorted(engine.failing_subjects)) != oracle.failing:
            out.append(f"{where}: failing engine {engine.failing_subjects} oracle {oracle.failing}")
        if (
            engine.outcome.value == "unknown"
            and tuple(sorted(engine.unknown_subjects)) != oracle.unknown
        ):
            out.append(f"{where}: unknown engine {engine.unknown_subjects} oracle {oracle.unknown}")
        if (engine.numerator, engine.denominator) != (oracle.numerator, oracle.denominator):
            out.append(
                f"{where}: ratio engine {engine.numerator}/{engine.denominator} "
                f"oracle {oracle.numerator}/{oracle.denominator}"
            )
    if oracle.children:
        if len(engine.children) != len(oracle.children):
            out.append(f"{where}: engine has {len(engine.children)} children")
            return
        for i, (e, o) in enumerate(zip(engine.children, oracle.children, strict=True)):
            _tree_diff(e, o, f"{path}.{i}", out)


def diff_against_oracle(evaluation: Evaluation, expected: OracleEvaluation) -> list[str]:
    """Every disagreement between the engine's evaluation and the oracle's, as text."""
    out: list[str] = []
    got = {u.unit_code: u for u in evaluation.units}
    if set(got) != set(expected.units):
        out.append(f"units: engine {sorted(got)} oracle {sorted(expected.units)}")
    for code in sorted(set(got) & set(expected.units)):
        e, o = got[code], expected.units[code]
        if e.verdict.value != o.verdict:
            out.append(f"{code}: verdict engine {e.verdict.value} oracle {o.verdict}")
        if (e.level, e.level_candidates) != (o.level, o.level_candidates):
            out.append(
                f"{code}: level engine {e.level}/{e.level_candidates} "
                f"oracle {o.level}/{o.level_candidates}"
            )
        if bool(e.affected_by) != o.affected:
            out.append(f"{code}: affected_by engine {e.affected_by} oracle {o.affected}")
        crits = {c.criterion_id: c for c in e.criteria}
        if list(crits) != list(o.criteria):
            out.append(f"{code}: criteria engine {list(crits)} oracle {list(o.criteria)}")
            continue
        for cid, oc in o.criteria.items():
            ec = crits[cid]
            if ec.outcome.value != oc.outcome:
                out.append(f"{code}/{cid}: engine {ec.outcome.value} oracle {oc.outcome}")
            root = ec.result
            if root.outcome.value != ec.outcome.value:
                out.append(f"{code}/{cid}: root outcome differs from criterion outcome")
            if o.affected and oc.tree.outcome == "pass":
                root = attrs.evolve(root, outcome=_outcome("pass"))
            _tree_diff(root, oc.tree, f"{code}/{cid}", out)
    unplaced = {u.subject_id: tuple(sorted(u.candidate_units)) for u in evaluation.unplaced}
    if unplaced != expected.unplaced:
        out.append(f"unplaced: engine {unplaced} oracle {expected.unplaced}")
    return out


def _outcome(value: str) -> Any:
    from drugfree_core.engine import Outcome

    return Outcome(value)


def check_against_oracle(
    dataset: Dataset, records: DatasetRecords, scheme: Scheme, on: dt.date
) -> tuple[Evaluation, OracleEvaluation]:
    evaluation = evaluate(dataset, scheme, on, allow_no_coverage=True)
    # Read before the units exist, so they come from the columns (the counts' fast path).
    verdicts = evaluation.verdicts
    anywhere = evaluation.unplaced_anywhere  # counted over the frame, no records built
    expected = oracle_evaluate(
        records,
        scheme,
        on,
        quarantined=dataset.quarantined,
        supplied=dataset.supplied,
        coverage_basis=dataset.coverage_basis,
    )
    problems = diff_against_oracle(evaluation, expected)
    assert not problems, "engine != oracle on " + on.isoformat() + ":\n" + "\n".join(problems)
    assert verdicts == verdicts_of_units(evaluation)
    gone = sum(1 for u in evaluation.unplaced if u.kind == "gone")
    lost = evaluation.lost_records
    assert anywhere == gone + len(evaluation.undetermined) + len(lost)
    assert {(r.table, r.row) for r in lost} == expected.lost
    if verdicts:
        # One unit evaluated alone counts who may be anywhere without placing everyone.
        from drugfree_core.api import evaluate_unit

        _, alone = evaluate_unit(dataset, scheme, on, verdicts[0].unit_code, allow_no_coverage=True)
        assert alone.unplaced_anywhere == anywhere
        assert alone.undetermined == evaluation.undetermined
    return evaluation, expected


def verdicts_of_units(evaluation: Evaluation) -> tuple[UnitVerdict, ...]:
    """The verdicts as read off the full unit results (what the column path must give)."""
    return tuple(
        UnitVerdict(
            unit_code=u.unit_code,
            unit_name=u.unit_name,
            province_code=u.province_code,
            verdict=u.verdict,
            criteria=tuple((c.criterion_id, c.outcome) for c in u.criteria),
            level=u.level,
            level_candidates=u.level_candidates,
        )
        for u in evaluation.units
    )


# --------------------------------------------------------- builders for example tests

PROVINCE = "P38"


def province() -> AdminUnit:
    return AdminUnit(code=PROVINCE, name="Tỉnh Thanh Hóa", kind=UnitKind.PROVINCE)


def commune(
    code: str,
    *,
    population: int | None = 10_000,
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
    kind: UnitKind = UnitKind.COMMUNE,
) -> AdminUnit:
    return AdminUnit(
        code=code,
        name=f"Xã {code}",
        kind=kind,
        parent_code=PROVINCE,
        resident_population=population,
        valid_from=valid_from,
        valid_to=valid_to,
    )


def person(
    sid: str,
    unit: str,
    *statuses: StatusPeriod,
    lived_from: dt.date = dt.date(2020, 1, 1),
    lived_to: dt.date | None = None,
    residences: Sequence[Residence] = (),
    tests: Sequence[DrugTest] = (),
    episodes: Sequence[RehabEpisode] = (),
    custody: Sequence[CustodyPeriod] = (),
) -> Subject:
    return Subject(
        id=sid,
        residences=tuple(residences)
        or (Residence(unit_code=unit, start=lived_from, end=lived_to),),
        statuses=statuses,
        tests=tuple(tests),
        rehab_episodes=tuple(episodes),
        custody=tuple(custody),
    )


def status(
    kind: SubjectKind,
    start: dt.date = dt.date(2024, 1, 1),
    *,
    end: dt.date | None = None,
    record: bool | None = True,
    management_start: dt.date | None = None,
    support: bool | None = True,
) -> StatusPeriod:
    return StatusPeriod(
        kind=kind,
        start=start,
        end=end,
        has_management_record=record,
        management_start=management_start,
        support_provided=support,
    )


def negative(day: dt.date, schedule: TestSchedule = TestSchedule.PERIODIC) -> DrugTest:
    return DrugTest(date=day, result=TestResult.NEGATIVE, schedule=schedule)


def positive(day: dt.date, schedule: TestSchedule = TestSchedule.PERIODIC) -> DrugTest:
    return DrugTest(date=day, result=TestResult.POSITIVE, schedule=schedule)


def episode(
    form: RehabForm,
    start: dt.date,
    end: dt.date | None = None,
    *,
    completed: bool = False,
    minor: bool = False,
) -> RehabEpisode:
    return RehabEpisode(form=form, start=start, end=end, completed=completed, minor=minor)


def days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)


def with_custom_criterion(
    scheme: Scheme, name: str, func: Callable[[UnitView], CustomOutcome], words: tuple[str, str]
) -> Scheme:
    """*scheme* with one more criterion, ``X.1``: the custom rule *func* called *name*.

    *words* are its description in English, then in Vietnamese.
    """
    english, vietnamese = words
    rule = PythonRule(name=name, func=func, description_en=english, description_vi=vietnamese)
    extra = Criterion(
        id="X.1",
        title_vi=vietnamese,
        title_en=english,
        rule=rule,
        citation="test",
        provenance=Provenance.INFERRED,
    )
    return attrs.evolve(scheme, criteria=(*scheme.criteria, extra))


class OwnSchemes:
    """A test plugin: each of *provinces* applies its own copy of the scheme *base*.

    The copies are called ``test-province-<code>``, in force when *base* is; *authority*
    (default: the base's) says whether they count as national; *change*, when given,
    makes the copies differ from *base* (a parameter of their own, say).
    """

    DRUGFREE_HOOK_API = "1.1"

    def __init__(
        self,
        base: str,
        provinces: Sequence[str],
        *,
        authority: Authority | None = None,
        change: Callable[[Scheme], Scheme] | None = None,
    ) -> None:
        self.base = base
        self.provinces = tuple(provinces)
        self.authority = authority
        self.change = change

    @hookimpl
    def drugfree_register_schemes(self, registrar: SchemeRegistrar) -> None:
        base = get_scheme(self.base)
        if self.change is not None:
            base = self.change(base)
        for province in self.provinces:
            own = attrs.evolve(
                base, id=f"test-province-{province}", authority=self.authority or base.authority
            )
            registrar.add(own)
            registrar.assign(
                Jurisdiction(
                    province=province,
                    province_name=f"Tỉnh {province}",
                    scheme_id=own.id,
                    citation="test",
                    provenance=Provenance.INFERRED,
                    effective_from=base.effective_from,
                    effective_to=base.effective_to,
                )
            )
