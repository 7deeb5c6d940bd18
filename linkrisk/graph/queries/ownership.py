"""Ownership look-through (股权穿透): integrated ownership up (owners) and down (holdings).

Integrated ownership is the sum over ownership walks of the product of the shares along them
(Orbis-style "integrated" ownership). On the HOLDS subgraph reachable from the subject within the
depth limit it is the solution of the linear system

    u = e_root + Wᵀ u,     W[i, j] = share along the walk edge i → j,

solved exactly with a sparse LU (``spsolve``): circular holdings converge to what the algebra
gives instead of looping or inflating. The system has a non-negative solution exactly when the
shares around every cycle leak (spectral radius < 1); otherwise a ``ConvergenceError`` names the
problem. Separately, simple paths are enumerated best-first (largest share first, ties by the sids
along them) as the *evidence* shown for each result, bounded by depth, min share and a cap.

The functions over local arrays (``integrated_shares``, ``evidence_paths``) are backend-neutral:
a store that fetches the reachable HOLDS edges some other way can call them unchanged.
"""

from __future__ import annotations

import heapq
import itertools
import warnings
from dataclasses import dataclass
from typing import Literal

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import breadth_first_order
from scipy.sparse.linalg import MatrixRankWarning, spsolve

from linkrisk.errors import ConvergenceError
from linkrisk.graph.queries.csr import decimal_shares, gather, kind_of
from linkrisk.graph.queries.marks import marks
from linkrisk.graph.queries.results import Hop, Ownership, OwnershipEntry, Path
from linkrisk.graph.relations import RelType
from linkrisk.graph.snapshot.arrays import Snapshot

#: Reachable subgraphs up to this many nodes are solved dense (LAPACK), larger ones sparse (LU).
DENSE_LIMIT = 64
#: Solutions below this are rounding noise of the LU solve (shares are float32 in the snapshot).
NEGATIVE_TOLERANCE = 1e-9


@dataclass(frozen=True, slots=True)
class LocalHoldings:
    """The HOLDS subgraph within reach of a root, in walk direction, with local indices.

    ``nodes[i]`` is the snapshot index of local node ``i`` (ascending, i.e. in sid order);
    parallel stored edges are merged: their shares summed, ``known`` if any share is known.
    """

    nodes: np.ndarray
    depth: np.ndarray
    root: int
    src: np.ndarray
    dst: np.ndarray
    share: np.ndarray
    known: np.ndarray


def reach_holdings(
    snapshot: Snapshot, root: int, direction: Literal["up", "down"], max_depth: int
) -> LocalHoldings:
    """BFS over HOLDS from ``root``, one gather per layer (up: to owners; down: to holdings)."""
    holds = snapshot.relations[RelType.HOLDS]
    if direction == "up":
        indptr, indices, edge_ids = holds.rev_indptr, holds.rev_indices, holds.rev_edge
    else:
        indptr, indices, edge_ids = holds.indptr, holds.indices, None
    with marks(snapshot.n) as seen:
        seen[root] = True
        layers = [np.array([root], np.int64)]
        walked_frm, walked_pos = [], []
        frontier = layers[0]
        for _ in range(max_depth):
            frm, pos = gather(indptr, frontier)
            walked_frm.append(frm)
            walked_pos.append(pos)
            to = np.asarray(indices[pos], np.int64)
            new = np.unique(to[~seen[to]])
            if not new.size:
                frontier = new
                break
            seen[new] = True
            layers.append(new)
            frontier = new
        if frontier.size:  # the last layer's edges may close cycles among reached nodes
            frm, pos = gather(indptr, frontier)
            walked_frm.append(frm)
            walked_pos.append(pos)
        frm, pos = np.concatenate(walked_frm), np.concatenate(walked_pos)
        to = np.asarray(indices[pos], np.int64)
        keep = seen[to]
    frm, to, pos = frm[keep], to[keep], pos[keep]
    edge = pos if edge_ids is None else np.asarray(edge_ids[pos], np.int64)
    share = decimal_shares(holds.attrs["share"][edge])

    depth_of = np.concatenate([np.full(len(layer), d) for d, layer in enumerate(layers)])
    all_nodes = np.concatenate(layers)
    order = np.argsort(all_nodes)
    nodes, depth = all_nodes[order], depth_of[order]
    src, dst = np.searchsorted(nodes, frm), np.searchsorted(nodes, to)
    pair, inverse = np.unique(src * len(nodes) + dst, return_inverse=True)
    known = np.bincount(inverse, weights=~np.isnan(share), minlength=len(pair)) > 0
    summed = np.bincount(inverse, weights=np.nan_to_num(share, nan=0.0), minlength=len(pair))
    return LocalHoldings(
        nodes=nodes,
        depth=depth,
        root=int(np.searchsorted(nodes, root)),
        src=pair // len(nodes),
        dst=pair % len(nodes),
        share=summed,
        known=known,
    )


