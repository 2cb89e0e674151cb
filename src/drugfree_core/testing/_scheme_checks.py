"""The conformance checks of a scheme, run on Hypothesis-generated datasets.

Each check is a function that returns a short summary when the scheme conforms and
raises :class:`_Failed` with the reason when it does not; :func:`run_check` turns either
into a :class:`~drugfree_core.testing.CheckResult` and never lets an exception escape.

Evaluation errors are the business of ``check_total`` alone: the other property checks
skip the examples on which ``evaluate`` raises, so one defect fails one check.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import math
import re
import time
from collections.abc import Callable, Iterator
from typing import Any

import attrs
import hypothesis
from hypothesis import HealthCheck, Phase, Verbosity, given, settings
from hypothesis import strategies as st

from drugfree_core.dataset.dataset import Dataset
from drugfree_core.dataset.document import FORMAT
from drugfree_core.engine import Outcome, RuleResult, evaluate
from drugfree_core.engine.serialize import rule_result_from_dict
from drugfree_core.errors import DatasetError, DrugfreeError, SchemeError
from drugfree_core.io import read_json_text
from drugfree_core.model import AdminUnit, Provenance, Residence, Subject, UnitKind
from drugfree_core.plugins.registrars import scheme_problems
from drugfree_core.rules.params import DatedValue
from drugfree_core.rules.primitives import PythonRule, walk_values
from drugfree_core.rules.scheme import Scheme, check_id
from drugfree_core.testing._report import CheckResult, ConformanceReport
from drugfree_core.testing._stability import stability_problems
from drugfree_core.testing.strategies import PROVINCE_CODE, REFERENCE_DATES, datasets

#: The checks :func:`check_scheme` runs, in order.
CHECKS = (
    "check_metadata",
    "check_total",
    "check_deterministic",
    "check_outcomes_cite_criteria",
    "check_json_round_trip",
    "check_bad_input",
)

#: A scheme version starts with a digit and holds no spaces: "2024.10", "1.2.0-rc1".
VERSION_PATTERN = re.compile(r"^[0-9][0-9A-Za-z.+-]*$")

# The range of reference dates the strategies can build data around.
_EARLIEST = dt.date(1900, 1, 1)
_LATEST = dt.date(2199, 12, 31)
_SUPPRESSED = tuple(
    HealthCheck[name]
    for name in (
        "too_slow",
        "data_too_large",
        "filter_too_much",
        "large_base_example",
        "function_scoped_fixture",
        "differing_executors",
        "nested_given",
    )
    if name in HealthCheck.__members__
)
_MESSAGE_LIMIT = 600


class _Failed(Exception):
    """A check's verdict that the scheme does not conform; the message says why."""


class _Violation(AssertionError):
    """Raised inside a Hypothesis property when an example breaks it."""


@attrs.frozen
class _Budget:
    max_examples: int
    seed: int | None


# ------------------------------------------------------------------------ running


def check_scheme(
    scheme: Scheme, *, max_examples: int = 20, seed: int | None = 0
) -> ConformanceReport:
    """Run every conformance check (:data:`CHECKS`) on *scheme* and report each result.

    A failing check is recorded in the report, never raised; call
    :meth:`~drugfree_core.testing.ConformanceReport.raise_for_failures` to turn failures
    into an :class:`AssertionError`. *max_examples* is the number of generated datasets
    per property check; with an integer *seed* the same datasets are generated on every
    run, with ``None`` Hypothesis explores at random.
    """
    _check_arguments(scheme, max_examples, seed)
    results = tuple(
        run_check(scheme, name, max_examples=max_examples, seed=seed) for name in CHECKS
    )
    return ConformanceReport(scheme_id=scheme.id, results=results)


