"""Personal data (issue 17): a resident ID number is never stored, logged or printed raw.

An attack from loopback fed ID numbers — as typed, grouped with dashes or spaces, in full-width
digits, and one that also passes the USCC checks — to every entry point. These tests replay it
and scan what comes out: API responses and problems, the audit log, the database, check-job
files, reject files, CLI output and log records.
"""

from __future__ import annotations

import contextlib
import json
import logging
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from linkrisk.config import Settings
from linkrisk.loaders.identifiers import mask_id
from tests.api.city import City, make_id_number, make_uscc
from tests.api.conftest import AppFactory, Keys, city, client, keys, make_client, services_of
from tests.security.ids import dual_valid_id_number, leaks, spellings

__all__ = ["city", "client", "keys", "make_client"]  # the API fixtures these tests use


def numbers(city: City) -> list[str]:
    """The ID numbers fed in: a known person's, a stranger's, one that is also a valid USCC."""
    return [city.p1_id, make_id_number(77, born="19661130"), dual_valid_id_number()]


def audit_text(client: TestClient) -> str:
    records, _ = services_of(client).audit.page(limit=1000)
    return json.dumps([r.body() for r in records], ensure_ascii=False)


def stored_bytes(settings: Settings) -> bytes:
    """Every byte under the data directory: the database, its WAL, mirror, snapshots, jobs."""
    return b"".join(p.read_bytes() for p in settings.data_dir.rglob("*") if p.is_file())


def assert_no_leak(text: str, city: City) -> None:
    assert leaks(text, numbers(city)) == []


# -- one decision: person or organisation (item 5) -------------------------------------------


def test_dual_valid_number_is_no_consent_subject(client: TestClient, keys: Keys) -> None:
    dual = dual_valid_id_number()
    response = client.post(
        "/v1/consents",
        json={
            "org": "bank-a",
            "uscc": dual,
            "purpose": "credit_application",
            "valid_from": "2025-01-01",
            "valid_until": "2025-12-31",
            "evidence_sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
            "evidence_date": "2024-12-20",
        },
        headers=keys.headers("admin"),
    )
    assert response.status_code == 422 and "person" in response.json()["detail"]
    stored = services_of(client).store.execute("SELECT sid FROM consents")
    assert dual not in {row[0] for row in stored} and dual not in response.text


@pytest.mark.parametrize(
    "route",
    [
        "/v1/subjects/{}",
        "/v1/subjects/{}/owners",
        "/v1/paths?a={}&b=" + make_uscc(1),
        "/v1/nowhere/{}",
        "/v1/consents?uscc={}",
    ],
)
def test_no_spelling_of_an_id_number_reaches_the_audit_log(
    client: TestClient, keys: Keys, city: City, route: str
) -> None:
    role = "admin" if "consents" in route else "investigator"
    for number in numbers(city):
        for spelled in spellings(number):
            response = client.get(route.format(quote(spelled)), headers=keys.headers(role))
            assert response.status_code in {200, 404, 422}, response.text
            assert_no_leak(response.text, city)
    assert_no_leak(audit_text(client), city)
    assert all(n.encode() not in stored_bytes(services_of(client).settings) for n in numbers(city))


def test_audit_keeps_the_masked_form(client: TestClient, keys: Keys, city: City) -> None:
    spaced = spellings(city.p1_id)[2]
    client.get(f"/v1/subjects/{quote(spaced)}", headers=keys.headers("investigator"))
    record = services_of(client).audit.page(limit=100)[0][-1]
    assert record.subjects == (mask_id(city.p1_id),)


# -- checks, problems, CLI, reject files: masked first, everywhere (item 6) --------------------


def check(client: TestClient, keys: Keys, role: str = "regulator", **body: Any) -> Any:
    return client.post("/v1/checks", json=body, headers=keys.headers(role))