def integrated_shares(
    m: int, src: np.ndarray, dst: np.ndarray, share: np.ndarray, root: int
) -> np.ndarray:
    """Solve ``u = e_root + Wᵀ u`` over ``m`` local nodes (``W[src, dst] = share``).

    ``u[i]`` for ``i != root`` is the integrated share of i (look-through up) or in i (down).

    >>> integrated_shares(3, np.array([0, 1]), np.array([1, 2]), np.array([0.5, 0.4]), 0)
    array([1. , 0.5, 0.2])
    """
    rhs = np.zeros(m)
    rhs[root] = 1.0
    if m == 1:
        return rhs
    if m <= DENSE_LIMIT:  # LAPACK on a small dense system beats SuperLU's set-up cost
        system = np.eye(m)
        np.add.at(system, (dst, src), -share)
        try:
            u = np.linalg.solve(system, rhs)
        except np.linalg.LinAlgError as exc:
            raise ConvergenceError(_CYCLE_MESSAGE) from exc
    else:
        diagonal = np.arange(m)
        matrix = sp.csc_matrix(
            (
                np.concatenate([np.ones(m), -share]),
                (np.concatenate([diagonal, dst]), np.concatenate([diagonal, src])),
            ),
            shape=(m, m),
        )
        with warnings.catch_warnings():
            warnings.simplefilter("error", MatrixRankWarning)
            try:
                u = np.atleast_1d(spsolve(matrix, rhs))
            except (MatrixRankWarning, RuntimeError) as exc:
                raise ConvergenceError(_CYCLE_MESSAGE) from exc
    if not np.all(np.isfinite(u)) or u.min() < -NEGATIVE_TOLERANCE:
        raise ConvergenceError(_CYCLE_MESSAGE)
    solution: np.ndarray = np.maximum(u, 0.0)
    return solution


_CYCLE_MESSAGE = (
    "integrated ownership diverges: shares around a cycle of holdings reach 100% or more"
    " (check the HOLDS data for circular or over-allocated shares)"
)


def integrated_shares_reference(
    m: int,
    edges: list[tuple[int, int, float]],
    root: int,
    *,
    tol: float = 1e-12,
    max_iter: int = 100_000,
) -> list[float]:
    """Pure-Python reference: iterate ``u ← e_root + Wᵀ u`` to convergence (for tests)."""
    u = [1.0 if i == root else 0.0 for i in range(m)]
    for _ in range(max_iter):
        nxt = [1.0 if i == root else 0.0 for i in range(m)]
        for s, d, w in edges:
            nxt[d] += w * u[s]
        if max(abs(a - b) for a, b in zip(nxt, u, strict=True)) < tol:
            return nxt
        u = nxt
    raise ConvergenceError(_CYCLE_MESSAGE)


