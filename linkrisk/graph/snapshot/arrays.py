"""The snapshot: a versioned, read-only, point-in-time view of the graph as numpy arrays.

A snapshot taken *as of* a date holds the world as it was known on that date: subjects
registered by then, relations valid on that day (ended holdings and roles left out), events
decided by then (a repair after that date is not yet known) and earlier inspection results.
Models computed on it therefore cannot see the future.

Layout of a snapshot directory (all ``.npy``, loaded memory-mapped)::

    meta.json
    nodes/sid.npy            S33, sorted: node i is sids[i]; binary search gives the index
    nodes/{kind,status}.npy  int8 codes (``relations.KIND_CODES`` …), -1 unknown
    nodes/{region,reg_date}.npy int32 (reg_date days since 1970, NO_START unknown)
    nodes/industry.npy       S5;  nodes/capital.npy float32 (nan unknown); nodes/weak.npy bool
    nodes/{phone,email,address}_group.npy  int32 contact group id (-1 none)
    nodes/{phone,email,address}_size.npy   int32 subjects sharing that value (0 none)
    nodes/locality.npy       int32 permutation: the nodes by component and degree, the order the
                             propagation operator is built in (``parts.locality_order``)
    rel/<TYPE>/{indptr,indices}.npy          CSR out-edges, indptr int64, indices int32
    rel/<TYPE>/{rev_indptr,rev_indices,rev_edge}.npy  CSR in-edges; rev_edge → out-edge position
    rel/<TYPE>/<attr>.npy    per out-edge: start, end (int32 days), share, subscribed (HOLDS:
                             认缴出资额 in yuan, nan unknown; absent before 2026-12), role, contact
    events/*.npy             one row per event, sorted by node; events/indptr.npy per node
    inspections/*.npy        node, date, result (int8 code), sorted by node; indptr per node
    search/*.npy             normalised names, pinyin and initials of the named nodes as Arrow
                             string buffers (``names``; absent in snapshots of older releases)
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

from linkrisk.errors import InputError, NotFound, NotReady
from linkrisk.graph.relations import RelType
from linkrisk.loaders.keys import key_problem, normalise_key

CURRENT = "CURRENT"  # file in the snapshot root naming the published version
CSR_ARRAYS = ("indptr", "indices", "rev_indptr", "rev_indices", "rev_edge")  # of every relation


@dataclass(frozen=True, slots=True)
class Relation:
    """One relation type as forward and reverse CSR with per-edge attributes."""

    type: RelType
    indptr: np.ndarray
    indices: np.ndarray
    rev_indptr: np.ndarray
    rev_indices: np.ndarray
    rev_edge: np.ndarray
    attrs: dict[str, np.ndarray] = field(default_factory=dict)

    @property
    def n_edges(self) -> int:
        return int(self.indices.shape[0])

    def out(self, node: int) -> tuple[np.ndarray, np.ndarray]:
        """Targets of ``node``'s out-edges and the edge positions (for attributes)."""
        lo, hi = int(self.indptr[node]), int(self.indptr[node + 1])
        return self.indices[lo:hi], np.arange(lo, hi)

    def into(self, node: int) -> tuple[np.ndarray, np.ndarray]:
        """Sources of ``node``'s in-edges and the out-edge positions of those edges."""
        lo, hi = int(self.rev_indptr[node]), int(self.rev_indptr[node + 1])
        return self.rev_indices[lo:hi], self.rev_edge[lo:hi]

    def sources(self) -> np.ndarray:
        """Source node of every out-edge (expanded from indptr)."""
        counts = np.diff(self.indptr)
        return np.repeat(np.arange(len(counts), dtype=np.int32), counts)

    def matrix(self, weights: np.ndarray | None = None, dtype: Any = np.float32) -> sp.csr_matrix:
        """The n×n adjacency (row = source) with the given per-edge weights (default 1)."""
        n = len(self.indptr) - 1
        data = np.ones(self.n_edges, dtype) if weights is None else np.asarray(weights, dtype)
        return sp.csr_matrix((data, self.indices, self.indptr), shape=(n, n))


