"""Fixtures: tiny hand-made graphs written through the embedded store, queried on a snapshot."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from linkrisk.graph.embedded.store import EmbeddedStore
from linkrisk.graph.queries import SnapshotQueries
from linkrisk.graph.snapshot.arrays import load_current
from linkrisk.graph.snapshot.build import build_snapshot
from tests.factories import table

AS_OF = dt.date(2025, 1, 1)

Build = Callable[..., SnapshotQueries]


def tables(**rows: list[dict[str, Any]]) -> dict[str, pa.Table]:
    """Canonical tables from lists of row dicts: ``tables(subjects=[…], holdings=[…])``."""
    return {name: table(name, value) for name, value in rows.items()}


@pytest.fixture
def build(tmp_path: Path) -> Build:
    """``build(subjects=[…], holdings=[…], as_of=…, supernode_cap=…)`` → ``SnapshotQueries``."""
    counter = iter(range(1_000))

    def make(*, as_of: dt.date = AS_OF, supernode_cap: int = 10, **rows: Any) -> SnapshotQueries:
        root = tmp_path / f"g{next(counter)}"
        store = EmbeddedStore(root / "store.db")
        store.migrate()
        store.write_batch(tables(**rows))
        build_snapshot(store, root / "snapshots", as_of=as_of, supernode_cap=supernode_cap)
        store.close()
        return SnapshotQueries(load_current(root / "snapshots"))

    return make


def holds(src: str, dst: str, share: float | None, **attrs: Any) -> dict[str, Any]:
    return {"src": src, "dst": dst, "share": share, **attrs}


def officer(person: str, org: str, role: str, **attrs: Any) -> dict[str, Any]:
    return {"person": person, "org": org, "role": role, **attrs}
