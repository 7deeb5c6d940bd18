"""Factory helpers: canonical tables from a few dicts (missing columns are null)."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pyarrow as pa

from linkrisk.graph.embedded.store import EmbeddedStore
from linkrisk.loaders.records import TABLES, WRITABLE


def table(name: str, rows: list[dict[str, Any]]) -> pa.Table:
    schema = WRITABLE[name].schema
    return pa.Table.from_pylist(
        [{f.name: r.get(f.name) for f in schema} for r in rows], schema=schema
    )


def org(sid: str, **attrs: Any) -> dict[str, Any]:
    return {"sid": sid, "kind": "enterprise", "status": "active", **attrs}


def person(sid: str, **attrs: Any) -> dict[str, Any]:
    return {"sid": sid, "kind": "person", **attrs}


def new_store(path: Path) -> EmbeddedStore:
    """A migrated embedded store at ``path``."""
    store = EmbeddedStore(path)
    store.migrate()
    return store


def dump_tables(store: EmbeddedStore) -> dict[str, list[tuple[Any, ...]]]:
    """Every canonical table's rows as SQLite holds them, in a stable order."""
    with sqlite3.connect(store.path) as conn:
        return {
            name: sorted(conn.execute(f"SELECT * FROM {name}").fetchall(), key=repr)
            for name in TABLES
        }
