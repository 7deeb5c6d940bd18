"""Errors are RFC 9457 problem+json: type, title, status, detail, instance, plus extras."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api.city import City, make_id_number
from tests.api.conftest import Keys

FIELDS = {"type", "title", "status", "detail", "instance"}


def check(response, status: int, slug: str) -> dict:  # type: ignore[no-untyped-def, type-arg]
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert set(body) >= FIELDS
    assert body["status"] == status and body["type"] == f"/problems/{slug}"
    assert body["title"] and body["detail"]
    return body  # type: ignore[no-any-return]


def test_domain_errors(client: TestClient, keys: Keys, city: City) -> None:
    body = check(
        client.get("/v1/subjects/NOPE", headers=keys.headers("investigator")), 404, "not-found"
    )
    assert body["instance"] == "/v1/subjects/NOPE" and "NOPE" in body["detail"]
    check(client.get("/v1/me"), 401, "unauthenticated")
    check(client.get("/v1/audit", headers=keys.headers("lender")), 403, "forbidden")


def test_validation_errors_list_where_but_never_the_value(client: TestClient, keys: Keys) -> None:
    number = make_id_number(5)
    response = client.post(
        "/v1/checks",
        json={"usccs": "not a list", "id_numbers": number},
        headers=keys.headers("regulator"),
    )
    body = check(response, 422, "invalid-input")
    assert {tuple(e["loc"]) for e in body["errors"]} == {("body", "usccs"), ("body", "id_numbers")}
    assert number not in response.text


def test_a_cursor_past_what_sqlite_holds_is_invalid_input(client: TestClient, keys: Keys) -> None:
    admin = keys.headers("admin")
    check(client.get(f"/v1/audit?after={2**63}", headers=admin), 422, "invalid-input")
    assert client.get(f"/v1/audit?after={2**63 - 1}", headers=admin).json()["items"] == []


def test_framework_errors(client: TestClient, keys: Keys) -> None:
    check(client.get("/nowhere"), 404, "not-found")
    body = check(client.put("/v1/me", headers=keys.headers("admin")), 405, "method-not-allowed")
    assert "PUT" in body["detail"]
    broken = client.post(
        "/v1/consents",
        content=b"{",
        headers={**keys.headers("admin"), "Content-Type": "application/json"},
    )
    check(broken, 422, "invalid-input")


def test_problem_types_are_documented(client: TestClient) -> None:
    types = client.get("/problems").json()
    assert {"consent-required", "rate-limited", "not-ready", "integrity", "invalid-input"} <= set(
        types
    )
    assert client.get("/problems/consent-required").json()["status"] == 403
    check(client.get("/problems/no-such-type"), 404, "not-found")


def test_openapi_documents_errors_as_problems(client: TestClient) -> None:
    doc = client.get("/openapi.json").json()
    op = doc["paths"]["/v1/scores/{uscc}"]["get"]
    assert op["x-roles"] == ["lender"]
    for status in ("401", "403", "404", "422", "429", "503"):
        assert list(op["responses"][status]["content"]) == ["application/problem+json"]
    assert "examples" in doc["components"]["schemas"]["ScorePublic"]


def test_id_numbers_are_not_echoed_in_problems(client: TestClient, keys: Keys, city: City) -> None:
    response = client.get(f"/v1/subjects/{city.p1_id}", headers=keys.headers("investigator"))
    body = check(response, 422, "invalid-input")  # an ID number is not a subject key
    assert city.p1_id not in response.text and city.p1_id[:4] + "*" * 10 in body["detail"]
    assert "persons are keyed P…" in body["detail"]
