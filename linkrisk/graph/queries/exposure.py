"""The 50 % rule of sanctions compliance: firms owned ≥ a threshold *in aggregate* by listed
subjects, over all ownership paths.

A listed subject's holdings count through intermediate firms, but a walk stops at another listed
subject: that one's holdings count from its own walk, never twice. With ``W`` the HOLDS matrix
(``W[i, j]`` = share of ``j`` held by ``i``), ``L`` the listed subjects and ``M`` the rows of
``W`` whose holder is *not* listed, the aggregate listed ownership of every subject is

    a = (I − Mᵀ)⁻¹ Wᵀ 1_L ,

computed for the whole graph at once by the fixed-point iteration ``a ← Wᵀ1_L + Mᵀa`` (sparse
matrix–vector products; each step adds one more hop, so it stops after the longest chain, or
when circular holdings have converged). Unknown shares count 0 (they cannot add to a figure
that must be defensible). Each hit comes with the listed owners behind it and the simple paths
that carry their shares (walked up from the hit, stopping at listed subjects).
"""

from __future__ import annotations

import heapq
import itertools
from dataclasses import dataclass
from datetime import date

import numpy as np
import scipy.sparse as sp

from linkrisk.errors import ConvergenceError, InputError
from linkrisk.graph.queries.csr import decimal_shares, kind_of
from linkrisk.graph.queries.events import active_mask, day_of
from linkrisk.graph.queries.results import Hop, Path
from linkrisk.graph.relations import EVENT_CODES, RelType
from linkrisk.graph.snapshot.arrays import Snapshot
from linkrisk.loaders.records import EventType

MAX_STEPS = 200  # longer than any real chain: a cycle that has not settled by then diverges
TOLERANCE = 1e-12
EVIDENCE_DEPTH = 10
EVIDENCE_PATHS = 50  # per hit


@dataclass(frozen=True, slots=True)
class ListedOwner:
    """A listed subject behind a hit, with the paths that carry its share (largest first)."""

    sid: str
    kind: str | None
    share: float  # the sum of its paths' shares (simple paths; circular holdings add more)
    paths: tuple[Path, ...]


@dataclass(frozen=True, slots=True)
class ExposureHit:
    """A subject owned ≥ the threshold in aggregate by listed subjects."""

    sid: str
    kind: str | None
    aggregate_share: float
    listed: bool  # the hit is itself listed
    owners: tuple[ListedOwner, ...]
    paths_truncated: bool


@dataclass(frozen=True, slots=True)
class Exposure:
    """All hits (largest aggregate first, then sid), with what was counted as listed."""

    threshold: float
    listed_count: int
    hits: tuple[ExposureHit, ...]


def holdings_matrix(snapshot: Snapshot) -> sp.csr_matrix:
    """``W[i, j]``: the share of ``j`` that ``i`` holds (parallel holdings summed, unknown 0)."""
    holds = snapshot.relations[RelType.HOLDS]
    n = snapshot.n
    counts: np.ndarray = np.diff(np.asarray(holds.indptr, np.int64)).astype(np.int64)
    src = np.repeat(np.arange(n, dtype=np.int64), counts)
    share = np.nan_to_num(decimal_shares(holds.attrs["share"][: len(src)]), nan=0.0)
    dst = np.asarray(holds.indices, np.int64)
    return sp.csr_matrix((share, (src, dst)), shape=(n, n))


def aggregate_listed_ownership(w: sp.csr_matrix, listed: np.ndarray) -> np.ndarray:
    """``a = (I − Mᵀ)⁻¹ Wᵀ 1_L`` by fixed-point iteration (see the module docstring).

    >>> w = sp.csr_matrix(np.array([[0, .3, 0], [0, 0, .6], [0, 0, 0]]))
    >>> aggregate_listed_ownership(w, np.array([True, False, False])).round(2).tolist()
    [0.0, 0.3, 0.18]
    """
    wt = w.T.tocsr()
    direct = wt @ listed.astype(np.float64)
    through = sp.diags((~listed).astype(np.float64)) @ w  # only unlisted holders pass shares on
    mt = through.T.tocsr()
    a = direct.copy()
    for _ in range(MAX_STEPS):
        nxt = direct + mt @ a
        if np.max(np.abs(nxt - a), initial=0.0) <= TOLERANCE:
            return np.asarray(nxt)
        a = nxt
    raise ConvergenceError(
        "aggregate listed ownership diverges: shares around a cycle of holdings reach 100% or more"
    )