def reachable(m: int, src: np.ndarray, dst: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Which of ``m`` local nodes a walk from any of ``starts`` reaches (the starts included).

    >>> reachable(4, np.array([0, 1]), np.array([1, 2]), np.array([1])).tolist()
    [False, True, True, False]
    """
    out = np.zeros(m, dtype=bool)
    if not len(starts):
        return out
    hub = m  # one extra node with an edge to every start: one BFS instead of one per start
    rows = np.concatenate([src, np.full(len(starts), hub)])
    cols = np.concatenate([dst, starts])
    graph = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(m + 1, m + 1))
    order = breadth_first_order(graph, hub, directed=True, return_predecessors=False)
    out[order[order < m]] = True
    return out


def share_certainty(local: LocalHoldings) -> tuple[np.ndarray, np.ndarray]:
    """(known, partial) per local node: ``known`` when some walk from the root to it has every
    share recorded (otherwise its integrated share is unknown, not 0); ``partial`` when some
    walk to it also crosses an unknown share (its integrated share is then a lower bound)."""
    m = len(local.nodes)
    known = local.known
    whole = reachable(m, local.src[known], local.dst[known], np.array([local.root]))
    crossed = reachable(m, local.src, local.dst, np.unique(local.dst[~known]))
    return whole, whole & crossed


def evidence_paths(
    local: LocalHoldings, *, max_depth: int, min_share: float, max_paths: int
) -> tuple[dict[int, list[tuple[float, tuple[int, ...]]]], bool]:
    """Simple walk paths from the root, best-first: the ``max_paths`` largest-share paths overall.

    Returns ``{local end node: [(share, local nodes from root), …]}`` and whether the cap cut the
    enumeration. Shares only shrink along a path, so pruning a prefix below ``min_share`` and
    popping in share order are both exact.
    """
    out: dict[int, list[tuple[int, float]]] = {}
    for s, d, w in zip(local.src.tolist(), local.dst.tolist(), local.share.tolist(), strict=True):
        out.setdefault(s, []).append((d, w))
    found: dict[int, list[tuple[float, tuple[int, ...]]]] = {}
    heap: list[tuple[float, tuple[int, ...]]] = [(-1.0, (local.root,))]
    count = 0
    while heap:
        negative, path = heapq.heappop(heap)
        if len(path) > 1:
            if count == max_paths:
                return found, True
            found.setdefault(path[-1], []).append((-negative, path))
            count += 1
        if len(path) > max_depth:
            continue
        for nxt, w in out.get(path[-1], ()):
            product = -negative * w
            if nxt not in path and product >= min_share:
                heapq.heappush(heap, (-product, (*path, nxt)))
    return found, False


def look_through(
    snapshot: Snapshot,
    sid: str,
    direction: Literal["up", "down"],
    *,
    max_depth: int = 10,
    min_share: float = 0.0,
    max_paths: int = 200,
) -> Ownership:
    """Owners (``"up"``) or holdings (``"down"``) of ``sid`` with integrated shares and evidence."""
    local = reach_holdings(snapshot, snapshot.index(sid), direction, max_depth)
    m = len(local.nodes)
    u = integrated_shares(m, local.src, local.dst, local.share, local.root)
    found, truncated = evidence_paths(
        local, max_depth=max_depth, min_share=min_share, max_paths=max_paths
    )
    facts = {
        (s, d): (w if k else None)
        for s, d, w, k in zip(
            local.src.tolist(),
            local.dst.tolist(),
            local.share.tolist(),
            local.known.tolist(),
            strict=True,
        )
    }
    sids = snapshot.sid_list(local.nodes.tolist())
    known, partial = share_certainty(local)

    def as_path(walk: tuple[int, ...]) -> Path:
        hops = [
            Hop(sids[a], sids[b], RelType.HOLDS, "forward", facts[a, b])
            for a, b in itertools.pairwise(walk)
        ]
        if direction == "up":  # walked owned → owner; shown owner → owned
            hops = [Hop(h.dst_sid, h.src_sid, h.rel, "forward", h.share) for h in reversed(hops)]
        return Path(tuple(hops))

    entries = []
    for i in range(m):
        if i == local.root or u[i] < min_share - NEGATIVE_TOLERANCE:
            continue
        paths = sorted(
            (as_path(walk) for _, walk in found.get(i, [])),
            key=lambda p: (-(p.share or 0.0), p.sids),
        )
        entries.append(
            OwnershipEntry(
                sid=sids[i],
                kind=kind_of(snapshot, int(local.nodes[i])),
                integrated_share=float(u[i]) if known[i] else None,
                depth=int(local.depth[i]),
                paths=tuple(paths),
                share_partial=bool(partial[i]),
            )
        )
    entries.sort(key=lambda e: (-(e.integrated_share or 0.0), e.sid))
    return Ownership(sid, direction, tuple(entries), truncated)
