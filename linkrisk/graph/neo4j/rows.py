"""Canonical Arrow tables ⇄ the row dicts and result rows the Neo4j driver exchanges.

Pure functions, no driver calls: what ``write_batch`` sends as ``$rows`` and how page results
become Arrow record batches again. Dates travel as the driver's native ``Date`` (Python
``datetime.date`` in, ``neo4j.time.Date`` out), so no Cypher ``date()`` parsing is needed.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import date
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from linkrisk.errors import InputError
from linkrisk.graph.neo4j import cypher
from linkrisk.loaders.records import WRITABLE, SubjectKind, Table

#: nullable key columns and the text key that stands in for them in MERGE ("" when unknown)
NULLABLE_KEYS: dict[str, tuple[str, str]] = {
    "holdings": ("start_date", "start_key"),
    "officers": ("start_date", "start_key"),
    "inspections": ("matter", "matter_key"),
}


def check_batch(tables: Mapping[str, pa.Table]) -> dict[str, pa.Table]:
    """The batch in canonical column order, or an ``InputError`` before anything is written."""
    unknown = set(tables) - set(WRITABLE)
    if unknown:
        raise InputError(f"unknown canonical tables {sorted(unknown)}")
    checked = {}
    for name, data in tables.items():
        table = WRITABLE[name]
        missing = set(table.column_names) - set(data.column_names)
        if missing:
            raise InputError(f"batch for {name} lacks columns {sorted(missing)}")
        data = data.select(table.column_names)
        for column in table.columns:
            nulls = data.column(column.name).null_count if column.required else 0
            if nulls:
                row = pc.index(pc.is_null(data.column(column.name)), True).as_py()
                raise InputError(
                    f"{name} row {row}: required field {column.name!r} is empty",
                    table=name,
                    row=row,
                    field=column.name,
                )
        checked[name] = data
    return checked


def with_merge_keys(name: str, data: pa.Table) -> pa.Table:
    """Add the text key that stands in for a nullable key column (MERGE cannot match a null)."""
    if name not in NULLABLE_KEYS:
        return data
    column, key = NULLABLE_KEYS[name]
    text = pc.cast(data.column(column), pa.string())
    return data.append_column(key, pc.fill_null(text, ""))


def write_plan(tables: Mapping[str, pa.Table]) -> list[tuple[str, pa.Table]]:
    """(statement, rows) pairs of a checked batch in write order: subjects first, by label,
    then the subjects mentioned in passing (which only fill in unknown values)."""
    plan: list[tuple[str, pa.Table]] = []
    for name, for_orgs, for_persons in (
        ("subjects", cypher.MERGE_ORGANISATIONS, cypher.MERGE_PERSONS),
        ("mentions", cypher.MENTION_ORGANISATIONS, cypher.MENTION_PERSONS),
    ):
        subjects = tables.get(name)
        if subjects is not None and subjects.num_rows:
            is_person = pc.equal(subjects.column("kind"), SubjectKind.PERSON.value)
            plan.append((for_orgs, subjects.filter(pc.invert(is_person))))
            plan.append((for_persons, subjects.filter(is_person)))
    for name, statement in cypher.WRITES.items():
        data = tables.get(name)
        if data is not None:
            plan.append((statement, with_merge_keys(name, data)))
    return [(statement, data) for statement, data in plan if data.num_rows]


def row_chunks(data: pa.Table, size: int) -> Iterator[list[dict[str, Any]]]:
    """The table as lists of at most ``size`` row dicts (one ``UNWIND $rows`` each)."""
    for offset in range(0, data.num_rows, size):
        yield data.slice(offset, size).to_pylist()


def _native(value: Any) -> Any:
    """A driver value as Python: ``neo4j.time.Date`` → ``datetime.date``, also inside the maps
    and lists a statement returns (the subject rows of map projections)."""
    if isinstance(value, dict):
        return {k: _native(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_native(v) for v in value]
    to_native = getattr(value, "to_native", None)
    return to_native() if to_native is not None else value


def to_batch(
    keys: Sequence[str], rows: Sequence[Sequence[Any]], schema: pa.Schema
) -> pa.RecordBatch:
    """Result rows (``keys`` name their columns) as a record batch of ``schema``'s columns."""
    position = {key: i for i, key in enumerate(keys)}
    arrays = []
    for field in schema:
        i = position[field.name]
        values = [row[i] for row in rows]
        if pa.types.is_date32(field.type):
            values = [None if v is None else _native(v) for v in values]
        arrays.append(pa.array(values, type=field.type))
    return pa.RecordBatch.from_arrays(arrays, schema=schema)


def table_schema(table: Table, columns: Sequence[str] | None) -> pa.Schema:
    """The Arrow schema of the requested columns of a canonical table."""
    names = list(columns or table.column_names)
    unknown = set(names) - set(table.column_names)
    if unknown:
        raise InputError(f"{table.name} has no columns {sorted(unknown)}")
    return pa.schema([table.schema.field(c) for c in names])


def as_dicts(keys: Sequence[str], rows: Sequence[Sequence[Any]]) -> list[dict[str, Any]]:
    """Result rows as dicts of Python values (``neo4j.time.Date`` → ``datetime.date``)."""
    return [{k: _native(v) for k, v in zip(keys, row, strict=True)} for row in rows]


def subject_dict(keys: Sequence[str], row: Sequence[Any]) -> dict[str, Any]:
    """A subject as the embedded store returns it: canonical columns, dates as ISO text."""
    subject = {}
    for key, value in zip(keys, row, strict=True):
        value = _native(value)
        subject[key] = value.isoformat() if isinstance(value, date) else value
    return subject
