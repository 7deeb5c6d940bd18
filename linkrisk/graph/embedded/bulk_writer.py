"""Merge a whole load into the embedded store from a *child process* fed Arrow over a pipe.

Upserting batch by batch is what made loading slow: on the 200,000-subject city the store took
six sevenths of a 43 s load, because every 20,000-row commit touches pages all over the B-trees
(keys are USCCs and random person hashes). This process instead keeps the rows of a whole file
and merges them in one transaction, each table sorted by its key, so every B-tree page is
written once. When the staged rows are many compared with the table, its secondary indexes are
dropped before the merge and built again after it, inside the same transaction (630,000 rows
into an empty officers table: 4.6 s with the index kept up to date, 0.84 s + 1.07 s to build it
afterwards).

The staged rows stay Arrow, in this process's memory, and the merge binds them to the upsert
straight from Arrow (ADBC, in C). Staging them in TEMP tables first (``adbc_ingest``) and merging
with ``INSERT … SELECT … ORDER BY key`` was slower: for the officers file of that city (600,000
subject and 630,000 officer rows into a store holding the orgs and holdings), 1.2 s to stage
plus 5.6 s to merge, against nothing to stage plus 4.1 s to merge and 1.2 s to sort, the sort
done in a thread beside SQLite (Arrow releases the GIL). Two such threads sort the file's tables
and write their mirror segments while SQLite upserts (the 1,000,000-subject city's officers
file: 8.3 s from commit to committed with one thread, 6.6 s with two). The price is memory:
the file's canonical rows stay here until the commit (this process peaked at 570 MB for that
file, SQLite's 256 MiB page cache included, and it grows with the file). ADBC bundles its own
SQLite, and two copies of SQLite in one process break each other's POSIX locks (see
``arrow_reader``), so ADBC runs only here, in a child, and this module never imports the
standard library's ``sqlite3``. If either process dies before the merge commits, the staged
rows die with it and the canonical tables are as they were.

Protocol (``linkrisk.graph.embedded.bulk`` is the other end): frames on stdin, each a 12-byte prefix
(header length, payload length), a JSON header and the payload.

- ``{"op": "stage", "tables": [[name, bytes], …]}`` + one Arrow IPC stream per table: keep the
  rows of one batch (no reply);
- ``{"op": "commit", "statements": [[sql, params], …], "mirror": {table: path}}``: merge
  everything staged, run the statements in the same transaction, commit, forget the staged
  rows; replies one JSON line with the rows merged per table, each statement's result rows and
  the tables whose rows (canonical Arrow, in key order) it wrote to the ``mirror`` path given
  for them — the parent publishes those as the columnar mirror's segments;
- ``{"op": "abort"}``: discard what is staged. End of input: the same, then exit.

Any error replies ``{"ok": false, "kind": "input" | "store", "error": …}`` and exits 1.

Run as ``python -m linkrisk.graph.embedded.bulk_writer DB``.
"""

from __future__ import annotations

import json
import struct
import sys
import time
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import IO, Any

import pyarrow as pa
import pyarrow.compute as pc

from linkrisk.graph.embedded.rows import from_sqlite
from linkrisk.graph.embedded.schema import CANONICAL_INDEXES, index_ddl, upsert_sql
from linkrisk.loaders.records import WRITABLE, Table

PREFIX = struct.Struct(">IQ")  # header bytes, payload bytes
#: a table whose staged rows are at least this share of its rows has its indexes rebuilt
REBUILD_SHARE = 0.25
UPSERTS = {name: upsert_sql(table) for name, table in WRITABLE.items()}


class Refused(Exception):
    """A frame this process will not carry out (the parent's mistake or bad data)."""


def frame(header: dict[str, Any], payload_bytes: int = 0) -> bytes:
    """The prefix and header of a frame; ``payload_bytes`` of payload must follow."""
    text = json.dumps(header).encode()
    return PREFIX.pack(len(text), payload_bytes) + text


def read_frame(stream: IO[bytes]) -> tuple[dict[str, Any], bytes] | None:
    """The next frame's header and payload, or None at the end of the input."""
    prefix = stream.read(PREFIX.size)
    if not prefix:
        return None
    if len(prefix) < PREFIX.size:
        raise Refused("the input ended inside a frame")
    header_bytes, payload_bytes = PREFIX.unpack(prefix)
    header = json.loads(stream.read(header_bytes))
    payload = stream.read(payload_bytes) if payload_bytes else b""
    if len(payload) < payload_bytes:
        raise Refused("the input ended inside a frame")
    return header, payload


def in_key_order(table: Table, parts: list[pa.Table]) -> pa.Table:
    """The staged rows sorted by the first key column (``parts`` is emptied: the staged batches
    are freed as soon as they are copied). Arrow's sort is stable, so rows with the same key
    keep their staging order and the one written last is applied last; the first key column
    alone gives the B-tree its locality at half the cost of sorting on every column."""
    data = pa.concat_tables(parts).combine_chunks()
    parts.clear()
    return data.take(pc.sort_indices(data[table.key[0]])) if data.num_rows > 1 else data


def write_segment(path: str, table: Table, data: pa.Table) -> bool:
    """The rows (in key order) as the mirror's pending segment; False when it cannot be written
    (the parent then leaves the segment out, and the table is read from SQLite once)."""
    try:
        with pa.ipc.new_file(path, table.schema) as writer:
            writer.write_table(from_sqlite(table, data))
    except (OSError, pa.ArrowException):
        return False
    return True


