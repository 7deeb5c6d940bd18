"""API fixtures: the tiny city published in the test's data directory, the real app over it,
and one key per role (plus a second lender organisation and an investigator with ``pii``)."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from linkrisk.api.app import create_app
from linkrisk.api.auth import create_key
from linkrisk.api.consent import create_consent
from linkrisk.api.services import Services
from linkrisk.config import Settings
from tests.api.city import City, write_city, write_matters

LENDER_ORG = "bank-a"
EVIDENCE_SHA256 = hashlib.sha256(b"a synthetic signed authorisation").hexdigest()


@dataclass(frozen=True, slots=True)
class Keys:
    lender: str
    lender_b: str  # another bank
    investigator: str
    investigator_pii: str
    regulator: str
    admin: str
    window: str  # 信易+ service window

    def headers(self, role: str) -> dict[str, str]:
        return {"X-API-Key": getattr(self, role)}


@pytest.fixture
def city(settings: Settings) -> City:
    return write_city(settings)


AppFactory = Callable[..., TestClient]


@pytest.fixture
def make_client(settings: Settings, city: City) -> Iterator[AppFactory]:
    """``make_client(**settings_overrides)`` → a TestClient over a fresh app (closed at the end)."""
    clients: list[TestClient] = []

    matters = write_matters(settings)

    def make(**overrides: object) -> TestClient:
        overrides = {"sampling_matters": matters, **overrides}
        app = create_app(settings.model_copy(update=overrides))
        client = TestClient(app, raise_server_exceptions=False)
        client.__enter__()
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.__exit__(None, None, None)


@pytest.fixture
def client(make_client: AppFactory) -> TestClient:
    return make_client()


def services_of(client: TestClient) -> Services:
    app = client.app
    assert isinstance(app, FastAPI)
    return app.state.services  # type: ignore[no-any-return]


@pytest.fixture
def keys(client: TestClient, city: City) -> Keys:
    return make_keys(client, city)


def make_keys(client: TestClient, city: City) -> Keys:
    """One key per role on ``client``'s store, and bank-a's consent for subject A."""
    store = services_of(client).store
    made = {
        "lender": create_key(store, "lender", LENDER_ORG)[1],
        "lender_b": create_key(store, "lender", "bank-b")[1],
        "investigator": create_key(store, "investigator", "city-credit-office")[1],
        "investigator_pii": create_key(store, "investigator", "city-credit-office", ["pii"])[1],
        "regulator": create_key(store, "regulator", "city-amr")[1],
        "admin": create_key(store, "admin", "ops")[1],
        "window": create_key(store, "window", "district-hall")[1],
    }
    today = dt.date.today()
    create_consent(
        store,
        org=LENDER_ORG,
        sid=city.a,
        purpose="credit_application",
        valid_from=today - dt.timedelta(days=1),
        valid_until=today + dt.timedelta(days=30),
        evidence_sha256=EVIDENCE_SHA256,
        evidence_date=today - dt.timedelta(days=1),
    )
    for org in ("district-hall", LENDER_ORG):  # the person P1's own authorisation of its score
        create_consent(
            store,
            org=org,
            sid=city.p1_id,
            purpose="personal_score",
            valid_from=today - dt.timedelta(days=1),
            valid_until=today + dt.timedelta(days=30),
            evidence_sha256=EVIDENCE_SHA256,
            evidence_date=today - dt.timedelta(days=1),
            person_key=services_of(client).settings.id_hash_key.get_secret_value().encode(),
        )
    return Keys(**made)
