"""Administration through the API: who am I, keys, consents, the audit log and its check."""

from __future__ import annotations

import sqlite3

from fastapi.testclient import TestClient

from tests.api.city import City
from tests.api.conftest import EVIDENCE_SHA256, Keys, services_of

CONSENT = {
    "org": "bank-c",
    "purpose": "post_loan_monitoring",
    "valid_from": "2025-01-01",
    "valid_until": "2099-12-31",
    "evidence_sha256": EVIDENCE_SHA256,
    "evidence_date": "2024-12-20",
    "reference": "授权书-0001",
}


def test_me_and_keys(client: TestClient, keys: Keys) -> None:
    me = client.get("/v1/me", headers=keys.headers("investigator_pii")).json()
    assert (me["role"], me["org"], me["scopes"]) == ("investigator", "city-credit-office", ["pii"])
    listed = client.get("/v1/keys", headers=keys.headers("admin"))
    assert len(listed.json()) == 7  # one per role and the extra lender and investigator
    assert keys.admin not in listed.text and "hash" not in listed.text


def test_consent_lifecycle_through_the_api(client: TestClient, keys: Keys, city: City) -> None:
    made = client.post(
        "/v1/consents", json={**CONSENT, "uscc": city.c}, headers=keys.headers("admin")
    )
    assert made.status_code == 201
    consent = made.json()
    assert consent["active"] and consent["created_by"] == keys.admin[:11]
    assert (consent["evidence_sha256"], consent["evidence_date"]) == (EVIDENCE_SHA256, "2024-12-20")
    found = client.get(
        "/v1/consents", params={"org": "bank-c"}, headers=keys.headers("admin")
    ).json()
    assert found["total"] == 1 and found["items"][0]["consent_id"] == consent["consent_id"]
    url = f"/v1/consents/{consent['consent_id']}"
    assert client.get(url, headers=keys.headers("admin")).json()["uscc"] == city.c
    revoked = client.post(f"{url}/revoke", headers=keys.headers("admin")).json()
    assert not revoked["active"] and revoked["revoked_by"] == keys.admin[:11]
    active = client.get(
        "/v1/consents", params={"org": "bank-c", "active": True}, headers=keys.headers("admin")
    )
    assert active.json()["total"] == 0
    bad = client.post(
        "/v1/consents",
        json={**CONSENT, "uscc": city.c, "valid_until": "2024-01-01"},
        headers=keys.headers("admin"),
    )
    assert bad.status_code == 422 and "before it starts" in bad.json()["detail"]


def test_audit_pages_and_verification(client: TestClient, keys: Keys) -> None:
    for _ in range(5):
        client.get("/v1/me", headers=keys.headers("lender"))
    first = client.get("/v1/audit", params={"limit": 3}, headers=keys.headers("admin")).json()
    assert [r["seq"] for r in first["items"]] == [1, 2, 3] and first["next_after"] == 3
    rest = client.get("/v1/audit", params={"after": 3}, headers=keys.headers("admin")).json()
    assert [r["seq"] for r in rest["items"]] == [4, 5, 6] and rest["next_after"] is None
    assert rest["items"][-1]["endpoint"] == "/v1/audit" and rest["total"] == 6
    ok = client.get("/v1/audit/verify", headers=keys.headers("admin")).json()
    assert ok["ok"] and ok["records"] == 7
    conn = sqlite3.connect(services_of(client).settings.db_path)
    conn.execute("UPDATE audit SET org = 'someone-else' WHERE seq = 2")
    conn.commit()
    conn.close()
    broken = client.get("/v1/audit/verify", headers=keys.headers("admin"))
    assert broken.status_code == 409
    assert broken.json()["type"] == "/problems/integrity" and broken.json()["seq"] == 2
