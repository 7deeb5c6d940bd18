"""Build a snapshot from a store: read the canonical tables as Arrow, map sids to integers,
build CSR adjacency per relation, derive shared-contact links, and publish atomically.

The version id is derived from the content (``YYYYMMDD-<digest>``), so rebuilding an unchanged
store as of the same date gives the same version.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from linkrisk.graph.relations import (
    CONTACT_CODES,
    EVENT_CODES,
    KIND_CODES,
    NO_END,
    NO_START,
    RESULT_CODES,
    ROLE_CODES,
    SEVERITY_CODES,
    STATUS_CODES,
    RelType,
)
from linkrisk.graph.snapshot import CURRENT
from linkrisk.graph.store import GraphStore

Progress = Callable[[str], None]
SID_WIDTH = 33  # "P" + 32 hex digits; a USCC is 18


def _table(store: GraphStore, name: str, columns: list[str]) -> pa.Table:
    batches = list(store.read_table(name, columns))
    if not batches:
        from linkrisk.loaders.records import TABLES

        schema = pa.schema([TABLES[name].schema.field(c) for c in columns])
        return schema.empty_table()
    return pa.Table.from_batches(batches)


def _days(column: pa.ChunkedArray | pa.Array, missing: int) -> np.ndarray:
    """date32 → int32 days since 1970, with ``missing`` for nulls."""
    days = pc.cast(column, pa.int32())
    return np.asarray(pc.fill_null(days, missing).to_numpy(zero_copy_only=False), dtype=np.int32)


def _codes(column: pa.ChunkedArray, codes: tuple[Any, ...]) -> np.ndarray:
    values = pa.array([c.value for c in codes], pa.string())
    found = pc.index_in(column, value_set=values)
    return np.asarray(pc.fill_null(found, -1).to_numpy(zero_copy_only=False), dtype=np.int8)


def _node_index(column: pa.ChunkedArray, sid_set: pa.Array) -> np.ndarray:
    found = pc.index_in(column, value_set=sid_set)
    return np.asarray(pc.fill_null(found, -1).to_numpy(zero_copy_only=False), dtype=np.int64)


def build_csr(src: np.ndarray, dst: np.ndarray, n: int) -> dict[str, np.ndarray]:
    """Forward and reverse CSR of the edges ``src[k] → dst[k]`` (edges ordered by source)."""
    order = np.argsort(src, kind="stable")
    s, d = src[order], dst[order]
    indptr = np.zeros(n + 1, np.int64)
    np.cumsum(np.bincount(s, minlength=n), out=indptr[1:])
    rev_order = np.argsort(d, kind="stable")
    rev_indptr = np.zeros(n + 1, np.int64)
    np.cumsum(np.bincount(d, minlength=n), out=rev_indptr[1:])
    return {
        "order": order,
        "indptr": indptr,
        "indices": d.astype(np.int32),
        "rev_indptr": rev_indptr,
        "rev_indices": s[rev_order].astype(np.int32),
        "rev_edge": rev_order.astype(np.int64),
    }


def _valid_on(start: np.ndarray, end: np.ndarray, day: int) -> np.ndarray:
    """Edges in force on ``day``: started on or before it and not yet ended."""
    return (start <= day) & (end > day)


def _contact_groups(values: pa.ChunkedArray, cap: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Group ids, group sizes per node, and the (a, b) node pairs of groups of size 2..cap."""
    n = len(values)
    encoded = pc.dictionary_encode(values).combine_chunks()
    group = np.asarray(pc.fill_null(encoded.indices, -1).to_numpy(zero_copy_only=False), np.int32)
    has = group >= 0
    sizes_by_group = np.bincount(group[has], minlength=len(encoded.dictionary))
    size = np.zeros(n, np.int32)
    size[has] = sizes_by_group[group[has]]
    members = np.flatnonzero(has & (size >= 2) & (size <= cap))
    members = members[np.argsort(group[members], kind="stable")]
    pairs_a, pairs_b = [], []
    for k in range(2, cap + 1):
        of_k = members[size[members] == k].reshape(-1, k)  # groups of size k, one per row
        if of_k.size:
            a, b = np.meshgrid(np.arange(k), np.arange(k), indexing="ij")
            off = a != b
            pairs_a.append(of_k[:, a[off]].ravel())
            pairs_b.append(of_k[:, b[off]].ravel())
    if pairs_a:
        return group, size, np.stack([np.concatenate(pairs_a), np.concatenate(pairs_b)])
    return group, size, np.zeros((2, 0), np.int64)


