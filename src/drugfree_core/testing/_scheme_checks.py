"""The conformance checks of a scheme, run on Hypothesis-generated datasets.

Each check is a function that returns a short summary when the scheme conforms and
raises :class:`_Failed` with the reason when it does not; :func:`run_check` turns either
into a :class:`~drugfree_core.testing.CheckResult` and never lets an exception escape.

Evaluation errors are the business of ``check_total`` alone: the other property checks
skip the examples on which ``evaluate`` raises, so one defect fails one check. Their words
are messages of the catalogue, written in the language chosen for the code that runs them
(see :mod:`._report`); the texts of the exceptions they quote are as raised.
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

from drugfree_core._args import expect, expect_choice
from drugfree_core.dataset.dataset import Dataset
from drugfree_core.dataset.document import FORMAT
from drugfree_core.engine import Outcome, RuleResult, evaluate
from drugfree_core.engine.serialize import rule_result_from_dict
from drugfree_core.errors import DatasetError, DrugfreeError, SchemeError, UsageError
from drugfree_core.i18n import LABELS, Message, Text, msg, msgn
from drugfree_core.io import read_json_text
from drugfree_core.model import AdminUnit, Provenance, Residence, Subject, UnitKind
from drugfree_core.plugins.registrars import joined, said_day, scheme_problems
from drugfree_core.rules.params import DatedValue
from drugfree_core.rules.primitives import PythonRule, walk_values
from drugfree_core.rules.scheme import Scheme, check_id
from drugfree_core.testing._report import CheckResult, ConformanceReport, said
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
    """A check's verdict that the scheme does not conform; its message says why."""

    def __init__(self, message: Text) -> None:
        super().__init__(message)
        self.message = message


class _Violation(AssertionError):
    """Raised inside a Hypothesis property when an example breaks it; says how."""

    def __init__(self, message: Message) -> None:
        super().__init__(message)
        self.message = message


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
    expect_choice(name, CHECKS, msg("check"))
    started = time.perf_counter()
    text: Text
    try:
        text = _RUNNERS[name](scheme, _Budget(max_examples, seed))
        passed = True
    except _Failed as exc:
        text, passed = exc.message, False
    except Exception as exc:  # a check records every failure, even its own
        text, passed = msg("the check could not run: {error}", error=_describe(exc)), False
    message = said(text)
    if len(message) > _MESSAGE_LIMIT:
        message = message[: _MESSAGE_LIMIT - 1] + "…"
    return CheckResult(
        name=name, passed=passed, message=message, seconds=time.perf_counter() - started
    )


def _check_arguments(scheme: object, max_examples: object, seed: object) -> None:
    expect(scheme, Scheme, "scheme", msg("a drugfree_core Scheme"))
    expect(max_examples, int, "max_examples", msg("a whole number"))
    if isinstance(max_examples, int) and max_examples < 1:
        raise UsageError(msg("{name} must be at least 1", name="max_examples"))
    if seed is not None:
        expect(seed, int, "seed", msg("a whole number or None"))


