"""The audit log: one append-only, hash-chained record per API request.

Each record carries ``hash = HMAC-SHA256(audit key, prev_hash + canonical JSON of its fields)``
(``linkrisk.api.audit_chain``), with the previous record's hash also stored in the row;
``audit_head`` holds the last sequence number and hash, written in the same transaction.
Altering a record breaks its own hash, removing one leaves a gap in the sequence, reordering
breaks the link to the predecessor, and cutting off the tail no longer matches the head; without
the key, none of it can be re-chained. Signed checkpoints of the head, appended to a file
outside the database (``linkrisk.api.audit_checkpoints``) every ``every`` records, every
``seconds`` while records are written and on shutdown, anchor the log against what the chain
alone cannot show: a cut tail, a replaced or emptied log. ``audit_verify`` checks it all.

Records are serialised in one place (``storable``): text UTF-8 cannot encode (a lone surrogate)
is written escaped (``\\ud800``) and every field is bounded, so that any request can be recorded;
a record that still cannot be serialised is written as an audit failure in its place, and the
others of its group commit.

Writes use a dedicated SQLite connection (WAL, synchronous=NORMAL): each append is committed
before the response leaves, so a crashed server process cannot lose an answered request's
record (an operating-system crash may lose the last few commits of WAL with NORMAL).
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from linkrisk.api.audit_chain import GENESIS, AuditConfig
from linkrisk.api.audit_checkpoints import Checkpoint, append_checkpoint
from linkrisk.errors import LinkriskError, StoreUnavailable

log = logging.getLogger("linkrisk.audit")
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


def record_of(row: Sequence[Any]) -> AuditRecord:
    """The record of an ``audit`` row selected by ``SELECT_RECORDS``."""
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


SELECT_RECORDS = f"SELECT {', '.join(_FIELDS)}, prev_hash, hash FROM audit"
_INSERT = (
    f"INSERT INTO audit ({', '.join(_FIELDS)}, prev_hash, hash)"
    f" VALUES ({', '.join('?' for _ in _FIELDS)}, ?, ?)"
)
_HEAD = (
    "INSERT INTO audit_head (id, seq, hash) VALUES (1, ?, ?)"
    " ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash"
)


def connect(path: Path) -> sqlite3.Connection:
    try:
        conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=30)
    except sqlite3.Error as exc:
        raise StoreUnavailable(f"cannot open the audit log in {path}: {exc}") from exc
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    return conn


def _serialised(
    config: AuditConfig, seq: int, ts: str, prev: str, entry: AuditEntry
) -> tuple[AuditRecord, tuple[Any, ...]]:
    """The record of ``entry`` chained (keyed) to ``prev``, and its row."""
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
    digest = config.key.record_hash(prev, body)
    body["subjects"] = json.dumps(body["subjects"], ensure_ascii=False)
    return replace(record, hash=digest), (*[body[f] for f in _FIELDS], prev, digest)


def read_head(conn: sqlite3.Connection) -> tuple[int, str] | None:
    """The stored head ``(seq, hash)``, ``None`` for a log never written to."""
    row = conn.execute("SELECT seq, hash FROM audit_head WHERE id = 1").fetchone()
    return None if row is None else (int(row[0]), str(row[1]))


def read_legacy(conn: sqlite3.Connection) -> int:
    """The last record of the unkeyed (legacy) chain, 0 if none."""
    row = conn.execute("SELECT upto FROM audit_legacy WHERE id = 1").fetchone()
    return 0 if row is None else int(row[0])


class AuditLog:
    """Appends and pages audit records on its own connection (the migrations must have run),
    and writes the checkpoints of what it appended."""

    def __init__(self, db_path: Path, config: AuditConfig) -> None:
        self.path = db_path
        self.config = config
        self._conn = connect(db_path)
        self._lock = threading.Lock()
        self._head: tuple[int, str] | None = None  # the last head this process wrote
        self._unanchored = 0  # records appended since this process's last checkpoint
        self._anchored_at = time.monotonic()

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
                head = read_head(conn)
                seq, prev = head if head else (0, GENESIS)
                rows = []
                for entry in entries:
                    seq += 1
                    try:
                        record, row = _serialised(self.config, seq, ts, prev, storable(entry))
                    except Exception as exc:  # recorded as a failure; the group goes on
                        record, row = _serialised(
                            self.config, seq, ts, prev, failed_entry(entry, exc)
                        )
                    rows.append(row)
                    records.append(record)
                    prev = record.hash
                conn.executemany(_INSERT, rows)
                conn.execute(_HEAD, (seq, prev))
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            self._head = (seq, prev)
            self._unanchored += len(records)
            if self._unanchored >= self.config.every:
                self._anchor()
        return records

    def _anchor(self) -> Checkpoint | None:
        """Checkpoint the last head this process wrote (the lock is held). A checkpoint that
        cannot be written is logged (and tried again after as many records or seconds): the
        records are committed, and ``linkrisk audit verify`` tells what is wrong."""
        if self.config.checkpoints is None or self._head is None:
            return None
        self._unanchored, self._anchored_at = 0, time.monotonic()
        try:
            legacy = read_legacy(self._conn)
            return append_checkpoint(self.config.checkpoints, self.config.key, *self._head, legacy)
        except (OSError, sqlite3.Error, LinkriskError) as exc:
            log.error("audit checkpoint not written: %s", exc)
            return None

    def anchor_if_due(self) -> None:
        """Checkpoint if records have waited ``config.seconds`` for one (the writer's timer)."""
        with self._lock:
            if self._unanchored and time.monotonic() - self._anchored_at >= self.config.seconds:
                self._anchor()

    def anchor_start(self) -> None:
        """At start: the first checkpoint of a log that has none (pins its head and legacy part)."""
        path = self.config.checkpoints
        if path is None or (path.exists() and path.stat().st_size):
            return
        with self._lock:
            self._head = read_head(self._conn) or (0, GENESIS)
            self._anchor()

    def page(self, *, limit: int = 100, after_seq: int = 0) -> tuple[list[AuditRecord], int]:
        """Records with ``seq > after_seq`` in order (cursor pagination) and the total count."""
        with self._lock:
            rows = self._conn.execute(
                f"{SELECT_RECORDS} WHERE seq > ? ORDER BY seq LIMIT ?", (after_seq, limit)
            ).fetchall()
            total = int(self._conn.execute("SELECT count(*) FROM audit").fetchone()[0])
        return [record_of(r) for r in rows], total

    def count(self) -> int:
        with self._lock:
            return int(self._conn.execute("SELECT count(*) FROM audit").fetchone()[0])

    def close(self) -> None:
        """Checkpoint what this process appended since its last checkpoint, and close."""
        with self._lock:
            if self._unanchored:
                self._anchor()
            self._conn.close()