def build_snapshot(
    store: GraphStore,
    root: Path,
    *,
    as_of: date | None = None,
    supernode_cap: int = 10,
    progress: Progress | None = None,
) -> Path:
    """Build, write and publish a snapshot of ``store`` as of ``as_of`` (default: today)."""
    started = time.perf_counter()
    say = progress or (lambda _msg: None)
    as_of = as_of or date.today()
    day = (as_of - date(1970, 1, 1)).days
    arrays: dict[str, np.ndarray] = {}
    stats: dict[str, Any] = {}

    say("subjects")
    subjects = _table(
        store,
        "subjects",
        [
            "sid",
            "kind",
            "status",
            "region",
            "industry",
            "reg_date",
            "capital",
            "weak",
            "phone",
            "email",
            "address",
        ],
    )
    reg = _days(subjects["reg_date"], NO_START)
    subjects = subjects.filter(pa.array(reg <= day)).sort_by("sid")
    sid_set = subjects["sid"].combine_chunks()
    n = len(sid_set)
    arrays["nodes/sid"] = np.asarray(sid_set.to_numpy(zero_copy_only=False), dtype=f"S{SID_WIDTH}")
    arrays["nodes/kind"] = _codes(subjects["kind"], KIND_CODES)
    arrays["nodes/status"] = _codes(subjects["status"], STATUS_CODES)
    region = pc.cast(pc.fill_null(subjects["region"], "-1"), pa.int32(), safe=False)
    arrays["nodes/region"] = np.asarray(region.to_numpy(), np.int32)
    arrays["nodes/industry"] = np.asarray(
        pc.fill_null(subjects["industry"], "").to_numpy(zero_copy_only=False), dtype="S5"
    )
    arrays["nodes/reg_date"] = _days(subjects["reg_date"], NO_START)
    capital = pc.fill_null(subjects["capital"], float("nan")).to_numpy(zero_copy_only=False)
    arrays["nodes/capital"] = np.asarray(capital, np.float32)
    arrays["nodes/weak"] = np.asarray(
        pc.fill_null(subjects["weak"], False).to_numpy(zero_copy_only=False), bool
    )

    say("shared contacts")
    contact_pairs = []
    for code, kind in enumerate(CONTACT_CODES):
        group, size, pairs = _contact_groups(subjects[kind.value], supernode_cap)
        arrays[f"nodes/{kind.value}_group"] = group
        arrays[f"nodes/{kind.value}_size"] = size
        contact_pairs.append((pairs, np.full(pairs.shape[1], code, np.int8)))
        stats[f"supernodes_{kind.value}"] = len(np.unique(group[size > supernode_cap]))
    del subjects

    say("relations")
    edge_specs: dict[RelType, tuple[str, str, str, list[str]]] = {
        RelType.HOLDS: ("holdings", "src", "dst", ["share"]),
        RelType.OFFICER: ("officers", "person", "org", ["role"]),
        RelType.BRANCH: ("branches", "parent", "branch", []),
    }
    for rel, (table, a, b, extra) in edge_specs.items():
        edges = _table(store, table, [a, b, *extra, "start_date", "end_date"])
        start = _days(edges["start_date"], NO_START)
        end = _days(edges["end_date"], NO_END)
        src, dst = _node_index(edges[a], sid_set), _node_index(edges[b], sid_set)
        keep = _valid_on(start, end, day) & (src >= 0) & (dst >= 0)
        stats[f"dangling_{rel.value}"] = int(((src < 0) | (dst < 0)).sum())
        csr = build_csr(src[keep], dst[keep], n)
        order = csr.pop("order")
        attrs = {"start": start[keep][order], "end": end[keep][order]}
        if rel is RelType.HOLDS:
            share = pc.fill_null(edges["share"], float("nan")).to_numpy(zero_copy_only=False)
            attrs["share"] = np.asarray(share, np.float32)[keep][order]
        if rel is RelType.OFFICER:
            attrs["role"] = _codes(edges["role"], ROLE_CODES)[keep][order]
        for key, value in {**csr, **attrs}.items():
            arrays[f"rel/{rel.value}/{key}"] = value
        stats[f"edges_{rel.value}"] = int(keep.sum())
        del edges

    pairs = np.concatenate([p for p, _ in contact_pairs], axis=1)
    kinds = np.concatenate([k for _, k in contact_pairs])
    csr = build_csr(pairs[0], pairs[1], n)
    order = csr.pop("order")
    for key, value in {**csr, "contact": kinds[order]}.items():
        arrays[f"rel/{RelType.SAME_CONTACT.value}/{key}"] = value
    stats[f"edges_{RelType.SAME_CONTACT.value}"] = int(pairs.shape[1])

    say("events")
    events = _table(
        store,
        "events",
        [
            "event_id",
            "sid",
            "type",
            "severity",
            "decision_date",
            "disclosure_end",
            "repair_date",
            "objection",
        ],
    )
    decided = _days(events["decision_date"], NO_END)
    node = _node_index(events["sid"], sid_set)
    keep = (decided <= day) & (node >= 0)
    repair = _days(events["repair_date"], NO_END)
    ev = {
        "node": node.astype(np.int32),
        "type": _codes(events["type"], EVENT_CODES),
        "severity": _codes(events["severity"], SEVERITY_CODES),
        "decision": decided,
        "disclosure_end": _days(events["disclosure_end"], NO_END),
        "repair": np.where(repair <= day, repair, NO_END).astype(np.int32),  # later repairs unknown
        "objection": np.asarray(
            pc.fill_null(events["objection"], False).to_numpy(zero_copy_only=False), bool
        ),
        "event_id": np.asarray(events["event_id"].to_numpy(zero_copy_only=False), dtype="S24"),
    }
    _write_grouped(arrays, "events", ev, keep, n)
    del events

    say("inspections")
    insp = _table(store, "inspections", ["sid", "inspect_date", "result"])
    when = _days(insp["inspect_date"], NO_END)
    node = _node_index(insp["sid"], sid_set)
    keep = (when <= day) & (node >= 0)
    cols = {
        "node": node.astype(np.int32),
        "date": when,
        "result": _codes(insp["result"], RESULT_CODES),
    }
    _write_grouped(arrays, "inspections", cols, keep, n)

    stats.update(nodes=n, seconds=round(time.perf_counter() - started, 3))
    return _publish(root, arrays, as_of, stats)


