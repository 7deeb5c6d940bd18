"""Batch credit checks: organisations by USCC, persons by ID number (regulators only, hashed
on arrival and never stored, logged or echoed), long lists as background jobs."""

from __future__ import annotations

import csv
import io
import logging
import time
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.city import City, make_id_number, make_uscc
from tests.api.conftest import AppFactory, Keys, make_keys, services_of


def check(client: TestClient, keys: Keys, role: str = "regulator", **body: Any) -> Any:
    return client.post("/v1/checks", json=body, headers=keys.headers(role))


def test_organisations(client: TestClient, keys: Keys, city: City) -> None:
    unknown = make_uscc(500)
    response = check(
        client, keys, usccs=[city.b, city.c, city.d, unknown, "bad"], role="investigator"
    )
    assert response.status_code == 200
    body = response.json()
    assert body["snapshot"] == city.snapshot.version and body["total"] == 5
    rows = {r["query"]: r for r in body["results"]}
    assert rows[city.b]["lists"] == ["abnormal_operation"] and rows[city.b]["serious_events"] == 1
    assert (rows[city.b]["tier"], rows[city.b]["tier_label"][:6]) == ("D", "信用风险高 ")
    assert rows[city.c]["lists"] == ["red_list"] and rows[city.c]["serious_events"] == 0
    assert rows[city.d]["lists"] == []  # the dishonest-debtor listing was repaired
    assert rows[unknown]["valid"] and not rows[unknown]["found"] and rows[unknown]["tier"] is None
    assert not rows["BAD"]["valid"] and rows["BAD"]["problem"] == "wrong length"
    assert [r["index"] for r in body["results"]] == [0, 1, 2, 3, 4]


def test_persons_by_id_number_are_hashed_and_masked(
    client: TestClient, keys: Keys, city: City, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    stranger = make_id_number(99)
    broken = city.p1_id[:-1] + ("0" if city.p1_id[-1] != "0" else "1")
    response = check(client, keys, id_numbers=[city.p1_id, stranger, broken])
    assert response.status_code == 200
    first, second, third = response.json()["results"]
    assert (first["kind"], first["subject"], first["found"], first["tier"]) == (
        "person",
        city.p1,
        True,
        "A",
    )
    assert first["query"] == city.p1_id[:4] + "*" * 10 + city.p1_id[-4:]
    assert second["valid"] and not second["found"]
    assert not third["valid"] and third["problem"] == "check character does not match"
    raw = [city.p1_id, stranger, broken]
    settings = services_of(client).settings
    files = settings.data_dir.rglob("*")  # the database, its columnar mirror, snapshots…
    stored = b"".join(p.read_bytes() for p in files if p.is_file())
    for number in raw:
        assert number not in response.text and number not in caplog.text
        assert number.encode() not in stored
    record = services_of(client).audit.page(limit=10)[0][-1]
    assert record.subjects[0] == city.p1 and all(s.startswith("P") for s in record.subjects)


def test_id_numbers_are_for_regulators_only(client: TestClient, keys: Keys, city: City) -> None:
    response = check(client, keys, role="investigator", id_numbers=[city.p1_id])
    assert response.status_code == 403 and city.p1_id not in response.text


def test_empty_list_is_invalid(client: TestClient, keys: Keys) -> None:
    assert check(client, keys).status_code == 422


def wait_done(client: TestClient, keys: Keys, url: str, role: str = "regulator") -> Any:
    deadline = time.monotonic() + 30
    while True:
        job = client.get(url, headers=keys.headers(role)).json()
        if job["status"] in {"done", "failed"}:
            return job
        assert time.monotonic() < deadline
        time.sleep(0.05)


def test_long_lists_run_as_jobs(make_client: AppFactory, city: City) -> None:
    client = make_client(check_job_threshold=3)
    keys = make_keys(client, city)
    response = check(client, keys, usccs=[city.a, city.b], id_numbers=[city.p1_id])
    assert response.status_code == 202
    job = response.json()
    assert response.headers["Location"] == f"/v1/checks/{job['job_id']}" == job["links"]["self"]
    assert job["total"] == 3
    done = wait_done(client, keys, job["links"]["self"])
    assert (done["status"], done["done"], done["progress"]) == ("done", 3, 1.0)
    result = client.get(job["links"]["json"], headers=keys.headers("regulator"))
    assert result.headers["content-type"].startswith("application/json")
    rows = result.json()["results"]
    assert [r["subject"] for r in rows] == [city.a, city.b, city.p1]
    assert result.json()["snapshot"] == city.snapshot.version
    table = client.get(job["links"]["csv"], headers=keys.headers("regulator"))
    parsed = list(csv.DictReader(io.StringIO(table.text)))
    assert [r["tier"] for r in parsed] == ["C", "D", "A"] and parsed[1][
        "lists"
    ] == "abnormal_operation"
    assert city.p1_id not in table.text and city.p1_id not in result.text
    # another organisation cannot see the job
    other = client.get(job["links"]["self"], headers=keys.headers("investigator"))
    assert other.status_code == 404


def test_result_of_an_unfinished_job_is_a_conflict(client: TestClient, keys: Keys) -> None:
    me = client.get("/v1/me", headers=keys.headers("regulator")).json()
    services_of(client).store.execute(
        "INSERT INTO check_jobs (job_id, key_id, org, status, total, created)"
        " VALUES ('j_running', ?, ?, 'running', 10, '2025-01-01')",
        (me["key_id"], me["org"]),
    )
    response = client.get("/v1/checks/j_running/result", headers=keys.headers("regulator"))
    assert response.status_code == 409 and response.json()["status_now"] == "running"
