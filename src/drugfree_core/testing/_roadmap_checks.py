"""The conformance checks of a roadmap: complete metadata and exact required counts."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from fractions import Fraction

import attrs

from drugfree_core.errors import SchemeError
from drugfree_core.model import Provenance
from drugfree_core.model._checks import is_identifier
from drugfree_core.rules.roadmap import NATIONAL, Roadmap
from drugfree_core.rules.scheme import check_id
from drugfree_core.testing._report import CheckResult, ConformanceReport
from drugfree_core.testing._stability import stability_problems

#: The checks :func:`check_roadmap` runs, in order.
ROADMAP_CHECKS = ("check_roadmap_metadata", "check_roadmap_counts")

# Unit counts to test required counts on: every small count, and real province and
# national sizes (3321 commune-level units after the 2025 reorganisation).
_UNIT_COUNTS = (*range(0, 301), 1000, 1001, 3321, 10_035, 10_000_019)


def _blank(text: object) -> bool:
    return not isinstance(text, str) or not text.strip()


def roadmap_metadata_problems(roadmap: Roadmap) -> list[str]:
    """Every metadata problem of *roadmap*.

    The id matches the id pattern; the scope is ``"*"`` or a unit code; titles, scope name
    and citations are not blank; provenance tags are :class:`Provenance` values; effective
    dates are ordered; milestones are due on increasing dates, none before the roadmap
    starts, with cumulative shares that are fractions in (0, 1]; the metadata is stable.
    """
    problems: list[str] = []
    try:
        check_id(None, attrs.fields(Roadmap).id, roadmap.id)
    except (SchemeError, TypeError):
        problems.append(f"roadmap id {roadmap.id!r} must be 1-80 letters, digits, '.', '_', '-'")
    if roadmap.scope != NATIONAL and not (
        isinstance(roadmap.scope, str) and is_identifier(roadmap.scope)
    ):
        problems.append(
            f"scope {roadmap.scope!r} must be {NATIONAL!r} (national) or a province's unit code"
        )
    for name in ("scope_name", "title_vi", "title_en", "citation"):
        if _blank(getattr(roadmap, name)):
            problems.append(f"{name} is blank")
    if not isinstance(roadmap.provenance, Provenance):
        problems.append(f"provenance {roadmap.provenance!r} is not a Provenance")
    start, end = roadmap.effective_from, roadmap.effective_to
    if start is not None and end is not None and start > end:
        problems.append(f"effective_from {start} is after effective_to {end}")
    if not roadmap.milestones:
        problems.append("the roadmap has no milestones")
    previous: tuple[dt.date, Fraction] | None = None
    for m in roadmap.milestones:
        where = f"milestone due {m.due}"
        if _blank(m.citation):
            problems.append(f"{where} has a blank citation")
        if not isinstance(m.provenance, Provenance):
            problems.append(f"{where}: provenance {m.provenance!r} is not a Provenance")
        if not isinstance(m.share, Fraction) or not 0 < m.share <= 1:
            problems.append(f"{where}: share {m.share!r} must be a Fraction in (0, 1]")
        elif previous is not None:
            if m.due <= previous[0]:
                problems.append(f"{where} is not after the milestone due {previous[0]}")
            if m.share < previous[1]:
                problems.append(f"{where}: cumulative shares cannot decrease")
        # A milestone after effective_to is fine: a province that merged keeps the
        # targets its plan set, the roadmap just stops applying.
        if start is not None and m.due < start:
            problems.append(f"{where} falls before the roadmap starts ({start})")
        if isinstance(m.share, Fraction):
            previous = (m.due, m.share)
    problems += stability_problems(roadmap, "roadmap", hash_form=roadmap)
    return problems


def _check_metadata(roadmap: Roadmap) -> str:
    problems = roadmap_metadata_problems(roadmap)
    if problems:
        raise _Failed("; ".join(problems))
    return f"{len(roadmap.milestones)} milestone(s), cited, ordered and stable"


def _check_counts(roadmap: Roadmap) -> str:
    problems = []
    for m in roadmap.milestones:
        share = m.share
        for units in _UNIT_COUNTS:
            # ceil(share * units) in integer arithmetic: never 34 of 114 units for 30 %.
            exact = -(-share.numerator * units // share.denominator)
            got = m.required(units)
            if isinstance(got, bool) or not isinstance(got, int) or got != exact:
                problems.append(
                    f"milestone due {m.due}: {got!r} of {units} units required for "
                    f"{share} ({float(share):.2%}); exactly {exact} (the ceiling)"
                )
                break
    if problems:
        raise _Failed("; ".join(problems))
    return f"required counts are exact ceilings for {len(_UNIT_COUNTS)} unit counts"


class _Failed(Exception):
    """A roadmap check's verdict that the roadmap does not conform."""


_RUNNERS: dict[str, Callable[[Roadmap], str]] = {
    "check_roadmap_metadata": _check_metadata,
    "check_roadmap_counts": _check_counts,
}


def check_roadmap(roadmap: Roadmap) -> ConformanceReport:
    """Run the roadmap checks (:data:`ROADMAP_CHECKS`) on *roadmap* and report each one.

    Like :func:`~drugfree_core.testing.check_scheme`, failures are recorded, not raised.
    """
    if not isinstance(roadmap, Roadmap):
        raise TypeError(f"expected a drugfree_core Roadmap, not {type(roadmap).__name__}")
    results = []
    for name in ROADMAP_CHECKS:
        started = time.perf_counter()
        try:
            message, passed = _RUNNERS[name](roadmap), True
        except _Failed as exc:
            message, passed = str(exc), False
        except Exception as exc:  # a check records every failure, even its own
            message, passed = f"the check could not run: {type(exc).__name__}: {exc}", False
        results.append(
            CheckResult(
                name=name, passed=passed, message=message, seconds=time.perf_counter() - started
            )
        )
    return ConformanceReport(scheme_id=roadmap.id, results=tuple(results), kind="roadmap")
