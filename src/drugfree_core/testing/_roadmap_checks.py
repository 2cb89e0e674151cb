"""The conformance checks of a roadmap: complete metadata and exact required counts."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from fractions import Fraction

import attrs

from drugfree_core._args import expect
from drugfree_core.errors import SchemeError
from drugfree_core.i18n import Message, Text, msg, msgn
from drugfree_core.model import Provenance
from drugfree_core.model._checks import is_identifier
from drugfree_core.plugins.registrars import joined
from drugfree_core.rules.roadmap import NATIONAL, Roadmap
from drugfree_core.rules.scheme import check_id
from drugfree_core.testing._report import CheckResult, ConformanceReport, said
from drugfree_core.testing._stability import stability_problems

#: The checks :func:`check_roadmap` runs, in order.
ROADMAP_CHECKS = ("check_roadmap_metadata", "check_roadmap_counts")

# Unit counts to test required counts on: every small count, and real province and
# national sizes (3321 commune-level units after the 2025 reorganisation).
_UNIT_COUNTS = (*range(0, 301), 1000, 1001, 3321, 10_035, 10_000_019)


def _blank(text: object) -> bool:
    return not isinstance(text, str) or not text.strip()


def roadmap_metadata_problems(roadmap: Roadmap) -> list[Text]:
    """Every metadata problem of *roadmap*.

    The id matches the id pattern; the scope is ``"*"`` or a unit code; titles, scope name
    and citations are not blank; provenance tags are :class:`Provenance` values; effective
    dates are ordered; milestones are due on increasing dates, none before the roadmap
    starts, with cumulative shares that are fractions in (0, 1]; the metadata is stable.
    """
    problems: list[Text] = []
    try:
        check_id(None, attrs.fields(Roadmap).id, roadmap.id)
    except (SchemeError, TypeError):
        problems.append(
            msg(
                "roadmap id {value} must be 1-80 letters, digits, '.', '_' or '-'",
                value=repr(roadmap.id),
            )
        )
    if roadmap.scope != NATIONAL and not (
        isinstance(roadmap.scope, str) and is_identifier(roadmap.scope)
    ):
        problems.append(
            msg(
                "scope {value} must be {national} (national) or a province's unit code",
                value=repr(roadmap.scope),
                national=repr(NATIONAL),
            )
        )
    for name in ("scope_name", "title_vi", "title_en", "citation"):
        if _blank(getattr(roadmap, name)):
            problems.append(msg("{field} is blank", field=name))
    if not isinstance(roadmap.provenance, Provenance):
        problems.append(
            msg("provenance {value} is not a Provenance", value=repr(roadmap.provenance))
        )
    start, end = roadmap.effective_from, roadmap.effective_to
    if start is not None and end is not None and start > end:
        problems.append(
            msg("effective_from {start} is after effective_to {end}", start=start, end=end)
        )
    if not roadmap.milestones:
        problems.append(msg("the roadmap has no milestones"))
    previous: tuple[dt.date, Fraction] | None = None
    for m in roadmap.milestones:
        where = msg("milestone due {due}", due=m.due)
        if _blank(m.citation):
            problems.append(msg("{where} has a blank citation", where=where))
        if not isinstance(m.provenance, Provenance):
            problems.append(
                msg(
                    "{where}: provenance {value} is not a Provenance",
                    where=where,
                    value=repr(m.provenance),
                )
            )
        if not isinstance(m.share, Fraction) or not 0 < m.share <= 1:
            problems.append(
                msg(
                    "{where}: share {value} must be a Fraction in (0, 1]",
                    where=where,
                    value=repr(m.share),
                )
            )
        elif previous is not None:
            if m.due <= previous[0]:
                problems.append(
                    msg(
                        "{where} is not after the milestone due {before}",
                        where=where,
                        before=previous[0],
                    )
                )
            if m.share < previous[1]:
                problems.append(msg("{where}: cumulative shares cannot decrease", where=where))
        # A milestone after effective_to is fine: a province that merged keeps the
        # targets its plan set, the roadmap just stops applying.
        if start is not None and m.due < start:
            problems.append(
                msg("{where} falls before the roadmap starts ({start})", where=where, start=start)
            )
        if isinstance(m.share, Fraction):
            previous = (m.due, m.share)
    problems += stability_problems(roadmap, "roadmap", hash_form=roadmap)
    return problems


def _check_metadata(roadmap: Roadmap) -> Text:
    problems = roadmap_metadata_problems(roadmap)
    if problems:
        raise _Failed(joined(problems))
    return msgn(
        "{n} milestone, cited, ordered and stable",
        "{n} milestones, cited, ordered and stable",
        len(roadmap.milestones),
    )


def _check_counts(roadmap: Roadmap) -> Text:
    problems: list[Message] = []
    for m in roadmap.milestones:
        share = m.share
        for units in _UNIT_COUNTS:
            # ceil(share * units) in integer arithmetic: never 34 of 114 units for 30 %.
            exact = -(-share.numerator * units // share.denominator)
            got = m.required(units)
            if isinstance(got, bool) or not isinstance(got, int) or got != exact:
                problems.append(
                    msgn(
                        "milestone due {due}: {got} of {n} unit required for {share} "
                        "({percent}); exactly {exact} (the ceiling)",
                        "milestone due {due}: {got} of {n} units required for {share} "
                        "({percent}); exactly {exact} (the ceiling)",
                        units,
                        due=m.due,
                        got=repr(got),
                        share=str(share),
                        percent=share,
                        exact=exact,
                    )
                )
                break
    if problems:
        raise _Failed(joined(problems))
    return msgn(
        "required counts are exact ceilings for {n} unit count",
        "required counts are exact ceilings for {n} unit counts",
        len(_UNIT_COUNTS),
    )


class _Failed(Exception):
    """A roadmap check's verdict that the roadmap does not conform; its message says why."""

    def __init__(self, message: Text) -> None:
        super().__init__(message)
        self.message = message


_RUNNERS: dict[str, Callable[[Roadmap], Text]] = {
    "check_roadmap_metadata": _check_metadata,
    "check_roadmap_counts": _check_counts,
}


def check_roadmap(roadmap: Roadmap) -> ConformanceReport:
    """Run the roadmap checks (:data:`ROADMAP_CHECKS`) on *roadmap* and report each one.

    Like :func:`~drugfree_core.testing.check_scheme`, failures are recorded, not raised.
    """
    expect(roadmap, Roadmap, "roadmap", msg("a drugfree_core Roadmap"))
    results = []
    for name in ROADMAP_CHECKS:
        started = time.perf_counter()
        text: Text
        try:
            text, passed = _RUNNERS[name](roadmap), True
        except _Failed as exc:
            text, passed = exc.message, False
        except Exception as exc:  # a check records every failure, even its own
            error = f"{type(exc).__name__}: {exc}"
            text, passed = msg("the check could not run: {error}", error=error), False
        results.append(
            CheckResult(
                name=name, passed=passed, message=said(text), seconds=time.perf_counter() - started
            )
        )
    return ConformanceReport(scheme_id=roadmap.id, results=tuple(results), kind="roadmap")