def _write_grouped(
    arrays: dict[str, np.ndarray],
    prefix: str,
    cols: dict[str, np.ndarray],
    keep: np.ndarray,
    n: int,
) -> None:
    """Rows sorted by node (then date), with a per-node indptr."""
    node = cols["node"][keep]
    date_key = cols.get("decision", cols.get("date"))
    assert date_key is not None
    order = np.lexsort((date_key[keep], node))
    for key, value in cols.items():
        arrays[f"{prefix}/{key}"] = value[keep][order]
    indptr = np.zeros(n + 1, np.int64)
    np.cumsum(np.bincount(node, minlength=n), out=indptr[1:])
    arrays[f"{prefix}/indptr"] = indptr


def _publish(root: Path, arrays: dict[str, np.ndarray], as_of: date, stats: dict[str, Any]) -> Path:
    digest = hashlib.blake2b(as_of.isoformat().encode(), digest_size=16)
    for key in sorted(arrays):
        digest.update(key.encode())
        digest.update(np.ascontiguousarray(arrays[key]).view(np.uint8).data)
    version = f"{as_of:%Y%m%d}-{digest.hexdigest()[:12]}"
    final = root / version
    if not final.exists():
        tmp = root / f".tmp-{version}-{os.getpid()}"
        shutil.rmtree(tmp, ignore_errors=True)
        for key, value in arrays.items():
            target = tmp / f"{key}.npy"
            target.parent.mkdir(parents=True, exist_ok=True)
            np.save(target, value)
        for rel in RelType:  # every relation directory exists even when empty
            (tmp / "rel" / rel.value).mkdir(parents=True, exist_ok=True)
        meta = {
            "version": version,
            "as_of": as_of.isoformat(),
            "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "stats": stats,
        }
        (tmp / "meta.json").write_text(json.dumps(meta, indent=2))
        os.replace(tmp, final)
    pointer = root / f".{CURRENT}.tmp"
    pointer.write_text(version)
    os.replace(pointer, root / CURRENT)
    return final
