"""信易+ service windows: checks with reasons and legal bases, feedback, batch jobs, the effect
report — and the window key's narrow reach (nothing of the graph), other roles' keys refused."""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
import sqlite3
import time
from typing import Any

import pytest
from fastapi.testclient import TestClient

from linkrisk.api.auth import create_key
from tests.api.city import City, make_id_number
from tests.api.conftest import Keys, services_of


@pytest.fixture
def window(client: TestClient) -> dict[str, str]:
    return {"X-API-Key": create_key(services_of(client).store, "window", "district-hall")[1]}


def check(client: TestClient, headers: dict[str, str], **body: Any) -> Any:
    return client.post("/v1/window/checks", json=body, headers=headers)


def scenario(answer: dict[str, Any], name: str) -> dict[str, Any]:
    return next(s for s in answer["scenarios"] if s["scenario"] == name)


def test_a_check_names_the_measures_facts_and_legal_basis(
    client: TestClient, window: dict[str, str], city: City
) -> None:
    response = check(client, window, uscc=city.b, scenario="政府采购")
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["check_id"].startswith("mc_") and answer["illustrative"] is True
    assert answer["query"] == city.b and answer["found"] and answer["kind"] == "enterprise"
    bar = scenario(answer, "政府采购")
    assert bar["outcome"] == "restricted" and bar["outcome_label"] == "依法依规限制"
    measure = bar["measures"][0]
    assert measure["id"] == "zfcg-bar" and measure["applies"]
    assert "政府采购法" in measure["basis"] and measure["basis_number"]
    texts = [f["text"] for f in measure["facts"]]
    assert "近 1095 天内行政处罚(严重) 1 条，要求 ≥ 1" in texts
    everything = check(client, window, uscc=city.c).json()
    assert scenario(everything, "评优评先")["outcome"] == "eligible"  # C is on the red list
    assert scenario(everything, "信易行")["outcome"] == "not_applicable"  # persons only


