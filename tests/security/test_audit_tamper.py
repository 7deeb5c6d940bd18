"""Item 2: someone who can write the database but does not hold ``LINKRISK_AUDIT_KEY`` cannot
alter, renumber, cut, extend or replace the audit log without ``linkrisk audit verify`` saying
so. The attacker here knows the code (the record layout and the public SHA-256 chain of the
legacy records) and can rewrite every row; only the key and the checkpoint file are beyond
their reach."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from linkrisk.api.app import create_app
from linkrisk.config import Settings
from linkrisk.graph.embedded.schema import MIGRATIONS
from tests.api.city import City
from tests.api.conftest import AppFactory, make_keys, services_of
from tests.security.conftest import run_cli, sql

GENESIS = "0" * 64
FIELDS = ("seq", "ts", "key_id", "org", "role", "method", "endpoint", "subjects", "purpose")
Capsys = pytest.CaptureFixture[str]


def checkpoints(settings: Settings) -> Path:
    return settings.data_dir / "audit.checkpoints.jsonl"


def city_settings(client: TestClient) -> Settings:
    return services_of(client).settings


def serve(settings: Settings, city: City, requests: int = 12) -> None:
    """Start the API, make ``requests`` audited requests from two keys, shut it down."""
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        keys = make_keys(client, city)
        for i in range(requests):
            role = "lender" if i % 2 else "investigator"
            client.get("/v1/me", headers=keys.headers(role))


def public_body(row: dict[str, Any]) -> str:
    """A record's fields as the code serialises them (the attacker has read the source)."""
    body = {k: row[k] for k in (*FIELDS, "status")}
    body["subjects"] = json.loads(body["subjects"])
    if row.get("auth") is not None:
        body["auth"] = row["auth"]
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def rechain(db: Path) -> None:
    """Recompute every record's hash and the head with the public SHA-256 chain."""
    conn = sqlite3.connect(db, isolation_level=None)
    conn.row_factory = sqlite3.Row
    prev, last = GENESIS, 0
    for row in conn.execute("SELECT * FROM audit ORDER BY seq").fetchall():
        digest = hashlib.sha256((prev + public_body(dict(row))).encode()).hexdigest()
        conn.execute(
            "UPDATE audit SET prev_hash = ?, hash = ? WHERE seq = ?", (prev, digest, row["seq"])
        )
        prev, last = digest, row["seq"]
    conn.execute("UPDATE audit_head SET seq = ?, hash = ?", (last, prev))
    conn.close()


def verify(capsys: Capsys) -> tuple[int, str]:
    return run_cli(capsys, "audit", "verify")


def assert_tampering(capsys: Capsys, *words: str) -> None:
    code, out = verify(capsys)
    assert code == 2, out
    assert "intact" not in out and "Traceback" not in out
    for word in words:
        assert word in out, out


@pytest.fixture
def served(settings: Settings, city: City) -> Settings:
    serve(settings, city)
    return settings


def test_an_untampered_log_verifies(served: Settings, capsys: Capsys) -> None:
    code, out = verify(capsys)
    assert code == 0, out
    assert "intact" in out and "12 records" in out and "checkpoint" in out
    lines = checkpoints(served).read_text().splitlines()
    assert lines and json.loads(lines[-1])["seq"] == 12  # the shutdown checkpoint


def test_an_altered_record_with_a_recomputed_chain_is_found(
    served: Settings, capsys: Capsys
) -> None:
    sql(served.db_path, "UPDATE audit SET org = 'bank-z', status = 403 WHERE seq = 5")
    rechain(served.db_path)
    assert_tampering(capsys, "record 1")  # the very first record no longer verifies


def test_a_deleted_and_renumbered_record_is_found(served: Settings, capsys: Capsys) -> None:
    sql(
        served.db_path,
        "DELETE FROM audit WHERE seq = 4",
        "UPDATE audit SET seq = seq - 1 WHERE seq > 4",
    )
    rechain(served.db_path)
    assert_tampering(capsys)


def test_a_cut_tail_is_found_by_the_checkpoint(served: Settings, capsys: Capsys) -> None:
    conn = sqlite3.connect(served.db_path)
    head = conn.execute("SELECT seq, hash FROM audit WHERE seq = 9").fetchone()
    conn.close()
    sql(
        served.db_path,
        "DELETE FROM audit WHERE seq > 9",
        "UPDATE audit_head SET seq = ?, hash = ?",
        params=head,
    )
    assert_tampering(capsys, "checkpoint", "12")


def test_a_forged_appended_record_is_found(served: Settings, capsys: Capsys) -> None:
    conn = sqlite3.connect(served.db_path)
    conn.row_factory = sqlite3.Row
    last = dict(conn.execute("SELECT * FROM audit ORDER BY seq DESC LIMIT 1").fetchone())
    conn.close()
    forged = {**last, "seq": last["seq"] + 1, "endpoint": "/v1/keys", "status": 200}
    digest = hashlib.sha256((last["hash"] + public_body(forged)).encode()).hexdigest()
    forged |= {"prev_hash": last["hash"], "hash": digest}
    columns = ", ".join(forged)
    marks = ", ".join("?" for _ in forged)
    sql(
        served.db_path,
        f"INSERT INTO audit ({columns}) VALUES ({marks})",
        params=(*forged.values(),),
    )
    sql(served.db_path, "UPDATE audit_head SET seq = ?, hash = ?", params=(forged["seq"], digest))
    assert_tampering(capsys, f"record {forged['seq']}")


