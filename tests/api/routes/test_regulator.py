"""Regulators: a 双随机 plan end to end through the API (create, draw, assign, results,
publish, download, verify), and the inspector registry."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.city import DEPARTMENT, City
from tests.api.conftest import AppFactory, Keys

PLAN = {
    "plan_id": "T-2025-07",
    "name": "测试抽查计划",
    "departments": [DEPARTMENT],
    "matters": ["SP001"],
    "inspect_start": "2025-07-01",
    "inspect_end": "2025-08-31",
    "seed": "test-seed-1",
}


def call(
    client: TestClient, keys: Keys, method: str, url: str, status: int = 200, **kw: Any
) -> Any:
    response = client.request(method, url, headers=keys.headers("regulator"), **kw)
    assert response.status_code == status, response.text
    return response


@pytest.fixture
def catalogued(client: TestClient) -> TestClient:
    """The API clients of these tests use the city's 抽查事项清单 (``tests.api.city.MATTERS``)."""
    return client


def test_a_matter_outside_the_catalogue_is_refused(make_client: AppFactory, keys: Keys) -> None:
    client = make_client(sampling_matters=None)  # the shipped list: M01…, no SP001
    refused = call(client, keys, "POST", "/v1/plans", 422, json=PLAN).json()
    assert "抽查事项清单" in refused["detail"]


@pytest.mark.slow
def test_plan_end_to_end(catalogued: TestClient, keys: Keys, city: City) -> None:
    client = catalogued
    created = call(client, keys, "POST", "/v1/plans", 201, json=PLAN).json()
    assert created["status"] == "created" and created["frame_size"] == 4
    assert created["seed"] is None  # sealed until the draw
    assert created["snapshot_id"] == city.snapshot.version
    assert call(client, keys, "GET", "/v1/plans").json()[0]["plan_id"] == "T-2025-07"
    # steps out of order are refused
    conflict = call(client, keys, "POST", "/v1/plans/T-2025-07/assign", 409)
    assert conflict.headers["content-type"] == "application/problem+json"

    drawn = call(client, keys, "POST", "/v1/plans/T-2025-07/draw", json={}).json()
    assert drawn["status"] == "drawn" and drawn["seed"] == "test-seed-1"
    picks = call(client, keys, "GET", "/v1/plans/T-2025-07/selection").json()
    # tier strata: A {C, D} → ⌈3% × 2⌉ = 1, C {A} → 1, D {B} → 1 (ratio 100%)
    assert picks["total"] == 3
    assert {p["sid"] for p in picks["items"] if p["tier"] in {"C", "D"}} == {city.a, city.b}

    call(client, keys, "POST", "/v1/plans/T-2025-07/assign")
    teams = {
        t["sid"]: t for t in call(client, keys, "GET", "/v1/plans/T-2025-07/teams").json()["items"]
    }
    assert teams[city.b]["status"] == "assigned" and len(teams[city.b]["inspectors"]) == 2
    assert "I5" not in teams[city.b]["inspectors"] and "I6" not in teams[city.b]["inspectors"]

    results = [{"sid": city.b, "result": "不配合检查", "inspect_date": "2025-07-15"}]
    counts = call(
        client, keys, "POST", "/v1/plans/T-2025-07/results", json={"entries": results}
    ).json()
    assert counts  # the sampling package's counts of what it recorded
    progress = call(client, keys, "GET", "/v1/plans/T-2025-07/progress").json()
    assert (progress["subjects"], progress["recorded"]) == (3, 1)
    assert sum(t["subjects"] for t in progress["teams"]) == 3
    assert sum(t["recorded"] for t in progress["teams"]) == 1
    team_of_b = ";".join(teams[city.b]["inspectors"])
    assert {"key": team_of_b, "subjects": 1, "recorded": 1} in progress["teams"]
    assert [(m["subjects"], m["recorded"]) for m in progress["matters"]] == [(3, 1)] * len(
        PLAN["matters"]
    )
    other = client.get("/v1/plans/T-2025-07/progress", headers=keys.headers("investigator"))
    assert other.status_code == 403
    incomplete = call(client, keys, "POST", "/v1/plans/T-2025-07/publish", 409).json()
    assert "--partial" in incomplete["detail"] and incomplete["missing"] == 2
    published = call(
        client, keys, "POST", "/v1/plans/T-2025-07/publish", json={"partial": "两户尚在检查"}
    ).json()
    assert set(published["files"]) == {
        "plan_csv",
        "results_csv",
        "xlsx",
        "announce_json",
        "verify_json",
    }
    sheet = call(client, keys, "GET", published["files"]["results_csv"]).content.decode("utf-8-sig")
    assert "李四" not in sheet and city.p2 not in sheet and "风险分类" not in sheet
    facts = call(client, keys, "GET", published["files"]["plan_csv"]).content.decode("utf-8-sig")
    assert "食品销售者经营条件检查" in facts and "两户尚在检查" in facts
    verified = call(client, keys, "GET", "/v1/plans/T-2025-07/verify").json()
    assert verified["ok"] and verified["selected"] == 3 and verified["level"] == "auditor"
    public = call(client, keys, "GET", "/v1/plans/T-2025-07/verify?level=public").json()
    assert public["ok"] and public["level"] == "public" and public["selected"] == 3