class Writer:
    """The staged rows of one load (Arrow, in this process's memory), and the merge."""

    def __init__(self, conn: Any) -> None:
        self.conn = conn
        self.cursor = conn.cursor()
        self.staged: dict[str, list[pa.Table]] = {}

    def run(self, sql: str, params: Sequence[Any] | None = None) -> list[tuple[Any, ...]]:
        self.cursor.execute(sql, params)
        return list(self.cursor.fetchall()) if self.cursor.description else []

    def stage(self, tables: Sequence[tuple[str, int]], payload: bytes) -> None:
        """Keep one batch: all of its tables, or (on a bad frame) none of them."""
        buffer, offset = pa.py_buffer(payload), 0
        batch = []
        for name, size in tables:
            table = WRITABLE.get(name)
            if table is None:
                raise Refused(f"unknown canonical table {name!r}")
            with pa.ipc.open_stream(buffer.slice(offset, size)) as reader:
                data = reader.read_all()  # zero-copy: the columns point into the payload
            offset += size
            if data.column_names != table.column_names:
                raise Refused(f"staged {name} has columns {data.column_names}")
            batch.append((name, data))
        for name, data in batch:
            self.staged.setdefault(name, []).append(data)

    def commit(
        self, statements: Sequence[tuple[str, Sequence[Any]]], mirror: dict[str, str]
    ) -> dict[str, Any]:
        """Merge every staged table and run ``statements``, all in one transaction; the rows of
        a table named in ``mirror`` are also written to the file it gives (before the commit)."""
        merged: dict[str, int] = {}
        changes: dict[str, int] = {}
        seconds: dict[str, float] = {}
        rebuilt: list[str] = []
        results: list[list[tuple[Any, ...]]] = []
        names = [name for name in WRITABLE if name in self.staged]
        segments: dict[str, Future[bool]] = {}
        # two threads sort the staged tables (Arrow, GIL released) and write the sorted rows as
        # mirror segments while SQLite upserts: the first table is the only wait
        with ThreadPoolExecutor(2, thread_name_prefix="linkrisk-bulk-sort") as pool:
            ordered = {n: pool.submit(in_key_order, WRITABLE[n], self.staged.pop(n)) for n in names}
            if names:
                ordered[names[0]].result()  # not holding the write lock meanwhile
            self.run("BEGIN IMMEDIATE")
            try:
                for name in names:
                    data = ordered.pop(name).result()  # freed once merged and written
                    if name in mirror:
                        segments[name] = pool.submit(
                            write_segment, mirror[name], WRITABLE[name], data
                        )
                    started = time.perf_counter()
                    dropped = self._drop_indexes(name, data.num_rows)
                    before = self._total_changes()
                    self.cursor.executemany(UPSERTS[name], data)
                    changes[name] = self._total_changes() - before
                    for index in dropped:
                        self.run(index_ddl(*index))
                    merged[name] = data.num_rows
                    rebuilt += [name] if dropped else []
                    seconds[name] = round(time.perf_counter() - started, 3)
                    del data
                for sql, params in statements:
                    results.append(self.run(sql, list(params) or None))
                mirrored = [name for name, written in segments.items() if written.result()]
                started = time.perf_counter()
                self.run("COMMIT")
                seconds["commit"] = round(time.perf_counter() - started, 3)
            except BaseException:
                self.run("ROLLBACK")
                raise
            finally:
                self.discard()
        return {
            "ok": True,
            "merged": merged,
            "changes": changes,
            "rebuilt": rebuilt,
            "results": results,
            "seconds": seconds,
            "mirrored": mirrored,
        }

    def _total_changes(self) -> int:
        return int(self.run("SELECT total_changes()")[0][0])

    def _drop_indexes(self, name: str, staged: int) -> list[tuple[str, str, str]]:
        """Drop ``name``'s secondary indexes when building them again costs less than keeping
        them up to date: the table is empty, or the staged rows are a quarter of it or more."""
        indexes = [index for index in CANONICAL_INDEXES if index[0] == name]
        if not indexes or not staged:
            return []
        existing = int(self.run(f"SELECT count(*) FROM {name}")[0][0])
        if existing and staged < existing * REBUILD_SHARE:
            return []
        present = {
            row[0] for row in self.run("SELECT name FROM main.sqlite_master WHERE type = 'index'")
        }
        dropped = [index for index in indexes if index[1] in present]
        for _, index_name, _ in dropped:
            self.run(f"DROP INDEX main.{index_name}")
        return dropped

    def discard(self) -> None:
        self.staged.clear()


def _reply(message: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(message, default=str) + "\n")
    sys.stdout.flush()


def _main(argv: Sequence[str]) -> None:
    from adbc_driver_manager import dbapi as adbc_errors
    from adbc_driver_sqlite import dbapi as adbc_sqlite

    [db] = argv
    try:
        uri = Path(db).resolve().as_uri() + "?mode=rw"  # never creates a store
        with adbc_sqlite.connect(uri, autocommit=True) as conn:
            writer = Writer(conn)
            writer.run("PRAGMA busy_timeout = 30000")  # the parent's sqlite3 waits as long
            writer.run("PRAGMA synchronous = NORMAL")
            writer.run("PRAGMA cache_size = -262144")
            while (received := read_frame(sys.stdin.buffer)) is not None:
                header, payload = received
                if header.get("op") == "stage":
                    writer.stage(header["tables"], payload)
                elif header.get("op") == "commit":
                    _reply(writer.commit(header.get("statements", []), header.get("mirror", {})))
                elif header.get("op") == "abort":
                    writer.discard()
                else:
                    raise Refused(f"unknown frame {header!r}")
            writer.discard()
            writer.cursor.close()
    except Exception as exc:
        bad_input = isinstance(exc, Refused | adbc_errors.IntegrityError | adbc_errors.DataError)
        _reply({"ok": False, "kind": "input" if bad_input else "store", "error": str(exc)})
        sys.exit(1)


if __name__ == "__main__":
    _main(sys.argv[1:])
