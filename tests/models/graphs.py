"""Tiny hand-made graphs, built through the real store and snapshot builder."""

from __future__ import annotations

import itertools
from datetime import date
from pathlib import Path
from typing import Any

from linkrisk.graph.embedded.store import EmbeddedStore
from linkrisk.graph.snapshot.arrays import Snapshot, load_snapshot
from linkrisk.graph.snapshot.build import build_snapshot
from tests.factories import table

AS_OF = date(2026, 10, 31)
_counter = itertools.count()


def store_of(path: Path, **tables: list[dict[str, Any]]) -> EmbeddedStore:
    """An embedded store at ``path`` holding the given canonical tables."""
    store = EmbeddedStore(path)
    store.migrate()
    add(store, **tables)
    return store


def add(store: EmbeddedStore, **tables: list[dict[str, Any]]) -> None:
    store.write_batch({name: table(name, rows) for name, rows in tables.items() if rows})


def snapshot_of(store: EmbeddedStore, root: Path, as_of: date = AS_OF) -> Snapshot:
    return load_snapshot(build_snapshot(store, root, as_of=as_of, supernode_cap=10))


def build(tmp_path: Path, as_of: date = AS_OF, **tables: list[dict[str, Any]]) -> Snapshot:
    """A snapshot as of ``as_of`` of a fresh store holding ``tables``."""
    k = next(_counter)
    store = store_of(tmp_path / f"g{k}.db", **tables)
    try:
        return snapshot_of(store, tmp_path / f"snaps{k}", as_of)
    finally:
        store.close()


def event(event_id: str, sid: str, type_: str, decided: date, **extra: Any) -> dict[str, Any]:
    return {"event_id": event_id, "sid": sid, "type": type_, "decision_date": decided, **extra}


def inspection(
    sid: str, when: date, result: str, plan: str = "plan1", matter: str = "m"
) -> dict[str, Any]:
    return {"plan_id": plan, "sid": sid, "inspect_date": when, "result": result, "matter": matter}