def test_checks_echo_no_id_number_sent_as_a_uscc(
    client: TestClient, keys: Keys, city: City
) -> None:
    sent = [s for n in numbers(city) for s in spellings(n)]
    for role in ("investigator", "regulator"):
        response = check(client, keys, role, usccs=[city.a, *sent])
        assert response.status_code == 200
        rows = response.json()["results"]
        assert rows[0]["valid"] and rows[0]["query"] == city.a
        assert not any(r["valid"] for r in rows[1:])
        assert_no_leak(response.text, city)


def wait_for(client: TestClient, keys: Keys, url: str) -> dict[str, Any]:
    deadline = time.monotonic() + 30
    while True:
        job: dict[str, Any] = client.get(url, headers=keys.headers("regulator")).json()
        if job["status"] in {"done", "failed"}:
            return job
        assert time.monotonic() < deadline
        time.sleep(0.05)


def test_check_job_files_hold_no_id_number(make_client: AppFactory, city: City) -> None:
    from tests.api.conftest import make_keys

    client = make_client(check_job_threshold=2)
    keys = make_keys(client, city)
    sent = [s for n in numbers(city) for s in spellings(n)]
    response = check(client, keys, usccs=sent, id_numbers=sent)
    assert response.status_code == 202
    job = wait_for(client, keys, response.json()["links"]["self"])
    assert job["status"] == "done"
    for link in ("json", "csv"):
        got = client.get(job["links"][link], headers=keys.headers("regulator"))
        assert got.status_code == 200
        assert_no_leak(got.text, city)
    jobs = services_of(client).settings.data_dir / "api" / "jobs"
    assert_no_leak("".join(p.read_text("utf-8") for p in jobs.iterdir()), city)


def test_problems_echo_no_id_number(client: TestClient, keys: Keys, city: City) -> None:
    dual = dual_valid_id_number()
    for number in numbers(city):
        # an unknown field named by the number: pydantic puts it in errors[].loc
        response = check(client, keys, usccs=[city.a], **{number: 1})
        assert response.status_code == 422
        assert_no_leak(response.text, city)
    # a lender asking for a score of a number that passes the USCC checks: the problem's
    # subject field used to repeat it
    response = client.get(
        f"/v1/scores/{dual}?purpose=credit_application", headers=keys.headers("lender")
    )
    assert response.status_code in {403, 422}
    assert_no_leak(response.text, city)


def run_cli(args: list[str], monkeypatch: pytest.MonkeyPatch, capsys: Any) -> str:
    from linkrisk.cli import main

    monkeypatch.setattr(sys, "argv", ["linkrisk", *args])
    with contextlib.suppress(SystemExit):
        main()
    out = capsys.readouterr()
    return str(out.out + out.err)