def _describe(exc: BaseException) -> str:
    """*exc* in words: its kind and text (a violation's in the chosen language)."""
    if isinstance(exc, _Violation):
        return said(exc.message)
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

    def describe(self) -> Message:
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
        fields = {
            "date": self.on,
            "units": ", ".join(in_force) or msg("none"),
            "subjects": ", ".join(ids) or msg("none"),
        }
        quarantined = len(self.dataset.quarantined)
        if not quarantined:
            return msg("reference date {date}, units {units}, subjects {subjects}", **fields)
        return msgn(
            "reference date {date}, units {units}, subjects {subjects}, {n} quarantined record",
            "reference date {date}, units {units}, subjects {subjects}, {n} quarantined records",
            quarantined,
            **fields,
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
            msg(
                "scheme {id} is in force from {start} to {end}: no day between {earliest} "
                "and {latest} to generate data for",
                id=scheme.id,
                start=scheme.effective_from or "—",
                end=scheme.effective_to or "—",
                earliest=_EARLIEST,
                latest=_LATEST,
            )
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

    def summary(self, what: Message) -> Message:
        text = msgn(
            "{what} on {n} generated dataset",
            "{what} on {n} generated datasets",
            self.used,
            what=what,
        )
        if not self.skipped:
            return text
        return msgn(
            "{summary}; {n} skipped because evaluate raised (see check_total)",
            "{summary}; {n} skipped because evaluate raised (see check_total)",
            self.skipped,
            summary=text,
        )


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
        where = stats.last.describe() if stats.last else msg("before any example")
        raise _Failed(
            msg("{error} (falsifying example: {example})", error=_describe(exc), example=where)
        ) from exc
    return stats


# ----------------------------------------------------------------------- the checks


def _blank(text: object) -> bool:
    return not isinstance(text, str) or not text.strip()


def _id_problem(what: Message, value: object) -> list[Text]:
    try:
        check_id(None, attrs.fields(Scheme).id, value)  # type: ignore[arg-type]
    except (SchemeError, TypeError):
        return [
            msg(
                "{what} {value} must be 1-80 letters, digits, '.', '_' or '-'",
                what=what,
                value=repr(value),
            )
        ]
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


def metadata_problems(scheme: Scheme) -> list[Text]:
    """Every metadata problem of *scheme*, stricter than the registrar's checks.

    On top of :func:`~drugfree_core.plugins.registrars.scheme_problems`: ids match the
    id pattern, the version matches :data:`VERSION_PATTERN`, provenance tags are
    :class:`~drugfree_core.model.Provenance` values, every criterion is in force at some
    point of the scheme's period, no day of that period is without a criterion (see
    :func:`vacuous_days`), parameters and custom rules are described in both languages,
    one name means one custom function, and the metadata is stable.
    """
    problems: list[Text] = list(scheme_problems(scheme))
    problems += _id_problem(msg("scheme id"), scheme.id)
    if not isinstance(scheme.version, str) or not VERSION_PATTERN.match(scheme.version):
        problems.append(
            msg(
                "version {value} must start with a digit and hold no spaces (e.g. '2024.10' "
                "or '1.2.0')",
                value=repr(scheme.version),
            )
        )
    functions: dict[str, object] = {}
    for c in scheme.criteria:
        problems += _id_problem(msg("criterion id"), c.id)
        if not isinstance(c.provenance, Provenance):
            problems.append(
                msg(
                    "criterion {id}: provenance {value} is not a Provenance",
                    id=str(c.id),
                    value=repr(c.provenance),
                )
            )
        starts = max(d for d in (c.effective_from, scheme.effective_from, dt.date.min) if d)
        ends = min(d for d in (c.effective_to, scheme.effective_to, dt.date.max) if d)
        if starts > ends:
            problems.append(
                msg("criterion {id} is never in force while the scheme is", id=str(c.id))
            )
        for node in walk_values(c.rule):
            if not isinstance(node, PythonRule):
                continue
            rule = {"id": str(c.id), "name": repr(node.name)}
            if _blank(node.name) or _blank(node.description_en) or _blank(node.description_vi):
                problems.append(
                    msg(
                        "criterion {id}: custom rule {name} needs a name and Vietnamese and "
                        "English descriptions",
                        **rule,
                    )
                )
            if not callable(node.func):
                problems.append(msg("criterion {id}: custom rule {name} is not callable", **rule))
            elif functions.setdefault(node.name, node.func) is not node.func:
                problems.append(
                    msg(
                        "two different functions are called {name}: custom rules compare by "
                        "name, so give each function its own",
                        name=repr(node.name),
                    )
                )
    for day in vacuous_days(scheme):
        problems.append(
            msg(
                "no criterion is in force on {day}, inside the scheme's period: evaluating it "
                "then would pass every unit without a check (end the scheme earlier, or keep "
                "a criterion in force)",
                day=day,
            )
        )
    for p in scheme.parameters:
        problems += _id_problem(msg("parameter id"), p.id)
        if _blank(p.description_en) or _blank(p.description_vi):
            problems.append(
                msg("parameter {id} needs Vietnamese and English descriptions", id=str(p.id))
            )
        for dv in p.values:
            if not isinstance(dv.provenance, Provenance):
                problems.append(
                    msg(
                        "parameter {id}: the value from {day} has no Provenance",
                        id=str(p.id),
                        day=said_day(dv.start),
                    )
                )
    for level in scheme.levels:
        problems += _id_problem(msg("level id"), level.id)
        if _blank(level.name_en) or _blank(level.name_vi):
            problems.append(msg("level {id} needs Vietnamese and English names", id=str(level.id)))
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


def _check_metadata(scheme: Scheme, _budget: _Budget) -> Text:
    problems = metadata_problems(scheme)
    if problems:
        raise _Failed(joined(dict.fromkeys(problems)))
    return msg(
        "{criteria} criteria and {parameters} parameters are complete, cited and stable",
        criteria=len(scheme.criteria),
        parameters=len(scheme.parameters),
    )


def _check_total(scheme: Scheme, budget: _Budget) -> Text:
    def prop(example: _Example) -> bool:
        evaluation = evaluate(example.dataset, scheme, example.on)
        _ = evaluation.units, evaluation.unplaced  # built lazily: build them here
        return True

    return _run_property(scheme, budget, prop).summary(msg("evaluated without error"))


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
            return f"{path} ({len(a)} ≠ {len(b)})"  # the lengths, in no language
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            found = first_difference(x, y, f"{path}[{i}]")
            if found:
                return found
        return None
    return None if _same(a, b) else path


def _check_deterministic(scheme: Scheme, budget: _Budget) -> Text:
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
            raise _Violation(
                msg("two evaluations of the same dataset differ at {where}", where=where)
            )
        for name, frame in dataset.frames().items():
            if not frame.equals(before[name]):
                raise _Violation(
                    msg("evaluate changed the {table} table of the dataset", table=name)
                )
        units: list[dict[str, Any]] = first_dict["units"]  # type: ignore[assignment]
        if units:
            whole = units[example.pick % len(units)]
            code = whole["unit_code"]
            alone: list[Any] = evaluate(dataset, scheme, on, units=[code]).to_dict()["units"]  # type: ignore[assignment]
            if len(alone) != 1:
                raise _Violation(
                    msgn(
                        "evaluating unit {code} alone gave {n} unit result",
                        "evaluating unit {code} alone gave {n} unit results",
                        len(alone),
                        code=code,
                    )
                )
            where = first_difference(whole, alone[0], f"$.units[{code}]")
            if where:
                raise _Violation(
                    msg(
                        "unit {code} evaluated alone differs from the full run at {where}",
                        code=code,
                        where=where,
                    )
                )
        return True

    stats = _run_property(scheme, budget, prop)
    return stats.summary(msg("repeatable, single-unit runs agree and the dataset is untouched"))


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


def _check_outcomes(scheme: Scheme, budget: _Budget) -> Text:
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
                    msg(
                        "unit {code} lists criteria {listed}; in force on {date} are {expected}",
                        code=code,
                        listed=", ".join(listed) or msg("none"),
                        date=example.on,
                        expected=", ".join(expected) or msg("none"),
                    )
                )
            for c in unit.criteria:
                where = msg(
                    "unit {code}, criterion {criterion}", code=code, criterion=c.criterion_id
                )
                for node in _nodes(c.result):
                    if not isinstance(node.outcome, Outcome):
                        raise _Violation(
                            msg(
                                "{where}: node {node} has outcome {outcome}",
                                where=where,
                                node=node.id,
                                outcome=repr(node.outcome),
                            )
                        )
                    custom = node.rule == "PythonRule" and node.outcome is not Outcome.PASS
                    if custom and not (node.reason or node.failing_subjects):
                        raise _Violation(
                            msg(
                                "{where}: custom rule node {node} is {outcome} without a reason "
                                "or failing subject ids",
                                where=where,
                                node=node.id,
                                outcome=LABELS[node.outcome.value],
                            )
                        )
                if c.outcome is not c.result.outcome:
                    raise _Violation(
                        msg("{where}: the outcome differs from its rule tree's", where=where)
                    )
                if c.outcome is not Outcome.PASS and not _explained(c.result):
                    raise _Violation(
                        msg(
                            "{where} is {outcome} with no reason, subject ids or measured "
                            "value anywhere in its rule tree",
                            where=where,
                            outcome=LABELS[c.outcome.value],
                        )
                    )
            if scheme.levels:
                if unit.level is not None and unit.level not in levels:
                    raise _Violation(
                        msg(
                            "unit {code} is classified into unknown level {level}",
                            code=code,
                            level=str(unit.level),
                        )
                    )
            elif unit.verdict is not _verdict([c.outcome for c in unit.criteria]):
                raise _Violation(
                    msg("unit {code}: the verdict does not follow from its criteria", code=code)
                )
        return True

    return _run_property(scheme, budget, prop).summary(msg("every criterion cited and explained"))


