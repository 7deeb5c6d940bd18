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

Records are serialised in one place (``linkrisk.api.audit_records``), where any request can be
made storable; a record that still cannot be serialised is written as an audit failure in its
place, and the others of its group commit.

Writes use a dedicated SQLite connection (WAL, synchronous=NORMAL): each append is committed
before the response leaves, so a crashed server process cannot lose an answered request's
record (an operating-system crash may lose the last few commits of WAL with NORMAL).
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from linkrisk.api.audit_chain import GENESIS, AuditConfig
from linkrisk.api.audit_checkpoints import Checkpoint, append_checkpoint
from linkrisk.api.audit_records import (
    INSERT_RECORDS,
    SELECT_RECORDS,
    AuditEntry,
    AuditRecord,
    failed_entry,
    record_of,
    serialised,
    storable,
)
from linkrisk.errors import IntegrityError, LinkriskError, StoreUnavailable

_SET_HEAD = (
    "INSERT INTO audit_head (id, seq, hash) VALUES (1, ?, ?)"
    " ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash"
)

__all__ = [
    "AuditEntry",
    "AuditLog",
    "AuditRecord",
    "connect",
    "read_head",
    "read_legacy",
    "tables_checked",
]

log = logging.getLogger("linkrisk.audit")


def connect(path: Path) -> sqlite3.Connection:
    try:
        conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=30)
    except sqlite3.Error as exc:
        raise StoreUnavailable(f"cannot open the audit log in {path}: {exc}") from exc
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    return conn


@contextmanager
def tables_checked() -> Iterator[None]:
    """SQLite errors that mean the audit tables were dropped or rebuilt (by hand: the migrations
    create them) as ``IntegrityError`` naming what is missing, not as a crash."""
    try:
        yield
    except sqlite3.OperationalError as exc:
        message = str(exc)
        if not message.startswith(("no such table", "no such column", "table audit")):
            raise
        raise IntegrityError(
            f"the audit log is damaged: {message} (the audit tables were altered outside"
            " linkrisk; restore them from a backup)",
            damage=message,
        ) from exc


def read_head(conn: sqlite3.Connection) -> tuple[int, str] | None:
    """The stored head ``(seq, hash)``, ``None`` for a log never written to."""
    with tables_checked():
        row = conn.execute("SELECT seq, hash FROM audit_head WHERE id = 1").fetchone()
    if row is None:
        return None
    if type(row[0]) is not int or not isinstance(row[1], str):
        raise IntegrityError("the audit head (table audit_head) is malformed")
    return row[0], row[1]


def read_legacy(conn: sqlite3.Connection) -> int:
    """The last record of the unkeyed (legacy) chain, 0 if none."""
    with tables_checked():
        row = conn.execute("SELECT upto FROM audit_legacy WHERE id = 1").fetchone()
    if row is not None and type(row[0]) is not int:
        raise IntegrityError("the end of the legacy chain (table audit_legacy) is malformed")
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
        with self._lock, tables_checked():
            conn = self._conn
            conn.execute("BEGIN IMMEDIATE")
            try:
                head = read_head(conn)
                seq, prev = head if head else (0, GENESIS)
                rows = []
                for entry in entries:
                    seq += 1
                    try:
                        record, row = serialised(self.config, seq, ts, prev, storable(entry))
                    except Exception as exc:  # recorded as a failure; the group goes on
                        record, row = serialised(
                            self.config, seq, ts, prev, failed_entry(entry, exc)
                        )
                    rows.append(row)
                    records.append(record)
                    prev = record.hash
                conn.executemany(INSERT_RECORDS, rows)
                conn.execute(_SET_HEAD, (seq, prev))
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
        with self._lock, tables_checked():
            rows = self._conn.execute(
                f"{SELECT_RECORDS} WHERE seq > ? ORDER BY seq LIMIT ?", (after_seq, limit)
            ).fetchall()
            total = int(self._conn.execute("SELECT count(*) FROM audit").fetchone()[0])
        return [record_of(r) for r in rows], total

    def count(self) -> int:
        with self._lock, tables_checked():
            return int(self._conn.execute("SELECT count(*) FROM audit").fetchone()[0])

    def close(self) -> None:
        """Checkpoint what this process appended since its last checkpoint, and close."""
        with self._lock:
            if self._unanchored:
                self._anchor()
            self._conn.close()
