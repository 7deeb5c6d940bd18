"""Factory helpers: canonical tables from a few dicts (missing columns are null)."""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from linkrisk.loaders.records import TABLES


def table(name: str, rows: list[dict[str, Any]]) -> pa.Table:
    schema = TABLES[name].schema
    return pa.Table.from_pylist(
        [{f.name: r.get(f.name) for f in schema} for r in rows], schema=schema
    )


def org(sid: str, **attrs: Any) -> dict[str, Any]:
    return {"sid": sid, "kind": "enterprise", "status": "active", **attrs}


def person(sid: str, **attrs: Any) -> dict[str, Any]:
    return {"sid": sid, "kind": "person", **attrs}
