"""In-memory snapshots from edge lists, for property tests that need hundreds of graphs.

The arrays are built with the real ``build_csr`` in the snapshot's layout; only the store round
trip is skipped (the hand-made tests and the contract suite go through the store).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

from linkrisk.graph.relations import CONTACT_CODES, KIND_CODES, NO_END, ROLE_CODES, RelType
from linkrisk.graph.snapshot.arrays import Relation, Snapshot
from linkrisk.graph.snapshot.build import build_csr
from linkrisk.loaders.records import SubjectKind


def sid_of(i: int) -> str:
    return f"N{i:04d}"


def _relation(
    rel: RelType, n: int, src: list[int], dst: list[int], **attrs: np.ndarray
) -> Relation:
    csr = build_csr(np.asarray(src, np.int64), np.asarray(dst, np.int64), n)
    order = csr.pop("order")
    return Relation(rel, **csr, attrs={k: np.asarray(v)[order] for k, v in attrs.items()})


def memory_snapshot(
    n: int,
    *,
    holds: Sequence[tuple[int, int, float]] = (),
    officers: Sequence[tuple[int, int, str]] = (),
    branches: Sequence[tuple[int, int]] = (),
    persons: Iterable[int] = (),
) -> Snapshot:
    """A snapshot of ``n`` nodes (sids ``N0000``…) with the given edges and no events."""
    kind = np.zeros(n, np.int8)  # enterprise
    kind[sorted(persons)] = KIND_CODES.index(SubjectKind.PERSON)
    nodes = {"kind": kind}
    for c in CONTACT_CODES:
        nodes[f"{c.value}_group"] = np.full(n, -1, np.int32)
        nodes[f"{c.value}_size"] = np.zeros(n, np.int32)
    relations = {
        RelType.HOLDS: _relation(
            RelType.HOLDS,
            n,
            [h[0] for h in holds],
            [h[1] for h in holds],
            share=np.asarray([h[2] for h in holds], np.float32),
        ),
        RelType.OFFICER: _relation(
            RelType.OFFICER,
            n,
            [o[0] for o in officers],
            [o[1] for o in officers],
            role=np.asarray([[r.value for r in ROLE_CODES].index(o[2]) for o in officers], np.int8),
        ),
        RelType.BRANCH: _relation(
            RelType.BRANCH, n, [b[0] for b in branches], [b[1] for b in branches]
        ),
        RelType.SAME_CONTACT: _relation(
            RelType.SAME_CONTACT, n, [], [], contact=np.zeros(0, np.int8)
        ),
    }
    events = {
        "indptr": np.zeros(n + 1, np.int64),
        "node": np.zeros(0, np.int32),
        "type": np.zeros(0, np.int8),
        "severity": np.zeros(0, np.int8),
        "decision": np.zeros(0, np.int32),
        "disclosure_end": np.zeros(0, np.int32),
        "repair": np.full(0, NO_END, np.int32),
        "objection": np.zeros(0, bool),
        "event_id": np.zeros(0, "S24"),
    }
    return Snapshot(
        path=Path("/memory"),
        meta={"version": "memory", "as_of": dt.date(2025, 1, 1).isoformat(), "stats": {}},
        sids=np.asarray([sid_of(i) for i in range(n)], dtype="S33"),
        nodes=nodes,
        relations=relations,
        events=events,
        inspections={"indptr": np.zeros(n + 1, np.int64)},
    )
