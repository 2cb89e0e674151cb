"""What the conformance checks return: one result per check, gathered in a report."""

from __future__ import annotations

import attrs


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
        lines = [f"{report.kind} {report.scheme_id} fails {len(report.failures)} check(s):"]
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
        passed = sum(r.passed for r in self.results)
        lines = [f"{self.kind} {self.scheme_id}: {passed}/{len(self.results)} checks passed"]
        for r in self.results:
            status = "PASS" if r.passed else "FAIL"
            lines.append(f"  {status} {r.name} ({r.seconds:.2f} s): {r.message}")
        return "\n".join(lines)