def run_check(
    scheme: Scheme, name: str, *, max_examples: int = 20, seed: int | None = 0
) -> CheckResult:
    """Run the one check called *name* (one of :data:`CHECKS`) on *scheme*."""
    _check_arguments(scheme, max_examples, seed)
    if name not in _RUNNERS:
        raise ValueError(f"unknown check {name!r}; the checks are {', '.join(CHECKS)}")
    started = time.perf_counter()
    try:
        message = _RUNNERS[name](scheme, _Budget(max_examples, seed))
        passed = True
    except _Failed as exc:
        message, passed = str(exc), False
    except Exception as exc:  # a check records every failure, even its own
        message, passed = f"the check could not run: {_describe(exc)}", False
    if len(message) > _MESSAGE_LIMIT:
        message = message[: _MESSAGE_LIMIT - 1] + "…"
    return CheckResult(
        name=name, passed=passed, message=message, seconds=time.perf_counter() - started
    )


def _check_arguments(scheme: object, max_examples: object, seed: object) -> None:
    if not isinstance(scheme, Scheme):
        raise TypeError(f"expected a drugfree_core Scheme, not {type(scheme).__name__}")
    if isinstance(max_examples, bool) or not isinstance(max_examples, int) or max_examples < 1:
        raise ValueError(f"max_examples must be an integer >= 1, not {max_examples!r}")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
        raise ValueError(f"seed must be an integer or None, not {seed!r}")


def _describe(exc: BaseException) -> str:
    if isinstance(exc, _Violation):
        return str(exc)
    text = f"{type(exc).__name__}: {exc}"
    cause = exc.__cause__
    if cause is not None and not isinstance(cause, _Violation):
        # The kit runs on generated data only, so the cause's own words may be shown: the
        # library leaves them out of its messages (they could quote real records).
        text += f" [{type(cause).__name__}: {cause}]"
    inner = getattr(exc, "exceptions", None)  # Hypothesis reports flaky failures as groups
    if inner:
        text += f" [{_describe(inner[0])}]"
    return text


# --------------------------------------------------------------- generated examples


@attrs.frozen
class _Example:
    """One generated case: a reference date, a dataset, and a number to pick a unit."""

    on: dt.date
    dataset: Dataset
    pick: int

    def describe(self) -> str:
        # Codes and pseudonymous ids only: nothing else about the generated people.
        units = self.dataset.units
        in_force = [
            code
            for code, kind, start, end in units.select(
                "code", "kind", "valid_from", "valid_to"
            ).iter_rows()
            if kind != UnitKind.PROVINCE.value
            and (start is None or start <= self.on)
            and (end is None or self.on <= end)
        ]
        ids = self.dataset.subjects["id"].to_list()
        return (
            f"reference date {self.on.isoformat()}, units {', '.join(in_force) or 'none'}, "
            f"subjects {', '.join(ids) or 'none'}"
            + (f", {len(self.dataset.quarantined)} quarantined" if self.dataset.quarantined else "")
        )


def _in_period(scheme: Scheme, day: dt.date) -> bool:
    return scheme.in_force(day) and _EARLIEST <= day <= _LATEST


def scheme_dates(scheme: Scheme) -> tuple[dt.date, ...]:
    """Reference dates worth testing *scheme* on, inside its effective period.

    The library's reference dates, the first and last day of the scheme, the days its
    criteria start and the day after they end, and the days its parameters change.
    """
    candidates = set(REFERENCE_DATES)
    candidates |= {d for d in (scheme.effective_from, scheme.effective_to) if d is not None}
    for c in scheme.criteria:
        if c.effective_from is not None:
            candidates.add(c.effective_from)
        if c.effective_to is not None and c.effective_to < _LATEST:
            candidates.add(c.effective_to + dt.timedelta(days=1))
    candidates |= {dv.start for p in scheme.parameters for dv in p.values}
    dates = tuple(sorted(d for d in candidates if _in_period(scheme, d)))
    if not dates:
        raise _Failed(
            f"scheme {scheme.id} is in force {scheme.effective_from} to {scheme.effective_to}: "
            f"no day between {_EARLIEST} and {_LATEST} to generate data for"
        )
    return dates


