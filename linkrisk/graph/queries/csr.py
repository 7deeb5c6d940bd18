"""Vectorised CSR primitives shared by the query algorithms: gathers, walk views, edge facts.

A ``WalkView`` looks at a snapshot's relations as one undirected multigraph: expanding a set of
nodes gathers, per selected relation, the ``indptr`` slices of the forward CSR (edges walked
forward) and of the reverse CSR (edges walked backward) with numpy, never a Python loop over
edges. Everything here is pure array code over the memory-mapped snapshot.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from linkrisk.errors import InputError
from linkrisk.graph.queries.results import Edge, Hop, sort_edges
from linkrisk.graph.relations import CONTACT_CODES, KIND_CODES, ROLE_CODES, RelType
from linkrisk.graph.snapshot.arrays import Relation, Snapshot

#: Canonical relation order (ties between parallel edges, sort orders): RelType declaration order.
REL_ORDER: tuple[RelType, ...] = tuple(RelType)
#: Relations stored in both directions; walked "forward" either way and gathered once.
SYMMETRIC = frozenset({RelType.SAME_CONTACT})
SAME_CONTACT_CODE = REL_ORDER.index(RelType.SAME_CONTACT)


def gather(indptr: np.ndarray, nodes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Concatenated CSR slices of ``nodes``: (owner of each position, position), in node order.

    >>> gather(np.array([0, 2, 2, 5]), np.array([0, 2]))
    (array([0, 0, 2, 2, 2]), array([0, 1, 2, 3, 4]))
    """
    nodes = np.asarray(nodes, np.int64)
    starts = np.asarray(indptr[nodes], np.int64)
    counts = np.asarray(indptr[nodes + 1], np.int64) - starts
    total = int(counts.sum())
    if total == 0:
        empty = np.zeros(0, np.int64)
        return empty, empty
    offsets = np.cumsum(counts) - counts
    pos = np.arange(total, dtype=np.int64) + np.repeat(starts - offsets, counts)
    return np.repeat(nodes, counts), pos


def decimal_shares(values: np.ndarray) -> np.ndarray:
    """float32 shares as the decimals they were loaded from (0.6f → 0.6, not 0.6000000238).

    The shortest float32 repr round-trips the loaded value, so results show 0.6 and products
    of shares carry no float32 noise. NaN (unknown share) stays NaN.
    """
    values = np.asarray(values)
    if values.dtype == np.float32:
        return values.astype(str).astype(np.float64)
    return values.astype(np.float64)


def parse_rels(rels: Iterable[RelType | str] | None) -> tuple[RelType, ...]:
    """Selected relation types in canonical order (default: all); unknown names are an error."""
    if rels is None:
        return REL_ORDER
    chosen = set()
    for name in rels:
        try:
            chosen.add(RelType(str(name).upper()))
        except ValueError:
            known = ", ".join(r.value for r in RelType)
            raise InputError(f"unknown relation type {name!r}: use one of {known}") from None
    if not chosen:
        raise InputError("choose at least one relation type")
    return tuple(r for r in REL_ORDER if r in chosen)


@dataclass(frozen=True, slots=True)
class Walks:
    """Edges walked out of a set of nodes: ``frm`` → ``to`` over relation ``rel``.

    ``rel`` indexes ``REL_ORDER``; ``fwd`` says the stored edge points the same way; ``pos`` is
    the edge's position in the relation's forward arrays (for its attributes).
    """

    frm: np.ndarray
    to: np.ndarray
    rel: np.ndarray
    fwd: np.ndarray
    pos: np.ndarray
    tie: np.ndarray  # tie-break among parallel edges of one relation (see ``tie_keys``)

    @staticmethod
    def empty() -> Walks:
        z = np.zeros(0, np.int64)
        return Walks(z, z, np.zeros(0, np.int8), np.zeros(0, bool), z, np.zeros(0, np.int32))

    @staticmethod
    def concat(parts: Sequence[Walks]) -> Walks:
        if not parts:
            return Walks.empty()
        return Walks(*(np.concatenate([getattr(p, f) for p in parts]) for f in _WALK_FIELDS))

    def __len__(self) -> int:
        return int(self.frm.shape[0])

    def take(self, mask: np.ndarray) -> Walks:
        return Walks(
            self.frm[mask],
            self.to[mask],
            self.rel[mask],
            self.fwd[mask],
            self.pos[mask],
            self.tie[mask],
        )

    def reversed(self) -> Walks:
        """The same edges walked the other way."""
        return Walks(self.to, self.frm, self.rel, ~self.fwd, self.pos, self.tie)


_WALK_FIELDS = ("frm", "to", "rel", "fwd", "pos", "tie")