@dataclass(frozen=True, slots=True)
class Snapshot:
    """A loaded snapshot. Arrays are memory-mapped and must be treated as read-only."""

    path: Path
    meta: dict[str, Any]
    sids: np.ndarray
    nodes: dict[str, np.ndarray]
    relations: dict[RelType, Relation]
    events: dict[str, np.ndarray]
    inspections: dict[str, np.ndarray]
    search: dict[str, np.ndarray] = field(default_factory=dict)  # ``names``; {} if not built

    @property
    def version(self) -> str:
        return str(self.meta["version"])

    @property
    def as_of(self) -> date:
        return date.fromisoformat(self.meta["as_of"])

    @property
    def n(self) -> int:
        return int(self.sids.shape[0])

    def try_index(self, sid: str) -> int | None:
        key = sid.encode()
        i = int(np.searchsorted(self.sids, key))
        return i if i < self.n and self.sids[i] == key else None

    def index(self, sid: str) -> int:
        """The node index of ``sid``; ``NotFound`` if the snapshot does not hold it, and
        ``InputError`` if it is no subject key at all (a USCC that does not check)."""
        i = self.try_index(sid)
        if i is None:
            problem = key_problem(normalise_key(sid))
            if problem is not None:
                raise InputError(problem, field="sid")
            raise NotFound(f"subject {sid} is not in snapshot {self.version}")
        return i

    def indices(self, sids: Iterable[str]) -> np.ndarray:
        """Node indices of many sids at once (-1 where absent)."""
        keys = np.asarray([s.encode() for s in sids], dtype=self.sids.dtype)
        pos = np.searchsorted(self.sids, keys)
        pos = np.minimum(pos, self.n - 1)
        return np.where(self.sids[pos] == keys, pos, -1).astype(np.int64)

    def sid(self, node: int) -> str:
        return bytes(self.sids[node]).decode()

    def sid_list(self, nodes: Iterable[int]) -> list[str]:
        return [bytes(self.sids[i]).decode() for i in nodes]

    def events_of(self, node: int) -> dict[str, np.ndarray]:
        lo, hi = int(self.events["indptr"][node]), int(self.events["indptr"][node + 1])
        return {k: v[lo:hi] for k, v in self.events.items() if k != "indptr"}

    def inspections_of(self, node: int) -> dict[str, np.ndarray]:
        ptr = self.inspections["indptr"]
        lo, hi = int(ptr[node]), int(ptr[node + 1])
        return {k: v[lo:hi] for k, v in self.inspections.items() if k != "indptr"}


def load_snapshot(path: Path, *, mmap: bool = True) -> Snapshot:
    """Load a snapshot directory (memory-mapped by default)."""
    meta_path = path / "meta.json"
    if not meta_path.exists():
        raise NotReady(f"no snapshot at {path}: run `linkrisk snapshot` first")
    arrays = {
        f"{file.parent.relative_to(path).as_posix()}/{file.stem}": (
            np.load(file, mmap_mode="r") if mmap else np.load(file)
        )
        for file in path.glob("*/**/*.npy")
    }
    return assemble(path, json.loads(meta_path.read_text()), arrays)


def assemble(path: Path, meta: dict[str, Any], arrays: dict[str, np.ndarray]) -> Snapshot:
    """A snapshot from its arrays, keyed by their places in a snapshot directory without the
    suffix (``nodes/sid``, ``rel/HOLDS/indptr``, ``events/indptr`` …)."""
    folders: dict[str, dict[str, np.ndarray]] = {}
    for key, array in sorted(arrays.items()):
        folder, _, name = key.rpartition("/")
        folders.setdefault(folder, {})[name] = array
    nodes = folders.pop("nodes", {})
    relations = {}
    for rel in RelType:
        rest = folders.pop(f"rel/{rel.value}", {})
        core = {k: rest.pop(k) for k in CSR_ARRAYS}
        relations[rel] = Relation(rel, **core, attrs=rest)
    return Snapshot(
        path=path,
        meta=meta,
        sids=nodes.pop("sid"),
        nodes=nodes,
        relations=relations,
        events=folders.pop("events", {}),
        inspections=folders.pop("inspections", {}),
        search=folders.pop("search", {}),
    )


def current_snapshot_path(root: Path) -> Path:
    """The published snapshot directory named by ``root/CURRENT``."""
    pointer = root / CURRENT
    if not pointer.exists():
        raise NotReady(f"no snapshot published under {root}: run `linkrisk snapshot` first")
    return root / pointer.read_text().strip()


def load_current(root: Path, *, mmap: bool = True) -> Snapshot:
    return load_snapshot(current_snapshot_path(root), mmap=mmap)
