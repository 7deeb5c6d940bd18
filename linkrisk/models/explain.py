"""Explanations: the paths by which related-party risk reaches a subject, and its reason codes.

The propagated score is a sum over walks (``linkrisk.models.propagation``): a path from a risk
source ``u`` to the subject contributes ``s_u × α^hops × Π W`` (normalised edge weights). For one
subject we take a small local subgraph — a bounded breadth-first search on the snapshot's CSR
arrays, at most ``max_hops`` away — turn it into a networkx multigraph of influence edges
(each labelled with its relation type and direction), and enumerate the simple paths into the
subject, keeping the largest contributions. Every hop is a real edge of the snapshot; a hop in the
*reverse* direction means risk flowed against the stored edge (e.g. from a held firm to its owner).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import networkx as nx
import numpy as np

from linkrisk.graph.relations import CONTACT_CODES, EVENT_CODES, ROLE_CODES, SEVERITY_CODES, RelType
from linkrisk.graph.snapshot.arrays import Relation, Snapshot
from linkrisk.models.dates import from_day_number
from linkrisk.models.intrinsic import IntrinsicRisk
from linkrisk.models.propagation import PropagationOperator, PropagationResult, relation_weights
from linkrisk.models.reasons import reason_codes, reason_flags

#: paths whose best possible contribution falls below this are not followed further
MIN_CONTRIBUTION = 1e-5
#: partial paths expanded at most (a dense neighbourhood of hubs must not hang a request)
MAX_EXPANSIONS = 200_000


@dataclass(frozen=True, slots=True)
class EventRef:
    event_id: str
    type: str
    severity: str | None
    date: str  # decision date, ISO
    contribution: float  # its current weight in the source's intrinsic risk


@dataclass(frozen=True, slots=True)
class Hop:
    """Risk moved ``src`` → ``dst`` along ``relation`` (forward: as stored; reverse: against)."""

    src: str
    dst: str
    relation: str
    direction: str  # "forward" | "reverse"
    weight: float  # normalised influence of src on dst
    detail: str = ""  # share held, officer role, shared contact kind


@dataclass(frozen=True, slots=True)
class RiskPath:
    source: str
    source_risk: float
    hops: int
    steps: tuple[Hop, ...]
    contribution: float
    events: tuple[EventRef, ...]


@dataclass(frozen=True, slots=True)
class Explanation:
    sid: str
    intrinsic: float
    related: float
    total: float
    reasons: list[str]
    own_events: list[EventRef]
    paths: list[RiskPath]
    explained: float  # share of the related-party risk covered by all simple paths found
    subgraph_nodes: int
    truncated: bool = field(default=False)  # the subgraph or the path search hit its cap
    listed: float = 0.0  # share of the related-party risk the listed ``paths`` add up to

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _ranges(indptr: np.ndarray, nodes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Positions ``indptr[v]:indptr[v + 1]`` of every node in ``nodes``, and the node of each."""
    lo, hi = np.asarray(indptr[nodes]), np.asarray(indptr[nodes + 1])
    counts = hi - lo
    starts = np.cumsum(counts) - counts
    positions = np.repeat(lo - starts, counts) + np.arange(int(counts.sum()))
    return positions, np.repeat(nodes, counts)


def _neighbours(relation: Relation, nodes: np.ndarray) -> np.ndarray:
    """All out- and in-neighbours of ``nodes`` (vectorised CSR slicing)."""
    out, _ = _ranges(relation.indptr, nodes)
    into, _ = _ranges(relation.rev_indptr, nodes)
    found = np.concatenate(
        [np.asarray(relation.indices)[out], np.asarray(relation.rev_indices)[into]]
    )
    return np.unique(found)


def local_subgraph(
    snapshot: Snapshot, node: int, max_hops: int, max_nodes: int
) -> tuple[np.ndarray, bool]:
    """Nodes within ``max_hops`` of ``node`` over all relations; stops growing at ``max_nodes``."""
    seen = np.array([node])
    frontier = seen
    for _ in range(max_hops):
        reached = [_neighbours(rel, frontier) for rel in snapshot.relations.values()]
        frontier = np.setdiff1d(np.concatenate(reached), seen)
        if len(seen) + len(frontier) > max_nodes:
            frontier = frontier[: max_nodes - len(seen)]
            return np.union1d(seen, frontier), True
        seen = np.union1d(seen, frontier)
        if not len(frontier):
            break
    return seen, False


def _detail(relation: Relation, edge: int) -> str:
    """What the edge says: the share held, the officer's role, the shared contact."""
    if relation.type is RelType.HOLDS:
        share = float(relation.attrs["share"][edge])
        return "share unknown" if np.isnan(share) else f"share {share:.0%}"
    if relation.type is RelType.OFFICER:
        code = int(relation.attrs["role"][edge])
        return ROLE_CODES[code].value if code >= 0 else "role unknown"
    if relation.type is RelType.SAME_CONTACT:
        code = int(relation.attrs["contact"][edge])
        return f"same {CONTACT_CODES[code].value}" if code >= 0 else "same contact"
    return "branch"