def test_a_person_by_id_number_is_hashed_at_once(
    client: TestClient, window: dict[str, str], city: City, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    response = check(client, window, id_number=city.p1_id, scenario="信易医")
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["query"] == city.p1_id[:4] + "*" * 10 + city.p1_id[-4:]
    assert answer["subject"] is None and answer["subject_kind"] == "person"
    assert scenario(answer, "信易医")["outcome"] == "eligible"
    stranger = make_id_number(77)
    assert check(client, window, id_number=stranger).json()["found"] is False
    bad = check(client, window, id_number=city.p1_id[:-1] + "0")
    assert bad.status_code in (400, 422)
    files = services_of(client).settings.data_dir.rglob("*")
    stored = b"".join(p.read_bytes() for p in files if p.is_file())
    for number in (city.p1_id, stranger, city.p1_id[:-1] + "0"):
        assert number not in response.text and number not in bad.text
        assert number not in caplog.text and number.encode() not in stored
    record = services_of(client).audit.page(limit=50)[0]
    mine = [r for r in record if r.endpoint.startswith("/v1/window/checks")]
    assert mine[0].role == "window" and mine[0].subjects == (city.p1,)


def test_bad_requests(client: TestClient, window: dict[str, str], city: City) -> None:
    assert check(client, window, uscc=city.a, id_number=city.p1_id).status_code == 422
    assert check(client, window).status_code == 422
    unknown = check(client, window, uscc=city.a, scenario="信易购")
    assert unknown.status_code == 422 and "unknown scenario" in unknown.json()["detail"]
    assert check(client, window, uscc="91320102MA0000000X").status_code == 422


WINDOW_ROUTES = [
    ("post", "/v1/window/checks", {"uscc": "{a}"}),
    ("post", "/v1/window/feedback", {
        "check_id": "mc_x", "scenario": "信易贷", "measure_id": "m", "action": "applied"}),
]  # fmt: skip
GRAPH_ROUTES = [
    ("get", "/v1/subjects/{a}", None),
    ("get", "/v1/subjects/{a}/owners", None),
    ("get", "/v1/search?q=test", None),
    ("get", "/v1/scores/{a}?purpose=credit_application", None),
    ("post", "/v1/checks", {"usccs": ["{a}"]}),
    ("get", "/v1/plans", None),
    ("get", "/v1/audit", None),
    ("get", "/v1/consents", None),
    ("get", "/v1/measures/effect", None),
]


def _call(client: TestClient, how: str, url: str, body: Any, city: City, headers: Any) -> Any:
    url = url.replace("{a}", city.a)
    if body is not None:
        body = {k: (v.replace("{a}", city.a) if isinstance(v, str) else v) for k, v in body.items()}
        body = {k: ([city.a] if v == ["{a}"] else v) for k, v in body.items()}
    return getattr(client, how)(url, headers=headers, **({"json": body} if body else {}))


@pytest.mark.parametrize("role", ["lender", "investigator", "regulator", "admin"])
@pytest.mark.parametrize(("how", "url", "body"), WINDOW_ROUTES)
def test_other_roles_may_not_act_as_a_window(
    client: TestClient, keys: Keys, city: City, role: str, how: str, url: str, body: Any
) -> None:
    response = _call(client, how, url, body, city, keys.headers(role))
    assert response.status_code == 403 and "window" in response.json()["detail"]


@pytest.mark.parametrize(("how", "url", "body"), GRAPH_ROUTES)
def test_a_window_key_sees_nothing_of_the_graph(
    client: TestClient, window: dict[str, str], city: City, how: str, url: str, body: Any
) -> None:
    response = _call(client, how, url, body, city, window)
    assert response.status_code == 403, (url, response.text)
    assert response.json()["role"] == "window"


def test_the_catalogue_is_listed(client: TestClient, keys: Keys, window: dict[str, str]) -> None:
    listed = client.get("/v1/measures?scenario=信易贷", headers=window).json()
    assert listed["illustrative"] and listed["scenarios"] == ["信易贷"]
    assert {m["effect"] for m in listed["measures"]} == {"incentive", "restriction"}
    assert client.get("/v1/measures", headers=keys.headers("regulator")).status_code == 200
    assert client.get("/v1/measures", headers=keys.headers("lender")).status_code == 403


def test_feedback_is_recorded_and_reported(
    client: TestClient, keys: Keys, window: dict[str, str], city: City
) -> None:
    answer = check(client, window, uscc=city.b, scenario="政府采购").json()
    cid = answer["check_id"]

    def feedback(headers: dict[str, str] = window, **body: Any) -> Any:
        base = {"check_id": cid, "scenario": "政府采购", "measure_id": "zfcg-bar"}
        return client.post("/v1/window/feedback", json={**base, **body}, headers=headers)

    assert feedback(action="overridden").status_code == 422  # no reason
    other = {"X-API-Key": create_key(services_of(client).store, "window", "other-hall")[1]}
    assert feedback(other, action="applied").status_code == 404  # another window's check
    assert feedback(measure_id="ztb-bar", action="applied").status_code == 422  # not applied
    reason = f"信用修复材料已提交，核验身份证 {city.p1_id}"
    done = feedback(action="overridden", reason=reason)
    assert done.status_code == 201, done.text
    assert city.p1_id not in done.text and "已提交" in done.json()["reason"]
    assert feedback(action="applied").status_code == 409
    c = check(client, window, uscc=city.c, scenario="评优评先").json()
    client.post(
        "/v1/window/feedback",
        json={"check_id": c["check_id"], "scenario": "评优评先", "measure_id": "pypx-priority",
              "action": "applied"},
        headers=window,
    )  # fmt: skip
    report = client.get("/v1/measures/effect", headers=keys.headers("regulator"))
    assert report.status_code == 200, report.text
    rows = {r["scenario"]: r for r in report.json()["scenarios"]}
    assert rows["政府采购"]["checks"] == 1
    assert rows["政府采购"]["outcomes"]["restricted"] == {"checks": 1, "subjects": 1}
    assert rows["政府采购"]["feedback"] == {"overridden": 1}
    assert rows["政府采购"]["override_reasons"][0]["count"] == 1
    assert rows["评优评先"]["feedback"] == {"applied": 1}
    old = client.get(
        "/v1/measures/effect?since=2000-01-01&until=2000-12-31", headers=keys.headers("admin")
    )
    assert old.json()["scenarios"] == []
    backwards = client.get(
        "/v1/measures/effect?since=2001-01-01&until=2000-12-31", headers=keys.headers("admin")
    )
    assert backwards.status_code == 422


def test_batches_run_as_jobs(
    client: TestClient, keys: Keys, window: dict[str, str], city: City
) -> None:
    body = {"usccs": [city.a, city.b, "=1+2"], "id_numbers": [city.p1_id], "scenarios": []}
    response = client.post("/v1/window/batches", json=body, headers=window)
    assert response.status_code == 202, response.text
    job = response.json()
    assert response.headers["Location"] == job["links"]["self"]
    deadline = time.monotonic() + 30
    while (now := client.get(job["links"]["self"], headers=window).json())["status"] not in (
        "done",
        "failed",
    ):
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert now["status"] == "done" and now["done"] == 4
    rows = client.get(job["links"]["json"], headers=window).json()["results"]
    assert [r["valid"] for r in rows] == [True, True, False, True]
    assert rows[1]["outcomes"]["政府采购"] == "restricted"
    assert rows[3]["outcomes"]["信易医"] == "eligible" and rows[3]["kind"] == "person"
    table = client.get(job["links"]["csv"], headers=window).text
    parsed = list(csv.DictReader(io.StringIO(table)))
    assert parsed[1]["政府采购"] == "restricted" and city.p1_id not in table
    assert parsed[2]["query"].startswith("'") and parsed[2]["valid"] == "false"  # no formula
    assert [r["found"] for r in parsed] == ["true", "true", "false", "true"]
    # a regulator of another organisation, and an investigator, may not read it
    assert client.get(job["links"]["self"], headers=keys.headers("regulator")).status_code == 404
    assert client.get(job["links"]["self"], headers=keys.headers("investigator")).status_code == 403
    assert (
        client.post("/v1/window/batches", json=body, headers=keys.headers("lender")).status_code
        == 403
    )


def test_a_window_cannot_read_credit_check_jobs(make_client: Any, city: City) -> None:
    from tests.api.conftest import make_keys

    client = make_client(check_job_threshold=1)
    keys = make_keys(client, city)
    store = services_of(client).store
    window = {"X-API-Key": create_key(store, "window", "city-amr")[1]}  # the regulator's org
    job = client.post("/v1/checks", json={"usccs": [city.a]}, headers=keys.headers("regulator"))
    assert job.status_code == 202
    url = f"/v1/window/batches/{job.json()['job_id']}"
    assert client.get(url, headers=window).status_code == 403
    assert client.get(job.json()["links"]["self"], headers=window).status_code == 403


def test_checks_are_stored_without_id_numbers(
    client: TestClient, window: dict[str, str], city: City
) -> None:
    check(client, window, id_number=city.p1_id)
    with sqlite3.connect(services_of(client).settings.db_path) as conn:
        rows = conn.execute("SELECT subject, query, kind FROM measure_checks").fetchall()
    assert rows and all(r == (city.p1, rows[0][1], "person") for r in rows)
    assert "*" in rows[0][1]
    assert dt.date.today().isoformat()  # checked today