def test_cli_show_prints_no_id_number(
    city: City, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    for number in numbers(city):
        for spelled in spellings(number):
            for extra in ([], ["--json"]):
                text = run_cli(["show", spelled, *extra], monkeypatch, capsys)
                assert "error" in text or "{" in text
                assert_no_leak(text, city)


def test_bad_json_lines_are_masked_before_they_are_cut(
    settings: Settings, tmp_path: Path, city: City
) -> None:
    from linkrisk.graph.embedded.store import EmbeddedStore
    from linkrisk.loaders.pipeline import load_file

    # the number starts so late in the line that a cut at 200 characters keeps 14 digits
    # of it (region and birth date), too few for a scrubber run after the cut
    line = '{"统一社会信用代码": "' + make_uscc(9) + '", "名称": "' + "某" * 150
    bad = line[: 200 - 14] + city.p1_id + " broken"
    good = json.dumps(
        {"统一社会信用代码": make_uscc(9), "企业名称": "测试公司"}, ensure_ascii=False
    )
    path = tmp_path / "orgs.jsonl"
    path.write_text(good + "\n" + bad + "\n", encoding="utf-8")
    store = EmbeddedStore(settings.db_path)
    try:
        report = load_file(path, store, settings=settings)
    finally:
        store.close()
    assert report.rows_rejected == 1 and report.rejects_path
    assert_no_leak(Path(report.rejects_path).read_text("utf-8-sig"), city)


# -- everything a run writes, at once (item 6) -------------------------------------------------


def write_sources(directory: Path, city: City) -> list[Path]:
    """Officers, holdings and JSON Lines files whose bad rows carry the ID numbers."""
    directory.mkdir()
    rows = []
    for i, number in enumerate(numbers(city)):
        for j, spelled in enumerate(spellings(number)):
            # an unknown role rejects the row; the name column repeats the number
            rows.append(f"{city.a},张{i}{j}{spelled},{spelled},外星人\n")
    officers = directory / "officers.csv"
    officers.write_text("统一社会信用代码,姓名,证件号码,职务\n" + "".join(rows), encoding="utf-8")
    holdings = directory / "holdings.csv"
    holdings.write_text(
        "统一社会信用代码,股东名称,股东证件号码,持股比例\n"
        + "".join(f"{city.a},股东{i},{n},150%\n" for i, n in enumerate(numbers(city))),
        encoding="utf-8",
    )
    lines = directory / "orgs.jsonl"
    good = json.dumps(
        {"统一社会信用代码": make_uscc(8), "企业名称": "测试公司"}, ensure_ascii=False
    )
    bad = "".join("x" * (200 - 15 - i) + n + "\n" for i, n in enumerate(numbers(city)))
    lines.write_text(good + "\n" + bad, encoding="utf-8")
    return [officers, holdings, lines]


def test_no_output_of_a_run_shows_an_id_number(
    make_client: AppFactory,
    city: City,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    from linkrisk.graph.embedded.store import EmbeddedStore
    from linkrisk.loaders.pipeline import load_file
    from tests.api.conftest import make_keys

    caplog.set_level(logging.DEBUG)
    client = make_client(check_job_threshold=10)
    keys = make_keys(client, city)
    settings = services_of(client).settings
    out: list[str] = []
    # files in: every bad row goes to a reject file
    store = EmbeddedStore(settings.db_path)
    try:
        for path in write_sources(tmp_path / "in", city):
            report = load_file(path, store, settings=settings)
            assert report.rows_rejected > 0
            out.append(json.dumps(report.to_dict(), ensure_ascii=False))
    finally:
        store.close()
    # the API: checks (at once and as a job), reads, problems
    sent = [s for n in numbers(city) for s in spellings(n)]
    out.append(check(client, keys, usccs=sent[:4], id_numbers=sent[:4]).text)
    job = check(client, keys, usccs=sent, id_numbers=sent).json()
    done = wait_for(client, keys, job["links"]["self"])
    out += [
        client.get(done["links"][f], headers=keys.headers("regulator")).text
        for f in ("json", "csv")
    ]
    for spelled in sent:
        for role, url in (
            ("investigator", f"/v1/subjects/{quote(spelled)}"),
            ("investigator", f"/v1/paths?a={quote(spelled)}&b={city.a}"),
            ("investigator", f"/v1/search?q={quote(spelled)}"),
            ("admin", f"/v1/consents?uscc={quote(spelled)}"),
            ("lender", f"/v1/scores/{quote(spelled)}?purpose=credit_application"),
            ("admin", f"/v1/{quote(spelled)}"),
        ):
            out.append(client.get(url, headers=keys.headers(role)).text)
        out.append(check(client, keys, usccs=[city.a], **{spelled: 1}).text)
    out.append(client.get("/v1/audit?limit=1000", headers=keys.headers("admin")).text)
    # the command line
    for spelled in sent:
        out.append(run_cli(["show", spelled], monkeypatch, capsys))
    # and everything on disk: database, audit, job files, reject files
    rejects = sorted((tmp_path / "in").glob("*.rejects.csv"))
    assert len(rejects) == 3
    files = [*settings.data_dir.rglob("*"), *rejects]
    disk = b"".join(p.read_bytes() for p in files if p.is_file())
    out.append(disk.decode("utf-8", "replace"))
    out.append(disk.decode("utf-8-sig", "replace"))
    out += [r.getMessage() for r in caplog.records if not r.name.startswith("httpx")]
    assert len(out) > 100
    for text in out:
        assert_no_leak(text, city)
    for number in numbers(city):
        assert number.encode() not in disk
