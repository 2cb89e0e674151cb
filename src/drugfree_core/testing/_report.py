"""What the conformance checks return: one result per check, gathered in a report.

Their words go through the catalogue and are written in the language chosen for the code
that runs them (``drugfree --lang``, ``DRUGFREE_LANG`` on the command line, or
:func:`~drugfree_core.i18n.use_lang`), else in English, as the library's errors are.
"""

from __future__ import annotations

import attrs

from drugfree_core.i18n import Param, Text, msg, msgn, render
from drugfree_core.i18n.language import chosen_lang


def said(text: Text) -> str:
    """*text* in the language chosen for the code reading it, else English."""
    return render(text, chosen_lang() or "en")


@attrs.frozen(kw_only=True)
class CheckResult:
    """The outcome of one named check: passed or not, why, and how long it took."""

    name: str
    passed: bool
    message: str
    seconds: float

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready dict of the result."""
        return {
            "name": self.name,
            "passed": self.passed,
            "message": self.message,
            "seconds": round(self.seconds, 3),
        }


class ConformanceError(AssertionError):
    """Raised by :meth:`ConformanceReport.raise_for_failures`; lists every failed check.

    An :class:`AssertionError`, so a test that calls it fails rather than errors.
    """

    def __init__(self, report: ConformanceReport) -> None:
        self.report = report
        n = len(report.failures)
        if report.kind == "roadmap":
            head = msgn(
                "roadmap {id} fails {n} check:",
                "roadmap {id} fails {n} checks:",
                n,
                id=report.scheme_id,
            )
        else:
            head = msgn(
                "scheme {id} fails {n} check:",
                "scheme {id} fails {n} checks:",
                n,
                id=report.scheme_id,
            )
        lines = [said(head)]
        lines += [f"- {r.name}: {r.message}" for r in report.failures]
        super().__init__("\n".join(lines))


@attrs.frozen(kw_only=True)
class ConformanceReport:
    """The results of the conformance checks of one scheme (or roadmap), in check order.

    ``scheme_id`` is the id of what was checked; ``kind`` says whether it is a
    ``"scheme"`` or a ``"roadmap"``.
    """

    scheme_id: str
    results: tuple[CheckResult, ...]
    kind: str = "scheme"

    @property
    def ok(self) -> bool:
        """Whether every check passed."""
        return all(r.passed for r in self.results)

    @property
    def failures(self) -> tuple[CheckResult, ...]:
        """The checks that failed, in check order."""
        return tuple(r for r in self.results if not r.passed)

    def result(self, name: str) -> CheckResult:
        """The result of the check called *name*."""
        for r in self.results:
            if r.name == name:
                return r
        raise KeyError(name)

    def raise_for_failures(self) -> None:
        """Raise :class:`ConformanceError` listing every failed check; do nothing if none."""
        if not self.ok:
            raise ConformanceError(self)

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready dict: what was checked, whether it conforms, and every result."""
        return {
            "kind": self.kind,
            "id": self.scheme_id,
            "ok": self.ok,
            "seconds": round(sum(r.seconds for r in self.results), 3),
            "results": [r.to_dict() for r in self.results],
        }

    def __str__(self) -> str:
        """The report in lines: what passed of what, then each check with its message."""
        passed = sum(r.passed for r in self.results)
        fields: dict[str, Param] = {"id": self.scheme_id, "passed": passed, "n": len(self.results)}
        if self.kind == "roadmap":
            head = msg("roadmap {id}: {passed}/{n} checks passed", **fields)
        else:
            head = msg("scheme {id}: {passed}/{n} checks passed", **fields)
        lines = [said(head)]
        for r in self.results:
            said_of: dict[str, Param] = {
                "check": r.name,
                "seconds": round(r.seconds, 2),
                "message": r.message,
            }
            if r.passed:
                line = msg("PASS {check} ({seconds} s): {message}", **said_of)
            else:
                line = msg("FAIL {check} ({seconds} s): {message}", **said_of)
            lines.append("  " + said(line))
        return "\n".join(lines)