def influence_graph(
    snapshot: Snapshot, nodes: np.ndarray, operator: PropagationOperator
) -> nx.MultiDiGraph:
    """Influence edges among ``nodes`` (u → v when u's risk reaches v), relation and direction.

    Only the out-edges of ``nodes`` are read, so the cost follows the subgraph, not the city.
    """
    graph = nx.MultiDiGraph()
    graph.add_nodes_from(nodes.tolist())
    inside = np.zeros(snapshot.n, bool)
    inside[nodes] = True
    for rel_type, relation in snapshot.relations.items():
        edges, src = _ranges(relation.indptr, nodes)
        dst = np.asarray(relation.indices)[edges]
        keep = inside[dst]
        edges, src, dst = edges[keep], src[keep], dst[keep]
        forward, reverse = relation_weights(relation, operator.config, edges)
        for k, e in enumerate(edges.tolist()):
            u, v, detail = int(src[k]), int(dst[k]), _detail(relation, e)
            if forward[k] > 0:
                weight = forward[k] / operator.norm[v]
                graph.add_edge(
                    u, v, rel=rel_type, direction="forward", weight=weight, detail=detail
                )
            if reverse[k] > 0:
                weight = reverse[k] / operator.norm[u]
                graph.add_edge(
                    v, u, rel=rel_type, direction="reverse", weight=weight, detail=detail
                )
    return graph


Edges = list[tuple[int, int, dict[str, Any]]]


def _paths_into(
    graph: nx.MultiDiGraph, target: int, risk: np.ndarray, damping: float, max_hops: int
) -> tuple[list[tuple[float, int, Edges]], bool]:
    """(contribution, source, edges source→…→target) of every simple path of ≤ max_hops hops,
    and whether the expansion budget ran out first."""
    best = float(risk.max()) if len(risk) else 0.0
    found: list[tuple[float, int, Edges]] = []
    stack: list[tuple[int, float, Edges, frozenset[int]]] = [(target, 1.0, [], frozenset([target]))]
    expansions = 0
    while stack:
        expansions += 1
        if expansions > MAX_EXPANSIONS:
            return found, True
        head, factor, edges, visited = stack.pop()
        for u, v, data in graph.in_edges(head, data=True):
            if u in visited:
                continue
            gain = factor * damping * data["weight"]
            if gain * best < MIN_CONTRIBUTION:
                continue
            path = [(u, v, data), *edges]
            if risk[u] > 0:
                found.append((gain * float(risk[u]), u, path))
            if len(path) < max_hops:
                stack.append((u, gain, path, visited | {u}))
    return found, False


def _event_refs(
    snapshot: Snapshot, intrinsic: IntrinsicRisk, node: int, top: int
) -> list[EventRef]:
    lo, hi = int(snapshot.events["indptr"][node]), int(snapshot.events["indptr"][node + 1])
    rows = [r for r in range(lo, hi) if intrinsic.event_active[r]]
    rows.sort(key=lambda r: -abs(float(intrinsic.event_contribution[r])))
    ev = snapshot.events
    refs = []
    for r in rows[:top]:
        sev = int(ev["severity"][r])
        refs.append(
            EventRef(
                event_id=bytes(ev["event_id"][r]).decode(),
                type=EVENT_CODES[int(ev["type"][r])].value,
                severity=SEVERITY_CODES[sev].value if sev >= 0 else None,
                date=from_day_number(int(ev["decision"][r])).isoformat(),
                contribution=round(float(intrinsic.event_contribution[r]), 6),
            )
        )
    return refs


def explain(
    snapshot: Snapshot,
    node: int,
    intrinsic: IntrinsicRisk,
    propagated: PropagationResult,
    operator: PropagationOperator,
    *,
    top: int = 5,
    max_hops: int = 3,
    max_nodes: int = 5000,
) -> Explanation:
    """Explain one subject's score: reason codes, own events and the top paths to risk sources.

    Parameters
    ----------
    snapshot, intrinsic, propagated, operator
        The snapshot and the results computed on it (``intrinsic_risk``, ``propagate``,
        ``build_operator``); the explanation reuses them rather than recomputing the city.
    node : int
        The subject's node index (``snapshot.index(sid)``).
    top : int
        Paths to return, largest contribution first.
    max_hops, max_nodes : int
        Bounds of the local subgraph.

    Returns
    -------
    Explanation
    """
    nodes, truncated = local_subgraph(snapshot, node, max_hops, max_nodes)
    graph = influence_graph(snapshot, nodes, operator)
    found, exhausted = _paths_into(graph, node, intrinsic.risk, operator.config.damping, max_hops)
    found.sort(key=lambda item: -item[0])
    paths = []
    for contribution, source, edges in found[:top]:
        steps = tuple(
            Hop(
                snapshot.sid(u),
                snapshot.sid(v),
                RelType(d["rel"]).value,
                d["direction"],
                round(float(d["weight"]), 6),
                d["detail"],
            )
            for u, v, d in edges
        )
        paths.append(
            RiskPath(
                source=snapshot.sid(source),
                source_risk=round(float(intrinsic.risk[source]), 6),
                hops=len(steps),
                steps=steps,
                contribution=round(contribution, 6),
                events=tuple(_event_refs(snapshot, intrinsic, source, 3)),
            )
        )
    related = float(propagated.related[node])
    flags = reason_flags(intrinsic, propagated.related, np.array([node]))
    return Explanation(
        sid=snapshot.sid(node),
        intrinsic=round(float(intrinsic.risk[node]), 6),
        related=round(related, 6),
        total=round(float(propagated.total[node]), 6),
        reasons=reason_codes(int(flags[0])),
        own_events=_event_refs(snapshot, intrinsic, node, 10),
        paths=paths,
        explained=round(min(1.0, sum(c for c, _, _ in found) / related), 4) if related > 0 else 0.0,
        subgraph_nodes=len(nodes),
        truncated=truncated or exhausted,
        listed=round(min(1.0, sum(p.contribution for p in paths) / related), 4)
        if related > 0
        else 0.0,
    )
