"""查关系: the k shortest simple paths between two subjects, by bidirectional BFS on the CSR.

Both ends grow a BFS ball over the selected relations, walked in both directions, one numpy
gather per layer; the side with the smaller frontier grows next. Every path of length at most
``ra + rb`` (the two radii) uses only edges gathered so far: its node at position ``ra`` is in
the first ball and the rest lie in the second. So once the balls meet, the paths of length
``R = ra + rb`` are enumerated exactly on the small gathered graph — in lexicographic order of
their sids (neighbours are visited in sid order, pruned by the exact distance to ``b``) — and the
balls grow until ``k`` paths are found or ``max_depth`` is reached: the k shortest paths, ties by
sids, near-shortest ones when fewer than k shortest exist.

Supernodes (degree over the selected relations above ``degree_cap``) are never expanded and are
not used as intermediates; the ones the search met are reported.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from linkrisk.errors import InputError
from linkrisk.graph.queries.csr import Walks, WalkView, canonical_order, gather, hops_of
from linkrisk.graph.queries.protocol import MAX_PATH_DEPTH
from linkrisk.graph.results import Path, PathSet

#: DFS steps allowed per enumeration round before the answer is marked truncated.
MAX_STEPS = 200_000
UNREACHABLE = 1 << 30


@dataclass(slots=True)
class _Ball:
    level: np.ndarray  # hop + 1 per snapshot node, 0 = not reached (calloc'd, touched pages only)
    frontier: np.ndarray
    radius: int = 0
    walks: list[Walks] = field(default_factory=list)

    @property
    def exhausted(self) -> bool:
        return self.frontier.size == 0


@dataclass(slots=True)
class LocalGraph:
    """The gathered walks as a deduplicated local CSR: one canonical edge per (from, to)."""

    nodes: np.ndarray  # snapshot indices, ascending (sid order)
    indptr: np.ndarray
    indices: np.ndarray
    walks: Walks  # canonical walk per CSR slot

    @staticmethod
    def build(view: WalkView, walks: Walks, blocked: np.ndarray) -> LocalGraph:
        """Both orientations of every walk, minus those touching a blocked (supernode) node."""
        both = Walks.concat([walks, walks.reversed()])
        both = both.take(~(blocked[both.frm] | blocked[both.to]))
        order = canonical_order(both)
        both = both.take(order)
        first = np.ones(len(both), bool)
        first[1:] = (both.frm[1:] != both.frm[:-1]) | (both.to[1:] != both.to[:-1])
        both = both.take(first)
        nodes = np.unique(np.concatenate([both.frm, both.to]))
        frm, to = np.searchsorted(nodes, both.frm), np.searchsorted(nodes, both.to)
        indptr = np.zeros(len(nodes) + 1, np.int64)
        np.cumsum(np.bincount(frm, minlength=len(nodes)), out=indptr[1:])
        return LocalGraph(nodes, indptr, to, both)

    def local(self, node: int) -> int | None:
        i = int(np.searchsorted(self.nodes, node))
        return i if i < len(self.nodes) and self.nodes[i] == node else None

    def distances_to(self, target: int, within: int) -> list[int]:
        """Hop distance of every local node to ``target``, up to ``within`` (else UNREACHABLE)."""
        dist = np.full(len(self.nodes), UNREACHABLE, np.int64)
        dist[target] = 0
        frontier, d = np.array([target]), 0
        while frontier.size and d < within:
            d += 1
            _, pos = gather(self.indptr, frontier)
            nxt = np.unique(self.indices[pos])
            nxt = nxt[dist[nxt] == UNREACHABLE]
            dist[nxt] = d
            frontier = nxt
        return dist.tolist()


def _enumerate(
    graph: LocalGraph, a: int, b: int, length: int, limit: int
) -> tuple[list[list[int]], bool]:
    """Simple paths a → b of exactly ``length`` hops in lexicographic order (as CSR slot lists)."""
    dist = graph.distances_to(b, length)
    if dist[a] > length:
        return [], False
    indptr, indices = graph.indptr.tolist(), graph.indices.tolist()
    found: list[list[int]] = []
    on_path = {a}
    nodes = [a]
    slots: list[int] = []
    cursor = [indptr[a]]
    steps = 0
    while cursor:
        v = nodes[-1]
        i = cursor[-1]
        if i == indptr[v + 1] or v == b:
            cursor.pop()
            on_path.discard(nodes.pop())
            if slots:
                slots.pop()
            continue
        cursor[-1] = i + 1
        w = indices[i]
        depth = len(slots) + 1
        if w in on_path or depth + dist[w] > length:
            continue
        steps += 1
        if steps > MAX_STEPS:
            return found, True
        if w == b:
            if depth == length:
                found.append([*slots, i])
                if len(found) == limit:
                    return found, False
            continue
        nodes.append(w)
        on_path.add(w)
        slots.append(i)
        cursor.append(indptr[w])
    return found, False


def connect(
    view: WalkView,
    a: int,
    b: int,
    *,
    k: int = 5,
    max_depth: int = 6,
    degree_cap: int = 500,
    shortest_only: bool = False,
) -> PathSet:
    """The ``k`` shortest simple paths between snapshot nodes ``a`` and ``b`` (module docstring).

    With ``shortest_only`` the search stops at the first length that has paths (up to ``k``).
    """
    if a == b:
        raise InputError("a path needs two different subjects")
    if not 1 <= max_depth <= MAX_PATH_DEPTH:
        raise InputError(f"max_depth must be between 1 and {MAX_PATH_DEPTH}")
    if k < 1:
        raise InputError("k must be at least 1")
    n = view.n
    balls = [_Ball(np.zeros(n, np.int8), np.array([a])), _Ball(np.zeros(n, np.int8), np.array([b]))]
    balls[0].level[a] = 1
    balls[1].level[b] = 1
    blocked = np.zeros(n, bool)
    hubs: list[int] = []
    met = False
    found: list[Path] = []
    truncated = False
    snapshot = view.snapshot

    built: dict[tuple[int, int], LocalGraph] = {}  # the gathered graph, rebuilt when it grows

    def enumerate_length(length: int) -> None:
        nonlocal truncated
        key = (len(balls[0].walks), len(balls[1].walks))
        if key not in built:
            built.clear()
            walks = Walks.concat(balls[0].walks + balls[1].walks)
            built[key] = LocalGraph.build(view, walks, blocked)
        graph = built[key]
        la, lb = graph.local(a), graph.local(b)
        if la is None or lb is None:
            return
        paths, cut = _enumerate(graph, la, lb, length, k - len(found))
        truncated = truncated or cut
        for slots in paths:
            found.append(Path(tuple(hops_of(snapshot, graph.walks.take(np.asarray(slots))))))

    while True:
        total = balls[0].radius + balls[1].radius
        if met and total >= 1:
            enumerate_length(total)
        if len(found) >= k or total >= max_depth or (shortest_only and found):
            break
        if balls[0].exhausted or balls[1].exhausted:
            # one ball is a whole component: the gathered graph holds every path there is
            for length in range(total + 1, max_depth + 1):
                if not met or len(found) >= k or (shortest_only and found):
                    break
                enumerate_length(length)
            break
        side = 0 if balls[0].frontier.size <= balls[1].frontier.size else 1
        ball, other = balls[side], balls[1 - side]
        walks = view.expand(ball.frontier[~blocked[ball.frontier]])
        ball.walks.append(walks)
        new = np.unique(walks.to[ball.level[walks.to] == 0])
        ball.level[new] = ball.radius + 2
        ball.radius += 1
        ball.frontier = new
        if new.size:
            # supernodes are blocked as soon as they are met: never expanded nor passed through
            hub = (view.degree(new) > degree_cap) & (new != a) & (new != b) & ~blocked[new]
            blocked[new[hub]] = True
            hubs.extend(new[hub].tolist())
            if not met:
                meeting = new[(other.level[new] > 0) & ~blocked[new]]
                met = bool(meeting.size)

    skipped = snapshot.sid_list(sorted(hubs))
    return PathSet(snapshot.sid(a), snapshot.sid(b), tuple(found), tuple(skipped), truncated)