def _evidence(
    snapshot: Snapshot, node: int, listed: np.ndarray
) -> tuple[dict[int, list[tuple[float, tuple[int, ...]]]], bool]:
    """Simple paths up from ``node`` to listed subjects, best first, not through listed ones."""
    holds = snapshot.relations[RelType.HOLDS]
    share_of = holds.attrs["share"]
    found: dict[int, list[tuple[float, tuple[int, ...]]]] = {}
    heap: list[tuple[float, tuple[int, ...]]] = [(-1.0, (node,))]
    count = 0
    while heap:
        negative, walk = heapq.heappop(heap)
        top = walk[-1]
        if len(walk) > 1 and listed[top]:
            if count == EVIDENCE_PATHS:
                return found, True
            found.setdefault(top, []).append((-negative, walk))
            count += 1
            continue  # a listed holder's own owners count from their own walk
        if len(walk) > EVIDENCE_DEPTH:
            continue
        lo, hi = int(holds.rev_indptr[top]), int(holds.rev_indptr[top + 1])
        for pos in range(lo, hi):
            owner = int(holds.rev_indices[pos])
            share = float(decimal_shares(share_of[[int(holds.rev_edge[pos])]])[0])
            if owner in walk or not share > 0:
                continue
            heapq.heappush(heap, (negative * share, (*walk, owner)))
    return found, False


def _as_path(snapshot: Snapshot, walk: tuple[int, ...], shares: list[float]) -> Path:
    """A walk up (held … owner) shown owner → held."""
    nodes = list(reversed(walk))
    sids = snapshot.sid_list(nodes)
    return Path(
        tuple(
            Hop(sids[i], sids[i + 1], RelType.HOLDS, "forward", shares[i])
            for i in range(len(nodes) - 1)
        )
    )


def _shares_along(snapshot: Snapshot, walk: tuple[int, ...]) -> list[float]:
    """The (summed) share along each owner → held pair of a walk up (held … owner)."""
    holds = snapshot.relations[RelType.HOLDS]
    nodes = list(reversed(walk))
    out = []
    for a, b in itertools.pairwise(nodes):
        lo, hi = int(holds.indptr[a]), int(holds.indptr[a + 1])
        pos = np.flatnonzero(np.asarray(holds.indices[lo:hi]) == b) + lo
        out.append(float(np.nansum(decimal_shares(holds.attrs["share"][pos]))))
    return out


def listed_mask(snapshot: Snapshot, types: tuple[EventType, ...], as_of: date) -> np.ndarray:
    """Subjects with an active event of one of ``types`` on ``as_of`` (repairs and disclosure
    ends respected, as everywhere in ``events``)."""
    events = snapshot.events
    mask = np.zeros(snapshot.n, dtype=bool)
    if events["node"].shape[0]:
        codes = [EVENT_CODES.index(t) for t in types]
        active = active_mask(events, day_of(as_of)) & np.isin(events["type"], codes)
        mask[events["node"][active]] = True
    return mask


def find_exposure(snapshot: Snapshot, listed: np.ndarray, threshold: float = 0.5) -> Exposure:
    """Subjects owned ≥ ``threshold`` in aggregate by the ``listed`` ones (a node mask)."""
    if not 0.0 < threshold <= 1.0:
        raise InputError("threshold must be above 0 and at most 1 (100 %)")
    a = aggregate_listed_ownership(holdings_matrix(snapshot), listed)
    hits = []
    for node in np.flatnonzero(a >= threshold - 1e-9).tolist():
        found, truncated = _evidence(snapshot, node, listed)
        owners = []
        for owner, walks in found.items():
            paths = [_as_path(snapshot, walk, _shares_along(snapshot, walk)) for _, walk in walks]
            owners.append(
                ListedOwner(
                    snapshot.sid(owner),
                    kind_of(snapshot, owner),
                    float(sum(s for s, _ in walks)),
                    tuple(paths),
                )
            )
        owners.sort(key=lambda o: (-o.share, o.sid))
        hits.append(
            ExposureHit(
                snapshot.sid(node),
                kind_of(snapshot, node),
                float(a[node]),
                bool(listed[node]),
                tuple(owners),
                truncated,
            )
        )
    hits.sort(key=lambda h: (-h.aggregate_share, h.sid))
    return Exposure(threshold, int(listed.sum()), tuple(hits))
