"""回避: which inspectors must not inspect which subjects.

Graph conflicts come from the snapshot: an inspector whose person (``person_sid``) is a node of
the graph conflicts with every subject within two hops over HOLDS, OFFICER, SAME_CONTACT and
BRANCH edges in either direction. Inspectors are few (thousands) and their neighbourhoods small,
so the two-hop neighbourhoods of all of them are expanded once, vectorised over CSR rows, and
intersected with the selected subjects; no search runs per subject.

The reasons, strongest first: the inspector *is* the subject, is its shareholder, its officer,
is related to it in one hop (shared contact, branch, held by it…), or in two hops via a named
subject. The previous-round conflict comes from the ``inspections`` table: the inspectors of a
subject's latest earlier inspection.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from linkrisk.graph.relations import RelType
from linkrisk.graph.snapshot.arrays import Snapshot
from linkrisk.sampling.mandatory import gather

SELF, SHAREHOLDER, OFFICER, RELATED_1, RELATED_2 = range(5)
CONFLICT_RELATIONS = (RelType.HOLDS, RelType.OFFICER, RelType.SAME_CONTACT, RelType.BRANCH)
PREVIOUS_ROUND = "inspected this subject in the previous round"


def _reason(code: int, relation: int, via: str) -> str:
    if code == SELF:
        return "is the subject"
    if code == SHAREHOLDER:
        return "shareholder of the subject"
    if code == OFFICER:
        return "officer of the subject"
    if code == RELATED_1:
        return f"related in 1 hop ({CONFLICT_RELATIONS[relation].value})"
    return f"related in 2 hops via {via}"


def _one_hop(snapshot: Snapshot, nodes: np.ndarray) -> tuple[np.ndarray, ...]:
    """(owner position, neighbour, relation index, is-out-edge) over all conflict relations."""
    owners, nbrs, rels, outs = [], [], [], []
    for r, rel_type in enumerate(CONFLICT_RELATIONS):
        rel = snapshot.relations[rel_type]
        for out, (indptr, indices) in (
            (True, (rel.indptr, rel.indices)),
            (False, (rel.rev_indptr, rel.rev_indices)),
        ):
            owner, nbr = gather(indptr, indices, nodes)
            owners.append(owner)
            nbrs.append(nbr)
            rels.append(np.full(owner.shape, r, np.int8))
            outs.append(np.full(owner.shape, out))
    return tuple(np.concatenate(a) for a in (owners, nbrs, rels, outs))


def graph_conflicts(
    snapshot: Snapshot, inspector_nodes: np.ndarray, subject_nodes: Iterable[int]
) -> dict[int, dict[int, str]]:
    """``subject node → {inspector position → reason}`` for the given subjects.

    Parameters
    ----------
    snapshot
        The plan's snapshot.
    inspector_nodes
        Node of each pool inspector's person (-1: not in the graph, no graph conflict).
    subject_nodes
        The selected subjects' nodes (others are not reported).
    """
    wanted = np.zeros(snapshot.n, bool)
    wanted[np.fromiter(subject_nodes, np.int64)] = True
    positions = np.flatnonzero(np.asarray(inspector_nodes) >= 0)
    if positions.size == 0:
        return {}
    seeds = np.asarray(inspector_nodes, np.int64)[positions]
    owner, hop1, rel, out = _one_hop(snapshot, seeds)
    code1 = np.full(owner.shape, RELATED_1, np.int8)
    code1[out & (rel == CONFLICT_RELATIONS.index(RelType.HOLDS))] = SHAREHOLDER
    code1[out & (rel == CONFLICT_RELATIONS.index(RelType.OFFICER))] = OFFICER
    # second hop from every first-hop node, remembering which inspector it came from
    uniq, back = np.unique(hop1, return_inverse=True)
    owner2, hop2, _rel2, _out2 = _one_hop(snapshot, uniq)
    # pair every (inspector, hop1) with every neighbour of hop1
    by_hop1 = np.argsort(back, kind="stable")
    starts = np.searchsorted(back[by_hop1], np.arange(len(uniq)))
    counts = np.bincount(back, minlength=len(uniq))
    reps = counts[owner2]
    pair_first = np.repeat(starts[owner2], reps) + (
        np.arange(int(reps.sum())) - np.repeat(np.cumsum(reps) - reps, reps)
    )
    first_edge = by_hop1[pair_first]
    subjects = np.concatenate([seeds, hop1, np.repeat(hop2, reps)])
    inspectors = np.concatenate([np.arange(len(seeds)), owner, owner[first_edge]])
    codes = np.concatenate(
        [np.full(len(seeds), SELF, np.int8), code1, np.full(len(first_edge), RELATED_2, np.int8)]
    )
    rels = np.concatenate([np.zeros(len(seeds), np.int8), rel, np.zeros(len(first_edge), np.int8)])
    via = np.concatenate([seeds, seeds[owner], np.repeat(uniq[owner2], reps)])
    keep = wanted[subjects]
    subjects, inspectors, codes, rels, via = (
        a[keep] for a in (subjects, inspectors, codes, rels, via)
    )
    order = np.lexsort((via, codes, inspectors, subjects))
    found: dict[int, dict[int, str]] = {}
    last = (-1, -1)
    for i in order.tolist():
        key = (int(subjects[i]), int(inspectors[i]))
        if key == last:
            continue  # the strongest reason of this pair is already recorded
        last = key
        reason = _reason(int(codes[i]), int(rels[i]), snapshot.sid(int(via[i])))
        found.setdefault(key[0], {})[int(positions[key[1]])] = reason
    return found


def previous_inspectors(
    inspections: pa.Table, sids: Iterable[str], exclude_plan: str = ""
) -> dict[str, set[str]]:
    """``sid → inspector ids`` of each subject's latest earlier inspection (all its matters)."""
    wanted = pa.array(sorted(set(sids)), pa.string())
    if inspections.num_rows == 0 or len(wanted) == 0:
        return {}
    keep = pc.fill_null(pc.is_in(inspections["sid"], value_set=wanted), False)
    if exclude_plan:
        keep = pc.and_(keep, pc.not_equal(inspections["plan_id"], exclude_plan))
    rows = inspections.filter(keep).select(["sid", "inspect_date", "inspectors"])
    latest: dict[str, tuple[object, set[str]]] = {}
    for sid, when, names in zip(*(rows[c].to_pylist() for c in rows.column_names), strict=True):
        ids = {i.strip() for i in (names or "").split(";") if i.strip()}
        seen = latest.get(sid)
        if seen is None or when > seen[0]:
            latest[sid] = (when, set(ids))
        elif when == seen[0]:
            seen[1].update(ids)
    return {sid: ids for sid, (_when, ids) in latest.items() if ids}
