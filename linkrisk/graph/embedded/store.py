"""The embedded store: one SQLite file in WAL mode, the default system of record.

Each ``write_batch`` is one ``BEGIN IMMEDIATE … COMMIT`` transaction, so a process killed mid-load
leaves every batch either wholly written or absent. Writes are upserts on the canonical keys:
loading the same rows twice changes nothing. For subjects, a NULL in an incoming row never
overwrites a known value, and a subject row another file mentions in passing (``mentions``) only
fills in unknown values: a firm first seen as a shareholder takes the name, kind and region
its registration file supplies, whatever the order of loading.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.compute as pc

from linkrisk.errors import InputError, StoreUnavailable
from linkrisk.graph.embedded.arrow_reader import stream_table
from linkrisk.graph.embedded.load_locks import LoadLocks
from linkrisk.graph.embedded.mirror import GENERATION_SQL, Mirror, PendingSegment, bump_generations
from linkrisk.graph.embedded.rows import finish_load_statement, for_sqlite
from linkrisk.graph.embedded.schema import MIGRATIONS, statement_needed, upsert_sql
from linkrisk.graph.store import LoadRecord
from linkrisk.loaders.records import MENTIONS, TABLES, WRITABLE, stored_in

if TYPE_CHECKING:
    from linkrisk.graph.embedded.bulk import BulkSession


_UPSERTS = {name: upsert_sql(t) for name, t in WRITABLE.items()}


class EmbeddedStore:
    """SQLite-backed ``GraphStore``. Safe to share between threads (one connection, a lock)."""

    backend = "embedded"

    def __init__(self, path: Path | str, *, mirror: bool = True) -> None:
        """``mirror=False`` reads whole tables from SQLite and writes no mirror segments (the
        generations still move, so a mirror left from before is never trusted again)."""
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._conn = sqlite3.connect(
                self.path, isolation_level=None, check_same_thread=False, timeout=30
            )
        except sqlite3.Error as exc:
            raise StoreUnavailable(f"cannot open the embedded store at {self.path}: {exc}") from exc
        self._lock = threading.RLock()
        self.load_locks = LoadLocks(self.path)
        self.mirror = Mirror(self.path)
        self.mirrored = mirror
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=NORMAL")
        self._conn.execute("PRAGMA foreign_keys=ON")
        self._conn.execute("PRAGMA cache_size=-262144")  # 256 MiB page cache for bulk loads

    # -- schema -----------------------------------------------------------------------------
    def migrate(self) -> None:
        with self._lock:
            current = self._conn.execute("PRAGMA user_version").fetchone()[0]
            for version, script in MIGRATIONS:
                if version <= current:
                    continue
                self._conn.execute("BEGIN IMMEDIATE")
                try:
                    for statement in script.split(";\n"):
                        if statement.strip() and statement_needed(self._conn, statement):
                            self._conn.execute(statement)
                    self._conn.execute(f"PRAGMA user_version = {version}")
                    self._conn.execute("COMMIT")
                except BaseException:
                    self._conn.execute("ROLLBACK")
                    raise
        self.fail_stale_loads()

    @property
    def schema_version(self) -> int:
        return int(self._conn.execute("PRAGMA user_version").fetchone()[0])

    # -- writes -----------------------------------------------------------------------------
    def write_batch(self, tables: Mapping[str, pa.Table]) -> None:
        unknown = set(tables) - set(WRITABLE)
        if unknown:
            raise InputError(f"unknown canonical tables {sorted(unknown)}")
        written = [n for n in WRITABLE if n in tables and tables[n].num_rows]
        staged = {n: for_sqlite(WRITABLE[n], tables[n]) for n in written}
        segments = {n: self._pending(n) for n in staged}
        try:
            for name, segment in segments.items():
                if segment is not None:
                    segment.write(tables[name])
            with self.transaction() as conn:
                generations: dict[str, int] = {}
                for name, data in staged.items():  # each written table moves a generation
                    columns = [data.column(i).to_pylist() for i in range(data.num_columns)]
                    conn.executemany(_UPSERTS[name], zip(*columns, strict=True))
                    for generation in bump_generations(conn, [stored_in(name)]).values():
                        generations[name] = generation
        except BaseException:
            for segment in segments.values():
                if segment is not None:
                    segment.discard()
            raise
        for name, segment in segments.items():
            if segment is not None and name in generations:
                segment.publish(generations[name])

    def _pending(self, name: str) -> PendingSegment | None:
        if not self.mirrored:
            return None
        return self.mirror.pending(stored_in(name), mentions=name == MENTIONS.name)

    def transaction(self) -> _Transaction:
        """``with store.transaction() as conn:`` runs one immediate transaction."""
        return _Transaction(self._conn, self._lock)

    def execute(
        self, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()
    ) -> list[tuple[Any, ...]]:
        """Run one statement outside a batch (operational tables: scores, plans, audit…)."""
        with self._lock:
            return self._conn.execute(sql, params).fetchall()

    # -- reads ------------------------------------------------------------------------------
    def read_table(
        self, name: str, columns: Sequence[str] | None = None, batch_rows: int = 500_000
    ) -> Iterator[pa.RecordBatch]:
        if name not in TABLES:
            raise InputError(f"unknown canonical table {name!r}")
        table = TABLES[name]
        schema = pa.schema([table.schema.field(c) for c in (columns or table.column_names)])
        whole = self._read_mirrored(name)
        if whole is None:
            yield from stream_table(self.path, name, schema)
        else:
            yield from whole.select(schema.names).to_batches(batch_rows)

    def _read_mirrored(self, name: str) -> pa.Table | None:
        """The whole table from the columnar mirror, or read from SQLite and made the mirror's
        new base; None when the table has no generation (then callers stream from SQLite)."""
        generation = self._generation(name) if self.mirrored else None
        if generation is None:
            return None
        found = self.mirror.read(name, generation)
        if found is not None:
            whole, compacted = found
            if compacted:
                self.mirror.rebase(name, generation, whole)
            return whole
        whole = pa.Table.from_batches(
            list(stream_table(self.path, name, TABLES[name].schema)), schema=TABLES[name].schema
        )
        if self._generation(name) == generation:  # nobody wrote while we read
            self.mirror.rebase(name, generation, whole)
        return whole

    def mirrored_base(self, name: str) -> pa.Table | None:
        """The whole table from the columnar mirror when a base holds every write to it (a
        read that neither compacts nor writes, and touches no SQLite but the generation)."""
        generation = self._generation(name) if self.mirrored else None
        return None if generation is None else self.mirror.base(name, generation)

    def _generation(self, name: str) -> int | None:
        try:
            with self._lock:
                row = self._conn.execute(GENERATION_SQL, (name,)).fetchone()
        except sqlite3.OperationalError:  # a store from before migration 5, opened read-only
            return None
        return None if row is None else int(row[0])

    def read_all(self, name: str, columns: Sequence[str] | None = None) -> pa.Table:
        table = TABLES[name]
        schema = pa.schema([table.schema.field(c) for c in (columns or table.column_names)])
        return pa.Table.from_batches(list(self.read_table(name, columns)), schema=schema)

    def counts(self) -> dict[str, int]:
        with self._lock:
            return {
                name: int(self._conn.execute(f"SELECT count(*) FROM {name}").fetchone()[0])
                for name in TABLES
            }

    def get_subject(self, sid: str) -> dict[str, Any] | None:
        with self._lock:
            cursor = self._conn.execute("SELECT * FROM subjects WHERE sid = ?", (sid,))
            row = cursor.fetchone()
            if row is None:
                return None
            names = [d[0] for d in cursor.description]
        return dict(zip(names, row, strict=True))

    def events_of(self, sids: Sequence[str]) -> pa.Table:
        cols = TABLES["events"].column_names
        rows: list[tuple[Any, ...]] = []
        with self._lock:
            for start in range(0, len(sids), 500):
                chunk = list(sids[start : start + 500])
                marks = ", ".join("?" for _ in chunk)
                rows += self._conn.execute(
                    f"SELECT {', '.join(cols)} FROM events WHERE sid IN ({marks})", chunk
                ).fetchall()
        schema = TABLES["events"].schema
        arrays = []
        for field, values in zip(
            schema, zip(*rows, strict=True) if rows else [()] * len(cols), strict=True
        ):
            if pa.types.is_date32(field.type):
                arrays.append(pc.cast(pa.array(list(values), pa.string()), pa.date32()))
            elif pa.types.is_boolean(field.type):  # SQLite keeps booleans as 0/1
                flags = [None if v is None else bool(v) for v in values]
                arrays.append(pa.array(flags, field.type))
            else:
                arrays.append(pa.array(list(values), field.type))
        return pa.Table.from_arrays(arrays, schema=schema)

    # -- bulk loads -------------------------------------------------------------------------
    def bulk_session(self) -> BulkSession:
        """Stage a whole load and merge it in one transaction, from a child process
        (``linkrisk.graph.embedded.bulk``): several times faster than ``write_batch`` per batch. The
        merge bumps the generations of the tables it writes, and the staged rows become the
        mirror's segments for those generations once the merge has committed."""
        from linkrisk.graph.embedded.bulk_mirror import mirrored_session  # bulk imports this module

        return mirrored_session(self.path, self.mirror if self.mirrored else None)

    # -- load history -----------------------------------------------------------------------
    def start_load(self, record: LoadRecord) -> int:
        """Record a running load; this process holds its lock until ``finish_load``."""
        with self.transaction() as conn:
            cursor = conn.execute(
                "INSERT INTO loads (file, sha256, source_kind, started, status)"
                " VALUES (?, ?, ?, ?, ?)",
                (record.file, record.sha256, record.source_kind, record.started, record.status),
            )
            record.load_id = int(cursor.lastrowid or 0)
            self.load_locks.hold(record.load_id)  # before the row can be seen (load_locks)
        return record.load_id

    def finish_load(self, record: LoadRecord) -> None:
        with self._lock:
            self._conn.execute(*finish_load_statement(record))
            self.load_locks.release(record.load_id)

    def fail_stale_loads(self) -> list[int]:
        """Mark ``failed`` the running loads whose writer process is gone (killed part-way);
        runs when the store is opened (``migrate``). Returns their ids."""
        with self.transaction() as conn:
            running = [
                int(r[0])
                for r in conn.execute("SELECT load_id FROM loads WHERE status = 'running'")
            ]
            stale = [i for i in running if not self.load_locks.writer_alive(i)]
            conn.executemany(
                "UPDATE loads SET status = 'failed', finished = ? WHERE load_id = ?",
                [(datetime.now(UTC).isoformat(timespec="seconds"), i) for i in stale],
            )
        for load_id in stale:
            self.load_locks.forget(load_id)
        return stale

    def load_history(self, limit: int = 100) -> list[LoadRecord]:
        with self._lock:
            rows = self._conn.execute(
                "SELECT file, sha256, source_kind, started, finished, rows_ok, rows_rejected,"
                " status, load_id, counts FROM loads ORDER BY load_id DESC LIMIT ?",
                (limit,),
            ).fetchall()
        return [
            LoadRecord(
                file=row[0],
                sha256=row[1],
                source_kind=row[2],
                started=row[3],
                finished=row[4],
                rows_ok=row[5] or 0,
                rows_rejected=row[6] or 0,
                status=row[7],
                load_id=row[8],
                counts=json.loads(row[9]) if row[9] else {},
            )
            for row in rows
        ]

    # -- scores -----------------------------------------------------------------------------
    def write_scores(self, scores: pa.Table) -> None:
        cols = ["sid", "score", "tier", "model_version", "snapshot_id", "as_of"]
        values = zip(*(scores.column(c).to_pylist() for c in cols), strict=True)
        with self._lock, self.transaction() as conn:
            conn.execute("DELETE FROM scores")
            conn.executemany(
                f"INSERT INTO scores ({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)})",
                values,
            )

    def close(self) -> None:
        self.mirror.settle()  # a base being written in the background
        with self._lock:
            self._conn.close()


class _Transaction:
    def __init__(self, conn: sqlite3.Connection, lock: threading.RLock) -> None:
        self._conn = conn
        self._lock = lock

    def __enter__(self) -> sqlite3.Connection:
        self._lock.acquire()
        self._conn.execute("BEGIN IMMEDIATE")
        return self._conn

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        try:
            self._conn.execute("COMMIT" if exc_type is None else "ROLLBACK")
        finally:
            self._lock.release()
