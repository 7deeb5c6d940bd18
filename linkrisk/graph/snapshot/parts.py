"""The jobs of a snapshot build, each turning one table (or the sid index and a table) into
arrays. ``snapshot_build`` runs them on worker threads (numpy and Arrow release the GIL) or on
the calling thread; none of them touches the store. Keys starting with ``stats:`` are counts
for the meta file.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from linkrisk.arrays.sid_index import SidIndex, Strings
from linkrisk.arrays.sorting import bits_for, break_ties, indptr_of, lex_order, stable_argsort
from linkrisk.arrays.string_sort import first_seen_groups
from linkrisk.graph.relations import (
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

Arrays = dict[str, np.ndarray]


def filled(column: pa.ChunkedArray | pa.Array, fill: Any, dtype: Any) -> np.ndarray:
    """A non-string column as numpy with nulls filled (no Python objects)."""
    return np.asarray(pc.fill_null(column, fill).to_numpy(zero_copy_only=False), dtype=dtype)


def days(column: pa.ChunkedArray | pa.Array, missing: int) -> np.ndarray:
    """date32 → int32 days since 1970, with ``missing`` for nulls."""
    return filled(pc.cast(column, pa.int32()), missing, np.int32)


def coded(column: pa.ChunkedArray, codes: tuple[Any, ...]) -> np.ndarray:
    """Positions of the values in ``codes`` (a ``relations`` tuple) as int8, -1 unknown."""
    values = pa.array([c.value for c in codes], pa.string())
    return filled(pc.index_in(column, value_set=values), -1, np.int8)


def build_csr(
    src: np.ndarray, dst: np.ndarray, n: int, ties: tuple[np.ndarray, ...] = ()
) -> dict[str, np.ndarray]:
    """Forward and reverse CSR of the edges ``src[k] → dst[k]``: edges ordered by source, then
    target, then the ``ties`` arrays (edge attributes); in-edges by target, then source."""
    order = lex_order([src, dst])
    s, d = src[order], dst[order]
    order = break_ties(order, [s, d], ties)
    rev_order, rev_d = stable_argsort(d, bits_for(n))
    return {
        "order": order,
        "indptr": indptr_of(s, n),
        "indices": d.astype(np.int32),
        "rev_indptr": indptr_of(rev_d.view(np.int64), n),
        "rev_indices": s[rev_order].astype(np.int32),
        "rev_edge": rev_order,
    }


def valid_on(start: np.ndarray, end: np.ndarray, day: int) -> np.ndarray:
    """Edges in force on ``day``: started on or before it and not yet ended."""
    return (start <= day) & (end > day)


def contact_groups(values: pa.ChunkedArray, rows: np.ndarray | None, cap: int) -> Arrays:
    """Group ids (by first appearance in node order), group sizes per node and the (a, b) node
    pairs of groups of size 2..cap. ``rows[i]`` is the row of node i in ``values`` (None: i)."""
    strings = Strings(values)
    valid = strings.valid if rows is None else strings.valid[rows]
    group = np.full(len(valid), -1, np.int64)
    known = np.flatnonzero(valid)
    group[known] = first_seen_groups(strings.words(known if rows is None else rows[known]))
    sizes_by_group = np.bincount(group[known])
    size = np.zeros(len(group), np.int32)
    size[known] = sizes_by_group[group[known]]
    members = known[(size[known] >= 2) & (size[known] <= cap)]
    members = members[np.argsort(group[members], kind="stable")]
    pairs_a, pairs_b = [np.zeros(0, np.int64)], [np.zeros(0, np.int64)]
    for k in range(2, cap + 1):
        of_k = members[size[members] == k].reshape(-1, k)  # groups of size k, one per row
        if of_k.size:
            a, b = np.meshgrid(np.arange(k), np.arange(k), indexing="ij")
            off = a != b
            pairs_a.append(of_k[:, a[off]].ravel())
            pairs_b.append(of_k[:, b[off]].ravel())
    return {
        "group": group.astype(np.int32),
        "size": size,
        "a": np.concatenate(pairs_a),
        "b": np.concatenate(pairs_b),
        "supernodes": np.asarray((sizes_by_group > cap).sum()),
    }


def node_arrays(subjects: pa.Table, rows: np.ndarray | None) -> Arrays:
    """The attributes of the nodes (``rows[i]``: the table row of node i; None: row i)."""
    region = pc.cast(pc.fill_null(subjects["region"], "-1"), pa.int32(), safe=False)
    arrays = {
        "kind": coded(subjects["kind"], KIND_CODES),
        "status": coded(subjects["status"], STATUS_CODES),
        "region": np.asarray(region.to_numpy(), np.int32),
        "industry": Strings(subjects["industry"]).words(width=1).fixed(5),
        "reg_date": days(subjects["reg_date"], NO_START),
        "capital": filled(subjects["capital"], float("nan"), np.float32),
        "weak": filled(subjects["weak"], False, bool),
    }
    return arrays if rows is None else {key: value[rows] for key, value in arrays.items()}


def contact_edges(pairs: list[np.ndarray], kinds: list[np.ndarray], n: int) -> Arrays:
    """SAME_CONTACT as CSR: ``pairs[c]`` are the (a, b) node pairs sharing contact kind c."""
    both, kind = np.concatenate(pairs, axis=1), np.concatenate(kinds)
    csr = build_csr(both[0], both[1], n, ties=(kind,))
    order = csr.pop("order")
    stat = f"stats:edges_{RelType.SAME_CONTACT.value}"
    return {**csr, "contact": kind[order], stat: np.asarray(len(kind))}


def edge_attrs(rel: RelType, edges: pa.Table, day: int) -> Arrays:
    """Per-edge attributes, and which edges are in force on ``day``."""
    start, end = days(edges["start_date"], NO_START), days(edges["end_date"], NO_END)
    attrs = {"valid": valid_on(start, end, day), "start": start, "end": end}
    if rel is RelType.HOLDS:
        attrs["share"] = filled(edges["share"], float("nan"), np.float32)
        attrs["subscribed"] = filled(edges["subscribed"], float("nan"), np.float64)  # 认缴, yuan
    if rel is RelType.OFFICER:
        attrs["role"] = coded(edges["role"], ROLE_CODES)
    return attrs


def lookup(key: str, index: SidIndex, column: pa.ChunkedArray) -> Arrays:
    """The node numbers of a sid column, as ``{key: …}``."""
    return {key: index.lookup(column)}


def relation(rel: RelType, found: Arrays, n: int) -> Arrays:
    """CSR and per-edge attributes of one relation (and its dangling and kept edge counts)."""
    src, dst, valid = found.pop("src"), found.pop("dst"), found.pop("valid")
    keep = np.flatnonzero(valid & (src >= 0) & (dst >= 0))
    attrs = {key: value[keep] for key, value in found.items()}
    csr = build_csr(src[keep], dst[keep], n, ties=tuple(attrs.values()))
    order = csr.pop("order")
    return {
        **csr,
        **{key: value[order] for key, value in attrs.items()},
        f"stats:dangling_{rel.value}": np.asarray(((src < 0) | (dst < 0)).sum()),
        f"stats:edges_{rel.value}": np.asarray(len(keep)),
    }


def events(table: pa.Table, index: SidIndex, day: int) -> Arrays:
    """Events decided by ``day`` of known subjects; repairs after ``day`` are not yet known."""
    events = table  # (the function's name)
    decided = days(events["decision_date"], NO_END)
    node = index.lookup(events["sid"])
    keep = np.flatnonzero((decided <= day) & (node >= 0))
    repair = days(events["repair_date"], NO_END)
    cols = {
        "node": node.astype(np.int32),
        "type": coded(events["type"], EVENT_CODES),
        "severity": coded(events["severity"], SEVERITY_CODES),
        "decision": decided,
        "disclosure_end": days(events["disclosure_end"], NO_END),
        "repair": np.where(repair <= day, repair, NO_END).astype(np.int32),  # later repairs unknown
        "objection": filled(events["objection"], False, bool),
        "event_id": Strings(events["event_id"]).words(width=3).fixed(24),
    }
    return grouped(cols, keep, ["node", "decision"], ["event_id"], index.n)


def inspections(insp: pa.Table, index: SidIndex, day: int) -> Arrays:
    """Inspections done by ``day`` of known subjects."""
    when = days(insp["inspect_date"], NO_END)
    node = index.lookup(insp["sid"])
    keep = np.flatnonzero((when <= day) & (node >= 0))
    cols = {
        "node": node.astype(np.int32),
        "date": when,
        "result": coded(insp["result"], RESULT_CODES),
    }
    return grouped(cols, keep, ["node", "date", "result"], [], index.n)


def grouped(cols: Arrays, keep: np.ndarray, by: list[str], ties: list[str], n: int) -> Arrays:
    """The kept rows ordered by the ``by`` columns (the first is the node), then ``ties``, with
    a per-node indptr."""
    kept = {key: value[keep] for key, value in cols.items()}
    order = lex_order([kept[k] for k in by])
    order = break_ties(order, [kept[k][order] for k in by], [kept[k] for k in ties])
    arrays = {key: value[order] for key, value in kept.items()}
    arrays["indptr"] = indptr_of(arrays[by[0]].astype(np.int64), n)
    return arrays


def locality_order(csrs: list[tuple[np.ndarray, np.ndarray]], n: int) -> np.ndarray:
    """The nodes by connected component over all relations (largest first), by descending degree
    within each: numbered in this order, a node's neighbours lie near it in memory.

    The node numbers stay in sid order (every consumer looks sids up by binary search); this
    order is what the propagation operator is built in (``models.propagation``), whose sparse
    product is bound by gathering the neighbours' values: in sid order a person's key is a hash,
    so its firms are scattered over the whole vector (bench/locality.py measures the gain)."""
    src = np.concatenate([np.repeat(np.arange(n, dtype=np.int32), np.diff(p)) for p, _ in csrs])
    dst = np.concatenate([np.asarray(indices, np.int32) for _, indices in csrs])
    pattern = sp.csr_matrix((np.ones(len(src), np.int8), (src, dst)), shape=(n, n))
    count, label = connected_components(pattern, directed=False)
    sizes = np.bincount(label, minlength=count)
    degree = np.bincount(src, minlength=n) + np.bincount(dst, minlength=n)
    return np.lexsort((-degree, label, -sizes[label])).astype(np.int32)
