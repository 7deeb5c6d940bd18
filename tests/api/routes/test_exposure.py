"""GET /v1/exposure: investigators only, names masked without pii, every named subject audited."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3

import pytest
from fastapi.testclient import TestClient

from linkrisk.config import Settings
from linkrisk.graph.embedded.store import EmbeddedStore
from tests.api.city import City, publish, write_city
from tests.api.conftest import Keys, services_of
from tests.factories import table


@pytest.fixture
def city(settings: Settings) -> City:
    """The API city with P1 (60 % of A, through A 30 % of B) on a sanctions list."""
    made = write_city(settings)
    store = EmbeddedStore(settings.db_path)
    store.write_batch(
        {
            "events": table(
                "events",
                [{"event_id": "sanction-p1", "sid": made.p1, "type": "sanction",
                  "authority": "某制裁机关", "decision_date": dt.date(2025, 1, 2)}],
            )
        }
    )  # fmt: skip
    store.close()
    return publish(settings, made)


def test_hits_with_owners_and_paths(client: TestClient, keys: Keys, city: City) -> None:
    response = client.get("/v1/exposure", headers=keys.headers("investigator"))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["listed_count"] == 1 and body["threshold"] == 0.5
    [hit] = body["hits"]
    assert hit["sid"] == city.a and hit["aggregate_share"] == pytest.approx(0.6)
    [owner] = hit["owners"]
    assert owner["sid"] == city.p1 and owner["name"] == "张**"  # no pii scope: masked
    assert owner["paths"][0]["sids"] == [city.p1, city.a]
    lower = client.get(
        "/v1/exposure", params={"threshold": 0.3}, headers=keys.headers("investigator_pii")
    ).json()
    assert [h["sid"] for h in lower["hits"]] == [city.a, city.b]
    assert lower["hits"][1]["owners"][0]["name"] == "张三丰"
    conn = sqlite3.connect(services_of(client).settings.db_path)
    logged = conn.execute(
        "SELECT subjects FROM audit WHERE endpoint = '/v1/exposure' ORDER BY seq"
    ).fetchall()
    conn.close()
    assert logged and {city.a, city.p1} <= set(json.loads(logged[0][0]))


def test_roles_and_bounds(client: TestClient, keys: Keys, city: City) -> None:
    assert client.get("/v1/exposure", headers=keys.headers("lender")).status_code == 403
    assert client.get("/v1/exposure").status_code == 401
    bad = client.get(
        "/v1/exposure", params={"threshold": 1.5}, headers=keys.headers("investigator")
    )
    assert bad.status_code == 422
    other = client.get(
        "/v1/exposure", params={"list": "nonsense"}, headers=keys.headers("investigator")
    )
    assert other.status_code == 422
    none = client.get(
        "/v1/exposure", params={"list": "red_list"}, headers=keys.headers("investigator")
    ).json()
    assert none["hits"] == [] and none["listed_count"] == 0  # red lists never make a subject risky
