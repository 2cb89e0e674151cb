"""The HTTP API: a FastAPI application over the library's functions, with no logic of its own.

Every endpoint authenticates the bearer token, checks its permission and scope
(:mod:`drugfree_core.service.auth`), calls the library (``evaluate``, ``explain_unit``,
``build_report``, ``validate_text``), writes the result through the one converter, and
for evaluations, explanations and reports appends a line to the audit log. Errors are
RFC 9457 problem details. See ``docs/howto/serve.md`` for a session with ``curl``.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
import math
import re
import tempfile
import time
import zipfile
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Annotated, Any, Literal

import anyio.to_thread
import attrs
from fastapi import FastAPI, Header, Query, Request, Response
from fastapi import Path as PathParam
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from starlette.exceptions import HTTPException
from starlette.routing import Match

from drugfree_core.dataset.reasons import dataset_error_text, problem_text
from drugfree_core.engine import Outcome
from drugfree_core.engine.serialize import converter
from drugfree_core.errors import (
    CoverageError,
    DatasetError,
    DrugfreeError,
    Problem,
    SchemeError,
    UsageError,
)
from drugfree_core.i18n import Lang as LangCode
from drugfree_core.i18n import (
    Message,
    Text,
    current_lang,
    default_lang,
    exception_text,
    msg,
    msgn,
    parse_lang,
    render,
    resolve_lang,
    use_lang,
)
from drugfree_core.model.periods import AssessmentPeriod
from drugfree_core.plugins.host import PluginHost, default_host
from drugfree_core.rules.scheme import Scheme
from drugfree_core.service.audit import AuditEntry, AuditLog
from drugfree_core.service.auth import (
    AGGREGATES,
    CASES,
    EXPLAIN,
    AccessError,
    Grant,
    ScopeGuard,
    TokenStore,
)
from drugfree_core.service.models import (
    RESPONSE_MODELS,
    EvaluationPage,
    Explanation,
    Health,
    PluginVersion,
    ProblemDetails,
    SchemeList,
    SchemeSummary,
    ValidationResult,
    VersionInfo,
)
from drugfree_core.service.schemas import OPENAPI_REFS, schemas_for
from drugfree_core.service.state import ServedData, unplaced_in_province

log = logging.getLogger("drugfree.service")

#: The version of the HTTP API (the path prefix is ``/v1``).
API_VERSION = "1"
_PROBLEM = "application/problem+json"


@attrs.frozen(kw_only=True)
class ServiceConfig:
    """How to run the service: the data, the tokens file, the audit log and the limits.

    ``source`` is what ``drugfree_core.load`` reads (file, folder or ``postgresql://``
    URI). ``max_body_bytes`` bounds an upload (413 beyond it), ``max_page_size`` a page
    of units. ``refresh_seconds`` re-reads the source that often (None: once).
    ``threads`` bounds the requests computed at once (the rest wait their turn).
    """

    source: str | Path
    tokens: Path
    audit_log: Path
    quarantine: bool = False
    max_body_bytes: int = 32 * 1024 * 1024
    max_page_size: int = 1000
    cache_size: int = 64
    refresh_seconds: float | None = None
    threads: int = 40


class NotFound(DrugfreeError):
    """The unit (or other thing) asked for does not exist in the data served."""


class ParameterError(DrugfreeError):
    """A request parameter is out of bounds; ``location`` names it (``query.page_size``)."""

    def __init__(self, location: str, reason: Message) -> None:
        super().__init__(f"{location}: {reason.render('en')}")
        self.location = location
        self.reason = reason


def reference_day(date: dt.date | None, assessment_year: int | None) -> dt.date:
    """The reference date of a request: ``date``, or the last day of ``assessment_year``.

    Exactly one of them must be given (a :class:`ParameterError` says which is wrong).
    """
    if date is not None and assessment_year is not None:
        raise ParameterError("query.assessment_year", msg("give date or assessment_year, not both"))
    if assessment_year is not None:
        return AssessmentPeriod(assessment_year).reference_date
    if date is None:
        raise ParameterError("query.date", msg("give date=YYYY-MM-DD or assessment_year=YYYY"))
    return date


def report_province(resolved: frozenset[str], asked: str, on: dt.date) -> str:
    """The one province a report on *on* covers, from what the scope guard resolved.

    *asked* may be a code of another era (``31`` before the 2025 merger, ``pre2025:31``
    after it): the report counts the units of the province in force on *on*, so it is
    given that code. A code that stands for several provinces on *on* is a 400 naming
    them: one report covers one province.
    """
    if len(resolved) != 1:
        raise UsageError(
            msg(
                "province {province} maps to several provinces on {date}: {provinces}; "
                "a report covers one province: give province=CODE for one of them",
                province=asked,
                date=on,
                provinces=", ".join(sorted(resolved)),
            )
        )
    (province,) = resolved
    return province


# Parameter types shared by the endpoints (module level: FastAPI resolves annotations here).
Auth = Annotated[str | None, Header(description="Bearer <token>", include_in_schema=False)]
Date = Annotated[
    dt.date | None,
    Query(description="Reference date, YYYY-MM-DD (or give assessment_year instead)."),
]
AssessmentYear = Annotated[
    int | None,
    Query(
        ge=1901,
        le=9999,
        description=(
            "The Decision 28/2025 assessment year instead of a date: 2025 means reference "
            "date 2025-12-14, counting periods from 2024-12-15. Not with date."
        ),
    ),
]
Lang = Annotated[
    Literal["vi", "en"] | None,
    Query(
        description="Language of the text; default: the Accept-Language header, else the "
        "server's (DRUGFREE_LANG, its locale, English). Also the language of errors."
    ),
]
SchemeId = Annotated[str, Query(description="Scheme id (see /v1/schemes).")]
OptionalScheme = Annotated[
    str | None, Query(description="Scheme id; default: the one in force for the unit's province.")
]
Province = Annotated[
    str | None, Query(description="Province code; default: the token's whole scope.")
]
PageNumber = Annotated[int, Query(ge=1, description="Page number, from 1.")]
PageSize = Annotated[
    int | None,
    Query(ge=1, description="Units per page (default 100, at most the server's limit)."),
]
WithSubjects = Annotated[
    bool, Query(description="Name the people behind each outcome (needs the cases permission).")
]
UnitCode = Annotated[str, PathParam(description="The unit's code.")]
ReportFormat = Annotated[
    Literal["json", "html", "csv", "xlsx"],
    Query(description="Export format (csv: a ZIP of CSV files)."),
]
AllowNoCoverage = Annotated[
    bool,
    Query(
        description="Answer even when the data cover no unit of the scope (every unit "
        "'no data'); otherwise that is a 400."
    ),
]
SuppressBelow = Annotated[
    int | None, Query(ge=2, description="Withhold counts of people below this.")
]


#: What the server log says for the path of a request no route of the service matches.
UNMATCHED = "<no route>"


def route_template(request: Request) -> str:
    """The path template of the route serving *request*: ``/v1/units/{unit_code}/explanation``.

    Never the path as typed: a path parameter is what the caller wrote, an identity number
    it may be. The route the router chose, else the one whose template the path fits
    (before dispatch, or for a request refused before it); :data:`UNMATCHED` for none.
    """
    route = request.scope.get("route")
    if route is None:
        app = request.scope.get("app")
        routes = getattr(getattr(app, "router", None), "routes", ())
        route = next((r for r in routes if r.matches(request.scope)[0] is Match.FULL), None)
    path = getattr(route, "path", None)
    return path if isinstance(path, str) else UNMATCHED


def _json(obj: object, status: int = 200, media_type: str = "application/json") -> Response:
    body = json.dumps(converter.unstructure(obj), ensure_ascii=False, separators=(",", ":"))
    return Response(content=body.encode(), status_code=status, media_type=media_type)


def request_lang(query: str | None, accept_language: str | None) -> LangCode:
    """The language a request is answered in (its text and its errors).

    Its ``lang`` parameter; else the most preferred language of its ``Accept-Language``
    header that the library speaks; else the server's default
    (:func:`~drugfree_core.i18n.default_lang`).
    """
    if query:
        found = parse_lang(query)
        if found is not None:
            return found
    ranked: list[tuple[float, int, LangCode]] = []
    for i, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.strip().partition(";")
        weight = 1.0
        if params.strip().startswith("q="):
            try:
                weight = float(params.strip()[2:])
            except ValueError:
                weight = 0.0
        found = parse_lang(tag)
        if found is not None and weight > 0:
            ranked.append((-weight, i, found))
    return min(ranked)[2] if ranked else default_lang()


def _problem(status: int, title: Text, detail: Text, request: Request, **extra: Any) -> Response:
    """The problem document of a refused *request* (RFC 9457, ``application/problem+json``).

    Its ``instance`` is the route's template (:func:`route_template`), never the path as
    typed: a unit code in it may be an identity number, and a query string anything. A
    request no route matches has no ``instance`` (an empty one is left out).
    """
    template = route_template(request)
    problem = ProblemDetails(
        title=render(title),
        status=status,
        detail=render(detail),
        instance="" if template == UNMATCHED else template,
        **extra,
    )
    response = _json(problem, status, _PROBLEM)
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="drugfree"'
    return response


#: What the service says for an HTTP error of the framework's own (no endpoint, no method).
_HTTP_WORDS: dict[int, Message] = {
    404: msg("Not found"),
    405: msg("Method not allowed"),
}


def _too_large(limit: int) -> Message:
    return msgn("the body may hold at most {n} byte", "the body may hold at most {n} bytes", limit)


#: What the reader is told when the framework refuses a parameter, by Pydantic's error
#: type. Pydantic's own words (its ``msg``) are English, and some quote the value given.
_REFUSALS: dict[str, Message] = {
    "missing": msg("required field missing"),
    "date_parsing": msg("expected a date written YYYY-MM-DD"),
    "date_type": msg("expected a date written YYYY-MM-DD"),
    "date_from_datetime_parsing": msg("expected a date written YYYY-MM-DD"),
    "date_from_datetime_inexact": msg("expected a date written YYYY-MM-DD"),
    "int_parsing": msg("expected an integer"),
    "int_type": msg("expected an integer"),
    "int_from_float": msg("expected an integer"),
    "int_parsing_size": msg("number too large"),
    "float_parsing": msg("expected a number"),
    "float_type": msg("expected a number"),
    "bool_parsing": msg("expected true or false"),
    "bool_type": msg("expected true or false"),
    "string_type": msg("expected a string"),
}

#: The refusals that name a bound, by error type: the bound's key in the error's ``ctx``
#: and what is said of it (``{n}``).
_BOUNDS: dict[str, tuple[str, Message]] = {
    "greater_than": ("gt", msg("more than {n}")),
    "greater_than_equal": ("ge", msg("at least {n}")),
    "less_than": ("lt", msg("less than {n}")),
    "less_than_equal": ("le", msg("at most {n}")),
}


def _as_typed(value: object) -> str:
    """A bound written as a caller types it in a request: ``1901``, ``0.5``, ``2025-12-14``.

    Not as the reader's language writes a number (``1,901``, ``1.901``): that is not a
    value the API reads, and a year is no count.
    """
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def _choices(expected: object) -> str | None:
    """The values a literal or an enum allows, from Pydantic's ``'a', 'b' or 'c'``: ``a, b, c``.

    ``None`` unless every value is a quoted text as Pydantic writes it.
    """
    if not isinstance(expected, str):
        return None
    values = re.split(r", | or ", expected)
    if not all(len(v) >= 2 and v[0] == v[-1] == "'" and "'" not in v[1:-1] for v in values):
        return None
    return ", ".join(v[1:-1] for v in values)


def _refusal(error: Mapping[str, Any]) -> Message:
    """Why the framework refused a parameter, as a message, from one Pydantic error.

    Only the error's ``type`` and the bounds or choices of its ``ctx`` are read: never its
    ``msg`` nor its ``input`` (what the caller typed: a name or an ID number, it may be).
    A type without words of its own is "the value is not valid".
    """
    kind = error.get("type")
    ctx = error.get("ctx") or {}
    if not isinstance(kind, str) or not isinstance(ctx, Mapping):
        return msg("the value is not valid")
    said = _REFUSALS.get(kind)
    if said is not None:
        return said
    if kind in _BOUNDS:
        key, bound = _BOUNDS[kind]
        if ctx.get(key) is not None:
            return bound.with_params(n=_as_typed(ctx[key]))
    if kind in ("literal_error", "enum"):
        allowed = _choices(ctx.get("expected"))
        if allowed is not None:
            return msg("expected one of: {allowed}", allowed=allowed)
    return msg("the value is not valid")


def _ref(name: str) -> dict[str, Any]:
    return {"schema": {"$ref": OPENAPI_REFS + name}}


def _responses(name: str, *extra: int, media: str = "application/json") -> dict[int | str, Any]:
    titles = {  # for the OpenAPI document, in English
        400: "Bad request (a parameter or the data asked for is wrong)",
        401: "No valid bearer token",
        403: "The token lacks the permission or does not cover the scope",
        404: "No such unit in the data served",
        413: "The request body is too large",
        422: "The dataset served is invalid",
    }
    out: dict[int | str, Any] = {200: {"description": "OK", "content": {media: _ref(name)}}}
    for status in extra:
        out[status] = {"description": titles[status], "content": {_PROBLEM: _ref("ProblemDetails")}}
    return out


def openapi_components() -> dict[str, Any]:
    """The component schemas of the OpenAPI document: responses and the dataset document."""
    from drugfree_core.dataset.jsonschema import dataset_json_schema

    components = schemas_for(RESPONSE_MODELS)
    document = dataset_json_schema()
    defs = document.pop("$defs", {})
    text = json.dumps({"DatasetDocument": document, **defs})
    # The dataset schema's own references point into its $defs; here they are components.
    text = text.replace('"#/$defs/', f'"{OPENAPI_REFS}')
    for name, schema in json.loads(text).items():
        schema.pop("$schema", None)
        schema.pop("$id", None)
        components.setdefault(name, schema)
    return components


def create_app(
    config: ServiceConfig, *, host: PluginHost | None = None, data: ServedData | None = None
) -> FastAPI:
    """The application serving *config*'s source (read now: a bad source fails here)."""
    from fastapi import FastAPI
    from fastapi.exceptions import RequestValidationError
    from starlette.exceptions import HTTPException

    from drugfree_core.engine.evaluate import library_version
    from drugfree_core.explanation import explain_unit
    from drugfree_core.io import validate_text

    host = host or default_host()
    default_lang()  # a misspelt DRUGFREE_LANG fails here, not at every request
    tokens = TokenStore.from_file(config.tokens)
    audit = AuditLog(config.audit_log)
    served = data or ServedData(
        config.source, host, quarantine=config.quarantine, cache_size=config.cache_size
    )
    if config.refresh_seconds:
        served.refresh_every(config.refresh_seconds)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        anyio.to_thread.current_default_thread_limiter().total_tokens = config.threads
        yield
        served.stop()

    app = FastAPI(
        lifespan=lifespan,
        title="drugfree-core",
        version=API_VERSION,
        summary="Decide, explain and report drug-free commune-level units over HTTP.",
        description=(
            "Every endpoint under /v1 needs `Authorization: Bearer <token>`; a token's scope "
            "(national or provinces, on the map in force on the date asked) and permissions "
            "(aggregates, explain, cases) decide what it may see. Errors are RFC 9457 "
            "problem details."
        ),
        docs_url="/docs",
        redoc_url=None,
        # Endpoints return their own bodies (written by the converter): no default JSON.
        default_response_class=Response,
    )
    app.state.served = served

    # ------------------------------------------------------------------ plumbing

    async def limited(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        """The request answered, or refused when its body is too large."""
        declared = request.headers.get("content-length")
        if declared is not None and (
            not declared.isdigit() or int(declared) > config.max_body_bytes
        ):
            return _problem(
                413, msg("Content too large"), _too_large(config.max_body_bytes), request
            )
        try:
            return await call_next(request)
        except Exception as exc:
            # Caught here, not by the server: its traceback would print the message,
            # which could quote data. The type is enough to start looking.
            log.error("internal error on %s: %s", route_template(request), type(exc).__name__)
            return _problem(500, msg("Internal error"), msg("the request failed"), request)

    @app.middleware("http")
    async def limits_and_log(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        started = time.perf_counter()
        # Errors, explanations and reports are in the request's language; the refusals
        # below too. A malformed lang or Accept-Language is no preference, not an error.
        try:
            lang = request_lang(
                request.query_params.get("lang"), request.headers.get("accept-language")
            )
        except Exception as exc:
            # A misspelt DRUGFREE_LANG, the server's own setting: said in English.
            log.error("internal error on %s: %s", route_template(request), type(exc).__name__)
            with use_lang("en"):
                response = _problem(500, msg("Internal error"), msg("the request failed"), request)
        else:
            with use_lang(lang):
                response = await limited(request, call_next)
        # The route's template and the status only: no path as typed (a unit code in it
        # may be an identity number), no query string, no header, no body is ever logged.
        log.info(
            "%s %s %d %.1fms",
            request.method,
            route_template(request),
            response.status_code,
            (time.perf_counter() - started) * 1000,
        )
        return response

    @app.exception_handler(AccessError)
    async def access_error(request: Request, exc: AccessError) -> Response:
        title = msg("Unauthorized") if exc.status == 401 else msg("Forbidden")
        return _problem(exc.status, title, exception_text(exc), request)

    @app.exception_handler(DatasetError)
    async def dataset_error(request: Request, exc: DatasetError) -> Response:
        # As for validate: the problems' reasons in English, their lines in the request's.
        return _problem(
            422,
            msg("Invalid dataset"),
            dataset_error_text(exc),
            request,
            problems=exc.problems,
            messages=tuple(problem_text(p) for p in exc.problems),
        )

    @app.exception_handler(NotFound)
    async def not_found(request: Request, exc: NotFound) -> Response:
        return _problem(404, msg("Not found"), exception_text(exc), request)

    @app.exception_handler(UsageError)
    @app.exception_handler(SchemeError)
    async def bad_request(request: Request, exc: DrugfreeError) -> Response:
        return _problem(400, msg("Bad request"), exception_text(exc), request)

    @app.exception_handler(ParameterError)
    async def out_of_bounds(request: Request, exc: ParameterError) -> Response:
        # The problem's reason in English for programs, the detail in the request's language.
        problem = Problem(table="", location=exc.location, reason=exc.reason.render("en"))
        detail = f"{exc.location}: {exc.reason.render()}"
        return _problem(
            400,
            msg("Bad request"),
            detail,
            request,
            problems=(problem,),
            messages=(detail,),
        )

    @app.exception_handler(RequestValidationError)
    async def bad_parameter(request: Request, exc: RequestValidationError) -> Response:
        # As for out_of_bounds: each problem's reason in English for programs, the detail
        # in the request's language; what the caller typed is repeated in neither.
        refused = [
            (".".join(str(part) for part in error.get("loc", ())), _refusal(error))
            for error in exc.errors()
        ]
        problems = tuple(
            Problem(table="", location=where, reason=why.render("en")) for where, why in refused
        )
        lines = tuple(
            f"{problem.location}: {why.render()}"
            for problem, (_, why) in zip(problems, refused, strict=True)
        )
        return _problem(
            400,
            msg("Bad request"),
            "; ".join(lines),
            request,
            problems=problems,
            messages=lines,
        )

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        # Starlette's own words for a path or a method the service does not have.
        said = _HTTP_WORDS.get(exc.status_code)
        text: Text = str(exc.detail) if said is None else said
        return _problem(exc.status_code, text, text, request)

    @app.exception_handler(Exception)
    async def internal_error(request: Request, exc: Exception) -> Response:
        # The type only: a message could quote data.
        log.error("internal error on %s: %s", route_template(request), type(exc).__name__)
        return _problem(
            500, msg("Internal error"), msg("the request failed; see the server log"), request
        )

    def grant_of(authorization: str | None) -> Grant:
        return tokens.authenticate(authorization)

    @contextmanager
    def audited(action: str, authorization: str | None, **fields: Any) -> Iterator[dict[str, Any]]:
        """Time the request and append its audit line, whatever the outcome.

        *fields* are values the framework has already parsed (a date). The endpoint sets
        ``unit``, ``scheme`` and ``scope`` only once the service accepted them: what a
        caller typed may be a name or an ID number, and a refused value is not kept.
        """
        started = time.perf_counter()
        record: dict[str, Any] = {"token": None, "outcomes": {}, "status": 200, **fields}
        try:
            yield record
        except AccessError as exc:
            record["status"] = exc.status
            raise
        except NotFound:
            record["status"] = 404
            raise
        except DatasetError:
            record["status"] = 422
            raise
        except (UsageError, SchemeError, ParameterError):
            record["status"] = 400
            raise
        except Exception:
            record["status"] = 500
            raise
        finally:
            if record["token"] is None:
                # Nobody known asked: not even the date they gave is kept.
                record = {k: v for k, v in record.items() if k not in fields}
            audit.write(
                AuditEntry(
                    at=dt.datetime.now(dt.UTC),
                    action=action,
                    duration_ms=(time.perf_counter() - started) * 1000,
                    **record,
                )
            )

    def record_province(record: dict[str, Any], guard: ScopeGuard, province: str | None) -> None:
        # A province the map knows is the scope asked for, named even when refused (who
        # tried to see what); the scope accepted replaces it. Typed text is never kept.
        if province is not None and guard.knows(province):
            record["scope"] = province

    def authenticate(record: dict[str, Any], authorization: str | None) -> Grant:
        grant = grant_of(authorization)
        record["token"] = grant.id
        record["scope"] = grant.scope_text()
        return grant

    def scheme_named(scheme_id: str) -> Scheme:
        # The library's error quotes the id; here it is what the caller typed (a name,
        # an identity number), so only the ids available are said.
        available = sorted(s.id for s in host.schemes())
        if scheme_id not in available:
            raise SchemeError(
                msg(
                    "the scheme asked for is not known; available: {available}",
                    available=", ".join(available),
                )
            )
        return host.scheme(scheme_id)

    def outcome_counts(verdicts: list[str]) -> dict[str, int]:
        counts = Counter(verdicts)
        return {o.value: counts.get(o.value, 0) for o in Outcome}

    # ------------------------------------------------------------------ endpoints

    @app.get("/health", responses=_responses("Health"), tags=["service"])
    def health() -> Response:
        """The service is up; which data it serves (no token needed)."""
        snap = served.snapshot
        return _json(
            Health(
                status="ok",
                source=served.shown,
                dataset_fingerprint=snap.fingerprint,
                loaded_at=snap.loaded_at,
                counts=snap.dataset.counts(),
                quarantined=len(snap.dataset.quarantined),
            )
        )

    @app.get("/version", responses=_responses("VersionInfo"), tags=["service"])
    def version() -> Response:
        """Library, API and plugin versions (no token needed)."""
        return _json(
            VersionInfo(
                library_version=library_version(),
                api_version=API_VERSION,
                plugins=tuple(
                    PluginVersion(name=p.name, distribution=p.distribution, version=p.version)
                    for p in host.plugins()
                ),
            )
        )

    @app.get("/v1/schemes", responses=_responses("SchemeList", 401), tags=["rules"])
    def schemes(lang: Lang = None, authorization: Auth = None) -> Response:
        """Every scheme: id, version, titles, dates in force, criteria, provinces applying it."""
        # lang: the middleware answers in it (errors here); declared to be documented and checked.
        grant_of(authorization)
        jurisdictions = host.jurisdictions()
        return _json(
            SchemeList(
                schemes=tuple(
                    SchemeSummary(
                        id=s.id,
                        version=s.version,
                        title_en=s.title_en,
                        title_vi=s.title_vi,
                        plugin=host.origin("scheme", s.id).name,
                        authority=s.authority.value,
                        unit_level=s.unit_level.value,
                        effective_from=s.effective_from,
                        effective_to=s.effective_to,
                        criteria=tuple(c.id for c in s.criteria),
                        levels=tuple(lv.id for lv in s.levels),
                        provinces=tuple(j.province for j in jurisdictions if j.scheme_id == s.id),
                    )
                    for s in host.schemes()
                )
            )
        )

    @app.get(
        "/v1/catalogue",
        responses={
            200: {"description": "The criteria catalogue", "content": {"text/markdown": {}}},
            401: _responses("ProblemDetails", 401)[401],
        },
        tags=["rules"],
    )
    def catalogue(lang: Lang = None, authorization: Auth = None) -> Response:
        """The criteria catalogue (every criterion, parameter and citation) as Markdown."""
        from drugfree_core.catalogue import render_catalogue

        grant_of(authorization)
        text = render_catalogue(host, lang)
        return Response(content=text, media_type="text/markdown; charset=utf-8")

    @app.get(
        "/v1/evaluations",
        responses=_responses("EvaluationPage", 400, 401, 403, 422),
        tags=["verdicts"],
    )
    def evaluations(
        scheme: SchemeId,
        date: Date = None,
        assessment_year: AssessmentYear = None,
        province: Province = None,
        page: PageNumber = 1,
        page_size: PageSize = None,
        include_subjects: WithSubjects = False,
        allow_no_coverage: AllowNoCoverage = False,
        lang: Lang = None,
        authorization: Auth = None,
    ) -> Response:
        """A scope's verdicts on a date: counts over the scope and per-unit results by page.

        The units are commune-level, or provinces for a province-level scheme
        (``qd28-2025-provinces``: a province's P.4 uses its communes' own classification
        in the same run). ``assessment_year`` stands for its last day (14 December). A
        unit the data do not cover is ``no_data``, never a pass (a province is covered
        when all its communes are); a scope whose units are all ``no_data`` is a 400
        unless ``allow_no_coverage``.
        """
        # lang: the middleware answers in it (the units' reasons, errors), as current_lang().
        with audited("evaluate", authorization, date=date) as record:
            grant = authenticate(record, authorization)  # first: a refusal after is theirs
            snap = served.snapshot
            record["dataset"] = snap.fingerprint
            record_province(record, snap.guard, province)
            date = record["date"] = reference_day(date, assessment_year)
            if page_size is None:
                page_size = min(100, config.max_page_size)
            elif page_size > config.max_page_size:
                raise ParameterError("query.page_size", msg("at most {n}", n=config.max_page_size))
            grant.require(AGGREGATES)
            if include_subjects:
                grant.require(CASES)
            scope = snap.guard.scope(grant, province, date)
            record["scope"] = "national" if scope is None else ",".join(sorted(scope))
            chosen = scheme_named(scheme)
            record["scheme"] = chosen.id
            scoped = served.evaluation(snap, chosen, date)
            # The language too: a written page holds its units' reasons as rendered text.
            key = (
                snap.fingerprint, chosen.id, chosen.version, date,
                scope, page, page_size, include_subjects, current_lang(),
            )  # fmt: skip

            in_scope = [
                u for u in scoped.evaluation.units if scope is None or u.province_code in scope
            ]
            if (
                in_scope
                and not allow_no_coverage
                and all(u.verdict is Outcome.NO_DATA for u in in_scope)
            ):
                raise CoverageError(
                    msg(
                        "the data served cover no unit of this scope on {date}; give "
                        "allow_no_coverage=true for a result that is all 'no data'",
                        date=date,
                    )
                )

            def render() -> tuple[dict[str, int], bytes]:
                units = in_scope
                verdicts = outcome_counts([u.verdict.value for u in units])
                shown = units[(page - 1) * page_size : page * page_size]
                if not include_subjects:
                    shown = [u.without_subjects() for u in shown]
                body = _json(
                    EvaluationPage(
                        scheme_id=chosen.id,
                        scheme_version=chosen.version,
                        reference_date=date,
                        scope=("*",) if scope is None else tuple(sorted(scope)),
                        dataset_fingerprint=snap.fingerprint,
                        verdicts=verdicts,
                        total=len(units),
                        page=page,
                        page_size=page_size,
                        pages=max(1, math.ceil(len(units) / page_size)),
                        subjects_included=include_subjects,
                        units=tuple(shown),
                    )
                ).body
                return verdicts, bytes(body)

            # The same page of the same evaluation is written once (pages are immutable).
            verdicts, body = served.pages.get(key, render)
            record["outcomes"] = verdicts
            return Response(content=body, media_type="application/json")

    @app.get(
        "/v1/units/{unit_code}/explanation",
        responses=_responses("Explanation", 400, 401, 403, 404, 422),
        tags=["verdicts"],
    )
    def explanation(
        unit_code: UnitCode,
        date: Date = None,
        assessment_year: AssessmentYear = None,
        scheme: OptionalScheme = None,
        lang: Lang = None,
        include_subjects: WithSubjects = False,
        authorization: Auth = None,
    ) -> Response:
        """Why one unit got its verdict, criterion by criterion (text in vi or en, and tree)."""
        with audited("explain", authorization, date=date) as record:
            grant = authenticate(record, authorization)  # first: a refusal after is theirs
            snap = served.snapshot
            record["dataset"] = snap.fingerprint
            if snap.guard.knows(unit_code):
                # Named even when refused (who tried to see what); a code the map does not
                # know is what the caller typed, and is never kept.
                record["unit"] = unit_code
            date = record["date"] = reference_day(date, assessment_year)
            grant.require(EXPLAIN)
            if include_subjects:
                grant.require(CASES)
            province = snap.guard.check_unit(grant, unit_code, date)
            chosen = scheme_named(
                scheme if scheme else host.jurisdiction_for(province, date).scheme_id
            )
            record["scheme"] = chosen.id
            scoped = served.evaluation(snap, chosen, date)
            unit = scoped.by_code.get(unit_code)
            if unit is None:
                raise NotFound(
                    msg(
                        "unit {unit} is not a commune-level unit in force on {date} in the "
                        "data served",
                        unit=unit_code,
                        date=date,
                    )
                )
            record["outcomes"] = outcome_counts([unit.verdict.value])
            if not include_subjects:
                unit = unit.without_subjects()
            return _json(
                Explanation(
                    unit_code=unit_code,
                    province=province,
                    scheme_id=chosen.id,
                    reference_date=date,
                    lang=resolve_lang(lang),
                    dataset_fingerprint=snap.fingerprint,
                    subjects_included=include_subjects,
                    # Only the unplaced that may be this province's: a token of one
                    # province learns nothing about the people of another.
                    text=explain_unit(
                        unit,
                        scoped.evaluation,
                        chosen,
                        lang,
                        unplaced=unplaced_in_province(
                            snap, province, date, scoped.evaluation.lost_records
                        ),
                    ),
                    unit=unit,
                )
            )

    report_media = {
        "json": "application/json",
        "html": "text/html; charset=utf-8",
        "csv": "application/zip",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }

    @app.get(
        "/v1/reports",
        responses={
            200: {
                "description": "The report: JSON document, HTML page, ZIP of CSV files or XLSX",
                "content": {media.split(";")[0]: {} for media in report_media.values()},
            },
            **{
                k: v
                for k, v in _responses("ProblemDetails", 400, 401, 403, 422).items()
                if k != 200
            },
        },
        tags=["reports"],
    )
    def report(
        date: Date = None,
        assessment_year: AssessmentYear = None,
        province: Province = None,
        format: ReportFormat = "json",
        lang: Lang = None,
        suppress_below: SuppressBelow = None,
        allow_no_coverage: AllowNoCoverage = False,
        authorization: Auth = None,
    ) -> Response:
        """Progress, gaps, trend, indicators and data quality for a province or the nation.

        Only units that pass on covered data count as meeting the criteria; a scope the
        data do not cover at all is a 400 unless ``allow_no_coverage``.
        """
        from drugfree_core.reports import ReportOptions, build_report, write_report

        with audited("report", authorization, date=date) as record:
            grant = authenticate(record, authorization)  # first: a refusal after is theirs
            snap = served.snapshot
            record["dataset"] = snap.fingerprint
            record_province(record, snap.guard, province)
            date = record["date"] = reference_day(date, assessment_year)
            grant.require(AGGREGATES)
            if province is None and not grant.national:
                raise UsageError(msg("give province=CODE: a province token has no national report"))
            if province is not None:
                wanted = snap.guard.scope(grant, province, date)
                assert wanted is not None  # a province asked for is never the whole country
                province = report_province(wanted, province, date)
            record["scope"] = province or "national"
            options = ReportOptions(
                suppress_below=suppress_below, allow_no_coverage=allow_no_coverage
            )

            def build() -> object:
                return build_report(
                    snap.dataset, date, province=province, options=options, host=host
                )

            built: Any = served.reports.get(
                (snap.fingerprint, date, province, suppress_below, allow_no_coverage), build
            )
            record["scheme"] = ",".join(s.id for s in built.provenance.schemes) or None
            record["outcomes"] = outcome_counts([u.verdict for u in built.units])
            with tempfile.TemporaryDirectory(prefix="drugfree-report-") as tmp:
                target = Path(tmp) / ("report" if format == "csv" else f"report.{format}")
                write_report(built, format, lang=lang, out=target)
                if format == "csv":
                    buffer = io.BytesIO()
                    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
                        for file in sorted(target.iterdir()):
                            archive.write(file, file.name)
                    content = buffer.getvalue()
                else:
                    content = target.read_bytes()
            name = f"report-{province or 'national'}-{date.isoformat()}"
            suffix = "zip" if format == "csv" else format
            return Response(
                content=content,
                media_type=report_media[format],
                headers={"Content-Disposition": f'attachment; filename="{name}.{suffix}"'},
            )

    @app.post(
        "/v1/validate",
        responses=_responses("ValidationResult", 400, 401, 413),
        openapi_extra={
            "requestBody": {
                "required": True,
                "description": "A dataset document (format drugfree-dataset/1).",
                "content": {"application/json": _ref("DatasetDocument")},
            }
        },
        tags=["data"],
    )
    async def validate(request: Request, lang: Lang = None, authorization: Auth = None) -> Response:
        """Every problem of an uploaded dataset document, located as the command line does."""
        # lang: the middleware answers in it (the messages, errors), as current_lang() below.
        grant_of(authorization)
        chunks: list[bytes] = []
        size = 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > config.max_body_bytes:
                return _problem(
                    413,
                    msg("Content too large"),
                    _too_large(config.max_body_bytes),
                    request,
                )
            chunks.append(chunk)
        try:
            text = b"".join(chunks).decode("utf-8")
        except UnicodeDecodeError:
            raise UsageError(msg("the body is not UTF-8 text")) from None
        said = current_lang()  # the request's: its lang, else Accept-Language (the middleware)

        def check() -> ValidationResult:
            # The reasons stay English for programs; each line is said in the request's
            # language, as the command line says it.
            problems = validate_text(text, source="upload")
            return ValidationResult(
                valid=not problems,
                problems=problems,
                messages=tuple(problem_text(p, said) for p in problems),
            )

        return _json(await anyio.to_thread.run_sync(check))

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = get_openapi(
                title=app.title,
                version=app.version,
                summary=app.summary,
                description=app.description,
                routes=app.routes,
            )
            schemas = document.setdefault("components", {}).setdefault("schemas", {})
            # FastAPI's own validation-error models are not used: errors are problem details.
            for unused in ("HTTPValidationError", "ValidationError"):
                schemas.pop(unused, None)
            schemas.update(openapi_components())
            document["components"]["securitySchemes"] = {
                "bearer": {"type": "http", "scheme": "bearer"}
            }
            for path, operations in document["paths"].items():
                for operation in operations.values():
                    if path.startswith("/v1/"):
                        operation["security"] = [{"bearer": []}]
                    responses = operation.get("responses", {})
                    # FastAPI adds a 422 for parameter errors; here they are 400s (declared).
                    auto = responses.get("422", {}).get("content", {}).get("application/json")
                    if auto and auto["schema"].get("$ref", "").endswith("/HTTPValidationError"):
                        del responses["422"]
            app.openapi_schema = document
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app


def openapi_document() -> dict[str, Any]:
    """The service's OpenAPI document, without a server (for the documentation build).

    Built from an application over the bundled demo province with no tokens: the
    document depends only on the code, not on the data or the tokens served.
    """
    from drugfree_core.samples import demo_path

    with tempfile.TemporaryDirectory(prefix="drugfree-openapi-") as tmp:
        (Path(tmp) / "tokens.toml").write_text("", encoding="utf-8")
        config = ServiceConfig(
            source=demo_path(), tokens=Path(tmp) / "tokens.toml", audit_log=Path(tmp) / "a.log"
        )
        return create_app(config).openapi()
