"""周边风险: sanctioned or listed subjects around a subject, each with hops, path and events.

A BFS (``neighbourhood.bfs``) reaches everything within ``hops``; the events of the reached nodes
are gathered from the snapshot's per-node event index in one vectorised step and filtered with
``linkrisk.graph.queries.events.active_mask``. Every risky neighbour comes with the
lexicographically smallest shortest path to it (typed hops) and the events that make it risky —
never a bare "linked to a sanctioned subject" label.
"""

from __future__ import annotations

from datetime import date

import numpy as np

from linkrisk.errors import InputError
from linkrisk.graph.queries.csr import WalkView, gather, hops_of, kinds_of
from linkrisk.graph.queries.events import active_events_of, active_mask, day_of
from linkrisk.graph.queries.neighbourhood import Bfs, bfs
from linkrisk.graph.queries.protocol import MAX_RISK_HOPS
from linkrisk.graph.queries.results import Path, RiskNeighbour, SurroundingRisk


def tree_path(view: WalkView, found: Bfs, node: int) -> Path:
    """The BFS tree path from the root to ``node`` as typed hops."""
    steps = []
    while node != found.root:
        steps.append(found.parent[node])
        node = int(found.tree.frm[steps[-1]])
    return Path(tuple(hops_of(view.snapshot, found.tree.take(np.asarray(steps[::-1], np.int64)))))


def surrounding_risk(
    view: WalkView,
    root: int,
    *,
    hops: int = 2,
    as_of: date | None = None,
    degree_cap: int = 500,
    limit: int = 1000,
) -> SurroundingRisk:
    """Risky subjects within ``hops`` of ``root`` on ``as_of`` (default: the snapshot date)."""
    if not 1 <= hops <= MAX_RISK_HOPS:
        raise InputError(f"hops must be between 1 and {MAX_RISK_HOPS}")
    if limit < 1:
        raise InputError("limit must be at least 1")
    snapshot = view.snapshot
    when = as_of or snapshot.as_of
    day = day_of(when)
    found = bfs(view, root, hops, degree_cap=degree_cap)
    nodes = np.concatenate(found.layers[1:]) if len(found.layers) > 1 else np.zeros(0, np.int64)
    hop_of_node = np.concatenate(
        [np.full(len(layer), d) for d, layer in enumerate(found.layers[1:], start=1)]
        or [np.zeros(0, np.int64)]
    )
    owner, rows = gather(snapshot.events["indptr"], nodes)
    events = {k: v[rows] for k, v in snapshot.events.items() if k != "indptr"}
    risky = np.unique(owner[active_mask(events, day)])
    hop_by_node = dict(zip(nodes.tolist(), hop_of_node.tolist(), strict=True))
    ordered = sorted(risky.tolist(), key=lambda i: (hop_by_node[i], i))  # index order = sid order
    shown = ordered[:limit]
    kinds = kinds_of(snapshot, shown)
    neighbours = [
        RiskNeighbour(
            sid=snapshot.sid(i),
            kind=kinds[n],
            hops=hop_by_node[i],
            path=tree_path(view, found, i),
            events=tuple(active_events_of(snapshot.events, i, day)),
        )
        for n, i in enumerate(shown)
    ]
    return SurroundingRisk(
        sid=snapshot.sid(root),
        as_of=when,
        max_hops=hops,
        neighbours=tuple(neighbours),
        skipped_supernodes=tuple(snapshot.sid_list(found.hubs)),
        truncated=len(ordered) > limit,
    )
