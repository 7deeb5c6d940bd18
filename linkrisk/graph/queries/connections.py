"""How a set of subjects hang together: shortest paths among every pair, merged into a subgraph."""

from __future__ import annotations

from itertools import combinations

from linkrisk.errors import InputError
from linkrisk.graph.queries.csr import WalkView, kinds_of
from linkrisk.graph.queries.paths import connect
from linkrisk.graph.queries.results import (
    Connections,
    Edge,
    Neighbourhood,
    Node,
    edge_of_hop,
    sort_edges,
)

#: At most this many subjects per request: 50 give 1,225 pairs, each a bidirectional search.
MAX_SUBJECTS = 50
#: Shortest paths kept per pair (all of the shortest length, up to this many, by sids).
PATHS_PER_PAIR = 5


def connections(
    view: WalkView,
    nodes: list[int],
    *,
    max_depth: int = 4,
    degree_cap: int = 500,
) -> Connections:
    """The shortest paths (≤ ``max_depth``) among every pair of ``nodes``, as one subgraph.

    The subgraph holds the given subjects (connected or not) and every node and edge on the
    paths found; ``skipped_supernodes`` gathers the supernodes met by any of the searches.
    """
    unique = sorted(set(nodes))
    if len(unique) < 2:
        raise InputError("connections need at least two different subjects")
    if len(unique) > MAX_SUBJECTS:
        raise InputError(f"connections take at most {MAX_SUBJECTS} subjects")
    snapshot = view.snapshot
    pairs = []
    hubs: set[str] = set()
    edges: set[Edge] = set()
    members = set(unique)
    for a, b in combinations(unique, 2):
        found = connect(
            view,
            a,
            b,
            k=PATHS_PER_PAIR,
            max_depth=max_depth,
            degree_cap=degree_cap,
            shortest_only=True,
        )
        hubs.update(found.skipped_supernodes)
        if not found.paths:
            continue
        pairs.append(found)
        for path in found.paths:
            edges.update(edge_of_hop(h) for h in path.hops)
    on_paths = {sid for pair in pairs for path in pair.paths for sid in path.sids}
    members.update(int(i) for i in snapshot.indices(sorted(on_paths)) if i >= 0)
    ordered = sorted(members)
    subgraph = Neighbourhood(
        centre=None,
        nodes=tuple(
            Node(sid, kind)
            for sid, kind in zip(
                snapshot.sid_list(ordered), kinds_of(snapshot, ordered), strict=True
            )
        ),
        edges=tuple(sort_edges(edges)),
        skipped_supernodes=tuple(sorted(hubs)),
    )
    return Connections(tuple(snapshot.sid_list(unique)), tuple(pairs), subgraph)