def _examples(scheme: Scheme) -> st.SearchStrategy[_Example]:
    dates = st.sampled_from(scheme_dates(scheme))

    @st.composite
    def build(draw: st.DrawFn) -> _Example:
        on = draw(dates)
        dataset = draw(datasets(on=on, quarantine=True))
        return _Example(on=on, dataset=dataset, pick=draw(st.integers(0, 1 << 16)))

    return build()


@attrs.define
class _Stats:
    used: int = 0
    skipped: int = 0
    last: _Example | None = None

    def summary(self, what: str) -> str:
        text = f"{what} on {self.used} generated dataset(s)"
        if self.skipped:
            text += f"; {self.skipped} skipped because evaluate raised (see check_total)"
        return text


def _run_property(scheme: Scheme, budget: _Budget, prop: Callable[[_Example], bool]) -> _Stats:
    """Run *prop* on generated examples; a falsified property becomes :class:`_Failed`.

    *prop* returns False to skip an example. No shrinking: the first falsifying example
    is reported as found, which keeps the checks fast.
    """
    stats = _Stats()
    examples = _examples(scheme)

    def run(example: _Example) -> None:
        stats.last = example
        if prop(example):
            stats.used += 1
        else:
            stats.skipped += 1

    test = settings(
        max_examples=budget.max_examples,
        database=None,
        derandomize=budget.seed is not None,
        deadline=None,
        phases=(Phase.explicit, Phase.generate),
        report_multiple_bugs=False,
        print_blob=False,
        verbosity=Verbosity.quiet,
        suppress_health_check=_SUPPRESSED,
    )(given(examples)(run))
    if budget.seed is not None:
        test = hypothesis.seed(budget.seed)(test)
    try:
        test()
    except Exception as exc:
        where = stats.last.describe() if stats.last else "before any example"
        raise _Failed(f"{_describe(exc)} (falsifying example: {where})") from exc
    return stats


# ----------------------------------------------------------------------- the checks


def _blank(text: object) -> bool:
    return not isinstance(text, str) or not text.strip()


def _id_problem(what: str, value: object) -> list[str]:
    try:
        check_id(None, attrs.fields(Scheme).id, value)  # type: ignore[arg-type]
    except (SchemeError, TypeError):
        return [f"{what} {value!r} must be 1-80 letters, digits, '.', '_' or '-'"]
    return []


def _hash_form(scheme: Scheme) -> Scheme:
    # The model lets a parameter hold a mapping (law.post_rehab_period does), which makes
    # the scheme itself unhashable; freeze those values and require the rest hashable.
    def frozen(dv: DatedValue) -> DatedValue:
        if isinstance(dv.value, dict):
            return attrs.evolve(dv, value=tuple(sorted(dv.value.items())))  # type: ignore[arg-type]
        return dv

    params = tuple(attrs.evolve(p, values=tuple(map(frozen, p.values))) for p in scheme.parameters)
    return attrs.evolve(scheme, parameters=params)


