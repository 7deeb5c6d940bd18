"""Item 3: malformed audit rows and a dropped audit table are named, never a traceback or a 500:
``linkrisk audit verify`` names the record and what is wrong and exits 2; the API answers a
409 problem."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from linkrisk.api.audit_chain import AuditConfig
from tests.api.conftest import Keys, services_of
from tests.security.conftest import run_cli, sql


@pytest.mark.parametrize(
    ("damage", "words"),
    [
        ("UPDATE audit SET subjects = 'not json' WHERE seq = 3", ["record 3", "subjects"]),
        ("UPDATE audit SET subjects = '{\"a\": 1}' WHERE seq = 3", ["record 3", "subjects"]),
        ("UPDATE audit SET status = 'two hundred' WHERE seq = 2", ["record 2", "status"]),
        ("UPDATE audit SET ts = NULL WHERE seq = 4", ["record 4"]),
    ],
)
def test_a_malformed_record_is_named(
    client: TestClient,
    keys: Keys,
    capsys: pytest.CaptureFixture[str],
    damage: str,
    words: list[str],
) -> None:
    for _ in range(5):
        client.get("/v1/me", headers=keys.headers("lender"))
    db = services_of(client).settings.db_path
    if "NULL" in damage:  # NOT NULL: the attacker rebuilds the table without the constraint
        sql(
            db,
            "CREATE TABLE audit2 AS SELECT * FROM audit",
            "DROP TABLE audit",
            "ALTER TABLE audit2 RENAME TO audit",
        )
    sql(db, damage)
    code, out = run_cli(capsys, "audit", "verify")
    assert code == 2, out
    assert "Traceback" not in out and all(w in out for w in words), out
    for url in ("/v1/audit", "/v1/audit/verify"):
        response = client.get(url, headers=keys.headers("admin"))
        assert response.status_code == 409, response.text
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["type"] == "/problems/integrity"
        assert all(w in response.json()["detail"] for w in words), response.text


@pytest.mark.parametrize("table", ["audit", "audit_head"])
def test_a_dropped_audit_table_is_named(
    client: TestClient, keys: Keys, capsys: pytest.CaptureFixture[str], table: str
) -> None:
    client.get("/v1/me", headers=keys.headers("lender"))
    sql(services_of(client).settings.db_path, f"DROP TABLE {table}")
    code, out = run_cli(capsys, "audit", "verify")
    assert code == 2, out
    assert "Traceback" not in out and table in out, out
    response = client.get("/v1/audit", headers=keys.headers("admin"))
    assert response.status_code == 409, response.text
    assert response.json()["type"] == "/problems/integrity" and table in response.json()["detail"]


def test_hashes_and_signatures_of_any_text_are_compared_not_crashed_on(
    client: TestClient, keys: Keys, capsys: pytest.CaptureFixture[str]
) -> None:
    for _ in range(3):
        client.get("/v1/me", headers=keys.headers("lender"))
    settings = services_of(client).settings
    sql(settings.db_path, "UPDATE audit SET hash = '散列' WHERE seq = 2")
    code, out = run_cli(capsys, "audit", "verify")
    assert code == 2 and "record 2" in out and "Traceback" not in out, out
    sql(settings.db_path, "UPDATE audit SET hash = prev_hash WHERE seq = 2")  # still wrong
    fingerprint = AuditConfig.from_settings(settings).key.fingerprint
    with settings.audit_checkpoint_path.open("a") as file:  # a signature no encoder accepts
        file.write('{"v": 1, "seq": 9, "head": "", "legacy_upto": 0, "ts": "", "prev": "",')
        file.write(f' "key": "{fingerprint}", "sig": "\\ud800"}}\n')
    code, out = run_cli(capsys, "audit", "verify")
    assert code == 2 and "checkpoint" in out and "Traceback" not in out, out
