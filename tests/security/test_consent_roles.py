"""Item 9: consents (授权) are the subject's authorisation held by a lender. Admin manages all
of them; a lender key records and lists its own organisation's consents only, with the
authorisation document's SHA-256 and date; regulators and investigators cannot touch them."""

from __future__ import annotations

import hashlib

import pytest
from fastapi.testclient import TestClient

from linkrisk.api.app import openapi_document
from tests.api.city import City
from tests.api.conftest import LENDER_ORG, Keys

EVIDENCE = {
    "evidence_sha256": hashlib.sha256(b"scanned authorisation letter").hexdigest(),
    "evidence_date": "2025-01-01",
}


def consent(city: City, org: str = LENDER_ORG, **extra: object) -> dict[str, object]:
    return {
        "org": org,
        "uscc": city.c,
        "purpose": "credit_review",
        "valid_from": "2025-01-01",
        "valid_until": "2099-12-31",
        **EVIDENCE,
        **extra,
    }


def consent_id(client: TestClient, keys: Keys) -> str:
    listed = client.get("/v1/consents", headers=keys.headers("admin")).json()
    return str(listed["items"][0]["consent_id"])


@pytest.mark.parametrize("role", ["regulator", "investigator"])
def test_regulators_and_investigators_cannot_touch_consents(
    client: TestClient, keys: Keys, city: City, role: str
) -> None:
    cid = consent_id(client, keys)
    headers = keys.headers(role)
    for method, url, body in (
        ("POST", "/v1/consents", consent(city)),
        ("GET", "/v1/consents", None),
        ("GET", f"/v1/consents/{cid}", None),
        ("POST", f"/v1/consents/{cid}/revoke", None),
    ):
        response = client.request(method, url, json=body, headers=headers)
        assert response.status_code == 403, (method, url, response.text)
    assert client.get(f"/v1/consents/{cid}", headers=keys.headers("admin")).json()["active"]


def test_a_lender_records_and_lists_its_own_consents_only(
    client: TestClient, keys: Keys, city: City
) -> None:
    lender = keys.headers("lender")
    made = client.post("/v1/consents", json=consent(city), headers=lender)
    assert made.status_code == 201, made.text
    assert made.json()["evidence_sha256"] == EVIDENCE["evidence_sha256"]
    assert made.json()["created_by"] == keys.lender[:11]
    other = client.post("/v1/consents", json=consent(city, org="bank-b"), headers=lender)
    assert other.status_code == 403 and "bank-b" in other.json()["detail"]
    theirs = client.post(
        "/v1/consents", json=consent(city, org="bank-b"), headers=keys.headers("lender_b")
    ).json()
    listed = client.get("/v1/consents", headers=lender).json()
    assert listed["items"] and {c["org"] for c in listed["items"]} == {LENDER_ORG}
    assert client.get("/v1/consents", params={"org": "bank-b"}, headers=lender).status_code == 403
    url = f"/v1/consents/{theirs['consent_id']}"
    assert client.get(url, headers=lender).status_code == 404  # not even its existence
    mine = f"/v1/consents/{made.json()['consent_id']}"
    assert client.get(mine, headers=lender).status_code == 200
    assert client.post(f"{mine}/revoke", headers=lender).status_code == 403
    assert client.post(f"{mine}/revoke", headers=keys.headers("admin")).status_code == 200


@pytest.mark.parametrize("missing", ["evidence_sha256", "evidence_date"])
def test_a_consent_needs_the_evidence_of_the_authorisation(
    client: TestClient, keys: Keys, city: City, missing: str
) -> None:
    body = consent(city)
    del body[missing]
    for role in ("lender", "admin"):
        response = client.post("/v1/consents", json=body, headers=keys.headers(role))
        assert response.status_code == 422, response.text
    bad = consent(city, evidence_sha256="not-a-hash")
    assert client.post("/v1/consents", json=bad, headers=keys.headers("admin")).status_code == 422


def test_the_openapi_document_says_the_same() -> None:
    paths = openapi_document()["paths"]
    assert paths["/v1/consents"]["post"]["x-roles"] == ["admin", "lender"]
    assert paths["/v1/consents"]["get"]["x-roles"] == ["admin", "lender"]
    assert paths["/v1/consents/{consent_id}"]["get"]["x-roles"] == ["admin", "lender"]
    assert paths["/v1/consents/{consent_id}/revoke"]["post"]["x-roles"] == ["admin"]
    required = paths["/v1/consents"]["post"]["requestBody"]["content"]["application/json"]
    schema = openapi_document()["components"]["schemas"][required["schema"]["$ref"].split("/")[-1]]
    assert {"evidence_sha256", "evidence_date"} <= set(schema["required"])