def metadata_problems(scheme: Scheme) -> list[str]:
    """Every metadata problem of *scheme*, stricter than the registrar's checks.

    On top of :func:`~drugfree_core.plugins.registrars.scheme_problems`: ids match the
    id pattern, the version matches :data:`VERSION_PATTERN`, provenance tags are
    :class:`~drugfree_core.model.Provenance` values, every criterion is in force at some
    point of the scheme's period, no day of that period is without a criterion (see
    :func:`vacuous_days`), parameters and custom rules are described in both languages,
    one name means one custom function, and the metadata is stable.
    """
    problems = list(scheme_problems(scheme))
    problems += _id_problem("scheme id", scheme.id)
    if not isinstance(scheme.version, str) or not VERSION_PATTERN.match(scheme.version):
        problems.append(
            f"version {scheme.version!r} must start with a digit and hold no spaces "
            "(e.g. '2024.10' or '1.2.0')"
        )
    functions: dict[str, object] = {}
    for c in scheme.criteria:
        problems += _id_problem("criterion id", c.id)
        if not isinstance(c.provenance, Provenance):
            problems.append(f"criterion {c.id}: provenance {c.provenance!r} is not a Provenance")
        starts = max(d for d in (c.effective_from, scheme.effective_from, dt.date.min) if d)
        ends = min(d for d in (c.effective_to, scheme.effective_to, dt.date.max) if d)
        if starts > ends:
            problems.append(f"criterion {c.id} is never in force while the scheme is")
        for node in walk_values(c.rule):
            if not isinstance(node, PythonRule):
                continue
            if _blank(node.name) or _blank(node.description_en) or _blank(node.description_vi):
                problems.append(
                    f"criterion {c.id}: custom rule {node.name!r} needs a name and "
                    "Vietnamese and English descriptions"
                )
            if not callable(node.func):
                problems.append(f"criterion {c.id}: custom rule {node.name!r} is not callable")
            elif functions.setdefault(node.name, node.func) is not node.func:
                problems.append(
                    f"two different functions are called {node.name!r}: custom rules compare "
                    "by name, so give each function its own"
                )
    for day in vacuous_days(scheme):
        problems.append(
            f"no criterion is in force on {day.isoformat()}, inside the scheme's period: "
            "evaluating it then would pass every unit without a check (end the scheme "
            "earlier, or keep a criterion in force)"
        )
    for p in scheme.parameters:
        problems += _id_problem("parameter id", p.id)
        if _blank(p.description_en) or _blank(p.description_vi):
            problems.append(f"parameter {p.id} needs Vietnamese and English descriptions")
        for dv in p.values:
            if not isinstance(dv.provenance, Provenance):
                problems.append(f"parameter {p.id}: the value from {dv.start} has no Provenance")
    for level in scheme.levels:
        problems += _id_problem("level id", level.id)
        if _blank(level.name_en) or _blank(level.name_vi):
            problems.append(f"level {level.id} needs Vietnamese and English names")
    try:
        hash_form: object = _hash_form(scheme)
    except Exception:  # the stability check below names what is wrong
        hash_form = scheme
    problems += stability_problems(scheme, "scheme", hash_form=hash_form)
    return problems


def vacuous_days(scheme: Scheme) -> tuple[dt.date, ...]:
    """The first day of every stretch of the scheme's period with no criterion in force.

    The criteria in force change only on a criterion's first day or the day after its
    last, so checking those days (and the scheme's first) covers every day of the period.
    """
    start = scheme.effective_from or dt.date.min
    end = scheme.effective_to or dt.date.max
    days = {start}
    for c in scheme.criteria:
        if c.effective_from is not None:
            days.add(c.effective_from)
        if c.effective_to is not None and c.effective_to < dt.date.max:
            days.add(c.effective_to + dt.timedelta(days=1))
    return tuple(sorted(d for d in days if start <= d <= end and not scheme.criteria_on(d)))


def _check_metadata(scheme: Scheme, _budget: _Budget) -> str:
    problems = metadata_problems(scheme)
    if problems:
        raise _Failed("; ".join(dict.fromkeys(problems)))
    return (
        f"{len(scheme.criteria)} criteria and {len(scheme.parameters)} parameters are "
        "complete, cited and stable"
    )


def _check_total(scheme: Scheme, budget: _Budget) -> str:
    def prop(example: _Example) -> bool:
        evaluation = evaluate(example.dataset, scheme, example.on)
        _ = evaluation.units, evaluation.unplaced  # built lazily: build them here
        return True

    return _run_property(scheme, budget, prop).summary("evaluated without error")


def _same(a: object, b: object) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True  # NaN is check_json_round_trip's business, not a difference
    return a == b


def first_difference(a: object, b: object, path: str = "$") -> str | None:
    """The JSON path of the first place where *a* and *b* differ, or ``None``."""
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(set(a) | set(b), key=str):
            if key not in a or key not in b:
                return f"{path}.{key}"
            found = first_difference(a[key], b[key], f"{path}.{key}")
            if found:
                return found
        return None
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return f"{path} (length {len(a)} vs {len(b)})"
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            found = first_difference(x, y, f"{path}[{i}]")
            if found:
                return found
        return None
    return None if _same(a, b) else path