def test_an_emptied_log_is_tampering_not_intact(served: Settings, capsys: Capsys) -> None:
    sql(served.db_path, "DELETE FROM audit", "DELETE FROM audit_head")
    assert_tampering(capsys, "checkpoint")


def test_a_log_passed_off_as_legacy_is_found(served: Settings, capsys: Capsys) -> None:
    """Marking the keyed records as unkeyed legacy records, then re-chaining them publicly."""
    sql(served.db_path, "UPDATE audit_legacy SET upto = (SELECT max(seq) FROM audit)")
    rechain(served.db_path)
    assert_tampering(capsys, "checkpoint")


def test_a_forged_checkpoint_is_found(served: Settings, capsys: Capsys) -> None:
    file = checkpoints(served)
    last = json.loads(file.read_text().splitlines()[-1])
    forged = {**last, "seq": last["seq"] + 5, "sig": hashlib.sha256(b"guess").hexdigest()}
    with file.open("a") as out:
        out.write(json.dumps(forged) + "\n")
    assert_tampering(capsys, "checkpoint", "signature")


def test_audit_checkpoint_writes_one_now_and_prints_it(
    settings: Settings, city: City, capsys: Capsys
) -> None:
    serve(settings, city, requests=3)
    before = checkpoints(settings).read_text().splitlines()
    code, out = run_cli(capsys, "audit", "checkpoint", "--json")
    assert code == 0, out
    printed = json.loads(out)
    after = checkpoints(settings).read_text().splitlines()
    assert len(after) == len(before) + 1 and json.loads(after[-1]) == printed
    assert printed["seq"] == 3 and len(printed["sig"]) == 64
    assert verify(capsys)[0] == 0


def test_checkpoints_are_written_every_n_records(
    settings: Settings, city: City, capsys: Capsys
) -> None:
    serve(settings.model_copy(update={"audit_checkpoint_every": 5}), city, requests=12)
    seqs = [json.loads(line)["seq"] for line in checkpoints(settings).read_text().splitlines()]
    assert seqs[0] == 0 and {5, 10} <= set(seqs) and seqs[-1] == 12, seqs
    assert verify(capsys)[0] == 0


def old_store(settings: Settings, records: int) -> None:
    """A store as the previous release left it: schema 6, public SHA-256 chain."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(settings.db_path, isolation_level=None)
    for version, script in MIGRATIONS:
        if version <= 6:
            for statement in script.split(";\n"):
                if statement.strip():
                    conn.execute(statement)
    conn.execute("PRAGMA user_version = 6")
    prev = GENESIS
    for seq in range(1, records + 1):
        row = {
            "seq": seq,
            "ts": "2026-01-01T00:00:00.000+00:00",
            "key_id": "lr_OldKey01",
            "org": "bank-a",
            "role": "lender",
            "method": "GET",
            "endpoint": "/v1/me",
            "subjects": "[]",
            "purpose": None,
            "status": 200,
        }
        digest = hashlib.sha256((prev + public_body(row)).encode()).hexdigest()
        conn.execute(
            f"INSERT INTO audit ({', '.join(row)}, prev_hash, hash)"
            f" VALUES ({', '.join('?' for _ in row)}, ?, ?)",
            (*row.values(), prev, digest),
        )
        prev = digest
    conn.execute("INSERT INTO audit_head (id, seq, hash) VALUES (1, ?, ?)", (records, prev))
    conn.close()


def test_a_legacy_log_still_verifies_and_new_records_are_keyed(
    settings: Settings, capsys: Capsys
) -> None:
    old_store(settings, 4)
    code, out = run_cli(capsys, "audit", "verify", "--json")
    assert code == 0, out
    assert json.loads(out)["legacy_upto"] == 4
    from tests.api.city import write_city

    city = write_city(settings)
    serve(settings, city, requests=3)
    code, out = verify(capsys)
    assert code == 0, out
    assert "7 records" in out and "legacy, unkeyed up to record 4" in out
    sql(settings.db_path, "UPDATE audit SET status = 500 WHERE seq = 6")
    assert_tampering(capsys, "record 6")


def test_a_checkpoint_follows_records_within_the_configured_seconds(
    make_client: AppFactory, city: City, capsys: Capsys
) -> None:
    client = make_client(audit_checkpoint_seconds=0.2)
    keys = make_keys(client, city)
    for _ in range(3):
        client.get("/v1/me", headers=keys.headers("admin"))
    deadline = time.monotonic() + 10
    seqs: list[int] = []
    while time.monotonic() < deadline and 3 not in seqs:  # the server is still running
        time.sleep(0.05)
        seqs = [json.loads(line)["seq"] for line in checkpoints(city_settings(client)).open()]
    assert seqs[0] == 0 and seqs[-1] == 3, seqs


def test_production_needs_its_own_audit_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LINKRISK_AUDIT_KEY")
    base = {"_env_file": None, "env": "production", "id_hash_key": "an-id-secret"}
    with pytest.raises(ValueError, match="LINKRISK_AUDIT_KEY must be set"):
        Settings(**base).check_production()  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="must differ"):
        Settings(**base, audit_key="an-id-secret").check_production()  # type: ignore[arg-type]
    Settings(**base, audit_key="an-audit-secret").check_production()  # type: ignore[arg-type]
