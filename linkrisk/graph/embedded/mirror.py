"""A columnar mirror of the canonical tables, kept beside the SQLite file.

SQLite stays the system of record, but reading a whole table back out of it is slow: on the
2,000,000-subject city, ADBC took 15 s for the 6.5M subjects and 8 s for the 6.3M officer rows
(text keys, ~0.2 µs per value), against a 10 s target for the whole snapshot build. Every write
already has its rows as Arrow, so each write also leaves them in an Arrow IPC file, and a
whole-table read becomes a memory map plus a compaction.

Layout, per canonical table, under ``<db>.columnar/<table>/``:

- ``<G>.arrow`` — the rows of the write that moved the table to generation ``G``
  (``<G>.distinct.arrow`` when the writer vouched that their keys are distinct,
  ``<G>.mentions.arrow`` for subjects mentioned in passing, which only fill in unknown values);
- ``base-<G>.arrow`` — the whole table as of generation ``G`` (written after a compaction);
- ``.pending-*.arrow`` — written before the transaction commits, renamed to ``<G>.arrow`` after.

Each table's generation is a counter in SQLite (``table_generations``) bumped in the same
transaction as its rows, so SQLite decides what is true. The mirror is trusted only when it
holds a base (or the empty table at generation 0) and every write after it, up to the current
generation; anything missing — a crash between commit and rename, a full disk, a store written
before migration 5 — makes the reader fall back to SQLite and write the result as a new base.
Writes must go through the store (``write_batch`` or a bulk session), as they always had to.

Compaction (``mirror_compact``) gives what SQLite's upserts give: for ``subjects`` the last
known (non-null) value of each column (a NULL never overwrites) unless only mentions know it,
then the first they gave; for every other table the last row written per key.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import sqlite3
import time
import uuid
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pyarrow as pa

from linkrisk.graph.embedded.mirror_compact import Segment, compact
from linkrisk.graph.embedded.rows import blanks_as_null
from linkrisk.loaders.records import TABLES

log = logging.getLogger(__name__)

BUMP_SQL = (
    "UPDATE table_generations SET generation = generation + 1 WHERE name = ? RETURNING generation"
)
GENERATION_SQL = "SELECT generation FROM table_generations WHERE name = ?"

#: writes the bases compaction gives (one at a time: they are large, and the disk is one)
_WRITER = ThreadPoolExecutor(1, thread_name_prefix="linkrisk-mirror")
_SEGMENT = re.compile(r"^(base-)?(\d+)(\.distinct|\.mentions)?\.arrow$")


def bump_generations(conn: sqlite3.Connection, names: list[str]) -> dict[str, int]:
    """Inside a write transaction: the tables' new generations (a table without a generation
    row — a store not yet migrated — gets none, and its mirror is never trusted)."""
    generations = {}
    for name in names:
        row = conn.execute(BUMP_SQL, (name,)).fetchone()
        if row is not None:
            generations[name] = int(row[0])
    return generations


def canonical(name: str, data: pa.Table) -> pa.Table:
    """``data`` with exactly the canonical columns and types of table ``name``."""
    table = TABLES[name]
    return data.select(table.column_names).cast(table.schema)


class Mirror:
    """The Arrow files of one store; see the module docstring."""

    def __init__(self, db_path: Path) -> None:
        self.root = db_path.with_name(db_path.name + ".columnar")
        self._writing: dict[str, Future[None]] = {}

    def _dir(self, name: str) -> Path:
        return self.root / name

    # -- writes -----------------------------------------------------------------------------
    def pending(
        self, name: str, distinct: bool = False, mentions: bool = False
    ) -> PendingSegment | None:
        """A segment to fill before the write commits (None when the mirror cannot be written:
        the table then reads from SQLite until a read writes a new base). ``distinct``: the
        writer vouches that the keys of the rows it will write are distinct; ``mentions``:
        subject rows that only fill in unknown values."""
        kind = ".mentions" if mentions else ".distinct" if distinct else ""
        try:
            return PendingSegment(name, self._dir(name), kind)
        except OSError as exc:
            log.warning("columnar mirror of %s not written: %s", name, exc)
            return None

    # -- reads ------------------------------------------------------------------------------
    def files(self, name: str) -> tuple[dict[int, Path], dict[int, Path]]:
        """(bases, segments) of a table, each by generation (once its base being written is)."""
        self.settle(name)
        return self._files(name)

    def _files(self, name: str) -> tuple[dict[int, Path], dict[int, Path]]:
        bases: dict[int, Path] = {}
        segments: dict[int, Path] = {}
        try:
            entries = list(self._dir(name).iterdir())
        except FileNotFoundError:
            return bases, segments
        for path in entries:
            match = _SEGMENT.match(path.name)
            if match:
                (bases if match.group(1) else segments)[int(match.group(2))] = path
        return bases, segments

    def base(self, name: str, generation: int) -> pa.Table | None:
        """The table as of ``generation`` when a base of exactly that generation holds it
        (memory-mapped; nothing compacted or written), else None."""
        path = self.files(name)[0].get(generation)
        if path is None:
            return None
        try:
            return _open(path)
        except (OSError, pa.ArrowException) as exc:
            log.warning("columnar mirror of %s unreadable: %s", name, exc)
            return None

    def read(self, name: str, generation: int) -> tuple[pa.Table, bool] | None:
        """The table as of ``generation`` and whether it was compacted from segments (then the
        caller should ``rebase``); None when the mirror does not hold every write."""
        bases, segments = self.files(name)
        usable = [g for g in bases if g <= generation]
        base_generation = max(usable, default=0)
        wanted = range(base_generation + 1, generation + 1)
        if any(g not in segments for g in wanted):
            return None
        try:
            base = _open(bases[base_generation]) if usable else None
            parts = [_segment(segments[g]) for g in wanted]
        except (OSError, pa.ArrowException) as exc:
            log.warning("columnar mirror of %s unreadable, reading SQLite: %s", name, exc)
            return None
        schema = TABLES[name].schema
        if not parts:
            return (base if base is not None else schema.empty_table()), False
        whole = compact(TABLES[name], base, parts)
        if base is None and whole is parts[0].rows:  # e.g. one file loaded into an empty table
            try:
                os.replace(segments[generation], self._dir(name) / f"base-{generation}.arrow")
                return whole, False  # the segment is the base as it stands
            except OSError as exc:
                log.warning("columnar mirror of %s: segment not kept as base: %s", name, exc)
        return whole, True

    def rebase(self, name: str, generation: int, table: pa.Table) -> None:
        """Keep ``table`` as the base at ``generation`` and drop the files it supersedes.

        The file is written on a background thread (the caller goes on with the table, e.g. a
        snapshot build with its processing); the next look at this table's files waits for it.
        """
        self.settle(name)
        self._writing[name] = _WRITER.submit(self._rebase, name, generation, table)

    def settle(self, name: str | None = None) -> None:
        """Wait for the base being written for table ``name`` (None: every table)."""
        for table in [name] if name is not None else list(self._writing):
            future = self._writing.pop(table, None)
            if future is not None:
                future.result()

    def _rebase(self, name: str, generation: int, table: pa.Table) -> None:
        directory = self._dir(name)
        try:
            directory.mkdir(parents=True, exist_ok=True)
            tmp = directory / f".pending-{uuid.uuid4().hex}.arrow"
            _write(tmp, table)
            os.replace(tmp, directory / f"base-{generation}.arrow")
        except (OSError, pa.ArrowException) as exc:  # the segments stay: the next read compacts
            log.warning("columnar mirror of %s: base not written: %s", name, exc)
            return
        bases, segments = self._files(name)
        for g, path in [*bases.items(), *segments.items()]:
            if g < generation or (g == generation and path in segments.values()):
                path.unlink(missing_ok=True)
        for stale in directory.glob(".pending-*.arrow"):  # left by writers that died
            if _older_than(stale, seconds=3600):
                stale.unlink(missing_ok=True)


class PendingSegment:
    """An Arrow IPC file of one write's rows, published as ``<G>.arrow`` once G is known."""

    def __init__(self, name: str, directory: Path, kind: str = "") -> None:
        """``kind``: the file name's marker, ``.distinct``, ``.mentions`` or none."""
        directory.mkdir(parents=True, exist_ok=True)
        self.name = name
        self.kind = kind
        self.directory = directory
        self.path = directory / f".pending-{uuid.uuid4().hex}.arrow"
        self._writer: pa.ipc.RecordBatchFileWriter | None = None
        self._failed = False
        self._elsewhere = False

    def write(self, data: pa.Table) -> None:
        if self._failed:
            return
        try:
            rows = blanks_as_null(TABLES[self.name], canonical(self.name, data))  # as stored
            if self._writer is None:
                self._writer = pa.ipc.new_file(str(self.path), rows.schema)
            self._writer.write_table(rows)
        except (OSError, ValueError, pa.ArrowException) as exc:  # the table then reads SQLite
            log.warning("columnar mirror of %s not written: %s", self.name, exc)
            self._failed = True

    def written_elsewhere(self) -> None:
        """The file at ``path`` was written by another process (the bulk writer)."""
        self._elsewhere = True

    def publish(self, generation: int) -> None:
        """Called after the commit that moved the table to ``generation``."""
        try:
            if self._writer is not None:
                self._writer.close()
            elif not self._elsewhere:  # no rows were written: the empty table
                _write(self.path, TABLES[self.name].schema.empty_table())
            if not self._failed:
                os.replace(self.path, self.directory / f"{generation}{self.kind}.arrow")
        except OSError as exc:
            log.warning("columnar mirror of %s not published: %s", self.name, exc)
        finally:
            self.path.unlink(missing_ok=True)

    def discard(self) -> None:
        if self._writer is not None:
            with contextlib.suppress(OSError):  # the file is removed below either way
                self._writer.close()
        self.path.unlink(missing_ok=True)


def _write(path: Path, table: pa.Table) -> None:
    with pa.ipc.new_file(str(path), table.schema) as writer:
        writer.write_table(table)


def _segment(path: Path) -> Segment:
    match = _SEGMENT.match(path.name)
    kind = match.group(3) if match else None
    return Segment(_open(path), distinct=kind == ".distinct", mentions=kind == ".mentions")


def _open(path: Path) -> pa.Table:
    return pa.ipc.open_file(pa.memory_map(str(path))).read_all()


def _older_than(path: Path, seconds: float) -> bool:
    try:
        return time.time() - path.stat().st_mtime > seconds
    except OSError:
        return False