def _check_deterministic(scheme: Scheme, budget: _Budget) -> str:
    def prop(example: _Example) -> bool:
        dataset, on = example.dataset, example.on
        before = {name: frame.clone() for name, frame in dataset.frames().items()}
        try:
            first = evaluate(dataset, scheme, on)
            first_dict = first.to_dict()
        except Exception:
            return False
        where = first_difference(first_dict, evaluate(dataset, scheme, on).to_dict())
        if where:
            raise _Violation(f"two evaluations of the same dataset differ at {where}")
        for name, frame in dataset.frames().items():
            if not frame.equals(before[name]):
                raise _Violation(f"evaluate changed the {name} table of the dataset")
        units: list[dict[str, Any]] = first_dict["units"]  # type: ignore[assignment]
        if units:
            whole = units[example.pick % len(units)]
            code = whole["unit_code"]
            alone: list[Any] = evaluate(dataset, scheme, on, units=[code]).to_dict()["units"]  # type: ignore[assignment]
            if len(alone) != 1:
                raise _Violation(f"evaluating unit {code} alone gave {len(alone)} unit results")
            where = first_difference(whole, alone[0], f"$.units[{code}]")
            if where:
                raise _Violation(
                    f"unit {code} evaluated alone differs from the full run at {where}"
                )
        return True

    stats = _run_property(scheme, budget, prop)
    return stats.summary("repeatable, single-unit runs agree and the dataset is untouched")


def _nodes(node: RuleResult) -> Iterator[RuleResult]:
    yield node
    for child in node.children:
        yield from _nodes(child)


def _says_why(node: RuleResult) -> bool:
    return bool(node.reason or node.failing_subjects or node.unknown_subjects)


def _explained(node: RuleResult) -> bool:
    """Whether a non-pass rule tree says why somewhere.

    A reason or subject ids on a non-pass node; a measure (a leaf that is not a custom
    rule) with its observed value and threshold; or a negation whose rule passed.
    """
    if node.outcome is not Outcome.PASS and _says_why(node):
        return True
    if not node.children and node.rule != "PythonRule":
        return node.observed is not None and bool(node.threshold)
    if node.rule == "Not" and all(c.outcome is Outcome.PASS for c in node.children):
        return True
    return any(_explained(c) for c in node.children)


def _verdict(outcomes: list[Outcome]) -> Outcome:
    if Outcome.FAIL in outcomes:
        return Outcome.FAIL
    return Outcome.UNKNOWN if Outcome.UNKNOWN in outcomes else Outcome.PASS


def _check_outcomes(scheme: Scheme, budget: _Budget) -> str:
    levels = {level.id for level in scheme.levels} | {"none"}

    def prop(example: _Example) -> bool:
        try:
            units = evaluate(example.dataset, scheme, example.on).units
        except Exception:
            return False
        expected = [c.id for c in scheme.criteria_on(example.on)]
        for unit in units:
            code = unit.unit_code
            listed = [c.criterion_id for c in unit.criteria]
            if listed != expected:
                raise _Violation(
                    f"unit {code} lists criteria {listed}; in force on {example.on} are {expected}"
                )
            for c in unit.criteria:
                where = f"unit {code}, criterion {c.criterion_id}"
                for node in _nodes(c.result):
                    if not isinstance(node.outcome, Outcome):
                        raise _Violation(f"{where}: node {node.id} has outcome {node.outcome!r}")
                    custom = node.rule == "PythonRule" and node.outcome is not Outcome.PASS
                    if custom and not (node.reason or node.failing_subjects):
                        raise _Violation(
                            f"{where}: custom rule node {node.id} is {node.outcome.value} "
                            "without a reason or failing subject ids"
                        )
                if c.outcome is not c.result.outcome:
                    raise _Violation(f"{where}: the outcome differs from its rule tree's")
                if c.outcome is not Outcome.PASS and not _explained(c.result):
                    raise _Violation(
                        f"{where} is {c.outcome.value} with no reason, subject ids or "
                        "measured value anywhere in its rule tree"
                    )
            if scheme.levels:
                if unit.level is not None and unit.level not in levels:
                    raise _Violation(f"unit {code} is classified into unknown level {unit.level}")
            elif unit.verdict is not _verdict([c.outcome for c in unit.criteria]):
                raise _Violation(f"unit {code}: the verdict does not follow from its criteria")
        return True

    return _run_property(scheme, budget, prop).summary("every criterion cited and explained")


