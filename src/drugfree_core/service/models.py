"""The envelopes of the HTTP API: attrs classes around the library's own result types.

Every body the service sends is one of these (or a library type inside one), written by
the one converter (``drugfree_core.engine.serialize.converter``); the OpenAPI
schemas are derived from the same classes (:mod:`drugfree_core.service.schemas`).
"""

from __future__ import annotations

import datetime as dt

import attrs

from drugfree_core.engine.results import UnitResult
from drugfree_core.errors import Problem


@attrs.frozen(kw_only=True)
class ProblemDetails:
    """An error as RFC 9457 problem details (``application/problem+json``).

    ``problems`` lists the dataset problems behind a 422 (or the parameters refused by a
    400), located as the command line locates them (``units.csv:row 7``,
    ``$.subjects[3].tests[0].date``, ``drugfree.drug_tests:row 12``), each ``reason`` in
    English for programs; ``messages`` says the same problems, in the same order, each as
    one line in the request's language, as the command line prints them. ``instance`` is
    the template of the route refused (``/v1/units/{unit_code}/explanation``), never the
    path as typed (a unit code in it may be an identity number); absent when no route
    matches.
    """

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    instance: str = ""
    problems: tuple[Problem, ...] = ()
    messages: tuple[str, ...] = ()


@attrs.frozen(kw_only=True)
class PluginVersion:
    """A loaded plugin and the version of its distribution."""

    name: str
    distribution: str | None = None
    version: str | None = None


@attrs.frozen(kw_only=True)
class VersionInfo:
    """The versions behind every answer: library, HTTP API and plugins."""

    library_version: str
    api_version: str
    plugins: tuple[PluginVersion, ...] = ()


@attrs.frozen(kw_only=True)
class Health:
    """The service is up, and which data it serves (its fingerprint and when it was read)."""

    status: str
    source: str
    dataset_fingerprint: str
    loaded_at: dt.datetime
    counts: dict[str, int]
    quarantined: int = 0


@attrs.frozen(kw_only=True)
class SchemeSummary:
    """A scheme: its id and version, titles, dates in force, criteria and who applies it.

    ``authority`` says who issued it (``national`` or ``provincial``) and ``unit_level``
    which units it judges (``commune``, or ``province`` for a province-level scheme).
    """

    id: str
    version: str
    title_en: str
    title_vi: str
    plugin: str
    authority: str
    unit_level: str
    effective_from: dt.date | None = None
    effective_to: dt.date | None = None
    criteria: tuple[str, ...] = ()
    levels: tuple[str, ...] = ()
    provinces: tuple[str, ...] = ()


@attrs.frozen(kw_only=True)
class SchemeList:
    """Every scheme the service's plugin host knows."""

    schemes: tuple[SchemeSummary, ...]


@attrs.frozen(kw_only=True)
class EvaluationPage:
    """A scope evaluated on a date: verdict counts over the whole scope, units by page.

    ``scope`` is ``["*"]`` for the nation or the province codes covered, as given on
    the map in force on ``reference_date``. ``verdicts`` counts every unit of the scope
    (one key per outcome); ``units`` holds page ``page`` of ``pages`` (unit-code order).
    Subject ids appear in ``units`` only when ``subjects_included`` (``cases``).
    """

    scheme_id: str
    scheme_version: str
    reference_date: dt.date
    scope: tuple[str, ...]
    dataset_fingerprint: str
    verdicts: dict[str, int]
    total: int
    page: int
    page_size: int
    pages: int
    subjects_included: bool
    units: tuple[UnitResult, ...]


@attrs.frozen(kw_only=True)
class Explanation:
    """Why one unit got its verdict: the readable text (vi or en) and the result tree."""

    unit_code: str
    province: str
    scheme_id: str
    reference_date: dt.date
    lang: str
    dataset_fingerprint: str
    subjects_included: bool
    text: str
    unit: UnitResult


@attrs.frozen(kw_only=True)
class ValidationResult:
    """Every problem of an uploaded dataset (empty when it is valid).

    Each problem's ``reason`` is in English, a fixed text programs may match; ``messages``
    says the same problems, in the same order, each as one line in the request's
    language (``$.subjects[0].id: id trông giống số định danh …``), as ``drugfree
    validate`` prints them.
    """

    valid: bool
    problems: tuple[Problem, ...]
    messages: tuple[str, ...] = ()


#: The classes whose schemas the OpenAPI document carries.
RESPONSE_MODELS: tuple[type, ...] = (
    ProblemDetails,
    VersionInfo,
    Health,
    SchemeList,
    EvaluationPage,
    Explanation,
    ValidationResult,
)
