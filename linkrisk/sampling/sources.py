"""Where a plan's inputs come from: published scores, snapshots and the canonical tables.

The pure functions of this package take arrays and Arrow tables; these helpers fetch them so
that the CLI, ``demo_plan`` and the API need not know the layout.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

import numpy as np
import pyarrow as pa

from linkrisk.errors import Conflict, NotReady
from linkrisk.graph.snapshot.arrays import Snapshot, load_snapshot
from linkrisk.graph.store import GraphStore
from linkrisk.loaders.records import TABLES
from linkrisk.sampling.exclusions import INSPECTION_COLUMNS


class ScoresLike(Protocol):
    """What sampling reads from ``linkrisk.models.scores.Scores``."""

    @property
    def snapshot_version(self) -> str: ...

    @property
    def model_version(self) -> str: ...

    @property
    def tier(self) -> np.ndarray: ...


def tiers_of(scores: ScoresLike, snapshot: Snapshot) -> np.ndarray:
    """The tier codes of ``snapshot``'s nodes; refuses scores of another snapshot."""
    if scores.snapshot_version != snapshot.version:
        raise Conflict(
            f"the scores were computed on snapshot {scores.snapshot_version},"
            f" not {snapshot.version}:"
            " score the current snapshot first (`linkrisk score`)"
        )
    tiers = np.asarray(scores.tier, np.int8)
    if tiers.shape != (snapshot.n,):
        raise Conflict(
            f"the scores cover {tiers.shape[0]} nodes; snapshot {snapshot.version} has {snapshot.n}"
        )
    return tiers


def snapshot_by_id(snapshot_dir: Path, snapshot_id: str) -> Snapshot:
    """A plan's own snapshot (plans keep working after newer snapshots are published)."""
    path = snapshot_dir / snapshot_id
    if not (path / "meta.json").exists():
        raise NotReady(
            f"snapshot {snapshot_id} is no longer under {snapshot_dir}; it is needed for this plan"
        )
    return load_snapshot(path)


def read_canonical(graph: GraphStore, name: str, columns: list[str] | None = None) -> pa.Table:
    """A whole canonical table as Arrow (empty, with the right schema, if it has no rows)."""
    table = TABLES[name]
    schema = pa.schema([table.schema.field(c) for c in (columns or table.column_names)])
    batches = list(graph.read_table(name, columns))
    return pa.Table.from_batches(batches, schema=schema) if batches else schema.empty_table()


def read_inspections(graph: GraphStore) -> pa.Table:
    return read_canonical(graph, "inspections", INSPECTION_COLUMNS)


def read_inspectors(graph: GraphStore) -> pa.Table:
    return read_canonical(graph, "inspectors")