class WalkView:
    """The selected relations of a snapshot as one undirected multigraph.

    On first use the view merges the selected relations' forward and reverse CSR into one
    combined CSR (row = node, one entry per walkable edge end, with relation code, direction and
    forward position), in O(edges) numpy without sorting. A BFS layer is then a single gather,
    and a node's degree a single ``indptr`` difference. Built once per view and kept.
    """

    def __init__(self, snapshot: Snapshot, rels: Iterable[RelType | str] | None = None) -> None:
        self.snapshot = snapshot
        self.rels = parse_rels(rels)
        self._lock = threading.Lock()
        self._csr: tuple[np.ndarray, ...] | None = None

    @property
    def n(self) -> int:
        return self.snapshot.n

    def _combined(self) -> tuple[np.ndarray, ...]:
        if self._csr is None:
            with self._lock:
                if self._csr is None:
                    self._csr = combine(self.snapshot, self.rels)
        return self._csr

    def degree(self, nodes: np.ndarray) -> np.ndarray:
        """Degree over the selected relations (symmetric relations counted once per stored edge)."""
        indptr = self._combined()[0]
        nodes = np.asarray(nodes, np.int64)
        degree: np.ndarray = indptr[nodes + 1] - indptr[nodes]
        return degree

    def expand(self, nodes: np.ndarray) -> Walks:
        """Every edge incident to ``nodes``, walked away from them (one gather)."""
        indptr, to, rel, fwd, pos, tie = self._combined()
        frm, slots = gather(indptr, nodes)
        return Walks(
            frm,
            to[slots].astype(np.int64),
            rel[slots],
            fwd[slots],
            pos[slots].astype(np.int64),
            tie[slots],
        )


def combine(snapshot: Snapshot, rels: Iterable[RelType]) -> tuple[np.ndarray, ...]:
    """One CSR over the walkable edge ends of ``rels``: (indptr, to, rel, fwd, pos, tie).

    Parts (each relation forward, then reverse unless symmetric) keep their own row order; an
    entry's slot is its row start + the counts of earlier parts in that row + its rank in its
    part's row, so no sort is needed.
    """
    n = snapshot.n
    parts = []
    for rel_type in rels:
        rel = snapshot.relations[rel_type]
        code = REL_ORDER.index(rel_type)
        forward_pos = np.arange(rel.n_edges, dtype=np.int32)
        parts.append((rel.indptr, rel.indices, code, True, forward_pos))
        if rel_type not in SYMMETRIC:
            parts.append((rel.rev_indptr, rel.rev_indices, code, False, rel.rev_edge))
    counts = [np.diff(np.asarray(p[0])) for p in parts]
    indptr = np.zeros(n + 1, np.int64)
    np.cumsum(np.sum(counts, axis=0) if counts else np.zeros(n, np.int64), out=indptr[1:])
    total = int(indptr[-1])
    to = np.empty(total, np.int32)
    rel_codes = np.empty(total, np.int8)
    fwd = np.empty(total, bool)
    pos = np.empty(total, np.int32)
    tie = np.empty(total, np.int32)
    earlier = np.zeros(n, np.int64)
    for (part_ptr, part_to, code, forward, part_pos), count in zip(parts, counts, strict=True):
        rows = np.repeat(np.arange(n), count)
        rank = np.arange(len(rows)) - np.asarray(part_ptr)[rows]
        slot = indptr[rows] + earlier[rows] + rank
        to[slot] = part_to
        rel_codes[slot] = code
        fwd[slot] = forward
        pos[slot] = part_pos
        tie[slot] = tie_keys(snapshot, code, np.asarray(part_pos))
        earlier += count
    return indptr, to, rel_codes, fwd, pos, tie


def tie_keys(snapshot: Snapshot, rel_code: int, pos: np.ndarray) -> np.ndarray:
    """Order of parallel edges within a relation: larger share, then role code, contact code.

    Packed into one int32: share quantised to 1e-6 (descending, unknown last) in the high bits,
    role and contact codes (+1, so unknown sorts first) in the low bits.
    """
    attrs = snapshot.relations[REL_ORDER[rel_code]].attrs
    key = np.zeros(len(pos), np.int64)
    if "share" in attrs:
        share = np.asarray(attrs["share"][pos], np.float64)
        quantised = np.round((1.0 - np.clip(share, 0.0, 1.0)) * 1e6)
        key += np.where(np.isnan(share), 1_000_001, quantised).astype(np.int64) << 7
    if "role" in attrs:
        key += (np.asarray(attrs["role"][pos], np.int64) + 1) << 3
    if "contact" in attrs:
        key += np.asarray(attrs["contact"][pos], np.int64) + 1
    return key.astype(np.int32)


def canonical_order(walks: Walks) -> np.ndarray:
    """Permutation sorting walks by (frm, to, canonical edge).

    Canonical order: relation order, forward first, larger share, role code, contact code; the
    first walk of each (frm, to) run is the canonical edge between the two nodes.
    """
    backward = (~walks.fwd) & (walks.rel != SAME_CONTACT_CODE)
    return np.lexsort((walks.tie, backward, walks.rel, walks.to, walks.frm))


