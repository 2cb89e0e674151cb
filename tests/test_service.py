"""The HTTP service: tokens, scopes, permissions, limits, problem details, audit, OpenAPI."""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import jsonschema
import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from drugfree_core.cli.main import cli
from drugfree_core.dataset import Dataset
from drugfree_core.dataset.quarantine import QuarantinedRecord
from drugfree_core.engine import evaluate
from drugfree_core.errors import UsageError
from drugfree_core.explanation import explain_unit
from drugfree_core.i18n import LanguageError, Message, msg, msgn
from drugfree_core.model import (
    AdminUnit,
    Residence,
    StatusPeriod,
    Subject,
    SubjectKind,
    UnitKind,
)
from drugfree_core.plugins import get_scheme
from drugfree_core.plugins.territory import TerritoryIndex
from drugfree_core.service import (
    ScopeGuard,
    ServiceConfig,
    TokenStore,
    create_app,
    mint_token,
    schemas_for,
)
from drugfree_core.service.audit import read_entries
from drugfree_core.service.models import RESPONSE_MODELS
from drugfree_core.service.state import Snapshot, unplaced_in_province

ON = "2025-10-01"
BEFORE = "2025-06-01"  # on the map before the merger
HP_UNIT, NA_UNIT, HD_OLD_UNIT = "10507", "16681", "pre2025:10507"  # Hải Phòng, Nghệ An, Hải Dương
SUBJECTS = ("HP-A1", "HP-A2", "NA-B1")


def residence(unit_before: str, unit_after: str) -> list[dict[str, Any]]:
    return [
        {"unit_code": unit_before, "start": "2019-01-01", "end": "2025-06-30"},
        {"unit_code": unit_after, "start": "2025-07-01"},
    ]


def person(sid: str, before: str, after: str, positive: bool) -> dict[str, Any]:
    return {
        "id": sid,
        "residences": residence(before, after),
        "statuses": [
            {
                "kind": "addict",
                "start": "2024-01-01",
                "has_management_record": True,
                "management_start": "2024-01-01",
                "support_provided": True,
            }
        ],
        "tests": [{"date": "2025-09-01", "result": "positive" if positive else "negative"}],
    }


DOCUMENT = {
    "format": "drugfree-dataset/1",
    "subjects": [
        person("HP-A1", HD_OLD_UNIT, HP_UNIT, True),
        person("HP-A2", HD_OLD_UNIT, HP_UNIT, False),
        person("NA-B1", "pre2025:16681", NA_UNIT, True),
    ],
    # The data vouch for Hải Phòng, Nghệ An and old Hải Dương (a province row covers its
    # units); the rest of the country is 'no data'.
    "coverage": [
        {"unit_code": code, "source_system": "test"}
        for code in ("31", "40", "pre2025:30", "pre2025:31", "pre2025:40")
    ],
}

TOKENS: dict[str, tuple[Any, list[str]]] = {
    "hp-analyst": (["31"], ["aggregates", "explain"]),
    "hp-cases": (["31"], ["aggregates", "explain", "cases"]),
    "na-analyst": (["40"], ["aggregates", "explain"]),
    "national": ("national", ["aggregates", "explain"]),
    "explain-only": (["31"], ["explain"]),
}


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("service")
    (root / "data.json").write_text(json.dumps(DOCUMENT), encoding="utf-8")
    secrets: dict[str, str] = {}
    entries = []
    for token_id, (scope, permissions) in TOKENS.items():
        secret, entry = mint_token(token_id, scope, permissions)
        secrets[token_id] = secret
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
    with TestClient(create_app(setup["config"])) as test_client:
        yield test_client


