"""Item 4: who knocked is on record (a revoked key by its id, marked revoked; a valid key
whatever the status), and unauthenticated requests are limited per client address before any
key is looked up."""

from __future__ import annotations

import sqlite3
from typing import Any

from fastapi.testclient import TestClient

from linkrisk.api.auth import revoke_key
from tests.api.city import City
from tests.api.conftest import AppFactory, Keys, make_keys, services_of


def audit_rows(client: TestClient) -> list[dict[str, Any]]:
    conn = sqlite3.connect(services_of(client).settings.db_path)
    conn.row_factory = sqlite3.Row
    rows = [dict(r) for r in conn.execute("SELECT * FROM audit ORDER BY seq")]
    conn.close()
    return rows


def test_a_revoked_key_is_audited_with_its_id_and_marked_revoked(
    client: TestClient, keys: Keys
) -> None:
    services = services_of(client)
    revoke_key(services.store, keys.regulator[:11])
    services.keys._cache.clear()  # the cache would otherwise keep the key for up to a second
    typo = keys.lender[:11] + "x" * 24  # a known key id with a wrong secret
    assert client.get("/v1/plans", headers=keys.headers("regulator")).status_code == 401
    assert client.get("/v1/me", headers={"X-API-Key": "lr_" + "y" * 32}).status_code == 401
    assert client.get("/v1/me", headers={"X-API-Key": typo}).status_code == 401
    revoked, unknown, wrong = audit_rows(client)
    assert (revoked["key_id"], revoked["role"], revoked["auth"]) == (
        keys.regulator[:11],
        "regulator",
        "revoked",
    )
    assert (unknown["key_id"], unknown["auth"]) == (None, "unknown")
    assert wrong["auth"] not in {"valid", "revoked"} and wrong["role"] is None


def test_a_valid_key_is_on_record_whatever_the_status(
    client: TestClient, keys: Keys, city: City
) -> None:
    lender = keys.headers("lender")
    assert client.delete("/v1/me", headers=lender).status_code == 405
    assert client.get("/v1/no-such-thing", headers=lender).status_code == 404
    assert client.get("/openapi.json", headers=lender).status_code == 200
    assert client.get("/v1/subjects/%ED%A0%80", headers=lender).status_code == 422
    body = b'{"sids": ["\\ud800", "%s"]}' % city.a.encode()
    invalid = client.post(
        "/v1/connections",
        content=body,
        headers={**lender, "Content-Type": "application/json"},
    )
    assert invalid.status_code == 422  # refused as the body is read, before any route
    rows = audit_rows(client)
    assert [(r["key_id"], r["auth"]) for r in rows] == [(keys.lender[:11], "valid")] * 5


def test_unauthenticated_requests_are_limited_per_address_before_authentication(
    make_client: AppFactory, city: City
) -> None:
    client = make_client(rate_limit_unauthenticated_per_minute=10)
    keys = make_keys(client, city)
    services = services_of(client)
    looked_up: list[str] = []
    lookup = services.keys._lookup

    def counting(key_id: str) -> Any:
        looked_up.append(key_id)
        return lookup(key_id)

    services.keys._lookup = counting  # type: ignore[method-assign]
    statuses = [
        client.get("/v1/me", headers={"X-API-Key": f"lr_{i:08d}" + "z" * 24}).status_code
        for i in range(60)
    ]
    assert statuses == [401] * 10 + [429] * 50
    assert len(looked_up) == 10  # refused before any key was looked up
    refused = client.get("/v1/me", headers={"X-API-Key": "lr_" + "q" * 32})
    assert refused.status_code == 429
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["type"] == "/problems/rate-limited"
    assert int(refused.headers["Retry-After"]) >= 1
    other = TestClient(client.app, client=("10.0.0.9", 5000), raise_server_exceptions=False)
    assert other.get("/v1/me", headers=keys.headers("lender")).status_code == 200
    assert other.get("/v1/me").status_code == 401  # another address has its own budget
    rows = audit_rows(client)
    assert [r["status"] for r in rows].count(429) == 51
    assert all(r["auth"] == "unchecked" for r in rows if r["status"] == 429)


def test_authenticated_requests_do_not_spend_the_unauthenticated_budget(
    make_client: AppFactory, city: City
) -> None:
    client = make_client(rate_limit_unauthenticated_per_minute=3)
    keys = make_keys(client, city)
    for _ in range(20):
        assert client.get("/v1/me", headers=keys.headers("admin")).status_code == 200
    assert [client.get("/v1/me").status_code for _ in range(4)] == [401, 401, 401, 429]
