"""Rows as the embedded store's SQLite keeps them, and back; the statement that ends a load.

Imports neither ``sqlite3`` nor ADBC: the bulk writer process (ADBC) and the store (the standard
library's ``sqlite3``) both use it, and one process must never load both SQLite libraries.
"""

from __future__ import annotations

import json
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from linkrisk.errors import InputError
from linkrisk.graph.store import LoadRecord
from linkrisk.loaders.records import Table


def blank_as_null(column: pa.ChunkedArray | pa.Array) -> pa.ChunkedArray | pa.Array:
    """An empty text is no value: it must not count as known (a mention could not fill it in,
    yet a read returns it as NULL)."""
    blank = pc.equal(column, "")
    if not pc.any(blank).as_py():
        return column
    return pc.if_else(blank, pa.scalar(None, column.type), column)


def blanks_as_null(table: Table, data: pa.Table) -> pa.Table:
    """``data`` (with ``table``'s columns) with empty texts outside the key as NULL."""
    for i, name in enumerate(data.column_names):
        column = data.column(i)
        if name not in table.key and pa.types.is_string(column.type):
            cleaned = blank_as_null(column)
            if cleaned is not column:
                data = data.set_column(i, data.schema.field(i), cleaned)
    return data


def for_sqlite(table: Table, data: pa.Table, sort: bool = True) -> pa.Table:
    """The batch as SQLite will store it: dates as ISO text, booleans as 0/1, key NULLs as '',
    other empty texts as NULL."""
    missing = set(table.column_names) - set(data.column_names)
    if missing:
        raise InputError(f"batch for {table.name} lacks columns {sorted(missing)}")
    arrays = []
    for name in table.column_names:
        column = data.column(name)
        if pa.types.is_date32(column.type):
            column = pc.cast(column, pa.string())
        elif pa.types.is_boolean(column.type):
            column = pc.cast(column, pa.int8())
        if name in table.key:
            column = pc.fill_null(column, "")
        elif pa.types.is_string(column.type):
            column = blank_as_null(column)
        arrays.append(column)
    staged = pa.Table.from_arrays(arrays, names=table.column_names)
    if not sort:  # the bulk writer sorts the whole load itself
        return staged
    # In key order the B-tree is written page after page instead of at random (USCCs and person
    # hashes arrive in no order); Arrow's sort is stable, so a later duplicate still wins.
    return staged.sort_by([(k, "ascending") for k in table.key])


def finish_load_statement(record: LoadRecord) -> tuple[str, list[Any]]:
    """The UPDATE that records how a load ended (a bulk merge runs it in its own transaction,
    so a loader that dies after the merge commits still leaves the load recorded as done)."""
    return (
        "UPDATE loads SET finished = ?, rows_ok = ?, rows_rejected = ?, status = ?, counts = ?"
        " WHERE load_id = ?",
        [
            record.finished,
            record.rows_ok,
            record.rows_rejected,
            record.status,
            json.dumps(record.counts),
            record.load_id,
        ],
    )


def from_sqlite(table: Table, data: pa.Table) -> pa.Table:
    """Rows as the parent staged them (SQLite's form: dates as text, booleans as 0/1, missing
    key parts as '') back in the canonical schema; a missing key part stays '' (the mirror
    reads it as NULL, as a read from SQLite does)."""
    arrays = []
    for field, column in zip(table.schema, data.columns, strict=True):
        if pa.types.is_date32(field.type):
            column = pc.if_else(pc.equal(column, ""), pa.scalar(None, pa.string()), column)
        arrays.append(pc.cast(column, field.type))
    return pa.Table.from_arrays(arrays, schema=table.schema)
