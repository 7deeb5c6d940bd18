"""Bring-your-own-graph tables: reading and validating nodes, edges, events and labels.

Four tables, CSV or Parquet (by extension):

- nodes: ``id``, optional ``kind``, any other columns numeric attributes;
- edges: ``src``, ``dst``, ``relation``, optional ``weight`` (default 1);
- events: ``id`` (the node), ``type``, ``date`` (ISO) or ``months_before`` (the feature date),
  optional ``severity`` (a number, or minor/major/serious);
- labels: ``id``, ``split`` (train | valid | test), ``label`` (0 | 1).

Errors name the file, the row (the header is row 1) and the field. Events after the feature date
are dropped (and counted): they would leak the future.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from linkrisk.errors import InputError, SourceFileError

SEVERITY_WORDS = {"minor": 1.0, "major": 2.0, "serious": 3.0, "一般": 1.0, "较重": 2.0, "严重": 3.0}
DAYS_PER_MONTH = 30.436875
SPLITS = ("train", "valid", "test")


def read_table(path: Path, required: tuple[str, ...]) -> pa.Table:
    """A CSV or Parquet file with its required columns checked."""
    if not path.exists():
        raise SourceFileError(f"{path}: no such file")
    try:
        if path.suffix.lower() in (".parquet", ".pq"):
            table = pq.read_table(path)
        else:
            table = pacsv.read_csv(
                path, convert_options=pacsv.ConvertOptions(strings_can_be_null=True)
            )
    except (pa.ArrowInvalid, OSError) as exc:
        raise SourceFileError(f"{path}: cannot read: {exc}") from exc
    missing = [c for c in required if c not in table.column_names]
    if missing:
        raise SourceFileError(f"{path}: missing columns {missing} (has {table.column_names})")
    return table


def _strings(table: pa.Table, name: str) -> pa.Array:
    return pc.cast(table[name].combine_chunks(), pa.string())


def _numbers(table: pa.Table, name: str, path: Path) -> np.ndarray:
    column = table[name].combine_chunks()
    try:
        return np.asarray(pc.cast(column, pa.float64()).to_numpy(zero_copy_only=False), np.float64)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        text = column.to_pylist()
        row = next(i for i, v in enumerate(text) if v is not None and not _is_number(v))
        raise InputError(
            f"{path}: row {row + 2}, field {name!r}: {text[row]!r} is not a number"
        ) from None


def _is_number(value: Any) -> bool:
    try:
        float(value)
    except (TypeError, ValueError):
        return False
    return True


def _index(ids: pa.Array, values: pa.Array, path: Path, field: str) -> np.ndarray:
    found = np.asarray(
        pc.fill_null(pc.index_in(values, value_set=ids), -1).to_numpy(zero_copy_only=False)
    )
    if (found < 0).any():
        row = int(np.flatnonzero(found < 0)[0])
        raise InputError(
            f"{path}: row {row + 2}, field {field!r}: unknown node {values[row].as_py()!r}"
        )
    return found.astype(np.int64)


def _codes(values: pa.Array) -> tuple[np.ndarray, list[str]]:
    """Integer codes of a string column and the distinct values they stand for."""
    encoded = pc.dictionary_encode(pc.fill_null(values, ""))
    return np.asarray(
        encoded.indices.to_numpy(zero_copy_only=False), np.int64
    ), encoded.dictionary.to_pylist()


def _severity(values: pa.Array) -> np.ndarray:
    """Numbers as given; minor/major/serious (一般/较重/严重) as 1/2/3; anything else nan."""
    codes, distinct = _codes(values)
    table = [SEVERITY_WORDS.get(v, float(v) if _is_number(v) else np.nan) for v in distinct]
    return np.asarray(table, np.float64)[codes] if distinct else np.zeros(0)


@dataclass(frozen=True, slots=True)
class ByogData:
    ids: list[str]
    kind: np.ndarray
    attributes: dict[str, np.ndarray]
    edge_src: np.ndarray
    edge_dst: np.ndarray
    edge_rel: np.ndarray
    relations: list[str]
    edge_weight: np.ndarray
    event_node: np.ndarray
    event_type: np.ndarray
    event_types: list[str]
    event_months: np.ndarray  # months before the feature date
    event_severity: np.ndarray  # nan unknown
    label_node: np.ndarray
    label_split: np.ndarray  # index into SPLITS
    label_y: np.ndarray
    dropped_future_events: int

    @property
    def n(self) -> int:
        return len(self.ids)


def read_byog(
    nodes: Path, edges: Path, events: Path | None, labels: Path, *, as_of: date | None = None
) -> ByogData:
    """Read and validate the four tables (errors name file, row and field); ``events`` is
    optional (no events: the event features are absent)."""
    node_t = read_table(nodes, ("id",))
    ids = _strings(node_t, "id")
    if pc.count_distinct(ids).as_py() != len(ids) or ids.null_count:
        raise InputError(f"{nodes}: node ids must be present and unique")
    kind = (
        _codes(_strings(node_t, "kind"))[0]
        if "kind" in node_t.column_names
        else np.zeros(len(ids), np.int64)
    )
    attributes = {
        c: _numbers(node_t, c, nodes) for c in node_t.column_names if c not in ("id", "kind")
    }

    edge_t = read_table(edges, ("src", "dst", "relation"))
    rel, relations = _codes(_strings(edge_t, "relation"))
    weight = (
        _numbers(edge_t, "weight", edges)
        if "weight" in edge_t.column_names
        else np.ones(len(edge_t))
    )
    negative = np.flatnonzero(weight < 0)
    if negative.size:
        raise InputError(
            f"{edges}: row {int(negative[0]) + 2}, field 'weight': must not be negative"
        )

    events_path = events or Path("(no events table)")
    event_t = (
        read_table(events, ("id", "type"))
        if events is not None
        else pa.table(
            {
                "id": pa.array([], pa.string()),
                "type": pa.array([], pa.string()),
                "months_before": pa.array([], pa.float64()),
            }
        )
    )
    if "months_before" in event_t.column_names:
        months = _numbers(event_t, "months_before", events_path)
    elif "date" in event_t.column_names:
        days = pc.cast(pc.cast(event_t["date"], pa.date32()), pa.int32()).to_numpy(
            zero_copy_only=False
        )
        day = np.asarray(days, np.float64)
        ref = (as_of - date(1970, 1, 1)).days if as_of else np.nanmax(day)
        months = (ref - day) / DAYS_PER_MONTH
    else:
        raise SourceFileError(f"{events}: needs a 'date' or a 'months_before' column")
    severity = np.full(len(event_t), np.nan)
    if "severity" in event_t.column_names:
        severity = _severity(_strings(event_t, "severity"))
    future = ~(months >= 0)
    keep = ~future
    etype, event_types = _codes(_strings(event_t, "type"))

    label_t = read_table(labels, ("id", "split", "label"))
    split = _strings(label_t, "split").to_pylist()
    bad = [i for i, s in enumerate(split) if s not in SPLITS]
    if bad:
        raise InputError(
            f"{labels}: row {bad[0] + 2}, field 'split': {split[bad[0]]!r} is not one of"
            f" {', '.join(SPLITS)}"
        )
    y = _numbers(label_t, "label", labels)
    if not np.isin(y, (0, 1)).all():
        raise InputError(f"{labels}: field 'label' must be 0 or 1")
    return ByogData(
        ids=ids.to_pylist(),
        kind=kind,
        attributes=attributes,
        edge_src=_index(ids, _strings(edge_t, "src"), edges, "src"),
        edge_dst=_index(ids, _strings(edge_t, "dst"), edges, "dst"),
        edge_rel=rel,
        relations=relations,
        edge_weight=np.nan_to_num(weight, nan=1.0),
        event_node=_index(ids, _strings(event_t, "id"), events_path, "id")[keep],
        event_type=etype[keep],
        event_types=event_types,
        event_months=months[keep],
        event_severity=severity[keep],
        label_node=_index(ids, _strings(label_t, "id"), labels, "id"),
        label_split=np.array([SPLITS.index(s) for s in split], np.int8),
        label_y=y.astype(bool),
        dropped_future_events=int(future.sum()),
    )
