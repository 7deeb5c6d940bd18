"""API commands: keys, consents and the audit log from the command line."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path

from typer.testing import CliRunner

import linkrisk.cli.api
import linkrisk.cli.audit  # noqa: F401
from linkrisk.api.audit import AuditEntry, AuditLog
from linkrisk.api.audit_chain import AuditConfig
from linkrisk.cli import app
from linkrisk.config import Settings
from linkrisk.graph.open import open_embedded
from tests.api.city import make_uscc

runner = CliRunner()


def run(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_keys(settings: Settings) -> None:
    made = json.loads(
        run(
            "keys",
            "create",
            "--role",
            "investigator",
            "--org",
            "office",
            "--scope",
            "pii",
            "--json",
        )
    )
    assert made["key"].startswith(made["key_id"]) and made["scopes"] == ["pii"]
    listed = json.loads(run("keys", "list", "--json"))
    assert [k["key_id"] for k in listed] == [made["key_id"]] and made["key"] not in json.dumps(
        listed
    )
    assert "revoked" in run("keys", "revoke", made["key_id"])
    assert json.loads(run("keys", "list", "--json"))[0]["revoked"]
    bad = runner.invoke(app, ["keys", "create", "--role", "king", "--org", "x"])
    assert bad.exit_code != 0


def test_consents(settings: Settings, tmp_path: Path) -> None:
    uscc = make_uscc(7)
    letter = tmp_path / "授权书.pdf"
    letter.write_bytes(b"%PDF a synthetic signed authorisation")
    made = json.loads(
        run(
            "consents",
            "create",
            "--org",
            "bank-a",
            "--uscc",
            uscc,
            "--purpose",
            "credit_review",
            "--from",
            "2025-01-01",
            "--until",
            "2099-01-01",
            "--evidence-date",
            "2024-12-31",
            "--evidence-file",
            str(letter),
            "--json",
        )
    )
    assert made["evidence_sha256"] == hashlib.sha256(letter.read_bytes()).hexdigest()
    missing = runner.invoke(
        app,
        [
            "consents",
            "create",
            "--org",
            "b",
            "--uscc",
            uscc,
            "--purpose",
            "credit_review",
            "--from",
            "2025-01-01",
            "--until",
            "2025-02-01",
            "--evidence-date",
            "2024-12-31",
        ],
    )
    assert missing.exit_code != 0
    listed = json.loads(run("consents", "list", "--org", "bank-a", "--active", "--json"))
    assert listed["total"] == 1 and listed["items"][0]["uscc"] == uscc
    run("consents", "revoke", made["consent_id"])
    assert json.loads(run("consents", "list", "--active", "--json"))["total"] == 0


def test_audit_verify_names_the_first_bad_record(settings: Settings) -> None:
    open_embedded(settings).close()
    log = AuditLog(settings.db_path, AuditConfig.from_settings(settings))
    for _ in range(4):
        log.append(AuditEntry("GET", "/v1/me", 200, key_id="lr_x"))
    log.close()
    assert json.loads(run("audit", "verify", "--json"))["records"] == 4
    assert len(json.loads(run("audit", "tail", "-n", "2", "--json"))) == 2
    conn = sqlite3.connect(settings.db_path)
    conn.execute("DELETE FROM audit WHERE seq = 3")
    conn.commit()
    conn.close()
    result = runner.invoke(app, ["audit", "verify"])
    assert result.exit_code == 2
    assert "audit record 3" in result.output and "Traceback" not in result.output
