"""The searches of the investigator queries, replayed over fetches to find the region they touch.

Each function walks the graph the way the embedded algorithm will walk the region's snapshot
(``linkrisk.graph.queries``), one Cypher round trip per layer, so that every node the algorithm
expands is complete in the region and every node it meets is known to be a supernode or not
(see :mod:`linkrisk.graph.neo4j.subgraph`). The answers themselves are always computed by the
embedded algorithms on the region's snapshot; these functions only decide what to fetch.
"""

from __future__ import annotations

from collections.abc import Callable

from linkrisk.graph.neo4j.subgraph import UNLIMITED, Region
from linkrisk.graph.relations import RelType

#: fetch control edges a little below the threshold: the snapshot compares float32 shares
SHARE_SLACK = 1e-4


def fetch_layers(
    region: Region,
    root: str,
    hops: int,
    *,
    max_nodes: int | None = None,
    expand_last: bool = True,
) -> list[list[str]]:
    """A layered BFS from ``root`` (as ``neighbourhood.bfs``): the layers, in sid order.

    The root is expanded even when it is a supernode; supernodes elsewhere are not. With
    ``expand_last`` the outermost layer is fetched complete too (a neighbourhood lists the edges
    among it); without, it is only known by its subject rows (surrounding risk needs no more).
    """
    region.expand([root], full=True)
    seen = {root}
    layers = [[root]]
    count = 1
    for depth in range(hops):
        expandable = [v for v in layers[-1] if v == root or not region.is_hub(v)]
        new = sorted(region.neighbours(expandable) - seen)
        truncated = max_nodes is not None and count + len(new) > max_nodes
        if truncated and max_nodes is not None:
            new = new[: max(max_nodes - count, 0)]  # the layer that overflows keeps small sids
        if not new:
            break
        if expand_last or (depth < hops - 1 and not truncated):
            region.expand(new)
        seen.update(new)
        layers.append(new)
        count += len(new)
        if truncated:
            break
    return layers


def fetch_paths(
    region: Region,
    a: str,
    b: str,
    *,
    max_depth: int,
    enough: Callable[[int], bool],
) -> None:
    """Grow the two balls of ``paths.connect`` (smaller frontier first, ties to ``a``) until
    ``enough(total)`` — the algorithm run on the region up to ``total`` hops found its paths —
    or the depth is spent or a ball is exhausted."""
    region.expand([a, b], full=True)
    seen: list[set[str]] = [{a}, {b}]
    frontier: list[list[str]] = [[a], [b]]
    radius = [0, 0]
    blocked: set[str] = set()
    met = False
    while True:
        total = radius[0] + radius[1]
        if met and total >= 1 and enough(total):
            return
        if total >= max_depth or not frontier[0] or not frontier[1]:
            return
        side = 0 if len(frontier[0]) <= len(frontier[1]) else 1
        expandable = [v for v in frontier[side] if v not in blocked]
        region.expand(expandable)
        new = sorted(region.neighbours(expandable) - seen[side])
        seen[side].update(new)
        radius[side] += 1
        frontier[side] = new
        if new:
            region.expand(new)
            blocked.update(v for v in new if region.is_hub(v) and v not in (a, b))
            met = met or any(v in seen[1 - side] and v not in blocked for v in new)


def fetch_ownership(region: Region, root: str, *, up: bool, max_depth: int) -> None:
    """Every HOLDS edge of every node within ``max_depth`` of ``root`` in one direction (the
    last layer's edges too: they close cycles among the reached nodes)."""
    seen = {root}
    frontier = [root]
    for depth in range(max_depth + 1):
        rows = region.source.edges(
            frontier, [RelType.HOLDS], outgoing=not up, incoming=up, limit=UNLIMITED
        )
        region.add_edges(rows)
        if depth == max_depth:
            break
        ends = {r["src"] if up else r["dst"] for r in rows}
        frontier = sorted(ends - seen)
        if not frontier:
            break
        seen.update(frontier)


def fetch_role_holders(region: Region, sid: str) -> None:
    """The officers of ``sid`` (controllers by role: legal representative, chair)."""
    region.add_edges(
        region.source.edges(
            [sid], [RelType.OFFICER], outgoing=False, incoming=True, limit=UNLIMITED
        )
    )


def fetch_group(region: Region, root: str, threshold: float) -> None:
    """The whole component of control edges around ``root`` (a BFS to closure)."""
    seen = {root}
    frontier = [root]
    while frontier:
        rows = region.source.control_edges(frontier, threshold - SHARE_SLACK)
        region.add_edges(rows)
        ends = {r["src"] for r in rows} | {r["dst"] for r in rows}
        frontier = sorted(ends - seen)
        seen.update(frontier)
