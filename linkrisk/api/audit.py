"""The audit log: one append-only, hash-chained record per API request.

Each record carries ``hash = SHA-256(prev_hash + canonical JSON of its fields)``, with the
previous record's hash also stored in the row; ``audit_head`` holds the last sequence number
and hash, written in the same transaction. Altering a record breaks its own hash, removing one
leaves a gap in the sequence, reordering breaks the link to the predecessor, and cutting off
the tail no longer matches the head. ``verify_audit`` names the first bad sequence number.

Records are serialised in one place (``storable``): text UTF-8 cannot encode (a lone surrogate)
is written escaped (``\\ud800``) and every field is bounded, so that any request can be recorded;
a record that still cannot be serialised is written as an audit failure in its place, and the
others of its group commit.

Writes use a dedicated SQLite connection (WAL, synchronous=NORMAL): each append is committed
before the response leaves, so a crashed server process cannot lose an answered request's
record (an operating-system crash may lose the last few commits of WAL with NORMAL).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from linkrisk.errors import IntegrityError, StoreUnavailable

GENESIS = "0" * 64  # the "previous hash" of the first record
_FIELDS = (
    "seq",
    "ts",
    "key_id",
    "org",
    "role",
    "method",
    "endpoint",
    "subjects",
    "purpose",
    "status",
)


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """What a request contributes; sequence, time and hashes are added when it is appended."""

    method: str
    endpoint: str
    status: int
    key_id: str | None = None
    org: str | None = None
    role: str | None = None
    subjects: tuple[str, ...] = ()
    purpose: str | None = None


@dataclass(frozen=True, slots=True)
class AuditRecord:
    seq: int
    ts: str
    key_id: str | None
    org: str | None
    role: str | None
    method: str
    endpoint: str
    subjects: tuple[str, ...]
    purpose: str | None
    status: int
    prev_hash: str
    hash: str

    def body(self) -> dict[str, Any]:
        """The hashed fields (everything but the two hashes)."""
        return {
            "seq": self.seq,
            "ts": self.ts,
            "key_id": self.key_id,
            "org": self.org,
            "role": self.role,
            "method": self.method,
            "endpoint": self.endpoint,
            "subjects": list(self.subjects),
            "purpose": self.purpose,
            "status": self.status,
        }


#: The longest text kept per field: a path, a key or a subject key is bounded, so that no request
#: can make its record arbitrarily large (the subjects of a batch are many, each bounded).
_LIMITS = {"method": 16, "endpoint": 512, "key_id": 64, "org": 200, "role": 32, "purpose": 64}
_SUBJECT_LIMIT = 256


def _text(value: object, limit: int) -> str:
    text = value if isinstance(value, str) else str(value)
    if not text.isascii():
        text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def storable(entry: AuditEntry) -> AuditEntry:
    """``entry`` as it can always be stored and hashed: text escaped where UTF-8 cannot encode
    it, fields bounded, the status an integer."""
    texts = {
        name: None if getattr(entry, name) is None else _text(getattr(entry, name), limit)
        for name, limit in _LIMITS.items()
    }
    return AuditEntry(
        method=texts["method"] or "",
        endpoint=texts["endpoint"] or "",
        status=int(entry.status),
        key_id=texts["key_id"],
        org=texts["org"],
        role=texts["role"],
        subjects=tuple(_text(s, _SUBJECT_LIMIT) for s in entry.subjects),
        purpose=texts["purpose"],
    )


def failed_entry(entry: AuditEntry, error: Exception) -> AuditEntry:
    """What is recorded in place of an entry that cannot be serialised: the request happened."""
    return AuditEntry(
        method=_text(getattr(entry, "method", "?"), _LIMITS["method"]),
        endpoint=_text(f"(audit record failed: {type(error).__name__})", _LIMITS["endpoint"]),
        status=entry.status if isinstance(entry.status, int) else 0,
    )


def canonical_json(fields: dict[str, Any]) -> str:
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def chain_hash(prev_hash: str, fields: dict[str, Any]) -> str:
    return hashlib.sha256((prev_hash + canonical_json(fields)).encode()).hexdigest()


def _record(row: Sequence[Any]) -> AuditRecord:
    seq, ts, key_id, org, role, method, endpoint, subjects, purpose, status, prev, digest = row
    return AuditRecord(
        int(seq),
        str(ts),
        key_id,
        org,
        role,
        str(method),
        str(endpoint),
        tuple(json.loads(subjects)),
        purpose,
        int(status),
        str(prev),
        str(digest),
    )


_SELECT = f"SELECT {', '.join(_FIELDS)}, prev_hash, hash FROM audit"
_INSERT = (
    f"INSERT INTO audit ({', '.join(_FIELDS)}, prev_hash, hash)"
    f" VALUES ({', '.join('?' for _ in _FIELDS)}, ?, ?)"
)
_HEAD = (
    "INSERT INTO audit_head (id, seq, hash) VALUES (1, ?, ?)"
    " ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash"
)


def _connect(path: Path) -> sqlite3.Connection:
    try:
        conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=30)
    except sqlite3.Error as exc:
        raise StoreUnavailable(f"cannot open the audit log in {path}: {exc}") from exc
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    return conn


def _serialised(
    seq: int, ts: str, prev: str, entry: AuditEntry
) -> tuple[AuditRecord, tuple[Any, ...]]:
    """The record of ``entry`` chained to ``prev``, and its row."""
    record = AuditRecord(
        seq,
        ts,
        entry.key_id,
        entry.org,
        entry.role,
        entry.method,
        entry.endpoint,
        entry.subjects,
        entry.purpose,
        entry.status,
        prev,
        "",
    )
    body = record.body()
    digest = chain_hash(prev, body)
    body["subjects"] = json.dumps(body["subjects"], ensure_ascii=False)
    return replace(record, hash=digest), (*[body[f] for f in _FIELDS], prev, digest)


class AuditLog:
    """Appends and pages audit records on its own connection (the migrations must have run)."""

    def __init__(self, db_path: Path) -> None:
        self.path = db_path
        self._conn = _connect(db_path)
        self._lock = threading.Lock()

    def append(self, entry: AuditEntry) -> AuditRecord:
        """Append one record and commit it (serialised across threads and processes)."""
        return self.append_many([entry])[0]

    def append_many(self, entries: Sequence[AuditEntry]) -> list[AuditRecord]:
        """Append records in order, chained, in one committed transaction."""
        ts = datetime.now(UTC).isoformat(timespec="milliseconds")
        records: list[AuditRecord] = []
        with self._lock:
            conn = self._conn
            conn.execute("BEGIN IMMEDIATE")
            try:
                head = conn.execute("SELECT seq, hash FROM audit_head WHERE id = 1").fetchone()
                seq, prev = (int(head[0]), str(head[1])) if head else (0, GENESIS)
                rows = []
                for entry in entries:
                    seq += 1
                    try:
                        record, row = _serialised(seq, ts, prev, storable(entry))
                    except Exception as exc:  # recorded as a failure; the group goes on
                        record, row = _serialised(seq, ts, prev, failed_entry(entry, exc))
                    rows.append(row)
                    records.append(record)
                    prev = record.hash
                conn.executemany(_INSERT, rows)
                conn.execute(_HEAD, (seq, prev))
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
        return records

    def page(self, *, limit: int = 100, after_seq: int = 0) -> tuple[list[AuditRecord], int]:
        """Records with ``seq > after_seq`` in order (cursor pagination) and the total count."""
        with self._lock:
            rows = self._conn.execute(
                f"{_SELECT} WHERE seq > ? ORDER BY seq LIMIT ?", (after_seq, limit)
            ).fetchall()
            total = int(self._conn.execute("SELECT count(*) FROM audit").fetchone()[0])
        return [_record(r) for r in rows], total

    def count(self) -> int:
        with self._lock:
            return int(self._conn.execute("SELECT count(*) FROM audit").fetchone()[0])

    def close(self) -> None:
        with self._lock:
            self._conn.close()


@dataclass(frozen=True, slots=True)
class AuditSummary:
    records: int
    head_seq: int
    head_hash: str


def verify_records(records: Iterator[AuditRecord], head: tuple[int, str] | None) -> AuditSummary:
    """Check a chain of records (in stored order) against the head; ``IntegrityError`` names the
    first bad sequence number."""
    expected_seq, prev, count = 1, GENESIS, 0
    for rec in records:
        if rec.seq != expected_seq:
            raise IntegrityError(
                f"audit record {expected_seq} is missing or out of order (found {rec.seq} next)",
                seq=expected_seq,
            )
        if rec.prev_hash != prev:
            raise IntegrityError(
                f"audit record {rec.seq} does not follow record {rec.seq - 1} (chain broken)",
                seq=rec.seq,
            )
        if chain_hash(prev, rec.body()) != rec.hash:
            raise IntegrityError(f"audit record {rec.seq} was altered (hash mismatch)", seq=rec.seq)
        prev, expected_seq, count = rec.hash, expected_seq + 1, count + 1
    last = expected_seq - 1
    if head is None:
        if count:
            raise IntegrityError("the audit head record is missing", seq=last)
        return AuditSummary(0, 0, GENESIS)
    if head[0] != last or head[1] != prev:
        bad = min(head[0], last) + 1 if head[0] != last else last
        raise IntegrityError(
            f"audit record {bad} is missing or altered: the log ends at {last}"
            f" but its head says {head[0]}",
            seq=bad,
        )
    return AuditSummary(count, last, prev)


def verify_audit(db_path: Path) -> AuditSummary:
    """Verify the whole audit log of the store at ``db_path``."""
    conn = _connect(db_path)
    try:
        conn.execute("BEGIN")  # one read transaction: the head and the rows of the same moment
        head_row = conn.execute("SELECT seq, hash FROM audit_head WHERE id = 1").fetchone()
        head = (int(head_row[0]), str(head_row[1])) if head_row else None
        cursor = conn.execute(f"{_SELECT} ORDER BY rowid")
        return verify_records((_record(r) for r in cursor), head)
    finally:
        conn.close()
