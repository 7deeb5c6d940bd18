"""The demo's keys: one per role, consents for the demo bank, curl examples that work."""

from __future__ import annotations

import shlex

from fastapi.testclient import TestClient

from linkrisk.api.auth import Role
from linkrisk.api.consent import list_consents
from linkrisk.api.demo import DEMO_ORGS, create_demo_keys, curl_examples
from tests.api.city import City
from tests.api.conftest import services_of


def test_demo_keys_and_examples(client: TestClient, city: City) -> None:
    services = services_of(client)
    keys = create_demo_keys(services.settings, services.store)
    assert set(keys) == {"lender", "investigator", "regulator", "admin", "window"}
    consents, total = list_consents(services.store, org=DEMO_ORGS[Role.LENDER])
    # first one enterprise per tier that has one (A: C, C: A, D: B), then the rest (D)
    assert total == 4 and {c.sid for c in consents} == {city.a, city.b, city.c, city.d}
    for role, key in keys.items():
        assert client.get("/v1/me", headers={"X-API-Key": key}).json()["role"] == role
    text = curl_examples(keys, services.store, "http://testserver")
    lender_line = next(line for line in text.splitlines() if "/v1/scores/" in line)
    url = shlex.split(lender_line)[-1].removeprefix("http://testserver")
    response = client.get(url, headers={"X-API-Key": keys["lender"]})
    assert response.status_code == 200 and response.json()["purpose"] == "credit_application"
    assert all(key in text for key in keys.values())
