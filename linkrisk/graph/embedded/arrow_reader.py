"""Stream a table of the embedded store as Arrow, read by ADBC in a *child process*.

ADBC's SQLite driver reads a million rows a second straight into Arrow, several times faster
than Python's ``sqlite3``. But it bundles its own copy of SQLite, and two copies of SQLite in
one process corrupt each other's POSIX locks (closing a file descriptor in one copy drops the
locks the other holds: https://www.sqlite.org/howtocorrupt.html §2.2.1). So the ADBC read runs
in a subprocess that writes an Arrow IPC stream to its stdout; this process only ever uses the
standard library's SQLite.

Run as ``python -m linkrisk.graph.embedded.arrow_reader DB TABLE COLUMN…``.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from linkrisk.errors import StoreUnavailable

_REAL_NULL = -9.0e300  # never a share, amount or score
_INT_NULL = -1
BATCH_ROWS = 500_000


def _sentinel(type_: pa.DataType) -> str:
    if pa.types.is_floating(type_):
        return str(_REAL_NULL)
    if pa.types.is_boolean(type_):
        return str(_INT_NULL)
    return "''"


def select_sql(table: str, schema: pa.Schema) -> str:
    """ADBC infers each column's type from the first rows, so every column is selected
    non-null with a sentinel of its own type (turned back into a null by ``restore_nulls``)."""
    columns = ", ".join(f"ifnull({f.name}, {_sentinel(f.type)})" for f in schema)
    return f"SELECT {columns} FROM {table}"


def restore_nulls(batch: pa.RecordBatch, schema: pa.Schema) -> pa.RecordBatch:
    arrays = []
    for i, field in enumerate(schema):
        column = batch.column(i)
        if pa.types.is_floating(field.type):
            column = pc.if_else(pc.equal(column, _REAL_NULL), None, pc.cast(column, pa.float64()))
        elif pa.types.is_boolean(field.type):
            column = pc.cast(pc.if_else(pc.equal(column, _INT_NULL), None, column), pa.bool_())
        else:
            column = pc.if_else(pc.equal(column, ""), None, pc.cast(column, pa.string()))
            if pa.types.is_date32(field.type):
                column = pc.cast(column, pa.date32())
        arrays.append(column)
    return pa.RecordBatch.from_arrays(arrays, schema=schema)


def stream_table(db: Path, table: str, schema: pa.Schema) -> Iterator[pa.RecordBatch]:
    """Batches of ``table`` with ``schema``'s columns and types, read by a child process."""
    command = [
        sys.executable,
        "-m",
        "linkrisk.graph.embedded.arrow_reader",
        str(db),
        table,
        *schema.names,
    ]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as child:
        assert child.stdout is not None and child.stderr is not None
        try:
            with pa.ipc.open_stream(child.stdout) as reader:
                for batch in reader:
                    yield restore_nulls(batch, schema)
        except pa.ArrowInvalid:
            pass  # the child failed before writing a stream: its stderr says why
        error = child.stderr.read().decode(errors="replace").strip()
        if child.wait() != 0:
            raise StoreUnavailable(f"reading {table} from {db} failed: {error[-500:]}")


def _main(argv: Sequence[str]) -> None:
    from adbc_driver_sqlite import dbapi as adbc_sqlite

    from linkrisk.loaders.records import TABLES

    db, table, *columns = argv
    schema = pa.schema([TABLES[table].schema.field(c) for c in columns])
    uri = Path(db).resolve().as_uri() + "?mode=ro"  # read-only: never touches the WAL files
    with adbc_sqlite.connect(uri) as conn, conn.cursor() as cursor:
        cursor.adbc_statement.set_options(**{"adbc.sqlite.query.batch_rows": str(BATCH_ROWS)})
        cursor.execute(select_sql(table, schema))
        reader = cursor.fetch_record_batch()
        with pa.ipc.new_stream(sys.stdout.buffer, reader.schema) as writer:
            for batch in reader:
                writer.write_batch(batch)


if __name__ == "__main__":
    _main(sys.argv[1:])