def edge_facts(
    snapshot: Snapshot, rel: np.ndarray, pos: np.ndarray
) -> tuple[list[float | None], list[str | None], list[str | None]]:
    """(shares, roles, contacts) of stored edges given by relation code and position."""
    share = np.full(len(pos), np.nan)
    role = np.full(len(pos), -1, np.int64)
    contact = np.full(len(pos), -1, np.int64)
    for code, rel_type in enumerate(REL_ORDER):
        mask = rel == code
        if not mask.any():
            continue
        attrs = snapshot.relations[rel_type].attrs
        if "share" in attrs:
            share[mask] = decimal_shares(attrs["share"][pos[mask]])
        if "role" in attrs:
            role[mask] = attrs["role"][pos[mask]]
        if "contact" in attrs:
            contact[mask] = attrs["contact"][pos[mask]]
    return (
        [None if v != v else v for v in share.tolist()],  # NaN is the only value ≠ itself
        [_ROLES[c] for c in role.tolist()],
        [_CONTACTS[c] for c in contact.tolist()],
    )


def hops_of(snapshot: Snapshot, walks: Walks) -> list[Hop]:
    """Each walk as a hop (``frm`` → ``to``), in order."""
    shares, roles, contacts = edge_facts(snapshot, walks.rel, walks.pos)
    frm = snapshot.sid_list(walks.frm.tolist())
    to = snapshot.sid_list(walks.to.tolist())
    forward = (walks.fwd | (walks.rel == SAME_CONTACT_CODE)).tolist()
    rels = [REL_ORDER[c] for c in walks.rel.tolist()]
    return [
        Hop(
            frm[i],
            to[i],
            rels[i],
            "forward" if forward[i] else "backward",
            shares[i],
            roles[i],
            contacts[i],
        )
        for i in range(len(walks))
    ]


def edges_of(
    snapshot: Snapshot, src: np.ndarray, dst: np.ndarray, rel: np.ndarray, pos: np.ndarray
) -> list[Edge]:
    """Stored edges as result ``Edge`` objects (symmetric ones with the smaller sid first)."""
    symmetric = rel == SAME_CONTACT_CODE
    src, dst = (
        np.where(symmetric, np.minimum(src, dst), src),
        np.where(symmetric, np.maximum(src, dst), dst),
    )
    shares, roles, contacts = edge_facts(snapshot, rel, pos)
    sources, targets = snapshot.sid_list(src.tolist()), snapshot.sid_list(dst.tolist())
    rels = [REL_ORDER[c] for c in rel.tolist()]
    return [
        Edge(sources[i], targets[i], rels[i], shares[i], roles[i], contacts[i])
        for i in range(len(rels))
    ]


def edges_among(snapshot: Snapshot, walks: Walks) -> list[Edge]:
    """Distinct stored edges among walks (symmetric ones once per pair and kind), sorted."""
    if not len(walks):
        return []
    src = np.where(walks.fwd, walks.frm, walks.to)
    dst = np.where(walks.fwd, walks.to, walks.frm)
    symmetric = walks.rel == SAME_CONTACT_CODE
    # one key per stored edge; a symmetric pair's two stored edges share (low, high, kind)
    key = -1 - (walks.rel.astype(np.int64) << 40 | walks.pos)
    if symmetric.any():
        kind = np.asarray(snapshot.relations[RelType.SAME_CONTACT].attrs["contact"])
        low, high = np.minimum(src, dst)[symmetric], np.maximum(src, dst)[symmetric]
        key[symmetric] = (low * snapshot.n + high) * 4 + kind[walks.pos[symmetric]]
    _, first = np.unique(key, return_index=True)
    edges = edges_of(snapshot, src[first], dst[first], walks.rel[first], walks.pos[first])
    return sort_edges(edges)


def kinds_of(snapshot: Snapshot, nodes: Iterable[int]) -> list[str | None]:
    """Subject kinds (enum values) of nodes."""
    codes = snapshot.nodes["kind"][np.fromiter(nodes, np.int64)]
    return [_KINDS[c] for c in codes.tolist()]


def kind_of(snapshot: Snapshot, node: int) -> str | None:
    return _KINDS[int(snapshot.nodes["kind"][node])]


def plain(snapshot: Snapshot) -> Snapshot:
    """The same snapshot with plain ndarray views of its memory maps.

    Indexing a ``numpy.memmap`` returns memmap objects with per-call bookkeeping that costs more
    than the gather itself on small frontiers; plain views share the same pages.
    """

    def views(arrays: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        return {k: np.asarray(v) for k, v in arrays.items()}

    relations = {
        t: Relation(
            r.type,
            np.asarray(r.indptr),
            np.asarray(r.indices),
            np.asarray(r.rev_indptr),
            np.asarray(r.rev_indices),
            np.asarray(r.rev_edge),
            views(r.attrs),
        )
        for t, r in snapshot.relations.items()
    }
    return Snapshot(
        snapshot.path,
        snapshot.meta,
        np.asarray(snapshot.sids),
        views(snapshot.nodes),
        relations,
        views(snapshot.events),
        views(snapshot.inspections),
        views(snapshot.search),
    )


# Lookup tables indexed by code; code -1 (unknown) picks the trailing None.
_ROLES: tuple[str | None, ...] = (*(r.value for r in ROLE_CODES), None)
_CONTACTS: tuple[str | None, ...] = (*(c.value for c in CONTACT_CODES), None)
_KINDS: tuple[str | None, ...] = (*(k.value for k in KIND_CODES), None)
