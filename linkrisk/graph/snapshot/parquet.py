"""The snapshot as Parquet tables: what engines beyond one machine (Spark) read.

Layout of an export directory (one Parquet file per table, ``node`` = the snapshot's node index)::

    meta.json                 the snapshot's meta (version, as-of date, stats)
    nodes.parquet             node, sid, and every node column of the snapshot
    edges/<TYPE>.parquet      src, dst (node indices) and the edge attributes (share, role, …)
    events.parquet            node and every event column (type, severity, decision, …)
    inspections.parquet       node, date, result

Every table is written in row groups of ``ROW_GROUP`` rows straight from the memory-mapped arrays,
so the export needs no more memory than one row group per column. Node indices are those of
this snapshot only: results computed from an export are aligned back by them (never by the order
of another snapshot).
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from linkrisk.graph.snapshot.arrays import Snapshot

ROW_GROUP = 1 << 20
VERSION_FILE = "meta.json"


def _write(path: Path, columns: dict[str, np.ndarray], rows: int) -> None:
    """Write ``columns`` (equal length) to ``path`` one row group at a time."""
    path.parent.mkdir(parents=True, exist_ok=True)
    writer: pq.ParquetWriter | None = None
    try:
        for lo in range(0, max(rows, 1), ROW_GROUP):
            hi = min(lo + ROW_GROUP, rows)
            batch = pa.table({name: _arrow(values[lo:hi]) for name, values in columns.items()})
            if writer is None:
                writer = pq.ParquetWriter(path, batch.schema, compression="zstd")
            writer.write_table(batch)
    finally:
        if writer is not None:
            writer.close()


def _arrow(values: np.ndarray) -> pa.Array:
    values = np.asarray(values)
    if values.dtype.kind == "S":  # fixed-width ASCII keys (sid, industry) → strings
        return pa.array(values).cast(pa.string())
    return pa.array(values)


def export_parquet(snapshot: Snapshot, out: Path) -> Path:
    """Write ``snapshot`` as Parquet tables under ``out`` (replaced atomically); returns ``out``."""
    out = Path(out)
    tmp = out.with_name(f".{out.name}.tmp-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    n = snapshot.n
    # ``locality`` is a permutation of the nodes (the operator's layout), no node's attribute
    columns = {k: v for k, v in snapshot.nodes.items() if k != "locality"}
    nodes = {"node": np.arange(n, dtype=np.int64), "sid": snapshot.sids, **columns}
    _write(tmp / "nodes.parquet", nodes, n)
    for rel, relation in snapshot.relations.items():
        columns = {"src": relation.sources(), "dst": np.asarray(relation.indices, np.int32)}
        columns.update(relation.attrs)
        _write(tmp / "edges" / f"{rel.value}.parquet", columns, relation.n_edges)
    for name, table in (("events", snapshot.events), ("inspections", snapshot.inspections)):
        columns = {k: v for k, v in table.items() if k != "indptr"}
        _write(tmp / f"{name}.parquet", columns, len(columns["node"]))
    (tmp / VERSION_FILE).write_text(json.dumps(snapshot.meta, ensure_ascii=False, indent=2))
    if out.exists():
        shutil.rmtree(out)
    os.replace(tmp, out)
    return out


def exported_version(out: Path) -> str | None:
    """The snapshot version an export directory holds (None when there is none)."""
    meta = Path(out) / VERSION_FILE
    return str(json.loads(meta.read_text())["version"]) if meta.exists() else None
