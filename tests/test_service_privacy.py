"""The HTTP service repeats no typed value in an error, documents ``lang`` and audits 403s.

Three findings: a problem's ``instance`` (and some details) echoed the path or a query
value as typed, where a caller may have put an identity number; the OpenAPI document did
not declare ``lang`` on every endpoint that answers in it; and a 403 on a unit the map
knows no longer named that unit in the audit log.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from test_service import DOCUMENT, HP_UNIT, NA_UNIT, ON, TOKENS, assert_problem, auth, explain

from drugfree_core.errors import DatasetError
from drugfree_core.i18n import msg
from drugfree_core.io import load
from drugfree_core.service import ServiceConfig, create_app, mint_token
from drugfree_core.service.audit import read_entries

#: What a caller may type where a unit code or a parameter goes: an identity number, a name.
ID_NUMBER, NAME = "001234567890", "Nguyen Van SECRET"
EXPLANATION = "/v1/units/{unit_code}/explanation"


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    # Its own audit log: the lines read back are this module's requests only.
    root = tmp_path_factory.mktemp("service-privacy")
    (root / "data.json").write_text(json.dumps(DOCUMENT), encoding="utf-8")
    secrets: dict[str, str] = {}
    entries = []
    for token_id, (scope, permissions) in TOKENS.items():
        secrets[token_id], entry = mint_token(token_id, scope, permissions)
        entries.append(entry)
    (root / "tokens.toml").write_text("\n".join(entries), encoding="utf-8")
    config = ServiceConfig(
        source=root / "data.json",
        tokens=root / "tokens.toml",
        audit_log=root / "audit.jsonl",
        max_body_bytes=20_000,
        max_page_size=50,
    )
    return {"root": root, "secrets": secrets, "config": config}


@pytest.fixture(scope="module")
def client(setup: dict[str, Any]) -> Iterator[TestClient]:
    with TestClient(create_app(setup["config"]), raise_server_exceptions=False) as test_client:
        yield test_client


def assert_nothing_typed(response: Any, status: int, instance: str | None) -> dict[str, Any]:
    """The problem has *status*, names the route *instance* (None: none), repeats nothing typed."""
    body = assert_problem(response, status)
    assert body.get("instance") == instance, body
    for typed in (ID_NUMBER, NAME, NAME.replace(" ", "%20"), NAME.replace(" ", "+")):
        assert typed not in response.text, (typed, response.text)
    return body


# ------------------------------------------------------------- 1. nothing typed repeated

#: A query value no endpoint reads: the query string is never repeated either.
NOTE = {"note": NAME}


@pytest.mark.parametrize(
    ("method", "url", "params", "token", "status", "instance"),
    [
        # no token, a wrong one, a malformed header: the 401s
        ("GET", f"/v1/units/{ID_NUMBER}/explanation", {"date": ON}, None, 401, EXPLANATION),
        ("GET", f"/v1/units/{ID_NUMBER}/explanation", {"date": ON}, "wrong", 401, EXPLANATION),
        ("POST", "/v1/validate", {}, None, 401, "/v1/validate"),
        # a unit code the map does not know: an identity number, a name
        ("GET", f"/v1/units/{ID_NUMBER}/explanation", {"date": ON}, "hp-analyst", 400,
         EXPLANATION),
        ("GET", f"/v1/units/{NAME}/explanation", {"date": ON}, "national", 400, EXPLANATION),
        # a province or a scheme that is not one
        ("GET", "/v1/evaluations", {"date": ON, "scheme": "mps-recognition-2024",
         "province": ID_NUMBER}, "national", 400, "/v1/evaluations"),
        ("GET", "/v1/evaluations", {"date": ON, "scheme": NAME}, "hp-analyst", 400,
         "/v1/evaluations"),
        ("GET", "/v1/reports", {"date": ON, "province": NAME}, "hp-analyst", 400, "/v1/reports"),
        ("GET", f"/v1/units/{HP_UNIT}/explanation", {"date": ON, "scheme": ID_NUMBER},
         "hp-analyst", 400, EXPLANATION),
        # a parameter the framework refuses, one the service refuses
        ("GET", f"/v1/units/{ID_NUMBER}/explanation", {"date": NAME}, "hp-analyst", 400,
         EXPLANATION),
        ("GET", "/v1/evaluations", {"date": ON, "scheme": "mps-recognition-2024",
         "page_size": "51"}, "hp-analyst", 400, "/v1/evaluations"),
        # a 403 (permission, scope) and a 404 on units the map knows
        ("GET", "/v1/evaluations", {"date": ON, "scheme": "mps-recognition-2024"},
         "explain-only", 403, "/v1/evaluations"),
        ("GET", f"/v1/units/{NA_UNIT}/explanation", {"date": ON}, "hp-analyst", 403,
         EXPLANATION),
        ("GET", "/v1/units/31/explanation", {"date": ON}, "national", 404, EXPLANATION),
        # the framework's own: no such route (no instance), no such method
        ("GET", f"/v1/units/{ID_NUMBER}", {}, None, 404, None),
        ("GET", f"/v1/{NAME}", {}, None, 404, None),
        ("POST", f"/v1/units/{ID_NUMBER}/explanation", {}, None, 405, EXPLANATION),
    ],
)  # fmt: skip
def test_a_problem_names_the_route_never_the_path_or_a_value_typed(
    client: TestClient,
    setup: dict[str, Any],
    method: str,
    url: str,
    params: dict[str, str],
    token: str | None,
    status: int,
    instance: str | None,
) -> None:
    headers = {}
    if token == "wrong":
        headers = {"Authorization": f"Bearer {ID_NUMBER}"}
    elif token is not None:
        headers = auth(setup, token)
    for lang in ("en", "vi"):
        response = client.request(
            method, url, params={**params, **NOTE}, headers={**headers, "Accept-Language": lang}
        )
        assert_nothing_typed(response, status, instance)


def test_a_unit_or_scheme_not_known_is_refused_in_words_that_do_not_repeat_it(
    client: TestClient, setup: dict[str, Any]
) -> None:
    hp = auth(setup, "hp-analyst")
    for lang in ("en", "vi"):
        unit = assert_nothing_typed(explain(client, hp, ID_NUMBER, lang=lang), 400, EXPLANATION)
        said = msg("the unit code asked for is not in the administrative map")
        assert unit["detail"] == said.render(lang)
        params = {"date": ON, "province": NAME, "lang": lang}
        province = assert_nothing_typed(
            client.get("/v1/reports", params=params, headers=hp), 400, "/v1/reports"
        )
        said = msg("the province code asked for is not in the administrative map")
        assert province["detail"] == said.render(lang)
        params = {"date": ON, "scheme": NAME, "lang": lang}
        scheme = assert_nothing_typed(
            client.get("/v1/evaluations", params=params, headers=hp), 400, "/v1/evaluations"
        )
        # the ids one may give instead, from the schemes served
        ids = sorted(s["id"] for s in client.get("/v1/schemes", headers=hp).json()["schemes"])
        said = msg(
            "the scheme asked for is not known; available: {available}", available=", ".join(ids)
        )
        assert scheme["detail"] == said.render(lang)


def test_a_body_too_large_names_the_route_only(client: TestClient, setup: dict[str, Any]) -> None:
    hp = auth(setup, "hp-analyst")
    # Refused on its Content-Length before dispatch, and counted as it comes.
    declared = client.post("/v1/validate", params=NOTE, content=b" " * 30_000, headers=hp)
    assert_nothing_typed(declared, 413, "/v1/validate")

    def chunks() -> Iterator[bytes]:
        for _ in range(30):
            yield b" " * 1000

    streamed = client.post("/v1/validate", params=NOTE, content=chunks(), headers=hp)
    assert_nothing_typed(streamed, 413, "/v1/validate")
    # A path no route has: no instance at all.
    elsewhere = client.post(f"/v1/validate/{ID_NUMBER}", content=b" " * 30_000, headers=hp)
    assert_nothing_typed(elsewhere, 413, None)


def test_dataset_and_internal_errors_name_the_route_only(
    setup: dict[str, Any], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(
        json.dumps({"format": "drugfree-dataset/1", "subjects": [{"id": ID_NUMBER}]}),
        encoding="utf-8",
    )
    with pytest.raises(DatasetError) as caught:
        load(bad)
    refused = caught.value
    app = create_app(setup["config"])

    def invalid(*_args: Any, **_kwargs: Any) -> Any:
        raise refused

    def broken(*_args: Any, **_kwargs: Any) -> Any:
        raise RuntimeError(f"{NAME} {ID_NUMBER}")

    with TestClient(app, raise_server_exceptions=False) as test_client:
        hp = auth(setup, "hp-analyst")
        params = {"scheme": "mps-recognition-2024", "date": ON, **NOTE}
        monkeypatch.setattr(app.state.served, "evaluation", invalid)
        response = test_client.get("/v1/evaluations", params=params, headers=hp)
        assert_nothing_typed(response, 422, "/v1/evaluations")
        monkeypatch.setattr(app.state.served, "evaluation", broken)
        response = test_client.get("/v1/evaluations", params=params, headers=hp)
        assert_nothing_typed(response, 500, "/v1/evaluations")
        # The server's language misspelt: a 500 before any endpoint runs.
        monkeypatch.setenv("DRUGFREE_LANG", "klingon")
        response = test_client.get(f"/v1/units/{ID_NUMBER}/explanation", params=NOTE)
        assert_nothing_typed(response, 500, EXPLANATION)


# ---------------------------------------------------------- 2. lang in the OpenAPI document


def test_every_endpoint_that_answers_in_the_request_language_declares_lang(
    client: TestClient,
) -> None:
    # Which endpoints answer in the request's language is asked of the app itself: each
    # route is called with lang=vi and lang=en (no token: a 401 says it in words).
    honoured: set[tuple[str, str]] = set()
    every: set[tuple[str, str]] = set()
    for route in client.app.routes:  # type: ignore[attr-defined]
        if not isinstance(route, APIRoute) or not route.include_in_schema:
            continue
        url = route.path.replace("{unit_code}", HP_UNIT)
        assert "{" not in url, route.path  # a new path parameter: give it a value here
        for method in route.methods:
            every.add((route.path, method.lower()))
            vi, en = (
                client.request(method, url, params={"lang": lang}, content=b"{}")
                for lang in ("vi", "en")
            )
            if vi.content != en.content:
                honoured.add((route.path, method.lower()))
    assert honoured >= {("/v1/evaluations", "get"), ("/v1/validate", "post")}
    assert {("/health", "get"), ("/version", "get")} <= every - honoured

    document = client.get("/openapi.json").json()
    declared: dict[tuple[str, str], dict[str, Any]] = {}
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", ()):
                if parameter["name"] == "lang":
                    declared[(path, method)] = parameter
    assert set(declared) == honoured
    # Declared alike everywhere: an optional query parameter, vi or en.
    first = next(iter(declared.values()))
    assert first["in"] == "query" and not first["required"]
    assert first["schema"]["anyOf"][0]["enum"] == ["vi", "en"]
    assert all(parameter == first for parameter in declared.values())


def test_lang_is_checked_alike_on_every_endpoint_that_declares_it(
    client: TestClient, setup: dict[str, Any]
) -> None:
    hp = auth(setup, "hp-analyst")
    asked = [
        ("GET", "/v1/evaluations", {"scheme": "mps-recognition-2024", "date": ON}),
        ("POST", "/v1/validate", {}),
        ("GET", "/v1/schemes", {}),
        ("GET", f"/v1/units/{HP_UNIT}/explanation", {"date": ON}),
    ]
    for method, url, params in asked:
        response = client.request(
            method, url, params={**params, "lang": "klingon"}, headers=hp, content=b"{}"
        )
        assert response.status_code == 400, (url, response.status_code)  # not served in English
        body = assert_problem(response, 400)
        assert [p["location"] for p in body["problems"]] == ["query.lang"], url


# ----------------------------------------------------------------- 3. the audit of a 403


def test_a_403_names_the_unit_or_province_the_map_knows_and_nothing_typed(
    client: TestClient, setup: dict[str, Any]
) -> None:
    hp = auth(setup, "hp-analyst")
    log = setup["config"].audit_log
    before = len(read_entries(log)[0])
    explain(client, hp, NA_UNIT)  # Nghệ An: outside the token's scope
    explain(client, auth(setup, "explain-only"), HP_UNIT, include_subjects=True)  # permission
    explain(client, hp, ID_NUMBER)  # not on the map: typed text
    explain(client, hp, f"{NA_UNIT} {NAME}")  # a known code with more typed after it
    explain(client, {}, NA_UNIT)  # nobody known asked: nothing kept
    evaluations = {"scheme": "mps-recognition-2024", "date": ON}
    client.get("/v1/evaluations", params={**evaluations, "province": "40"}, headers=hp)
    client.get("/v1/evaluations", params={**evaluations, "province": NAME}, headers=hp)
    client.get("/v1/reports", params={"date": ON, "province": "40"}, headers=hp)
    client.get("/v1/reports", params={"date": ON, "province": ID_NUMBER}, headers=hp)
    entries = read_entries(log)[0][before:]
    assert [(e["action"], e["status"], e["scope"], e["unit"]) for e in entries] == [
        ("explain", 403, "31", NA_UNIT),
        ("explain", 403, "31", HP_UNIT),
        ("explain", 400, "31", None),
        ("explain", 400, "31", None),
        ("explain", 401, None, None),
        ("evaluate", 403, "40", None),
        ("evaluate", 400, "31", None),
        ("report", 403, "40", None),
        ("report", 400, "31", None),
    ]
    text = Path(log).read_text(encoding="utf-8")
    assert ID_NUMBER not in text and NAME not in text
