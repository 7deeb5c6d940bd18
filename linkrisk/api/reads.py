"""Canonical-table reads that are safe inside the long-running API process.

``EmbeddedStore.read_table`` streams through ADBC, which bundles its own copy of SQLite. Two
SQLite libraries in one process do not see each other's file locks: when the ADBC copy opens
the database it may re-initialise the shared WAL index under the connections this process keeps
open (they then die with SIGBUS), and when it closes it drops their locks. The API process
therefore reads a canonical table from the columnar mirror's base when one holds every write
(Arrow files, memory-mapped: the 2M-subject city's subjects in no time, against 10.7 s through
``sqlite3``), else through Python's ``sqlite3`` (the library its other connections use), and
leaves ADBC writes to helper processes (``linkrisk.api.plan_ops``).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from typing import Any, cast
from urllib.parse import quote

import pyarrow as pa
import pyarrow.compute as pc

from linkrisk.errors import InputError
from linkrisk.graph.embedded.store import EmbeddedStore
from linkrisk.graph.store import GraphStore
from linkrisk.loaders.records import TABLES


def _array(values: Sequence[Any], type_: pa.DataType) -> pa.Array:
    """SQLite values back to the canonical Arrow type ('' in key columns means null)."""
    if pa.types.is_date32(type_):
        return pc.cast(pa.array([v or None for v in values], pa.string()), pa.date32())
    if pa.types.is_boolean(type_):
        return pa.array([None if v is None else bool(v) for v in values], pa.bool_())
    if pa.types.is_floating(type_):
        return pa.array(values, pa.float64())
    return pa.array([None if v == "" else v for v in values], pa.string())


class SqliteReads:
    """A ``GraphStore`` view of an embedded store whose ``read_table`` uses ``sqlite3``;
    everything else is the store's own."""

    def __init__(self, store: EmbeddedStore) -> None:
        self.store = store

    def __getattr__(self, name: str) -> Any:
        return getattr(self.store, name)

    def read_table(
        self, name: str, columns: Sequence[str] | None = None, batch_rows: int = 200_000
    ) -> Iterator[pa.RecordBatch]:
        if name not in TABLES:
            raise InputError(f"unknown canonical table {name!r}")
        table = TABLES[name]
        names = list(columns or table.column_names)
        base = self.store.mirrored_base(name)  # Arrow files: no second SQLite in this process
        if base is not None:
            yield from base.select(names).to_batches(batch_rows)
            return
        schema = pa.schema([table.schema.field(c) for c in names])
        conn = sqlite3.connect(f"file:{quote(str(self.store.path.resolve()))}?mode=ro", uri=True)
        try:
            cursor = conn.execute(f"SELECT {', '.join(names)} FROM {name}")
            while rows := cursor.fetchmany(batch_rows):
                cols = list(zip(*rows, strict=True))
                arrays = [_array(cols[i], f.type) for i, f in enumerate(schema)]
                yield pa.RecordBatch.from_arrays(arrays, schema=schema)
        finally:
            conn.close()


def process_safe(graph: GraphStore) -> GraphStore:
    """``graph`` with process-safe reads (only the embedded store needs them)."""
    return cast(GraphStore, SqliteReads(graph)) if isinstance(graph, EmbeddedStore) else graph
