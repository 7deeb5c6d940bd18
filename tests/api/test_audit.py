"""The audit log: records in a keyed hash chain; any altered, removed or reordered record is
found and named by its sequence number (the attacks without the key, and the checkpoints, are in
tests/security/test_audit_tamper.py)."""

from __future__ import annotations

import itertools
import sqlite3
from pathlib import Path

import pytest

from linkrisk.api.audit import AuditEntry, AuditLog
from linkrisk.api.audit_chain import GENESIS, AuditConfig
from linkrisk.api.audit_verify import AuditSummary
from linkrisk.api.audit_verify import verify_audit as verify_log
from linkrisk.config import Settings
from linkrisk.errors import IntegrityError
from linkrisk.graph.open import open_embedded


def config(settings: Settings) -> AuditConfig:
    return AuditConfig.from_settings(settings)


def verify_audit(db: Path) -> AuditSummary:
    from linkrisk.config import get_settings

    return verify_log(db, config(get_settings()))


@pytest.fixture
def log(settings: Settings) -> AuditLog:
    open_embedded(settings).close()
    audit = AuditLog(settings.db_path, config(settings))
    for i in range(1, 6):
        audit.append(
            AuditEntry(
                "GET",
                "/v1/scores/{uscc}",
                200,
                key_id="lr_k",
                org="bank-a",
                role="lender",
                subjects=(f"S{i}",),
                purpose="credit_application",
            )
        )
    return audit


def raw(settings: Settings, sql: str, params: tuple[object, ...] = ()) -> None:
    conn = sqlite3.connect(settings.db_path, isolation_level=None)
    conn.execute(sql, params)
    conn.close()


def bad_seq(settings: Settings) -> int:
    with pytest.raises(IntegrityError) as caught:
        verify_audit(settings.db_path)
    return int(caught.value.extra["seq"])


def test_records_chain_from_genesis(log: AuditLog, settings: Settings) -> None:
    records, total = log.page(limit=10)
    assert total == 5 and [r.seq for r in records] == [1, 2, 3, 4, 5]
    assert records[0].prev_hash == GENESIS
    for before, after in itertools.pairwise(records):
        assert after.prev_hash == before.hash
        assert after.hash == config(settings).key.record_hash(before.hash, after.body())
    summary = verify_audit(settings.db_path)
    assert (summary.records, summary.head_seq, summary.head_hash) == (5, 5, records[-1].hash)


def test_empty_log_verifies(settings: Settings) -> None:
    open_embedded(settings).close()
    assert verify_audit(settings.db_path).records == 0


def test_altered_record_is_named(log: AuditLog, settings: Settings) -> None:
    raw(settings, "UPDATE audit SET status = 200, subjects = '[\"OTHER\"]' WHERE seq = 3")
    assert bad_seq(settings) == 3


def test_altered_record_with_recomputed_hash_breaks_the_next_link(
    log: AuditLog, settings: Settings
) -> None:
    records, _ = log.page(limit=10)
    forged = {**records[2].body(), "org": "bank-z"}
    raw(
        settings,
        "UPDATE audit SET org = 'bank-z', hash = ? WHERE seq = 3",
        (config(settings).key.record_hash(records[2].prev_hash, forged),),
    )
    assert bad_seq(settings) == 4


def test_removed_record_is_named(log: AuditLog, settings: Settings) -> None:
    raw(settings, "DELETE FROM audit WHERE seq = 2")
    assert bad_seq(settings) == 2


def test_removed_last_record_is_found_by_the_head(log: AuditLog, settings: Settings) -> None:
    raw(settings, "DELETE FROM audit WHERE seq = 5")
    assert bad_seq(settings) == 5


def test_reordered_records_are_named(log: AuditLog, settings: Settings) -> None:
    # swap the contents of records 2 and 3 (everything but their sequence numbers)
    cols = "ts, key_id, org, role, method, endpoint, subjects, purpose, status, prev_hash, hash"
    raw(settings, f"CREATE TABLE swap AS SELECT seq, {cols} FROM audit WHERE seq IN (2, 3)")
    sets = ", ".join(
        f"{c} = (SELECT {c} FROM swap WHERE swap.seq = 5 - audit.seq)" for c in cols.split(", ")
    )
    raw(settings, f"UPDATE audit SET {sets} WHERE seq IN (2, 3)")
    assert bad_seq(settings) == 2


def test_renumbered_records_are_named(log: AuditLog, settings: Settings) -> None:
    raw(settings, "UPDATE audit SET seq = 99 WHERE seq = 4")
    assert bad_seq(settings) == 4


def test_pages_follow_the_cursor(log: AuditLog) -> None:
    first, total = log.page(limit=2)
    second, _ = log.page(limit=2, after_seq=first[-1].seq)
    assert total == 5 and [r.seq for r in first + second] == [1, 2, 3, 4]


def test_appends_from_two_connections_stay_one_chain(log: AuditLog, settings: Path) -> None:
    other = AuditLog(log.path, log.config)  # e.g. a second server process
    for _i in range(3):
        other.append(AuditEntry("GET", "/v1/me", 200))
        log.append(AuditEntry("GET", "/v1/me", 200))
    other.close()
    assert verify_audit(log.path).records == 11
