"""k-hop neighbourhoods by a layered BFS over the CSR: one numpy gather per layer.

``bfs`` also picks, for every node reached, the lexicographically smallest shortest path from the
root (by the sids along it): each layer is ranked by (rank of the best parent, sid), so the parent
chosen for a node is the best-ranked node of the previous layer that reaches it, over its
canonical edge. Surrounding risk uses those paths as its evidence.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from linkrisk.errors import InputError
from linkrisk.graph.queries.csr import Walks, WalkView, canonical_order, edges_among, kinds_of
from linkrisk.graph.queries.marks import marks
from linkrisk.graph.queries.results import Neighbourhood, Node


@dataclass(frozen=True, slots=True)
class Bfs:
    """Nodes reached from a root, layer by layer, with each node's best parent walk.

    ``layers[d]`` lists the nodes at hop ``d`` in rank order (lexicographic order of their best
    paths); ``parent[node]`` is the index in ``tree`` of the walk that reaches it.
    """

    root: int
    layers: list[np.ndarray]
    tree: Walks
    parent: dict[int, int]
    walks: list[Walks]  # every expansion, for the edges among the reached nodes
    hubs: list[int]  # supernodes met and not expanded
    truncated: bool


def best_parents(frontier: np.ndarray, fresh: Walks) -> Walks:
    """One walk per newly reached node: from its best-ranked parent, over the canonical edge.

    ``frontier`` is in rank order, so a parent's rank is its position there; the result is the
    new layer in rank order, i.e. sorted by (parent rank, node).
    """
    order = np.argsort(frontier)
    rank = order[np.searchsorted(frontier[order], fresh.frm)]
    canon = np.empty(len(fresh), np.int64)
    canon[canonical_order(fresh)] = np.arange(len(fresh))
    best = np.lexsort((canon, rank, fresh.to))
    first = np.ones(len(best), bool)
    first[1:] = fresh.to[best[1:]] != fresh.to[best[:-1]]
    chosen = fresh.take(best[first])
    return chosen.take(np.lexsort((chosen.to, rank[best[first]])))


def bfs(
    view: WalkView,
    root: int,
    max_hops: int,
    *,
    degree_cap: int = 500,
    max_nodes: int | None = None,
) -> Bfs:
    """Layered BFS from ``root`` to ``max_hops`` over ``view`` (both directions of every edge).

    With ``max_nodes``, the layer that overflows keeps its smallest sids and the search stops.
    """
    with marks(view.n) as seen:
        seen[root] = True
        layers = [np.array([root], np.int64)]
        trees: list[Walks] = []
        walks_done: list[Walks] = []
        hubs: list[int] = []
        count, truncated = 1, False
        for _ in range(max_hops):
            frontier = layers[-1]
            small = (view.degree(frontier) <= degree_cap) | (frontier == root)
            expandable = frontier[small]
            hubs.extend(frontier[~small].tolist())
            walks = view.expand(expandable)
            walks_done.append(walks)
            fresh = walks.take(~seen[walks.to])
            if not len(fresh):
                break
            chosen = best_parents(frontier, fresh)
            if max_nodes is not None and count + len(chosen) > max_nodes:
                keep = np.sort(chosen.to)[: max(max_nodes - count, 0)]
                chosen = chosen.take(np.isin(chosen.to, keep))
                truncated = True
            seen[chosen.to] = True
            trees.append(chosen)
            layers.append(chosen.to)
            count += len(chosen)
            if truncated or not len(chosen):
                break
    tree = Walks.concat(trees)
    parent = {int(node): i for i, node in enumerate(tree.to.tolist())}
    return Bfs(root, layers, tree, parent, walks_done, sorted(hubs), truncated)


def neighbourhood(
    view: WalkView,
    root: int,
    *,
    hops: int = 1,
    max_nodes: int = 500,
    degree_cap: int = 500,
) -> Neighbourhood:
    """The subjects within ``hops`` of ``root`` and every selected edge among them.

    Supernodes in the outermost layer are not expanded either, so an edge between two of them
    (both at the outermost hop) is the one edge among the nodes that is not listed.
    """
    if hops < 0:
        raise InputError("hops must be zero or more")
    if max_nodes < 1:
        raise InputError("max_nodes must be at least 1")
    found = bfs(view, root, hops, degree_cap=degree_cap, max_nodes=max_nodes)
    snapshot = view.snapshot
    last = found.layers[-1]
    reached_last = len(found.layers) == hops + 1 or found.truncated
    extra = []
    if reached_last and last.size and hops > 0:  # edges among the outermost layer
        last = last[view.degree(last) <= degree_cap]
        extra.append(view.expand(last))
    walks = Walks.concat(found.walks + extra)
    with marks(view.n) as inside:
        for layer in found.layers:
            inside[layer] = True
        walks = walks.take(inside[walks.frm] & inside[walks.to])
    nodes = []
    for hop, layer in enumerate(found.layers):
        ordered = np.sort(layer).tolist()
        for sid, kind in zip(snapshot.sid_list(ordered), kinds_of(snapshot, ordered), strict=True):
            nodes.append(Node(sid, kind, hop))
    hubs = found.hubs  # frontier nodes: all inside
    return Neighbourhood(
        centre=snapshot.sid(root),
        nodes=tuple(nodes),
        edges=tuple(edges_among(snapshot, walks)),
        skipped_supernodes=tuple(snapshot.sid_list(hubs)),
        truncated=found.truncated,
    )