def test_unknown_plan_is_404(client: TestClient, keys: Keys) -> None:
    response = client.get("/v1/plans/NOPE", headers=keys.headers("regulator"))
    assert response.status_code == 404 and response.json()["type"] == "/problems/not-found"


def test_bad_plan_parameters_are_invalid(client: TestClient, keys: Keys) -> None:
    bad = {**PLAN, "ratios": {"A": "150%"}}
    assert client.post("/v1/plans", json=bad, headers=keys.headers("regulator")).status_code == 422
    bad = {**PLAN, "team_size": 1}
    assert client.post("/v1/plans", json=bad, headers=keys.headers("regulator")).status_code == 422


def test_inspector_registry(client: TestClient, keys: Keys) -> None:
    listed = call(client, keys, "GET", "/v1/inspectors").json()
    assert listed["total"] == 6 and [i["inspector_id"] for i in listed["items"]][:2] == ["I1", "I2"]
    assert listed["items"][0]["qualifications"] == ["SP001", "SP002"]
    active = call(client, keys, "GET", "/v1/inspectors", params={"active": "false"}).json()
    assert [i["inspector_id"] for i in active["items"]] == ["I6"]
    assert (
        call(client, keys, "GET", "/v1/inspectors", params={"limit": 2}).json()["items"][1][
            "inspector_id"
        ]
        == "I2"
    )


def test_the_matter_catalogue_is_the_configured_one(catalogued: TestClient, keys: Keys) -> None:
    listed = call(catalogued, keys, "GET", "/v1/matters").json()["items"]
    assert [(m["code"], m["name"]) for m in listed] == [
        ("SP001", "食品销售者经营条件检查"),
        ("SP002", "食品标签检查"),
    ]
    lender = catalogued.get("/v1/matters", headers=keys.headers("lender"))
    assert lender.status_code == 403


@pytest.mark.slow
def test_assignment_refusal_and_reassignment(client: TestClient, keys: Keys, city: City) -> None:
    nobody = {**PLAN, "plan_id": "T-NOBODY", "departments": ["无此部门"]}
    created = call(client, keys, "POST", "/v1/plans", 201, json=nobody).json()
    assert created["stats"]["warnings"]  # warned at create: nobody can be assigned
    call(client, keys, "POST", "/v1/plans/T-NOBODY/draw", json={})
    refused = call(client, keys, "POST", "/v1/plans/T-NOBODY/assign", 409).json()
    assert refused["unassigned"] > 0 and refused["eligible_inspectors"] == 0
    accepted = call(
        client, keys, "POST", "/v1/plans/T-NOBODY/assign", json={"accept_unassigned": True}
    ).json()
    assert accepted["status"] == "assigned"
    again = call(
        client,
        keys,
        "POST",
        "/v1/plans/T-NOBODY/reassign",
        409,
        json={"reason": "名录库仍无人员"},
    ).json()
    assert again["unassigned"] > 0
    done = call(
        client,
        keys,
        "POST",
        "/v1/plans/T-NOBODY/reassign",
        json={"reason": "记录无人可派", "accept_unassigned": True},
    ).json()
    assert done["seq"] == 1 and done["scope"] == "*" and done["reason"] == "记录无人可派"
    assert (
        call(client, keys, "GET", "/v1/plans/T-NOBODY/verify")
        .json()["checks"][-1]
        .startswith("reassignment 1")
    )


@pytest.mark.slow
def test_inspectors_are_added_updated_and_retired(client: TestClient, keys: Keys) -> None:
    body = {"inspector_id": "n1", "name": "冯新", "department": DEPARTMENT,
            "qualifications": ["SP001"]}  # fmt: skip
    added = call(client, keys, "POST", "/v1/inspectors", 201, json=body).json()
    assert added["inspector_id"] == "N1" and added["active"] is True
    assert call(client, keys, "POST", "/v1/inspectors", 409, json=body).json()["status"] == 409
    moved = call(
        client, keys, "PATCH", "/v1/inspectors/N1", json={"qualifications": ["SP002"]}
    ).json()
    assert moved["qualifications"] == ["SP002"] and moved["department"] == DEPARTMENT
    retired = call(client, keys, "POST", "/v1/inspectors/N1/retire").json()
    assert retired["active"] is False
    listed = call(client, keys, "GET", "/v1/inspectors", params={"active": "false"}).json()
    assert "N1" in {i["inspector_id"] for i in listed["items"]}  # kept, never deleted
    assert (
        client.post("/v1/inspectors", json=body, headers=keys.headers("lender")).status_code == 403
    )


def test_the_tier_dashboard_is_for_regulators_only(client: TestClient, keys: Keys) -> None:
    board = call(client, keys, "GET", "/v1/dashboard/tiers", params={"by": "industry"}).json()
    assert board["by"] == "industry" and board["groups"]
    assert sum(g["A"] + g["B"] + g["C"] + g["D"] + g["none"] for g in board["groups"]) > 0
    for role in ("lender", "investigator"):
        answer = client.get("/v1/dashboard/tiers", headers=keys.headers(role))
        assert answer.status_code == 403
