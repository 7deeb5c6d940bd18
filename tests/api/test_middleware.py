"""The request envelope: every request is audited once, before its response starts; a failed
audit write answers 500 without data; oversized bodies are refused."""

from __future__ import annotations

import sqlite3
from typing import Any

import anyio
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from linkrisk.api.deps import get_state
from tests.api.city import City
from tests.api.conftest import AppFactory, Keys, services_of


def audit_rows(client: TestClient) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(services_of(client).settings.db_path)
    rows = conn.execute(
        "SELECT seq, key_id, method, endpoint, status FROM audit ORDER BY seq"
    ).fetchall()
    conn.close()
    return rows


def test_every_request_is_audited_once_and_probes_are_not(
    client: TestClient, keys: Keys, city: City
) -> None:
    client.get("/healthz")
    client.get("/readyz")
    client.get("/v1/me")  # 401
    client.get("/v1/me", headers=keys.headers("lender"))  # 200
    client.get("/v1/no-such-thing", headers=keys.headers("lender"))  # 404
    client.delete("/v1/me", headers=keys.headers("lender"))  # 405
    client.get("/v1/search", headers=keys.headers("investigator"))  # 422: q missing
    rows = audit_rows(client)
    assert [(r[2], r[3], r[4]) for r in rows] == [
        ("GET", "/v1/me", 401),
        ("GET", "/v1/me", 200),
        ("GET", "/v1/no-such-thing", 404),
        ("DELETE", "/v1/me", 405),
        ("GET", "/v1/search", 422),
    ]
    assert rows[0][1] is None and rows[1][1] == keys.lender[:11]


def test_the_record_is_committed_before_the_response_starts(
    client: TestClient, keys: Keys, city: City
) -> None:
    app = client.app
    db = services_of(client).settings.db_path
    seen: list[int] = []

    async def call() -> None:
        scope = {
            "type": "http",
            "method": "GET",
            "path": f"/v1/scores/{city.a}",
            "raw_path": b"",
            "query_string": b"purpose=credit_application",
            "root_path": "",
            "scheme": "http",
            "server": ("test", 80),
            "client": ("127.0.0.1", 1),
            "http_version": "1.1",
            "headers": [(b"x-api-key", keys.lender.encode())],
        }

        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                conn = sqlite3.connect(db)  # another connection: only committed rows are visible
                seen.append(conn.execute("SELECT count(*) FROM audit").fetchone()[0])
                conn.close()

        await app(scope, receive, send)  # type: ignore[arg-type]

    anyio.run(call)
    assert seen == [1]


def test_a_failed_audit_write_answers_500_without_data(
    client: TestClient, keys: Keys, city: City, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: Any) -> None:
        raise sqlite3.OperationalError("disk full")

    monkeypatch.setattr(services_of(client).audit, "append_many", broken)
    response = client.get(
        f"/v1/scores/{city.a}",
        params={"purpose": "credit_application"},
        headers=keys.headers("lender"),
    )
    assert response.status_code == 500
    body = response.json()
    assert body["status"] == 500 and "tier" not in body and "test-model" not in response.text


def test_a_crashing_route_is_audited_as_500(client: TestClient, keys: Keys, city: City) -> None:
    app = client.app
    assert isinstance(app, FastAPI)

    async def crash() -> None:
        raise RuntimeError("boom")

    app.dependency_overrides[get_state] = crash
    response = client.get(f"/v1/subjects/{city.a}", headers=keys.headers("investigator"))
    app.dependency_overrides.clear()
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/problem+json"
    assert "boom" not in response.text
    assert audit_rows(client)[-1][3:] == ("/v1/subjects/{sid}", 500)


def test_oversized_bodies_are_refused(make_client: AppFactory, city: City) -> None:
    client = make_client(api_max_body_bytes=2048)
    from linkrisk.api.auth import create_key

    key = create_key(services_of(client).store, "regulator", "amr")[1]
    response = client.post("/v1/checks", json={"usccs": [city.a] * 500}, headers={"X-API-Key": key})
    assert response.status_code == 413
    assert response.json()["type"] == "/problems/payload-too-large"
    chunks = (b'{"usccs": [' + b'"x",' * 1000 + b'"x"]}',)  # no Content-Length: counted as it comes
    response = client.post(
        "/v1/checks",
        content=iter(chunks),
        headers={"X-API-Key": key, "Content-Type": "application/json"},
    )
    assert response.status_code == 413
    assert audit_rows(client)[-1][4] == 413
