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
from linkrisk.graph.queries.marks import Marks, marks
from linkrisk.graph.queries.protocol import MAX_PATH_DEPTH
from linkrisk.graph.queries.results import Path, PathSet

#: DFS steps allowed per enumeration round before the answer is marked truncated.
MAX_STEPS = 200_000
UNREACHABLE = 1 << 30


@dataclass(slots=True)
class _Ball:
    level: Marks  # hop + 1 per snapshot node, 0 = not reached
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
    def build(view: WalkView, walks: Walks, blocked: Marks) -> LocalGraph:
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


class _Search:
    """State of one bidirectional search: two balls, blocked supernodes, paths found so far."""

    def __init__(
        self, view: WalkView, a: int, b: int, k: int, degree_cap: int, levels: tuple[Marks, ...]
    ) -> None:
        self.view, self.a, self.b, self.k, self.degree_cap = view, a, b, k, degree_cap
        level_a, level_b, self.blocked = levels
        self.balls = (_Ball(level_a, np.array([a])), _Ball(level_b, np.array([b])))
        level_a[a] = 1
        level_b[b] = 1
        self.hubs: list[int] = []
        self.met = False
        self.found: list[Path] = []
        self.truncated = False
        self._graph: tuple[tuple[int, int], LocalGraph] | None = None

    @property
    def radius(self) -> int:
        return self.balls[0].radius + self.balls[1].radius

    def done(self, shortest_only: bool) -> bool:
        return len(self.found) >= self.k or (shortest_only and bool(self.found))

    def grow(self) -> None:
        """Expand the ball with the smaller frontier by one layer; block supernodes it meets."""
        side = 0 if self.balls[0].frontier.size <= self.balls[1].frontier.size else 1
        ball, other = self.balls[side], self.balls[1 - side]
        walks = self.view.expand(ball.frontier[~self.blocked[ball.frontier]])
        ball.walks.append(walks)
        new = np.unique(walks.to[ball.level[walks.to] == 0])
        ball.level[new] = ball.radius + 2
        ball.radius += 1
        ball.frontier = new
        if not new.size:
            return
        hub = self.view.degree(new) > self.degree_cap
        hub &= (new != self.a) & (new != self.b) & ~self.blocked[new]
        self.blocked[new[hub]] = True
        self.hubs.extend(new[hub].tolist())
        if not self.met:
            self.met = bool(((other.level[new] > 0) & ~self.blocked[new]).any())

    def enumerate(self, length: int) -> None:
        """Add the paths of exactly ``length`` hops (the gathered graph must hold them all)."""
        key = (len(self.balls[0].walks), len(self.balls[1].walks))
        if self._graph is None or self._graph[0] != key:  # rebuilt only when the balls grew
            walks = Walks.concat(self.balls[0].walks + self.balls[1].walks)
            self._graph = key, LocalGraph.build(self.view, walks, self.blocked)
        graph = self._graph[1]
        la, lb = graph.local(self.a), graph.local(self.b)
        if la is None or lb is None:
            return
        paths, cut = _enumerate(graph, la, lb, length, self.k - len(self.found))
        self.truncated = self.truncated or cut
        for slots in paths:
            walks = graph.walks.take(np.asarray(slots))
            self.found.append(Path(tuple(hops_of(self.view.snapshot, walks))))

    def run(self, max_depth: int, shortest_only: bool) -> None:
        while True:
            if self.met:
                self.enumerate(self.radius)
            if self.done(shortest_only) or self.radius >= max_depth:
                return
            if self.balls[0].exhausted or self.balls[1].exhausted:
                # one ball is a whole component: the gathered graph holds every path there is
                for length in range(self.radius + 1, max_depth + 1):
                    if not self.met or self.done(shortest_only):
                        return
                    self.enumerate(length)
                return
            self.grow()


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
    with marks(n, np.int8) as level_a, marks(n, np.int8) as level_b, marks(n) as blocked:
        search = _Search(view, a, b, k, degree_cap, (level_a, level_b, blocked))
        search.run(max_depth, shortest_only)
    snapshot = view.snapshot
    return PathSet(
        snapshot.sid(a),
        snapshot.sid(b),
        tuple(search.found),
        tuple(snapshot.sid_list(sorted(search.hubs))),
        search.truncated,
    )