def auth(setup: dict[str, Any], token_id: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {setup['secrets'][token_id]}"}


def explain(client: TestClient, headers: dict[str, str], unit: str, on: str = ON, **q: Any) -> Any:
    return client.get(f"/v1/units/{unit}/explanation", params={"date": on, **q}, headers=headers)


def schema_validator(name: str) -> jsonschema.Draft202012Validator:
    schemas = schemas_for(RESPONSE_MODELS, refs="#/$defs/")
    return jsonschema.Draft202012Validator({"$ref": f"#/$defs/{name}", "$defs": schemas})


def assert_problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    schema_validator("ProblemDetails").validate(body)
    assert body["status"] == status
    return body


# ------------------------------------------------------------------- who may see what


def test_without_a_valid_token_every_v1_endpoint_answers_401(
    client: TestClient, setup: dict[str, Any]
) -> None:
    for path in ("/v1/schemes", "/v1/catalogue", f"/v1/units/{HP_UNIT}/explanation?date={ON}",
                 f"/v1/evaluations?scheme=mps-recognition-2024&date={ON}",
                 f"/v1/reports?date={ON}&province=31"):  # fmt: skip
        body = assert_problem(client.get(path), 401)
        assert "bearer token is required" in body["detail"]
    wrong = client.get("/v1/schemes", headers={"Authorization": "Bearer dfc_not-a-token"})
    assert assert_problem(wrong, 401)["detail"] == "unknown token"
    assert wrong.headers["www-authenticate"].startswith("Bearer")
    basic = client.get("/v1/schemes", headers={"Authorization": "Basic abc"})
    assert_problem(basic, 401)
    assert client.post("/v1/validate", content=b"{}").status_code == 401


def test_a_hai_phong_token_sees_hai_phong_and_gets_403_for_nghe_an(
    client: TestClient, setup: dict[str, Any]
) -> None:
    hp = auth(setup, "hp-analyst")
    ok = explain(client, hp, HP_UNIT)
    assert ok.status_code == 200, ok.text
    assert ok.json()["province"] == "31"
    body = assert_problem(explain(client, hp, NA_UNIT), 403)
    assert "does not cover unit 16681 (province 40)" in body["detail"]
    evaluations = "/v1/evaluations"
    params = {"scheme": "mps-recognition-2024", "date": ON, "province": "40"}
    assert_problem(client.get(evaluations, params=params, headers=hp), 403)
    na = auth(setup, "na-analyst")
    assert explain(client, na, NA_UNIT).status_code == 200
    assert_problem(explain(client, na, HP_UNIT), 403)
    national = auth(setup, "national")
    assert explain(client, national, NA_UNIT).status_code == 200
    assert explain(client, national, HP_UNIT).status_code == 200


def test_scopes_follow_the_map_in_force_on_the_date_asked(
    client: TestClient, setup: dict[str, Any]
) -> None:
    # Before 1 July 2025 this commune was in Hải Dương, which Hải Phòng absorbed.
    hp, na = auth(setup, "hp-analyst"), auth(setup, "na-analyst")
    before = explain(client, hp, HD_OLD_UNIT, BEFORE)
    assert before.status_code == 200, before.text
    assert before.json()["province"] == "pre2025:30"
    assert_problem(explain(client, na, HD_OLD_UNIT, BEFORE), 403)
    page = client.get(
        "/v1/evaluations",
        params={"scheme": "mps-recognition-2024", "date": BEFORE},
        headers=hp,
    ).json()
    assert page["scope"] == ["pre2025:30", "pre2025:31"]
    assert {u["province_code"] for u in page["units"]} <= {"pre2025:30", "pre2025:31"}


def test_scope_guard_resolves_a_province_token_on_each_date(setup: dict[str, Any]) -> None:
    from drugfree_core.plugins import default_host

    guard = ScopeGuard(default_host().territory())
    store = TokenStore.from_file(setup["config"].tokens)
    grant = store.authenticate(f"Bearer {setup['secrets']['hp-analyst']}")
    assert guard.provinces_on(grant, dt.date(2024, 1, 1)) == {"pre2025:30", "pre2025:31"}
    assert guard.provinces_on(grant, dt.date(2025, 7, 1)) == {"31"}
    national = store.authenticate(f"Bearer {setup['secrets']['national']}")
    assert guard.provinces_on(national, dt.date(2025, 7, 1)) is None


def test_permissions_decide_explain_aggregates_and_subject_ids(
    client: TestClient, setup: dict[str, Any]
) -> None:
    explain_only = auth(setup, "explain-only")
    assert explain(client, explain_only, HP_UNIT).status_code == 200
    params = {"scheme": "mps-recognition-2024", "date": ON}
    body = assert_problem(client.get("/v1/evaluations", params=params, headers=explain_only), 403)
    assert "'aggregates'" in body["detail"]

    hp = auth(setup, "hp-analyst")
    plain = explain(client, hp, HP_UNIT)
    assert plain.json()["subjects_included"] is False
    for sid in SUBJECTS:
        assert sid not in plain.text
    assert_problem(explain(client, hp, HP_UNIT, include_subjects=True), 403)
    assert_problem(
        client.get("/v1/evaluations", params={**params, "include_subjects": True}, headers=hp), 403
    )

    cases = explain(client, auth(setup, "hp-cases"), HP_UNIT, include_subjects=True)
    assert cases.status_code == 200
    assert "HP-A1" in cases.text and cases.json()["subjects_included"] is True


# ------------------------------------------------------------------------ endpoints


def test_a_scope_the_data_do_not_cover_is_no_data_never_a_pass(
    client: TestClient, setup: dict[str, Any]
) -> None:
    national = auth(setup, "national")
    params = {"scheme": "mps-recognition-2024", "date": ON, "province": "01"}  # Hà Nội
    body = assert_problem(client.get("/v1/evaluations", params=params, headers=national), 400)
    assert "cover no unit of this scope" in body["detail"]
    allowed = client.get(
        "/v1/evaluations", params={**params, "allow_no_coverage": True}, headers=national
    )
    assert allowed.status_code == 200, allowed.text
    verdicts = allowed.json()["verdicts"]
    assert verdicts["no_data"] == allowed.json()["total"] == 126 and verdicts["pass"] == 0
    text = explain(client, national, "00004").json()["text"]
    assert "verdict: NO DATA" in text
    report = client.get("/v1/reports", params={"date": ON, "province": "01"}, headers=national)
    assert "covers no unit of province 01" in assert_problem(report, 400)["detail"]
    report = client.get(
        "/v1/reports",
        params={"date": ON, "province": "01", "allow_no_coverage": True},
        headers=national,
    )
    assert report.status_code == 200 and report.json()["overall"]["no_data"] == 126


def test_evaluations_count_the_whole_scope_and_page_its_units(
    client: TestClient, setup: dict[str, Any]
) -> None:
    hp = auth(setup, "hp-analyst")
    params = {"scheme": "mps-recognition-2024", "date": ON, "page_size": 20}
    first = client.get("/v1/evaluations", params=params, headers=hp)
    assert first.status_code == 200, first.text
    page = first.json()
    schema_validator("EvaluationPage").validate(page)
    assert page["scope"] == ["31"] and page["total"] == sum(page["verdicts"].values())
    assert set(page["verdicts"]) >= {"pass", "fail", "unknown", "no_data"}
    assert page["pages"] == -(-page["total"] // 20) and len(page["units"]) == 20
    assert {u["province_code"] for u in page["units"]} == {"31"}
    last = client.get(
        "/v1/evaluations", params={**params, "page": page["pages"]}, headers=hp
    ).json()
    codes = [u["unit_code"] for u in page["units"]] + [u["unit_code"] for u in last["units"]]
    assert len(set(codes)) == len(codes)
    hp_result = explain(client, hp, HP_UNIT).json()["unit"]
    assert hp_result["verdict"] == "fail"  # a positive test in September
    too_big = client.get("/v1/evaluations", params={**params, "page_size": 51}, headers=hp)
    body = assert_problem(too_big, 400)
    assert body["problems"][0]["location"] == "query.page_size"
    bad_date = client.get("/v1/evaluations", params={**params, "date": "1/10/2025"}, headers=hp)
    assert assert_problem(bad_date, 400)["problems"][0]["location"] == "query.date"
    unknown = client.get("/v1/evaluations", params={**params, "scheme": "nope"}, headers=hp)
    said = assert_problem(unknown, 400)["detail"]  # the ids available, not the one typed
    assert "mps-recognition-2024" in said and "nope" not in said


def test_explanations_in_vietnamese_and_english_follow_the_provinces_scheme(
    client: TestClient, setup: dict[str, Any]
) -> None:
    national = auth(setup, "national")
    en = explain(client, national, HP_UNIT, lang="en").json()
    vi = explain(client, national, HP_UNIT, lang="vi").json()
    schema_validator("Explanation").validate(en)
    # the same result, its reasons and text in each language
    assert en["unit"]["unit_code"] == vi["unit"]["unit_code"] == HP_UNIT
    assert en["unit"]["verdict"] == vi["unit"]["verdict"] and en["text"] != vi["text"]
    assert "kết luận: KHÔNG ĐẠT" in vi["text"] and "verdict: FAIL" in en["text"]
    missing = explain(client, national, "31")  # a province is not a commune-level unit
    assert "not a commune-level unit" in assert_problem(missing, 404)["detail"]
    nowhere = explain(client, national, "99999")
    assert "not in the administrative map" in assert_problem(nowhere, 400)["detail"]


def test_the_request_language_is_its_parameter_then_accept_language(
    client: TestClient, setup: dict[str, Any]
) -> None:
    national = auth(setup, "national")
    headers = {**national, "Accept-Language": "vi-VN,vi;q=0.9,en;q=0.5"}
    vi = explain(client, headers, HP_UNIT).json()
    assert vi["lang"] == "vi" and "kết luận: KHÔNG ĐẠT" in vi["text"]
    en = explain(client, headers, HP_UNIT, lang="en").json()  # the parameter wins
    assert en["lang"] == "en" and "verdict: FAIL" in en["text"]
    # errors too: the problem's title and detail are in the request's language
    missing = assert_problem(explain(client, headers, "31"), 404)
    assert missing["title"] == "Không tìm thấy"
    assert "không phải đơn vị cấp xã có hiệu lực vào ngày" in missing["detail"]
    refused = client.get("/v1/schemes", headers={"Accept-Language": "vi"})
    assert assert_problem(refused, 401)["detail"].startswith("cần có mã truy cập")
    assert explain(client, national, HP_UNIT).json()["lang"] == "en"  # the server's default


def test_library_errors_are_said_in_the_request_language(
    client: TestClient, setup: dict[str, Any]
) -> None:
    url = f"/v1/reports?date={ON}&province=01"  # the library's report: Hà Nội not covered
    for lang, start in (
        ("vi", "bộ dữ liệu không bao quát đơn vị nào của tỉnh 01"),
        ("en", "the dataset covers no unit of province 01"),
    ):
        headers = {**auth(setup, "national"), "Accept-Language": lang}
        problem = assert_problem(client.get(url, headers=headers), 400)
        assert problem["detail"].startswith(start)
    # The service's own refusals and the framework's are said in the request language too,
    # while a problem's reason stays English for programs.
    vi = {**auth(setup, "national"), "Accept-Language": "vi"}
    both = assert_problem(
        client.get(
            f"/v1/evaluations?scheme=mps-recognition-2024&date={ON}&assessment_year=2025",
            headers=vi,
        ),
        400,
    )
    assert both["detail"] == (
        "query.assessment_year: hãy cho date hoặc assessment_year, không cho cả hai"
    )
    assert both["problems"][0]["reason"] == "give date or assessment_year, not both"
    nowhere = client.get("/v1/nothing", headers=vi)
    assert nowhere.status_code == 404
    assert nowhere.json()["title"] == nowhere.json()["detail"] == "Không tìm thấy"


#: What a caller might type where a date goes: a name or an ID number is never repeated.
TYPED = "Nguyen-Van-SECRET-123"


def test_a_refused_parameter_is_said_in_the_request_language_without_its_value(
    client: TestClient, setup: dict[str, Any]
) -> None:
    hp = auth(setup, "hp-analyst")
    date = msg("expected a date written YYYY-MM-DD")
    answers = {lang: explain(client, hp, HP_UNIT, on=TYPED, lang=lang) for lang in ("vi", "en")}
    answers["accept"] = explain(client, {**hp, "Accept-Language": "vi"}, HP_UNIT, on=TYPED)
    vi, en, accept = (assert_problem(answers[k], 400) for k in ("vi", "en", "accept"))
    for response in answers.values():
        assert TYPED not in response.text
    # The detail in the reader's language, built from the error's type, not Pydantic's words
    assert "Input should" not in vi["detail"] and "query.date" in vi["detail"]
    assert vi["detail"] == accept["detail"] == f"query.date: {date.render('vi')}"
    assert en["detail"] == f"query.date: {date.render('en')}" != vi["detail"]
    assert vi["title"] == msg("Bad request").render("vi")
    # and the problem's reason in English, for programs
    for body in (vi, en):
        assert [(p["location"], p["reason"]) for p in body["problems"]] == [
            ("query.date", date.render("en"))
        ]


MPS = {"scheme": "mps-recognition-2024", "date": ON}


@pytest.mark.parametrize(
    ("url", "params", "location", "reason"),
    [
        ("/v1/evaluations", {"date": ON}, "query.scheme", msg("required field missing")),
        ("/v1/evaluations", {**MPS, "page": "1.5"}, "query.page", msg("expected an integer")),
        ("/v1/evaluations", {**MPS, "page": "0"}, "query.page", msg("at least {n}", n="1")),
        # a limit is written as the API reads it: a year is not a count (9.999, 9,999)
        ("/v1/reports", {"assessment_year": "10000"}, "query.assessment_year",
         msg("at most {n}", n="9999")),
        ("/v1/evaluations", {**MPS, "include_subjects": "maybe"}, "query.include_subjects",
         msg("expected true or false")),
        ("/v1/reports", {"date": ON, "format": "pdf"}, "query.format",
         msg("expected one of: {allowed}", allowed="json, html, csv, xlsx")),
    ],
)  # fmt: skip
def test_each_kind_of_refused_parameter_has_its_own_words(
    client: TestClient,
    setup: dict[str, Any],
    url: str,
    params: dict[str, str],
    location: str,
    reason: Message,
) -> None:
    headers = {**auth(setup, "hp-analyst"), "Accept-Language": "vi"}
    body = assert_problem(client.get(url, params=params, headers=headers), 400)
    assert body["detail"] == f"{location}: {reason.render('vi')}"
    assert body["problems"] == [{"table": "", "location": location, "reason": reason.render("en")}]


def test_a_refusal_nobody_wrote_words_for_is_said_generally() -> None:
    from drugfree_core.service.app import _refusal

    unknown = {"type": "union_tag_invalid", "loc": ("body", "kind"), "input": TYPED,
               "msg": f"Input tag '{TYPED}' found", "ctx": {"tag": TYPED}}  # fmt: skip
    assert _refusal(unknown) == msg("the value is not valid")
    # a limit or a list of choices that is not there, or not as Pydantic writes it
    assert _refusal({"type": "greater_than_equal", "ctx": {}}) == msg("the value is not valid")
    odd = {"type": "literal_error", "ctx": {"expected": "1 or 2"}}
    assert _refusal(odd) == msg("the value is not valid")
    day = {"type": "less_than", "ctx": {"lt": dt.date(2026, 1, 1)}}
    assert _refusal(day) == msg("less than {n}", n="2026-01-01")


@pytest.mark.parametrize(
    "query,header,lang",
    [
        ("vi", "en", "vi"),
        (None, "fr-FR, vi;q=0.8, en;q=0.7", "vi"),
        (None, "en-GB;q=0.9, vi;q=0.2", "en"),
        (None, "vi;q=0, fr", "en"),  # q=0 means "not this one"; then the server's default
        ("klingon", "vi", "vi"),  # an unknown parameter is refused by the endpoint first
        (None, None, "en"),
        # a malformed header is no preference, never an error
        (None, "vi;q=oops, en;q=0.5", "en"),
        (None, ";;, ;q=, vi;q=nan, \x7f", "en"),
    ],
)
def test_request_lang(query: str | None, header: str | None, lang: str) -> None:
    from drugfree_core.service.app import request_lang

    assert request_lang(query, header) == lang


def test_schemes_catalogue_health_and_version(client: TestClient, setup: dict[str, Any]) -> None:
    hp = auth(setup, "hp-analyst")
    schemes = client.get("/v1/schemes", headers=hp).json()
    schema_validator("SchemeList").validate(schemes)
    assert "mps-recognition-2024" in {s["id"] for s in schemes["schemes"]}
    by_id = {s["id"]: s for s in schemes["schemes"]}
    assert (
        by_id["qd28-2025-drug-free"]["authority"],
        by_id["mps-recognition-2024"]["authority"],
    ) == (
        "national",
        "provincial",
    )
    assert by_id["qd28-2025-provinces"]["unit_level"] == "province"
    catalogue = client.get("/v1/catalogue", params={"lang": "vi"}, headers=hp)
    assert catalogue.headers["content-type"].startswith("text/markdown")
    assert "mps-recognition-2024" in catalogue.text
    health = client.get("/health").json()
    schema_validator("Health").validate(health)
    assert health["status"] == "ok" and health["counts"]["subjects"] == 3
    version = client.get("/version").json()
    schema_validator("VersionInfo").validate(version)
    assert version["api_version"] == "1"


@pytest.mark.parametrize(
    ("fmt", "media", "magic"),
    [
        ("json", "application/json", b"{"),
        ("html", "text/html; charset=utf-8", b"<!DOCTYPE html>"),
        ("csv", "application/zip", b"PK"),
        ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b"PK"),
    ],
)
def test_reports_in_every_export_format(
    client: TestClient, setup: dict[str, Any], fmt: str, media: str, magic: bytes
) -> None:
    hp = auth(setup, "hp-analyst")
    params = {"date": ON, "province": "31", "format": fmt, "lang": "vi"}
    response = client.get("/v1/reports", params=params, headers=hp)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == media
    assert response.content.startswith(magic)
    assert "attachment" in response.headers["content-disposition"]
    for sid in SUBJECTS:
        assert sid.encode() not in response.content


def test_report_scope_is_checked(client: TestClient, setup: dict[str, Any]) -> None:
    hp = auth(setup, "hp-analyst")
    assert_problem(
        client.get("/v1/reports", params={"date": ON, "province": "40"}, headers=hp), 403
    )
    assert_problem(client.get("/v1/reports", params={"date": ON}, headers=hp), 400)


def test_uploads_are_validated_and_size_limited(client: TestClient, setup: dict[str, Any]) -> None:
    hp = auth(setup, "hp-analyst")
    good = client.post("/v1/validate", content=json.dumps(DOCUMENT), headers=hp)
    assert good.status_code == 200 and good.json() == {"valid": True, "problems": []}
    bad_document = {**DOCUMENT, "subjects": [{**DOCUMENT["subjects"][0], "id": "001234567890"}]}
    bad = client.post("/v1/validate", content=json.dumps(bad_document), headers=hp).json()
    schema_validator("ValidationResult").validate(bad)
    assert bad["valid"] is False
    assert bad["problems"][0]["location"] == "$.subjects[0].id"
    assert "national identity number" in bad["problems"][0]["reason"]
    assert "001234567890" not in json.dumps(bad)
    huge = b'{"format": "drugfree-dataset/1", "subjects": [' + b" " * 30_000 + b"]}"
    assert_problem(client.post("/v1/validate", content=huge, headers=hp), 413)

    def chunks() -> Iterator[bytes]:  # no Content-Length: the body is counted as it comes
        for _ in range(30):
            yield b" " * 1000

    assert_problem(client.post("/v1/validate", content=chunks(), headers=hp), 413)


def test_a_body_too_large_is_refused_in_the_request_language(
    client: TestClient, setup: dict[str, Any]
) -> None:
    hp = auth(setup, "hp-analyst")
    huge = b" " * 30_000  # its Content-Length is refused before the body is read
    vi = client.post("/v1/validate", params={"lang": "vi"}, content=huge, headers=hp)
    en = client.post("/v1/validate", content=huge, headers={**hp, "Accept-Language": "en"})
    vi_body, en_body = assert_problem(vi, 413), assert_problem(en, 413)
    assert en_body["title"] == "Content too large"
    assert vi_body["title"] == msg("Content too large").render("vi") != en_body["title"]
    limit = msgn(
        "the body may hold at most {n} byte", "the body may hold at most {n} bytes", 20_000
    )
    assert (vi_body["detail"], en_body["detail"]) == (limit.render("vi"), limit.render("en"))
    assert vi_body["detail"] != en_body["detail"]


def test_a_misspelt_server_language_is_a_problem_not_a_traceback(
    client: TestClient, setup: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DRUGFREE_LANG", "klingon")
    hp = auth(setup, "hp-analyst")
    # Without a language of its own the request needs the server's: a 500, in English.
    body = assert_problem(client.get("/v1/schemes", headers=hp), 500)
    assert (body["title"], body["detail"]) == ("Internal error", "the request failed")
    # A request that names its language is served.
    assert client.get("/v1/schemes", params={"lang": "vi"}, headers=hp).status_code == 200
    # A service started so is refused at once, with the setting named.
    with pytest.raises(LanguageError, match="DRUGFREE_LANG=klingon"):
        create_app(setup["config"])


# ---------------------------------------------------------------- OpenAPI and caches


def test_the_openapi_document_lists_every_endpoint_with_generated_schemas(
    client: TestClient,
) -> None:
    document = client.get("/openapi.json").json()
    assert set(document["paths"]) == {
        "/health", "/version", "/v1/schemes", "/v1/catalogue", "/v1/evaluations",
        "/v1/units/{unit_code}/explanation", "/v1/reports", "/v1/validate",
    }  # fmt: skip
    schemas = document["components"]["schemas"]
    assert {"EvaluationPage", "UnitResult", "RuleResult", "Problem", "DatasetDocument"} <= set(
        schemas
    )
    assert "HTTPValidationError" not in json.dumps(document)
    text = json.dumps(document)
    for ref in set(__import__("re").findall(r'"#/components/schemas/([^"]+)"', text)):
        assert ref in schemas, ref
    operation = document["paths"]["/v1/evaluations"]["get"]
    assert operation["security"] == [{"bearer": []}]
    assert set(operation["responses"]) == {"200", "400", "401", "403", "422"}


def test_one_evaluation_per_dataset_scheme_and_date_is_computed(
    client: TestClient, setup: dict[str, Any]
) -> None:
    served = client.app.state.served  # type: ignore[attr-defined]
    params = {"scheme": "qd28-2025-complex-areas", "date": "2025-11-01"}
    before = len(served.evaluations)
    for token_id in ("hp-analyst", "na-analyst", "national"):
        response = client.get("/v1/evaluations", params=params, headers=auth(setup, token_id))
        assert response.status_code == 200
    assert len(served.evaluations) == before + 1


# --------------------------------------------------------------------- audit and logs


def test_every_request_is_audited_without_tokens_or_personal_values(
    client: TestClient, setup: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    cases = auth(setup, "hp-cases")
    explain(client, cases, HP_UNIT, include_subjects=True)
    client.get(
        "/v1/evaluations",
        params={"scheme": "mps-recognition-2024", "date": ON, "include_subjects": True},
        headers=cases,
    )
    explain(client, auth(setup, "na-analyst"), HP_UNIT)  # denied: audited too
    # No token: audited too, but what the caller typed (a name in a parameter, say) is not.
    explain(client, {}, "001234567890", scheme="Nguyen Van A, CCCD 001234567890")
    entries, bad = read_entries(setup["config"].audit_log)
    assert not bad and entries
    last = entries[-4:]
    assert [e["action"] for e in last] == ["explain", "evaluate", "explain", "explain"]
    assert [e["status"] for e in last] == [200, 200, 403, 401]
    assert [e["token"] for e in last] == ["hp-cases", "hp-cases", "na-analyst", None]
    assert (last[-1]["unit"], last[-1]["scheme"], last[-1]["date"]) == (None, None, None)
    first = last[0]
    assert first["unit"] == HP_UNIT and first["scheme"] and first["date"] == ON
    assert len(first["dataset"]) == 64 and first["duration_ms"] >= 0
    assert set(first["outcomes"]) >= {"pass", "fail", "unknown"}
    assert last[1]["scope"] == "31"
    audit_text = Path(setup["config"].audit_log).read_text(encoding="utf-8")
    logs = caplog.text
    assert "drugfree.service" in {r.name for r in caplog.records}
    for secret in setup["secrets"].values():
        assert secret not in audit_text and secret not in logs
    assert "001234567890" not in audit_text and "Nguyen" not in audit_text
    for sid in SUBJECTS:
        assert sid not in audit_text, sid
        assert sid not in logs, sid

    summary = CliRunner().invoke(cli, ["audit", str(setup["config"].audit_log)])
    assert summary.exit_code == 0, summary.output
    assert "denied (401/403):" in summary.output and "hp-cases" in summary.output
    # The request without a token is counted in words, not as Python's "None"; the
    # span's times are the reader's (no ISO "T").
    assert re.search(r"no token \d", summary.output) and "None" not in summary.output
    span = summary.output.splitlines()[0]
    assert "T" not in span.split("from", 1)[1] and len(re.findall(r"\d\d:\d\d:\d\d", span)) == 2
    as_json = CliRunner().invoke(cli, ["audit", str(setup["config"].audit_log), "--format", "json"])
    data = json.loads(as_json.output)
    assert data["requests"] == len(entries) and data["denied"] >= 2
    assert data["by_token"]["null"] >= 1 and "None" not in data["by_token"]


# ----------------------------------------------------------------------- tokens file


def test_minted_tokens_are_stored_hashed_and_bad_files_are_refused(tmp_path: Path) -> None:
    secret, entry = mint_token("t1", ["31", "40"], ["aggregates"])
    assert secret not in entry and 'scope = ["31", "40"]' in entry
    (tmp_path / "t.toml").write_text(entry, encoding="utf-8")
    store = TokenStore.from_file(tmp_path / "t.toml")
    assert store.authenticate(f"Bearer {secret}").provinces == ("31", "40")
    with pytest.raises(UsageError, match="permission"):
        mint_token("t2", "national", ["everything"])
    (tmp_path / "bad.toml").write_text(entry + entry, encoding="utf-8")
    with pytest.raises(UsageError, match="more than once"):
        TokenStore.from_file(tmp_path / "bad.toml")
    (tmp_path / "bad2.toml").write_text(entry.replace("sha256:", "md5:"), encoding="utf-8")
    with pytest.raises(UsageError, match="hash must be"):
        TokenStore.from_file(tmp_path / "bad2.toml")

    result = CliRunner().invoke(
        cli, ["token", "new", "hp", "--scope", "31", "--permission", "explain"]
    )
    assert result.exit_code == 0, result.output
    assert "[[tokens]]" in result.output and 'permissions = ["explain"]' in result.output


def test_an_unexpected_error_is_a_500_whose_message_is_never_logged(
    setup: dict[str, Any], caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    caplog.set_level(logging.DEBUG)
    app = create_app(setup["config"])
    served = app.state.served

    def broken(*_args: Any, **_kwargs: Any) -> Any:
        raise RuntimeError("HP-A1 tested positive on 2025-09-01")

    monkeypatch.setattr(served, "evaluation", broken)
    with TestClient(app) as test_client:
        response = explain(test_client, auth(setup, "national"), HP_UNIT)
    body = assert_problem(response, 500)
    assert "HP-A1" not in json.dumps(body)
    assert "RuntimeError" in caplog.text and "HP-A1" not in caplog.text
    assert read_entries(setup["config"].audit_log)[0][-1]["status"] == 500


def test_the_served_data_is_read_again_on_refresh(tmp_path: Path) -> None:
    from drugfree_core.plugins import default_host
    from drugfree_core.service.state import ServedData

    source = tmp_path / "data.json"
    source.write_text(json.dumps(DOCUMENT), encoding="utf-8")
    served = ServedData(source, default_host())
    before = served.snapshot
    assert served.refresh() is False and served.snapshot.fingerprint == before.fingerprint
    fewer = {**DOCUMENT, "subjects": DOCUMENT["subjects"][:1]}
    source.write_text(json.dumps(fewer), encoding="utf-8")
    assert served.refresh() is True
    assert served.snapshot.dataset.counts()["subjects"] == 1
    assert before.dataset.counts()["subjects"] == 3  # a request holding it keeps it whole


def test_the_cache_computes_a_key_once_under_concurrency_and_stays_bounded() -> None:
    import threading
    import time

    from drugfree_core.service.state import LruCache

    cache: LruCache[int] = LruCache(2)
    calls: list[str] = []

    def slow(key: str) -> int:
        calls.append(key)
        time.sleep(0.05)
        return len(calls)

    threads = [threading.Thread(target=cache.get, args=("a", lambda: slow("a"))) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert calls == ["a"]
    cache.get("b", lambda: slow("b"))
    cache.get("c", lambda: slow("c"))
    assert len(cache) == 2
    assert cache.get("a", lambda: slow("a")) == 4  # "a" was the least recently used: gone


def test_an_assessment_year_stands_for_its_last_day(
    client: TestClient, setup: dict[str, Any]
) -> None:
    hp = auth(setup, "hp-analyst")
    by_year = client.get(
        "/v1/evaluations",
        params={"scheme": "qd28-2025-drug-free", "assessment_year": 2025},
        headers=hp,
    )
    assert by_year.status_code == 200, by_year.text
    assert by_year.json()["reference_date"] == "2025-12-14"
    by_date = client.get(
        "/v1/evaluations",
        params={"scheme": "qd28-2025-drug-free", "date": "2025-12-14"},
        headers=hp,
    )
    assert by_year.json()["verdicts"] == by_date.json()["verdicts"]
    both = client.get(
        "/v1/evaluations",
        params={"scheme": "qd28-2025-drug-free", "date": ON, "assessment_year": 2025},
        headers=hp,
    )
    assert assert_problem(both, 400)["problems"][0]["location"] == "query.assessment_year"
    neither = client.get("/v1/evaluations", params={"scheme": "qd28-2025-drug-free"}, headers=hp)
    assert assert_problem(neither, 400)["problems"][0]["location"] == "query.date"
    text = client.get(
        f"/v1/units/{HP_UNIT}/explanation", params={"assessment_year": 2025}, headers=hp
    ).json()["text"]
    assert "2025-12-14" in text
    params = {"assessment_year": 2025, "province": "31"}
    report = client.get("/v1/reports", params=params, headers=hp)
    assert report.status_code == 200 and report.json()["provenance"]["reference_date"] == (
        "2025-12-14"
    )


def test_provinces_are_evaluated_and_covered_only_when_all_their_communes_are(
    client: TestClient, setup: dict[str, Any]
) -> None:
    national = auth(setup, "national")
    params = {"scheme": "qd28-2025-provinces", "assessment_year": 2025}
    page = client.get("/v1/evaluations", params={**params, "page_size": 50}, headers=national)
    assert page.status_code == 200, page.text
    units = {u["unit_code"]: u for u in page.json()["units"]}
    # Hải Phòng and Nghệ An are covered in full; Hà Nội is not covered at all.
    assert units["31"]["verdict"] != "no_data" and units["01"]["verdict"] == "no_data"
    assert page.json()["total"] == 34 and page.json()["verdicts"]["no_data"] == 32
    hp = auth(setup, "hp-analyst")
    mine = client.get("/v1/evaluations", params=params, headers=hp).json()
    assert [u["unit_code"] for u in mine["units"]] == ["31"]
    text = client.get(
        "/v1/units/31/explanation",
        params={"scheme": "qd28-2025-provinces", "assessment_year": 2025},
        headers=hp,
    )
    assert text.status_code == 200, text.text
    assert "qd28-2025-provinces" in text.json()["text"] and "P.4" in text.json()["text"]


def test_an_explanation_counts_only_the_unplaced_who_may_be_its_provinces() -> None:
    # Two provinces; a commune of the second ended without a successor, and its one
    # resident is placed nowhere. An explanation for the first province must not count
    # (or show) them: a token of one province learns nothing of another's people.
    units = [
        AdminUnit(code="P1", name="Tỉnh Một", kind=UnitKind.PROVINCE),
        AdminUnit(code="X1", name="Xã Một", kind=UnitKind.COMMUNE, parent_code="P1"),
        AdminUnit(code="P2", name="Tỉnh Hai", kind=UnitKind.PROVINCE),
        AdminUnit(
            code="Y1",
            name="Xã Hai",
            kind=UnitKind.COMMUNE,
            parent_code="P2",
            valid_to=dt.date(2025, 6, 30),
        ),
    ]
    status = StatusPeriod(kind=SubjectKind.ADDICT, start=dt.date(2024, 1, 1))
    people = [
        Subject(id="A1", residences=(Residence(unit_code="X1", start=dt.date(2020, 1, 1)),)),
        Subject(
            id="G1",
            residences=(Residence(unit_code="Y1", start=dt.date(2020, 1, 1)),),
            statuses=(status,),
        ),
    ]
    dataset = Dataset.from_records(units=units, subjects=people)
    on = dt.date(2025, 10, 1)
    snapshot = Snapshot(
        dataset=dataset,
        fingerprint="-",
        loaded_at=dt.datetime(2025, 10, 1, tzinfo=dt.UTC),
        guard=ScopeGuard(TerritoryIndex.from_frames((dataset.units, dataset.lineage))),
    )
    assert unplaced_in_province(snapshot, "P1", on) == 0
    assert unplaced_in_province(snapshot, "P2", on) == 1
    # Quarantined records whose unit cannot be told count where a province's report
    # counts them: a record about the second province's ended commune is its own, one
    # naming no unit of the map may be anyone's.
    quarantined = (
        QuarantinedRecord(table="subjects", location="row 2", reason="r", unit_codes=("Y1",)),
        QuarantinedRecord(table="subjects", location="row 3", reason="r", unit_codes=("ZZ",)),
    )
    with_records = attrs.evolve(snapshot, dataset=attrs.evolve(dataset, quarantined=quarantined))
    assert unplaced_in_province(with_records, "P1", on) == 1
    assert unplaced_in_province(with_records, "P2", on) == 3
    scheme = get_scheme("mps-recognition-2024")
    evaluation = evaluate(dataset, scheme, on)
    unit = evaluation.unit("X1")
    assert unit.verdict.value == "pass" and evaluation.unplaced_anywhere == 1
    said = "not placed in any unit: 1 person or record"
    assert said in explain_unit(unit, evaluation, scheme, "en")  # the dataset's owner
    assert said not in explain_unit(unit, evaluation, scheme, "en", unplaced=0)
    with pytest.raises(UsageError, match="whole number"):
        explain_unit(unit, evaluation, scheme, "en", unplaced=-1)


# ------------------------------------------------------- the service review's findings


def test_evaluation_pages_are_kept_per_language(client: TestClient, setup: dict[str, Any]) -> None:
    # A written page holds its units' reasons as text: a page written for one language
    # is never served to a request in the other.
    hp = auth(setup, "hp-analyst")
    params: dict[str, Any] = {"scheme": "qd28-2025-drug-free", "date": ON, "page_size": 3}

    def reasons(lang: str) -> tuple[bytes, list[str]]:
        response = client.get("/v1/evaluations", params={**params, "lang": lang}, headers=hp)
        assert response.status_code == 200, response.text
        return response.content, re.findall(r'"reason":"([^"]*)"', response.text)

    en, en_reasons = reasons("en")
    vi, vi_reasons = reasons("vi")
    assert en_reasons and len(vi_reasons) == len(en_reasons)
    assert vi_reasons != en_reasons and vi != en
    assert reasons("en")[0] == en and reasons("vi")[0] == vi  # each kept, and reused


def test_a_report_covers_the_one_province_its_code_stands_for_on_its_date(
    client: TestClient, setup: dict[str, Any]
) -> None:
    hp = auth(setup, "hp-analyst")

    def report(province: str, on: str, lang: str = "en") -> Any:
        params = {"date": on, "province": province, "lang": lang}
        return client.get("/v1/reports", params=params, headers=hp)

    # After the merger, the code of the former Hải Phòng is today's Hải Phòng: the
    # report counts the units it lists, all of province 31.
    for code, on, province in (("pre2025:31", ON, "31"), ("31", ON, "31")):
        response = report(code, on)
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["units"] and {u["province_code"] for u in body["units"]} == {province}
        assert body["overall"]["units_in_force"] == len(body["units"])
        assert read_entries(setup["config"].audit_log)[0][-1]["scope"] == province
    # Before it, 31 stands for old Hải Phòng and Hải Dương: a 400 naming both, not a
    # report that drops one of them.
    for lang in ("en", "vi"):
        body = assert_problem(report("31", BEFORE, lang), 400)
        said = msg(
            "province {province} maps to several provinces on {date}: {provinces}; "
            "a report covers one province: give province=CODE for one of them",
            province="31",
            date=dt.date.fromisoformat(BEFORE),
            provinces="pre2025:30, pre2025:31",
        )
        assert body["detail"] == said.render(lang)
    assert "pre2025:30" in body["detail"] and "pre2025:31" in body["detail"]
    # Asked for one of them, each is its own report.
    for old in ("pre2025:30", "pre2025:31"):
        response = report(old, BEFORE)
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["units"] and {u["province_code"] for u in body["units"]} == {old}
        assert body["overall"]["units_in_force"] == len(body["units"])


def test_validation_problems_are_said_in_the_request_language(
    client: TestClient, setup: dict[str, Any]
) -> None:
    from drugfree_core.dataset.reasons import problem_text
    from drugfree_core.errors import Problem

    hp = auth(setup, "hp-analyst")
    upload = json.dumps({"format": "drugfree-dataset/1", "subjects": [{"id": "001234567890"}]})
    english = "id looks like a national identity number; use a pseudonymous id"
    asked: list[tuple[dict[str, str], dict[str, str], str]] = [
        ({"lang": "vi"}, {}, "vi"),
        ({}, {"Accept-Language": "vi"}, "vi"),
        ({}, {}, "en"),
    ]
    for params, headers, lang in asked:
        response = client.post(
            "/v1/validate", params=params, content=upload, headers={**hp, **headers}
        )
        body = response.json()
        schema_validator("ValidationResult").validate(body)
        # The reason stays English for programs; each message is the reader's line.
        problems = [Problem(**p) for p in body["problems"]]
        assert problems[0].reason == english
        assert body["messages"] == [problem_text(p, lang) for p in problems]
    assert body["messages"][0] == f"$.subjects[0].id: {english}"
    assert "001234567890" not in json.dumps(body)


def test_a_dataset_refused_at_request_time_is_said_in_the_request_language(
    client: TestClient, setup: dict[str, Any], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from drugfree_core.dataset.reasons import dataset_error_text, problem_text
    from drugfree_core.errors import DatasetError
    from drugfree_core.io import load

    bad = tmp_path / "bad.json"
    bad.write_text(
        json.dumps({"format": "drugfree-dataset/1", "subjects": [{"id": "001234567890"}]}),
        encoding="utf-8",
    )
    with pytest.raises(DatasetError) as caught:
        load(bad)
    refused = caught.value

    def invalid(*_args: Any, **_kwargs: Any) -> Any:
        raise refused

    monkeypatch.setattr(client.app.state.served, "evaluation", invalid)  # type: ignore[attr-defined]
    params = {"scheme": "mps-recognition-2024", "date": ON}
    for lang in ("vi", "en"):
        response = client.get(
            "/v1/evaluations", params={**params, "lang": lang}, headers=auth(setup, "hp-analyst")
        )
        body = assert_problem(response, 422)
        assert body["title"] == msg("Invalid dataset").render(lang)
        assert body["detail"] == dataset_error_text(refused, lang)
        assert [p["reason"] for p in body["problems"]] == [p.reason for p in refused.problems]
        assert body["messages"] == [problem_text(p, lang) for p in refused.problems]


def test_the_server_log_names_routes_never_the_path_typed(
    setup: dict[str, Any], caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    caplog.set_level(logging.DEBUG)
    app = create_app(setup["config"])

    def broken(*_args: Any, **_kwargs: Any) -> Any:
        raise RuntimeError("internal")

    monkeypatch.setattr(app.state.served, "evaluation", broken)
    with TestClient(app, raise_server_exceptions=False) as test_client:
        explain(test_client, {}, "001234567890")  # no token: a 401
        explain(test_client, auth(setup, "hp-analyst"), "001234567891")  # not on the map
        test_client.get("/v1/units/001234567892")  # no such route
        test_client.post("/v1/units/001234567893/explanation")  # no such method
        explain(test_client, auth(setup, "national"), HP_UNIT)  # a 500
    lines = [r.getMessage() for r in caplog.records if r.name == "drugfree.service"]
    route = "/v1/units/{unit_code}/explanation"
    assert [line.rsplit(" ", 1)[0] for line in lines if not line.startswith("internal")] == [
        f"GET {route} 401",
        f"GET {route} 400",
        "GET <no route> 404",
        f"POST {route} 405",
        f"GET {route} 500",
    ]
    assert f"internal error on {route}: RuntimeError" in lines
    assert not [line for line in lines if "0012345678" in line or HP_UNIT in line]


def test_the_audit_log_keeps_only_the_values_the_service_accepted(
    client: TestClient, setup: dict[str, Any]
) -> None:
    hp = auth(setup, "hp-analyst")
    typed = ("CCCD 001234567891", "Nguyen Van A", "Tran Thi B 001234567892", "Le Van C")
    client.get("/v1/reports", params={"date": ON, "province": typed[0]}, headers=hp)
    explain(client, hp, typed[1])
    client.get("/v1/evaluations", params={"date": ON, "scheme": typed[2]}, headers=hp)
    explain(client, hp, HP_UNIT, scheme=typed[3])  # the unit accepted, the scheme not
    entries = read_entries(setup["config"].audit_log)[0][-4:]
    assert [(e["action"], e["status"]) for e in entries] == [
        ("report", 400),
        ("explain", 400),
        ("evaluate", 400),
        ("explain", 400),
    ]
    # Refused values are left out; the scope is the token's own.
    assert [(e["scope"], e["unit"], e["scheme"]) for e in entries] == [
        ("31", None, None),
        ("31", None, None),
        ("31", None, None),
        ("31", HP_UNIT, None),
    ]
    audit_text = Path(setup["config"].audit_log).read_text(encoding="utf-8")
    for value in typed:
        assert value not in audit_text, value