def _reject_constant(name: str) -> object:
    raise ValueError(f"{name} is not valid JSON")


def _non_finite(value: object, path: str = "$") -> str | None:
    if isinstance(value, float) and not math.isfinite(value):
        return path
    items: list[tuple[str, object]] = []
    if isinstance(value, dict):
        items = [(f"{path}.{k}", v) for k, v in value.items()]
    elif isinstance(value, list):
        items = [(f"{path}[{i}]", v) for i, v in enumerate(value)]
    for where, item in items:
        found = _non_finite(item, where)
        if found:
            return found
    return None


def _check_json(scheme: Scheme, budget: _Budget) -> str:
    def prop(example: _Example) -> bool:
        try:
            evaluation = evaluate(example.dataset, scheme, example.on)
            units = evaluation.units
        except Exception:
            return False
        text = evaluation.to_json()
        try:
            data = json.loads(text, parse_constant=_reject_constant)
        except ValueError as exc:
            where = _non_finite(evaluation.to_dict())
            raise _Violation(
                f"the evaluation's JSON is not strict JSON ({exc})"
                + (f" at {where}" if where else "")
            ) from exc
        for unit, unit_data in zip(units, data["units"], strict=True):
            for c, c_data in zip(unit.criteria, unit_data["criteria"], strict=True):
                if rule_result_from_dict(c_data["result"]) != c.result.in_words():
                    raise _Violation(
                        f"unit {unit.unit_code}, criterion {c.criterion_id}: the rule tree "
                        "read back from JSON differs from the evaluated one"
                    )
        return True

    return _run_property(scheme, budget, prop).summary("strict JSON that reads back equal")


# ---------------------------------------------------------------------- bad input

_NO_SUCH_UNIT = "NO-SUCH-UNIT-0"
#: Units of the edge-case dataset and what is special about them.
_EDGE_UNITS = {
    "E-NONE": "a unit with no people, no facts and no known population",
    "E-ZERO": "a unit with no people, no facts and a population of 0",
    "E-BARE": "a unit whose only person has a residence and no other record",
}


def _edge_dataset() -> Dataset:
    province = AdminUnit(code=PROVINCE_CODE, name="Province", kind=UnitKind.PROVINCE)
    populations = {"E-NONE": None, "E-ZERO": 0, "E-BARE": 1000}
    units = [province] + [
        AdminUnit(
            code=code,
            name=f"Unit {code}",
            kind=UnitKind.COMMUNE,
            parent_code=PROVINCE_CODE,
            resident_population=population,
        )
        for code, population in populations.items()
    ]
    bare = Subject(
        id="S-BARE", residences=(Residence(unit_code="E-BARE", start=dt.date(1990, 1, 1)),)
    )
    return Dataset.from_records(units=units, subjects=[bare])


def _edge_dates(scheme: Scheme) -> dict[dt.date, str]:
    """Days to evaluate the edge cases on, with why each one is interesting."""
    first = scheme_dates(scheme)[0]
    days = {first: "the first day tested"}
    for c in scheme.criteria:
        if c.effective_from is not None and _in_period(scheme, c.effective_from):
            days.setdefault(c.effective_from, f"the day criterion {c.id} starts")
    if scheme.effective_to is not None and _in_period(scheme, scheme.effective_to):
        days.setdefault(scheme.effective_to, "the scheme's last day")
    for year in range(first.year, first.year + 9):
        leap = dt.date(year, 2, 28) + dt.timedelta(days=1)
        if leap.month == 2 and leap >= first and _in_period(scheme, leap):
            days.setdefault(leap, "29 February")
            break
    return days


