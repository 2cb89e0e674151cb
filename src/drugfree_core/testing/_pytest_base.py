"""A pytest base class that runs every conformance check as its own test."""

from __future__ import annotations

from typing import Any, ClassVar

import pytest

from drugfree_core.errors import UsageError
from drugfree_core.i18n import msg
from drugfree_core.rules.scheme import Scheme
from drugfree_core.testing._scheme_checks import CHECKS, run_check


class SchemeConformanceTests:
    """The conformance checks as pytest tests: subclass it and give a ``scheme`` fixture.

    For example::

        class TestMyScheme(SchemeConformanceTests):
            @pytest.fixture
            def scheme(self) -> Scheme:
                return MY_SCHEME

    Each check of :data:`~drugfree_core.testing.CHECKS` becomes one test. Class
    attributes tune the run: ``max_examples`` (generated datasets per property check),
    ``seed`` (``None`` explores at random) and ``expected_failures``, a mapping of check
    name to reason: such a check is reported as xfail, and a check listed there that
    passes fails, so the list never goes stale.

    The name does not start with ``Test``, so pytest collects only the subclasses.
    """

    max_examples: ClassVar[int] = 20
    seed: ClassVar[int | None] = 0
    expected_failures: ClassVar[dict[str, str]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        unknown = sorted(set(cls.expected_failures) - set(CHECKS))
        if unknown:
            raise UsageError(
                msg(
                    "{name}.expected_failures names unknown checks {unknown}; the checks "
                    "are {checks}",
                    name=cls.__name__,
                    unknown=", ".join(map(repr, unknown)),
                    checks=", ".join(CHECKS),
                )
            )

    @pytest.fixture
    def scheme(self) -> Scheme:
        """Override in the subclass: the scheme under test."""
        pytest.fail(
            f"{type(self).__name__} must define a `scheme` fixture returning the Scheme",
            pytrace=False,
        )

    def run_conformance_check(self, name: str, scheme: Scheme) -> None:
        """Run the check *name* on *scheme*; fail (or xfail) the test with its message."""
        result = run_check(scheme, name, max_examples=self.max_examples, seed=self.seed)
        reason = self.expected_failures.get(name)
        if reason is not None:
            if result.passed:
                pytest.fail(
                    f"{name} passed but is listed in expected_failures ({reason}); "
                    "remove it from the list",
                    pytrace=False,
                )
            pytest.xfail(f"{reason} [{result.message}]")
        if not result.passed:
            pytest.fail(f"{name} failed for scheme {scheme.id}: {result.message}", pytrace=False)

    def test_metadata(self, scheme: Scheme) -> None:
        """Complete, cited, stable metadata (``check_metadata``)."""
        self.run_conformance_check("check_metadata", scheme)

    def test_total(self, scheme: Scheme) -> None:
        """Evaluation never raises on valid data (``check_total``)."""
        self.run_conformance_check("check_total", scheme)

    def test_deterministic(self, scheme: Scheme) -> None:
        """Same data, same results; the dataset is untouched (``check_deterministic``)."""
        self.run_conformance_check("check_deterministic", scheme)

    def test_outcomes_cite_criteria(self, scheme: Scheme) -> None:
        """Results list the criteria in force and explain non-passes."""
        self.run_conformance_check("check_outcomes_cite_criteria", scheme)

    def test_json_round_trip(self, scheme: Scheme) -> None:
        """Results are strict JSON and read back equal (``check_json_round_trip``)."""
        self.run_conformance_check("check_json_round_trip", scheme)

    def test_bad_input(self, scheme: Scheme) -> None:
        """Clear errors for bad requests and data; edge cases evaluate (``check_bad_input``)."""
        self.run_conformance_check("check_bad_input", scheme)
