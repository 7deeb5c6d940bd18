"""The personal credit score: shown only under the person's own authorisation (consent), by ID
number hashed on arrival; the number never appears in an answer, a refusal or the store."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi.testclient import TestClient

from linkrisk.api.consent import create_consent
from tests.api.city import City
from tests.api.conftest import EVIDENCE_SHA256, Keys, services_of


def score(client: TestClient, keys: Keys, role: str, **body: Any) -> Any:
    return client.post("/v1/personal-scores", json=body, headers=keys.headers(role))


def test_with_consent_the_score_and_its_lines(client: TestClient, keys: Keys, city: City) -> None:
    response = score(client, keys, "window", id_number=city.p1_id)
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["subject"] == city.p1_id[:4] + "*" * 10 + city.p1_id[-4:]
    assert answer["kind"] == "person" and answer["base"] == 100 and answer["illustrative"]
    assert answer["score"] == 100 + sum(line["points"] for line in answer["lines"])
    assert answer["consent_id"].startswith("c_") and city.p1_id not in response.text
    assert score(client, keys, "lender", id_number=city.p1_id).status_code == 200


def test_without_consent_nothing_is_shown(client: TestClient, keys: Keys, city: City) -> None:
    refused = score(client, keys, "lender_b", id_number=city.p1_id)
    assert refused.status_code == 403 and refused.json()["type"] == "/problems/consent-required"
    assert city.p1_id not in refused.text and "score" not in refused.json()
    other = score(client, keys, "window", id_number=city.p2_id)
    assert other.status_code == 403 and city.p2_id not in other.text
    for role in ("investigator", "regulator", "admin"):
        assert score(client, keys, role, id_number=city.p1_id).status_code == 403


def test_only_persons_and_individual_businesses(client: TestClient, keys: Keys, city: City) -> None:
    today = dt.date.today()
    create_consent(
        services_of(client).store, org="district-hall", sid=city.a, purpose="personal_score",
        valid_from=today, valid_until=today, evidence_sha256=EVIDENCE_SHA256, evidence_date=today,
    )  # fmt: skip
    assert score(client, keys, "window", uscc=city.a).status_code == 422


def test_recording_a_person_s_consent(client: TestClient, keys: Keys, city: City) -> None:
    body = {
        "id_number": city.p2_id,
        "valid_from": dt.date.today().isoformat(),
        "valid_until": (dt.date.today() + dt.timedelta(days=10)).isoformat(),
        "evidence_sha256": EVIDENCE_SHA256,
        "evidence_date": dt.date.today().isoformat(),
    }
    made = client.post("/v1/personal-consents", json=body, headers=keys.headers("window"))
    assert made.status_code == 201, made.text
    assert made.json()["org"] == "district-hall" and city.p2_id not in made.text
    assert score(client, keys, "window", id_number=city.p2_id).status_code == 200
    elsewhere = client.post(
        "/v1/personal-consents", json={**body, "org": "bank-a"}, headers=keys.headers("window")
    )
    assert elsewhere.status_code == 403
    wrong = city.p2_id[:-1] + ("1" if city.p2_id[-1] == "0" else "0")  # a wrong check digit
    bad = client.post(
        "/v1/personal-consents", json={**body, "id_number": wrong}, headers=keys.headers("admin")
    )
    assert bad.status_code == 422 and wrong not in bad.text
    files = services_of(client).settings.data_dir.rglob("*")
    stored = b"".join(p.read_bytes() for p in files if p.is_file())
    assert city.p2_id.encode() not in stored and city.p1_id.encode() not in stored
