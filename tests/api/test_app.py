"""The application: every endpoint declares its roles, and the full role × endpoint matrix holds
(401 without a key, 403 with a key of another role, 2xx/404 with a key of an admitted role)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import APIRouter
from fastapi.testclient import TestClient

from linkrisk.api.app import declared_roles
from linkrisk.api.auth import Role
from linkrisk.api.deps import Lender
from tests.api.city import City, make_id_number
from tests.api.conftest import EVIDENCE_SHA256, LENDER_ORG, AppFactory, Keys, make_keys
from tests.api.routes.test_regulator import PLAN

ROLES = [r.value for r in Role]


def sample_requests(city: City, consent_id: str) -> dict[tuple[str, str], dict[str, Any]]:
    """One valid request per operation (path parameters filled in, bodies given)."""
    sub = f"/v1/subjects/{city.a}"
    return {
        ("GET", "/v1/scores/{uscc}"): {
            "url": f"/v1/scores/{city.a}",
            "params": {"purpose": "credit_application"},
        },
        ("POST", "/v1/scores:batch"): {
            "url": "/v1/scores:batch",
            "json": {"purpose": "credit_application", "usccs": [city.a, city.b]},
        },
        ("GET", "/v1/subjects/{sid}"): {"url": sub},
        ("GET", "/v1/search"): {"url": "/v1/search", "params": {"q": "南京"}},
        ("GET", "/v1/subjects/{sid}/neighbourhood"): {"url": f"{sub}/neighbourhood"},
        ("GET", "/v1/subjects/{sid}/owners"): {"url": f"{sub}/owners"},
        ("GET", "/v1/subjects/{sid}/holdings"): {"url": f"{sub}/holdings"},
        ("GET", "/v1/subjects/{sid}/controllers"): {"url": f"{sub}/controllers"},
        ("GET", "/v1/paths"): {"url": "/v1/paths", "params": {"a": city.p1, "b": city.b}},
        ("POST", "/v1/connections"): {
            "url": "/v1/connections",
            "json": {"sids": [city.p1, city.b, city.c]},
        },
        ("GET", "/v1/subjects/{sid}/risk"): {"url": f"{sub}/risk"},
        ("GET", "/v1/subjects/{sid}/contacts"): {"url": f"{sub}/contacts"},
        ("GET", "/v1/subjects/{sid}/group"): {"url": f"{sub}/group"},
        ("GET", "/v1/subjects/{sid}/export"): {"url": f"{sub}/export"},
        ("GET", "/v1/exposure"): {"url": "/v1/exposure"},
        ("GET", "/v1/subjects/{sid}/registry"): {"url": f"{sub}/registry"},
        ("GET", "/v1/subjects/{sid}/history"): {"url": f"{sub}/history"},
        ("GET", "/v1/subjects/{sid}/history/diff"): {
            "url": f"{sub}/history/diff",
            "params": {"from": "2025-06-30", "to": "2025-06-30"},
        },
        ("GET", "/v1/persons/{sid}"): {"url": f"/v1/persons/{city.p1}"},
        ("GET", "/v1/resolve"): {"url": "/v1/resolve", "params": {"q": "南京甲乙"}},
        ("GET", "/v1/subjects/{sid}/scan"): {"url": f"{sub}/scan"},
        ("GET", "/v1/subjects/{sid}/beneficial-owners"): {"url": f"{sub}/beneficial-owners"},
        ("POST", "/v1/subjects/{sid}/beneficial-owners/verification"): {
            "url": f"{sub}/beneficial-owners/verification",
            "json": {"filed": [{"person": city.p1, "share": 0.6}]},
        },
        ("GET", "/v1/subjects/{sid}/report"): {"url": f"{sub}/report"},
        ("POST", "/v1/checks"): {"url": "/v1/checks", "json": {"usccs": [city.a]}},
        ("GET", "/v1/checks"): {"url": "/v1/checks"},
        ("GET", "/v1/checks/{job_id}"): {"url": "/v1/checks/j_0000000000000000"},
        ("GET", "/v1/checks/{job_id}/result"): {"url": "/v1/checks/j_0000000000000000/result"},
        ("GET", "/v1/me"): {"url": "/v1/me"},
        ("GET", "/v1/keys"): {"url": "/v1/keys"},
        ("POST", "/v1/consents"): {
            "url": "/v1/consents",
            "json": {
                "org": LENDER_ORG,  # admitted for admin keys and for this lender's own
                "uscc": city.c,
                "purpose": "credit_review",
                "valid_from": "2025-01-01",
                "valid_until": "2025-12-31",
                "evidence_sha256": EVIDENCE_SHA256,
                "evidence_date": "2024-12-31",
            },
        },
        ("GET", "/v1/consents"): {"url": "/v1/consents"},
        ("GET", "/v1/consents/{consent_id}"): {"url": f"/v1/consents/{consent_id}"},
        ("POST", "/v1/consents/{consent_id}/revoke"): {"url": f"/v1/consents/{consent_id}/revoke"},
        ("GET", "/v1/plans"): {"url": "/v1/plans"},
        ("POST", "/v1/plans"): {"url": "/v1/plans", "json": {**PLAN, "plan_id": "NOPE-1"}},
        ("GET", "/v1/plans/{plan_id}"): {"url": "/v1/plans/NOPE"},
        ("POST", "/v1/plans/{plan_id}/draw"): {"url": "/v1/plans/NOPE/draw", "json": {}},
        ("GET", "/v1/plans/{plan_id}/selection"): {"url": "/v1/plans/NOPE/selection"},
        ("POST", "/v1/plans/{plan_id}/assign"): {"url": "/v1/plans/NOPE/assign"},
        ("GET", "/v1/plans/{plan_id}/teams"): {"url": "/v1/plans/NOPE/teams"},
        ("POST", "/v1/plans/{plan_id}/reassign"): {
            "url": "/v1/plans/NOPE/reassign",
            "json": {"reason": "名录库更新"},
        },
        ("POST", "/v1/plans/{plan_id}/results"): {
            "url": "/v1/plans/NOPE/results",
            "json": {"entries": [{"sid": city.a, "result": "正常", "inspect_date": "2025-07-01"}]},
        },
        ("POST", "/v1/plans/{plan_id}/publish"): {"url": "/v1/plans/NOPE/publish"},
        ("GET", "/v1/plans/{plan_id}/publication/{kind}"): {
            "url": "/v1/plans/NOPE/publication/xlsx"
        },
        ("GET", "/v1/plans/{plan_id}/verify"): {"url": "/v1/plans/NOPE/verify"},
        ("GET", "/v1/plans/{plan_id}/progress"): {"url": "/v1/plans/NOPE/progress"},
        ("GET", "/v1/inspectors"): {"url": "/v1/inspectors"},
        ("GET", "/v1/matters"): {"url": "/v1/matters"},
        ("GET", "/v1/dashboard/tiers"): {"url": "/v1/dashboard/tiers"},
        ("POST", "/v1/inspectors"): {
            "url": "/v1/inspectors",
            "json": {
                "inspector_id": "M-1",
                "name": "赵新",
                "department": "D",
                "qualifications": [],
            },
        },
        ("PATCH", "/v1/inspectors/{inspector_id}"): {
            "url": "/v1/inspectors/NOPE",
            "json": {"department": "D"},
        },
        ("POST", "/v1/inspectors/{inspector_id}/retire"): {"url": "/v1/inspectors/NOPE/retire"},
        ("GET", "/v1/audit"): {"url": "/v1/audit"},
        ("GET", "/v1/audit/verify"): {"url": "/v1/audit/verify"},
        # 信易+ service windows (routes/window.py)
        ("GET", "/v1/measures"): {"url": "/v1/measures"},
        ("GET", "/v1/measures/effect"): {"url": "/v1/measures/effect"},
        ("GET", "/v1/commitments"): {"url": "/v1/commitments"},
        ("POST", "/v1/personal-scores"): {
            "url": "/v1/personal-scores",
            "json": {"id_number": city.p1_id},
        },
        ("POST", "/v1/personal-consents"): {
            "url": "/v1/personal-consents",
            "json": {
                "id_number": city.p2_id,
                "valid_from": "2025-01-01",
                "valid_until": "2025-12-31",
                "evidence_sha256": EVIDENCE_SHA256,
                "evidence_date": "2024-12-31",
            },
        },
        ("POST", "/v1/window/checks"): {"url": "/v1/window/checks", "json": {"uscc": city.a}},
        ("POST", "/v1/window/feedback"): {
            "url": "/v1/window/feedback",
            "json": {
                "check_id": "mc_0",
                "scenario": "信易贷",
                "measure_id": "m",
                "action": "applied",
            },
        },
        ("POST", "/v1/window/batches"): {"url": "/v1/window/batches", "json": {"usccs": [city.a]}},
        ("GET", "/v1/window/batches/{job_id}"): {"url": "/v1/window/batches/j_0000000000000000"},
        ("GET", "/v1/window/batches/{job_id}/result"): {
            "url": "/v1/window/batches/j_0000000000000000/result"
        },
        ("POST", "/v1/watches"): {"url": "/v1/watches", "json": {"sid": city.a, "depth": 0}},
        ("GET", "/v1/watches"): {"url": "/v1/watches"},
        ("DELETE", "/v1/watches/{sid}"): {"url": f"/v1/watches/{city.d}"},
        ("GET", "/v1/alerts"): {"url": "/v1/alerts"},
        ("GET", "/v1/alerts/count"): {"url": "/v1/alerts/count"},
        ("POST", "/v1/alerts/ack"): {"url": "/v1/alerts/ack", "json": {"alert_ids": [1]}},
        ("POST", "/v1/webhooks"): {"url": "/v1/webhooks", "json": {"url": "https://x.example/h"}},
        ("GET", "/v1/webhooks"): {"url": "/v1/webhooks"},
        ("DELETE", "/v1/webhooks/{webhook_id}"): {"url": "/v1/webhooks/wh_000000000000"},
    }


def operations(client: TestClient) -> dict[tuple[str, str], list[str]]:
    doc = client.get("/openapi.json").json()
    return {
        (method.upper(), path): op.get("x-roles", [])
        for path, ops in doc["paths"].items()
        for method, op in ops.items()
        if path.startswith("/v1")
    }


def test_every_v1_operation_declares_roles_and_is_in_the_matrix(
    client: TestClient, city: City, keys: Keys
) -> None:
    ops = operations(client)
    assert all(ops.values()), [op for op, roles in ops.items() if not roles]
    assert set(ops) == set(sample_requests(city, "c_x")), "add new endpoints to the matrix"


def test_a_route_without_roles_is_refused_at_start_up() -> None:
    router = APIRouter(prefix="/v1")

    @router.get("/open")
    async def open_route() -> dict[str, str]:
        return {}

    @router.get("/closed")
    async def closed_route(_: Lender) -> dict[str, str]:
        return {}

    with pytest.raises(RuntimeError, match="/v1/open"):
        declared_roles([router])


def test_role_matrix(make_client: AppFactory, city: City) -> None:
    # one anonymous request per operation, from one address: more than the default budget
    client = make_client(rate_limit_unauthenticated_per_minute=10_000)
    keys = make_keys(client, city)
    listed = client.get("/v1/consents", headers=keys.headers("admin")).json()["items"]
    # the lender's consent for subject A (the persons' personal-score consents stay unrevoked)
    consent_id = next(c for c in listed if c["purpose"] == "credit_application")["consent_id"]
    samples = sample_requests(city, consent_id)
    for (method, _path), roles in operations(client).items():
        request = samples[(method, _path)]
        anonymous = client.request(method, **request)
        assert anonymous.status_code == 401, (method, _path, anonymous.text)
        assert anonymous.headers["content-type"] == "application/problem+json"
        for role in ROLES:
            response = client.request(method, headers=keys.headers(role), **request)
            if role in roles:
                assert response.status_code in {200, 201, 202, 404}, (
                    role,
                    method,
                    _path,
                    response.text,
                )
            else:
                assert response.status_code == 403, (role, method, _path, response.text)
                assert response.json()["type"] == "/problems/forbidden"


def test_bearer_header_is_accepted(client: TestClient, keys: Keys) -> None:
    response = client.get("/v1/me", headers={"Authorization": f"Bearer {keys.admin}"})
    assert response.status_code == 200 and response.json()["role"] == "admin"


def test_unknown_malformed_and_revoked_keys_are_refused(client: TestClient, keys: Keys) -> None:
    from linkrisk.api.auth import revoke_key
    from tests.api.conftest import services_of

    assert client.get("/v1/me", headers={"X-API-Key": "nope"}).status_code == 401
    forged = keys.admin[:11] + "x" * 24
    assert client.get("/v1/me", headers={"X-API-Key": forged}).status_code == 401
    me = client.get("/v1/me", headers=keys.headers("regulator")).json()
    services = services_of(client)
    revoke_key(services.store, me["key_id"])
    services.keys._cache.clear()  # the cache would otherwise keep the key for up to a second
    response = client.get("/v1/me", headers=keys.headers("regulator"))
    assert response.status_code == 401 and "revoked" in response.json()["detail"]


def test_health_and_readiness(client: TestClient, city: City) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz").json()
    assert ready["snapshot"] == city.snapshot.version and ready["subjects"] == 6


def test_not_ready_without_a_snapshot(settings: Any) -> None:
    from linkrisk.api.app import create_app

    with TestClient(create_app(settings)) as client:  # no city written in this data dir
        response = client.get("/readyz")
        assert response.status_code == 503
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["type"] == "/problems/not-ready"


def test_id_numbers_in_paths_are_masked_in_problems(client: TestClient, keys: Keys) -> None:
    number = make_id_number(77)
    response = client.get(f"/v1/nowhere/{number}", headers=keys.headers("admin"))
    assert response.status_code == 404
    assert number not in response.text and number[:4] in response.json()["instance"]
