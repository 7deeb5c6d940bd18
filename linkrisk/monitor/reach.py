"""From changed subjects outwards, a few hops over the structural relations, to the watched ones.

A breadth-first walk from every changed subject at once, as arrays: each level holds (origin,
node, parent position, relation, direction) rows, one per subject first reached from an origin
at that distance, so the path from any reached subject back to its origin is followed through the
parent positions. Shareholding, office and branch links are walked in both directions (a watched
firm's shareholder, its officers' other firms, its parent's branches); shared contacts are not, as
a shared phone is a hint, not a relation. The cost follows the number of changed subjects and the
size of their neighbourhoods, never the number of watches.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from linkrisk.graph.relations import RelType
from linkrisk.graph.snapshot.arrays import Snapshot

WALKED: tuple[RelType, ...] = (RelType.HOLDS, RelType.OFFICER, RelType.BRANCH)
MAX_DEPTH = 3


@dataclass(frozen=True, slots=True)
class Level:
    origin: np.ndarray  # index into the origins
    node: np.ndarray
    parent: np.ndarray  # position in the previous level (-1 at level 0)
    rel: np.ndarray  # index into WALKED of the link from the parent (-1 at level 0)
    forward: np.ndarray  # True: parent → node is the relation's direction (parent HOLDS node)


def _gather(
    indptr: np.ndarray, indices: np.ndarray, nodes: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(row in ``nodes``, neighbour) for every CSR entry of ``nodes``."""
    starts = np.asarray(indptr[nodes], np.int64)
    counts = np.asarray(indptr[nodes + 1], np.int64) - starts
    total = int(counts.sum())
    if total == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    rows = np.repeat(np.arange(len(nodes), dtype=np.int64), counts)
    offsets = np.repeat(starts - (np.cumsum(counts) - counts), counts)
    return rows, np.asarray(indices[offsets + np.arange(total)], np.int64)


def walk(snapshot: Snapshot, origins: np.ndarray, depth: int) -> list[Level]:
    """Levels 0..``depth`` of the walk from ``origins`` (distinct node numbers)."""
    depth = max(0, min(int(depth), MAX_DEPTH))
    origins = np.asarray(origins, np.int64)
    k = len(origins)
    n = np.int64(max(snapshot.n, 1))
    none = np.full(k, -1, np.int64)
    levels = [Level(np.arange(k, dtype=np.int64), origins, none, none, np.zeros(k, bool))]
    seen = np.sort(np.arange(k, dtype=np.int64) * n + origins)
    for _ in range(depth):
        last = levels[-1]
        if len(last.node) == 0:
            break
        parts: list[tuple[np.ndarray, ...]] = []
        for code, rel in enumerate(WALKED):
            relation = snapshot.relations[rel]
            for indptr, indices, forward in (
                (relation.indptr, relation.indices, True),
                (relation.rev_indptr, relation.rev_indices, False),
            ):
                rows, nbr = _gather(indptr, indices, last.node)
                parts.append(
                    (rows, nbr, np.full(len(rows), code, np.int64), np.full(len(rows), forward))
                )
        rows = np.concatenate([p[0] for p in parts])
        nbr = np.concatenate([p[1] for p in parts])
        rel_code = np.concatenate([p[2] for p in parts])
        fwd = np.concatenate([p[3] for p in parts])
        origin = last.origin[rows]
        key = origin * n + nbr
        key, first = np.unique(key, return_index=True)  # the first way in is kept
        fresh = ~np.isin(key, seen, assume_unique=True)
        first = first[fresh]
        levels.append(Level(origin[first], nbr[first], rows[first], rel_code[first], fwd[first]))
        seen = np.union1d(seen, key[fresh])
    return levels


def path_back(
    levels: list[Level], level: int, pos: int
) -> tuple[list[int], list[tuple[int, bool]]]:
    """Nodes from the subject at ``levels[level][pos]`` back to its origin, and the links
    between them: (relation code, True when the link runs from the *later* node of the path to
    the earlier, i.e. the origin side holds / employs / owns the branch)."""
    nodes = [int(levels[level].node[pos])]
    links: list[tuple[int, bool]] = []
    while level > 0:
        entry = levels[level]
        links.append((int(entry.rel[pos]), bool(entry.forward[pos])))
        pos = int(entry.parent[pos])
        level -= 1
        nodes.append(int(levels[level].node[pos]))
    return nodes, links