def _expect_error(
    call: Callable[[], object], kind: type[Exception], what: str, names: str | None = None
) -> list[str]:
    try:
        call()
    except kind as exc:
        if names is not None and names not in str(exc):
            return [f"{what}: the {type(exc).__name__} does not name {names!r} ({exc})"]
        return []
    except Exception as exc:
        return [f"{what}: raised {_describe(exc)}, not a {kind.__name__}"]
    return [f"{what}: nothing was raised"]


def _bad_record_problems(scheme: Scheme, on: dt.date) -> list[str]:
    document = {
        "format": FORMAT,
        "units": [
            {"code": PROVINCE_CODE, "name": "Province", "kind": "province"},
            {
                "code": "E-NONE",
                "name": "Unit E-NONE",
                "kind": "commune",
                "parent_code": PROVINCE_CODE,
            },
        ],
        "subjects": [
            {"id": "S-BAD", "residences": [{"unit_code": "E-NONE", "start": "2025-02-30"}]}
        ],
    }
    text = json.dumps(document)
    what = "a document with an impossible date ($.subjects[0].residences[0].start)"
    try:
        read_json_text(text)
    except DatasetError as exc:
        located = [p for p in exc.problems if p.location.startswith("$.subjects[0]")]
        if not located:
            return [f"{what}: the DatasetError gives no location ({exc})"]
    except Exception as exc:
        return [f"{what}: raised {_describe(exc)}, not a DatasetError"]
    else:
        return [f"{what}: loading it raised nothing"]
    try:
        _ = evaluate(read_json_text(text, quarantine=True), scheme, on).units
    except Exception as exc:
        return [f"{what}, loaded with quarantine: evaluate raised {_describe(exc)}"]
    return []


def _check_bad_input(scheme: Scheme, _budget: _Budget) -> str:
    edge = _edge_dataset()
    on = scheme_dates(scheme)[0]
    problems = _expect_error(
        lambda: evaluate(edge, scheme, on, units=[_NO_SUCH_UNIT]),
        DrugfreeError,
        "asking for a unit code that is not in the dataset",
        names=_NO_SUCH_UNIT,
    )
    problems += _expect_error(
        lambda: evaluate(edge, scheme, on, units=[PROVINCE_CODE]),
        DrugfreeError,
        "asking for a province instead of a commune-level unit",
        names=PROVINCE_CODE,
    )
    outside = []
    if scheme.effective_from is not None and scheme.effective_from > _EARLIEST:
        outside.append(scheme.effective_from - dt.timedelta(days=1))
    if scheme.effective_to is not None and scheme.effective_to < _LATEST:
        outside.append(scheme.effective_to + dt.timedelta(days=1))
    for day in outside:
        problems += _expect_error(
            functools.partial(evaluate, edge, scheme, day),
            SchemeError,
            f"evaluating on {day}, outside the scheme's effective period",
        )
    problems += _bad_record_problems(scheme, on)
    for day, why in _edge_dates(scheme).items():
        try:
            _ = evaluate(edge, scheme, day).units
        except Exception as exc:
            unit = next((code for code in _EDGE_UNITS if code in str(exc)), None)
            case = _EDGE_UNITS[unit] if unit else "the edge-case units"
            problems.append(f"evaluating {case} on {day} ({why}) raised {_describe(exc)}")
    if problems:
        raise _Failed("; ".join(problems))
    return (
        f"clear errors for unknown units, dates outside the scheme and bad records; "
        f"edge-case units evaluate on {len(_edge_dates(scheme))} day(s)"
    )


_RUNNERS: dict[str, Callable[[Scheme, _Budget], str]] = {
    "check_metadata": _check_metadata,
    "check_total": _check_total,
    "check_deterministic": _check_deterministic,
    "check_outcomes_cite_criteria": _check_outcomes,
    "check_json_round_trip": _check_json,
    "check_bad_input": _check_bad_input,
}