def _reject_constant(name: str) -> object:
    raise ValueError(f"{name} is not valid JSON")  # internal: the check reports it


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


def _check_json(scheme: Scheme, budget: _Budget) -> Text:
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
            if where:
                raise _Violation(
                    msg(
                        "the evaluation's JSON is not strict JSON ({error}) at {where}",
                        error=str(exc),
                        where=where,
                    )
                ) from exc
            raise _Violation(
                msg("the evaluation's JSON is not strict JSON ({error})", error=str(exc))
            ) from exc
        for unit, unit_data in zip(units, data["units"], strict=True):
            for c, c_data in zip(unit.criteria, unit_data["criteria"], strict=True):
                if rule_result_from_dict(c_data["result"]) != c.result.in_words():
                    raise _Violation(
                        msg(
                            "unit {code}, criterion {criterion}: the rule tree read back from "
                            "JSON differs from the evaluated one",
                            code=unit.unit_code,
                            criterion=c.criterion_id,
                        )
                    )
        return True

    return _run_property(scheme, budget, prop).summary(msg("strict JSON that reads back equal"))


# ---------------------------------------------------------------------- bad input

_NO_SUCH_UNIT = "NO-SUCH-UNIT-0"
#: Units of the edge-case dataset and what is special about them.
_EDGE_UNITS = {
    "E-NONE": msg("a unit with no people, no facts and no known population"),
    "E-ZERO": msg("a unit with no people, no facts and a population of 0"),
    "E-BARE": msg("a unit whose only person has a residence and no other record"),
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


def _edge_dates(scheme: Scheme) -> dict[dt.date, Message]:
    """Days to evaluate the edge cases on, with why each one is interesting."""
    first = scheme_dates(scheme)[0]
    days = {first: msg("the first day tested")}
    for c in scheme.criteria:
        if c.effective_from is not None and _in_period(scheme, c.effective_from):
            days.setdefault(c.effective_from, msg("the day criterion {id} starts", id=str(c.id)))
    if scheme.effective_to is not None and _in_period(scheme, scheme.effective_to):
        days.setdefault(scheme.effective_to, msg("the scheme's last day"))
    for year in range(first.year, first.year + 9):
        leap = dt.date(year, 2, 28) + dt.timedelta(days=1)
        if leap.month == 2 and leap >= first and _in_period(scheme, leap):
            days.setdefault(leap, msg("29 February"))
            break
    return days


def _expect_error(
    call: Callable[[], object], kind: type[Exception], what: Message, names: str | None = None
) -> list[Text]:
    try:
        call()
    except kind as exc:
        if names is not None and names not in str(exc):
            return [
                msg(
                    "{what}: the {kind} does not name {names} ({error})",
                    what=what,
                    kind=type(exc).__name__,
                    names=repr(names),
                    error=str(exc),
                )
            ]
        return []
    except Exception as exc:
        return [
            msg(
                "{what}: raised {error}, not a {kind}",
                what=what,
                error=_describe(exc),
                kind=kind.__name__,
            )
        ]
    return [msg("{what}: nothing was raised", what=what)]


def _bad_record_problems(scheme: Scheme, on: dt.date) -> list[Text]:
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
    what = msg(
        "a document with an impossible date ({where})", where="$.subjects[0].residences[0].start"
    )
    try:
        read_json_text(text)
    except DatasetError as exc:
        located = [p for p in exc.problems if p.location.startswith("$.subjects[0]")]
        if not located:
            return [
                msg(
                    "{what}: the DatasetError gives no location ({error})",
                    what=what,
                    error=str(exc),
                )
            ]
    except Exception as exc:
        return [msg("{what}: raised {error}, not a DatasetError", what=what, error=_describe(exc))]
    else:
        return [msg("{what}: loading it raised nothing", what=what)]
    try:
        _ = evaluate(read_json_text(text, quarantine=True), scheme, on).units
    except Exception as exc:
        return [
            msg(
                "{what}, loaded with quarantine: evaluate raised {error}",
                what=what,
                error=_describe(exc),
            )
        ]
    return []


def _check_bad_input(scheme: Scheme, _budget: _Budget) -> Text:
    edge = _edge_dataset()
    on = scheme_dates(scheme)[0]
    problems = _expect_error(
        lambda: evaluate(edge, scheme, on, units=[_NO_SUCH_UNIT]),
        DrugfreeError,
        msg("asking for a unit code that is not in the dataset"),
        names=_NO_SUCH_UNIT,
    )
    problems += _expect_error(
        lambda: evaluate(edge, scheme, on, units=[PROVINCE_CODE]),
        DrugfreeError,
        msg("asking for a province instead of a commune-level unit"),
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
            msg("evaluating on {day}, outside the scheme's effective period", day=day),
        )
    problems += _bad_record_problems(scheme, on)
    for day, why in _edge_dates(scheme).items():
        try:
            _ = evaluate(edge, scheme, day).units
        except Exception as exc:
            unit = next((code for code in _EDGE_UNITS if code in str(exc)), None)
            case = _EDGE_UNITS[unit] if unit else msg("the edge-case units")
            problems.append(
                msg(
                    "evaluating {case} on {day} ({why}) raised {error}",
                    case=case,
                    day=day,
                    why=why,
                    error=_describe(exc),
                )
            )
    if problems:
        raise _Failed(joined(dict.fromkeys(problems)))
    return msgn(
        "clear errors for unknown units, dates outside the scheme and bad records; edge-case "
        "units evaluate on {n} day",
        "clear errors for unknown units, dates outside the scheme and bad records; edge-case "
        "units evaluate on {n} days",
        len(_edge_dates(scheme)),
    )


_RUNNERS: dict[str, Callable[[Scheme, _Budget], Text]] = {
    "check_metadata": _check_metadata,
    "check_total": _check_total,
    "check_deterministic": _check_deterministic,
    "check_outcomes_cite_criteria": _check_outcomes,
    "check_json_round_trip": _check_json,
    "check_bad_input": _check_bad_input,
}
