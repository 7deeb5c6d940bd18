"""企业集团: groups of subjects tied by control, as connected components over the whole snapshot.

Control edges are HOLDS with share ≥ the control threshold (50%) and OFFICER edges with role
legal representative, taken as undirected. ``scipy.sparse.csgraph.connected_components`` labels
every node at once (vectorised, computed once per snapshot and threshold); a group's stable id
is ``"G"`` + the smallest sid among its members, so it does not depend on the labelling.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from linkrisk.errors import InputError
from linkrisk.graph.queries.csr import REL_ORDER, edges_of, gather, kinds_of
from linkrisk.graph.queries.results import Group, Node, sort_edges
from linkrisk.graph.relations import ROLE_CODES, RelType
from linkrisk.graph.snapshot.arrays import Snapshot
from linkrisk.loaders.records import Role

LEGAL_REPRESENTATIVE = ROLE_CODES.index(Role.LEGAL_REPRESENTATIVE)
#: float32 shares: a recorded 50% must count as control at a 50% threshold.
SHARE_TOLERANCE = 1e-6


def control_edges(snapshot: Snapshot, threshold: float) -> tuple[np.ndarray, np.ndarray]:
    """(source, target) node arrays of every control edge in the snapshot."""
    holds = snapshot.relations[RelType.HOLDS]
    officer = snapshot.relations[RelType.OFFICER]
    share = np.nan_to_num(np.asarray(holds.attrs["share"], np.float64), nan=0.0)
    strong = share >= threshold - SHARE_TOLERANCE
    legal = np.asarray(officer.attrs["role"]) == LEGAL_REPRESENTATIVE
    src = np.concatenate([holds.sources()[strong], officer.sources()[legal]])
    dst = np.concatenate([np.asarray(holds.indices)[strong], np.asarray(officer.indices)[legal]])
    return src.astype(np.int64), dst.astype(np.int64)


@dataclass(frozen=True, slots=True)
class GroupIndex:
    """Component labels of every node, and the members of each component in sid order."""

    labels: np.ndarray
    members: np.ndarray  # nodes sorted by (label, node)
    indptr: np.ndarray  # members of label c: members[indptr[c]:indptr[c + 1]]

    def of(self, node: int) -> np.ndarray:
        label = int(self.labels[node])
        return self.members[self.indptr[label] : self.indptr[label + 1]]


def index_groups(snapshot: Snapshot, threshold: float) -> GroupIndex:
    """Label the control components of the whole snapshot."""
    n = snapshot.n
    src, dst = control_edges(snapshot, threshold)
    graph = sp.csr_matrix((np.ones(len(src), np.int8), (src, dst)), shape=(n, n))
    count, labels = connected_components(graph, directed=True, connection="weak")
    members = np.argsort(labels, kind="stable")  # stable: node (= sid) order within a label
    indptr = np.zeros(count + 1, np.int64)
    np.cumsum(np.bincount(labels, minlength=count), out=indptr[1:])
    return GroupIndex(labels.astype(np.int32), members, indptr)


def group_of(
    snapshot: Snapshot, index: GroupIndex, node: int, *, threshold: float, limit: int = 1000
) -> Group:
    """The group holding ``node``: id, size, the first ``limit`` members by sid, control edges."""
    if limit < 1:
        raise InputError("limit must be at least 1")
    members = index.of(node)
    listed = members[:limit]
    edges = []
    for rel_type in (RelType.HOLDS, RelType.OFFICER):
        rel = snapshot.relations[rel_type]
        frm, pos = gather(rel.indptr, listed)
        to = np.asarray(rel.indices[pos], np.int64)
        if rel_type is RelType.HOLDS:
            share = np.nan_to_num(np.asarray(rel.attrs["share"][pos], np.float64), nan=0.0)
            control = share >= threshold - SHARE_TOLERANCE
        else:
            control = np.asarray(rel.attrs["role"][pos]) == LEGAL_REPRESENTATIVE
        keep = control & np.isin(to, listed)  # listed: sorted, at most ``limit`` nodes
        code = np.full(int(keep.sum()), REL_ORDER.index(rel_type), np.int8)
        edges += edges_of(snapshot, frm[keep], to[keep], code, pos[keep])
    ids = listed.tolist()
    return Group(
        group_id="G" + snapshot.sid(int(members[0])),
        size=len(members),
        members=tuple(
            Node(sid, kind)
            for sid, kind in zip(snapshot.sid_list(ids), kinds_of(snapshot, ids), strict=True)
        ),
        edges=tuple(sort_edges(edges)),
        truncated=len(members) > limit,
    )
