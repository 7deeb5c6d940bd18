"""Check jobs (issue 17, items 8 and 14): who may read their results, and how long they stay.

A job that checked persons by ID number may be created by regulator keys only, so only
regulator keys of the same organisation (or an admin) may read it; an investigator of that
organisation could download it before. Job files were kept forever; now they expire after
``check_job_retention_days`` and an organisation's files are held under ``check_job_quota_bytes``
(oldest removed first), an expired job answering 410 Gone.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient

from linkrisk.api.auth import create_key
from tests.api.city import City
from tests.api.conftest import AppFactory, Keys, city, make_client, make_keys, services_of

__all__ = ["city", "make_client"]  # the API fixtures these tests use


def submit(client: TestClient, keys: Keys, **body: Any) -> dict[str, Any]:
    response = client.post("/v1/checks", json=body, headers=keys.headers("regulator"))
    assert response.status_code == 202, response.text
    job: dict[str, Any] = response.json()
    deadline = time.monotonic() + 30
    while job["status"] not in {"done", "failed"}:
        assert time.monotonic() < deadline
        time.sleep(0.05)
        job = client.get(job["links"]["self"], headers=keys.headers("regulator")).json()
    assert job["status"] == "done"
    return job


def jobs_client(make_client: AppFactory, city: City, **settings: Any) -> tuple[TestClient, Keys]:
    client = make_client(check_job_threshold=2, **settings)
    return client, make_keys(client, city)


def colleague(client: TestClient, role: str) -> dict[str, str]:
    """A key of ``role`` in the regulator's own organisation."""
    secret = create_key(services_of(client).store, role, "city-amr")[1]
    return {"X-API-Key": secret}


def test_id_number_results_are_for_regulators_of_the_org(
    make_client: AppFactory, city: City
) -> None:
    client, keys = jobs_client(make_client, city)
    job = submit(client, keys, usccs=[city.a], id_numbers=[city.p1_id])
    investigator = colleague(client, "investigator")
    for url in (job["links"]["self"], job["links"]["json"], job["links"]["csv"]):
        assert client.get(url, headers=investigator).status_code == 403
        assert client.get(url, headers=colleague(client, "regulator")).status_code == 200
        assert client.get(url, headers=keys.headers("admin")).status_code == 200
        # other organisations do not even see it
        assert client.get(url, headers=keys.headers("investigator")).status_code == 404
        assert client.get(url, headers=keys.headers("lender")).status_code == 403


def test_organisation_results_are_for_the_roles_that_may_check_them(
    make_client: AppFactory, city: City
) -> None:
    client, keys = jobs_client(make_client, city)
    job = submit(client, keys, usccs=[city.a, city.b])
    assert client.get(job["links"]["json"], headers=colleague(client, "investigator")).is_success
    assert client.get(job["links"]["json"], headers=keys.headers("investigator")).status_code == 404


def age(client: TestClient, job_id: str, days: float) -> None:
    """Make a job look ``days`` old."""
    then = (datetime.now(UTC) - timedelta(days=days)).isoformat(timespec="seconds")
    services_of(client).store.execute(
        "UPDATE check_jobs SET created = ?, finished = ? WHERE job_id = ?", (then, then, job_id)
    )


def job_files(client: TestClient) -> list[str]:
    directory = services_of(client).settings.data_dir / "api" / "jobs"
    return sorted(p.name for p in directory.iterdir()) if directory.exists() else []


def test_old_jobs_expire_and_answer_410(make_client: AppFactory, city: City) -> None:
    client, keys = jobs_client(make_client, city, check_job_retention_days=3)
    old = submit(client, keys, usccs=[city.a, city.b])
    fresh = submit(client, keys, usccs=[city.c, city.d])
    age(client, old["job_id"], 4)
    age(client, fresh["job_id"], 2)
    listed = client.get("/v1/checks", headers=keys.headers("regulator"))
    assert listed.status_code == 200
    assert [j["job_id"] for j in listed.json()["items"]] == [fresh["job_id"]]
    assert all(not name.startswith(old["job_id"]) for name in job_files(client))
    for url in (old["links"]["self"], old["links"]["json"], old["links"]["csv"]):
        gone = client.get(url, headers=keys.headers("regulator"))
        assert gone.status_code == 410
        assert gone.headers["content-type"] == "application/problem+json"
        assert gone.json()["type"] == "/problems/gone" and "3 days" in gone.json()["detail"]
    assert client.get(fresh["links"]["json"], headers=keys.headers("regulator")).is_success


def test_an_organisations_job_files_stay_under_its_quota(
    make_client: AppFactory, city: City
) -> None:
    client, keys = jobs_client(make_client, city)
    first = submit(client, keys, usccs=[city.a, city.b])
    size = sum(
        (services_of(client).settings.data_dir / "api" / "jobs" / name).stat().st_size
        for name in job_files(client)
    )
    services_of(client).jobs.quota_bytes = int(size * 2.5)  # room for two such jobs
    age(client, first["job_id"], 0.2)
    second = submit(client, keys, usccs=[city.a, city.b])
    age(client, second["job_id"], 0.1)
    third = submit(client, keys, usccs=[city.a, city.b])  # done: the oldest goes
    assert len(job_files(client)) == 4
    gone = client.get(first["links"]["self"], headers=keys.headers("regulator"))
    assert gone.status_code == 410 and "quota" in gone.json()["detail"]
    for job in (second, third):
        assert client.get(job["links"]["csv"], headers=keys.headers("regulator")).is_success
