"""Verifying the audit log: the keyed chain of its records, its head, and its checkpoints.

``verify_audit`` reads the checkpoints first and then, in one read transaction, the head and the
records (so that every checkpoint read refers to records already committed), and raises
``IntegrityError`` naming the first record — or checkpoint — that does not verify:

- a record whose hash does not verify with the key (altered, inserted, or re-chained by someone
  without the key), that does not follow its predecessor, or whose number is out of sequence;
- a head that does not match the last record (records cut off the end since the last checkpoint
  are found only when the head was not rewritten with them);
- a checkpoint that the log contradicts: the log ends before it (cut), its record hashes
  otherwise (replaced), or the legacy part moved (keyed records passed off as unkeyed ones);
- a checkpoint that does not verify (forged, altered, removed from between others).

``write_checkpoint`` verifies, then appends a checkpoint of the current head.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from linkrisk.api.audit import connect, read_head, read_legacy, tables_checked
from linkrisk.api.audit_chain import GENESIS, AuditConfig, AuditKey, legacy_hash, same
from linkrisk.api.audit_checkpoints import Checkpoint, append_checkpoint, read_checkpoints
from linkrisk.api.audit_records import SELECT_RECORDS, AuditRecord, record_of
from linkrisk.errors import IntegrityError


@dataclass(frozen=True, slots=True)
class AuditSummary:
    records: int
    head_seq: int
    head_hash: str
    legacy_upto: int  # records 1..legacy_upto carry the public, unkeyed chain
    checkpoints: int
    checkpoint_seq: int | None = None  # the last checkpoint's head
    checkpoint_ts: str | None = None


@dataclass(frozen=True, slots=True)
class _Chain:
    records: int
    last: int
    prev: str
    marks: dict[int, str]  # sequence number → hash, at the checkpoints' sequence numbers


def _walk(
    records: Iterable[AuditRecord], key: AuditKey, legacy_upto: int, marks: set[int]
) -> _Chain:
    expected, prev, count, seen = 1, GENESIS, 0, {}
    for rec in records:
        if rec.seq != expected:
            raise IntegrityError(
                f"audit record {expected} is missing or out of order (found {rec.seq} next)",
                seq=expected,
            )
        if rec.prev_hash != prev:
            raise IntegrityError(
                f"audit record {rec.seq} does not follow record {rec.seq - 1} (chain broken)",
                seq=rec.seq,
            )
        if rec.seq <= legacy_upto:
            if legacy_hash(prev, rec.body()) != rec.hash:
                raise IntegrityError(
                    f"audit record {rec.seq} was altered (hash mismatch)", seq=rec.seq
                )
        elif not same(key.record_hash(prev, rec.body()), rec.hash):
            raise IntegrityError(
                f"audit record {rec.seq} was altered: its keyed hash does not verify (or"
                " LINKRISK_AUDIT_KEY is not the key the log was written with)",
                seq=rec.seq,
            )
        if rec.seq in marks:
            seen[rec.seq] = rec.hash
        prev, expected, count = rec.hash, expected + 1, count + 1
    return _Chain(count, expected - 1, prev, seen)


def _check_head(chain: _Chain, head: tuple[int, str] | None) -> None:
    if head is None:
        if chain.records:
            raise IntegrityError("the audit head record is missing", seq=chain.last)
        return
    if head[0] != chain.last or head[1] != chain.prev:
        bad = min(head[0], chain.last) + 1 if head[0] != chain.last else chain.last
        raise IntegrityError(
            f"audit record {bad} is missing or altered: the log ends at {chain.last}"
            f" but its head says {head[0]}",
            seq=bad,
        )


def _check_checkpoints(chain: _Chain, legacy_upto: int, checkpoints: list[Checkpoint]) -> None:
    for number, cp in enumerate(checkpoints, start=1):
        if cp.seq > chain.last:
            raise IntegrityError(
                f"the audit log ends at record {chain.last} but checkpoint {number} ({cp.ts})"
                f" recorded {cp.seq} records: records were removed",
                seq=chain.last + 1,
                checkpoint=number,
            )
        if chain.marks.get(cp.seq, GENESIS) != cp.head:
            raise IntegrityError(
                f"audit record {cp.seq} is not the one checkpoint {number} ({cp.ts}) recorded:"
                " the log was replaced or rewritten",
                seq=cp.seq,
                checkpoint=number,
            )
        if cp.legacy_upto != legacy_upto:
            raise IntegrityError(
                f"the audit log's unkeyed (legacy) part ends at record {legacy_upto} but"
                f" checkpoint {number} ({cp.ts}) recorded {cp.legacy_upto}: keyed records were"
                " passed off as legacy ones",
                seq=min(legacy_upto, cp.legacy_upto) + 1,
                checkpoint=number,
            )


def verify_audit(db_path: Path, config: AuditConfig) -> AuditSummary:
    """Verify the whole audit log of the store at ``db_path`` and its checkpoints."""
    checkpoints = read_checkpoints(config.checkpoints, config.key)
    conn = connect(db_path)
    try:
        conn.execute("BEGIN")  # one read transaction: the head and the rows of the same moment
        head = read_head(conn)
        legacy_upto = read_legacy(conn)
        marks = {cp.seq for cp in checkpoints}
        with tables_checked():
            cursor = conn.execute(f"{SELECT_RECORDS} ORDER BY rowid")
            chain = _walk((record_of(r) for r in cursor), config.key, legacy_upto, marks)
    finally:
        conn.close()
    _check_head(chain, head)
    _check_checkpoints(chain, legacy_upto, checkpoints)
    last = checkpoints[-1] if checkpoints else None
    return AuditSummary(
        records=chain.records,
        head_seq=chain.last,
        head_hash=chain.prev,
        legacy_upto=legacy_upto,
        checkpoints=len(checkpoints),
        checkpoint_seq=last.seq if last else None,
        checkpoint_ts=last.ts if last else None,
    )


def write_checkpoint(db_path: Path, config: AuditConfig) -> Checkpoint:
    """Verify the log, then append a checkpoint of its head now (``linkrisk audit checkpoint``)."""
    if config.checkpoints is None:
        raise IntegrityError("no checkpoint file is configured (LINKRISK_AUDIT_CHECKPOINTS)")
    summary = verify_audit(db_path, config)
    checkpoint = append_checkpoint(
        config.checkpoints,
        config.key,
        summary.head_seq,
        summary.head_hash,
        summary.legacy_upto,
        again=True,
    )
    assert checkpoint is not None  # again=True always writes (or raises)
    return checkpoint
