"""Ultimate controllers and beneficial owners (实际控制人 / 受益所有人).

The order follows the beneficial-owner rules investigators apply (ownership first, then control
by other means, then the person in charge):

1. ultimate owners — persons, or entities that have no owners themselves — whose integrated
   ownership (look-through up, ``ownership.look_through``) is at least the threshold (25%);
2. failing that, the ultimate owner with the strictly largest integrated share
   ("largest shareholder": relative control);
3. failing that, the legal representative(s) of the subject, then its chair(s).

Each controller carries its reason and the paths that prove it.
"""

from __future__ import annotations

import numpy as np

from linkrisk.graph.queries.csr import kind_of
from linkrisk.graph.queries.ownership import look_through
from linkrisk.graph.queries.results import Controller, Hop, Ownership, Path
from linkrisk.graph.relations import KIND_CODES, ROLE_CODES, RelType
from linkrisk.graph.snapshot.arrays import Snapshot
from linkrisk.loaders.records import Role, SubjectKind

#: Shares are float32 in the snapshot: 0.1 + 0.15 must still reach a 25% threshold.
SHARE_TOLERANCE = 1e-6
PERSON_CODE = KIND_CODES.index(SubjectKind.PERSON)
#: Evidence budget of the look-through behind controllers: enough that a controller whose
#: share is spread over many small paths still shows them.
EVIDENCE_PATHS = 1000


def ownership_reason(threshold: float) -> str:
    """The reason text for control by ownership, e.g. ``"ownership ≥ 25%"``."""
    return f"ownership ≥ {threshold * 100:g}%"


def ultimate_owners(snapshot: Snapshot, owners: Ownership) -> list[int]:
    """Positions in ``owners.entries`` of persons and of entities without any owner."""
    holds = snapshot.relations[RelType.HOLDS]
    nodes = snapshot.indices(e.sid for e in owners.entries)
    if not len(nodes):
        return []
    top = (snapshot.nodes["kind"][nodes] == PERSON_CODE) | (
        holds.rev_indptr[nodes + 1] == holds.rev_indptr[nodes]
    )
    return np.flatnonzero(top).tolist()


def controllers_by_role(snapshot: Snapshot, node: int) -> list[Controller]:
    """The legal representative(s) of ``node``, else its chair(s), by sid."""
    officer = snapshot.relations[RelType.OFFICER]
    people, edges = officer.into(node)
    roles = officer.attrs["role"][edges]
    target = snapshot.sid(node)
    for role, reason in (
        (Role.LEGAL_REPRESENTATIVE, "legal representative"),
        (Role.CHAIR, "chair"),
    ):
        chosen = sorted(set(np.asarray(people)[roles == ROLE_CODES.index(role)].tolist()))
        if chosen:
            return [
                Controller(
                    sid=snapshot.sid(p),
                    kind=kind_of(snapshot, p),
                    reason=reason,
                    integrated_share=None,
                    paths=(
                        Path((Hop(snapshot.sid(p), target, RelType.OFFICER, role=role.value),)),
                    ),
                )
                for p in chosen
            ]
    return []


def find_controllers(
    snapshot: Snapshot, sid: str, *, max_depth: int = 10, threshold: float = 0.25
) -> list[Controller]:
    """Ultimate controllers of ``sid`` (see the module docstring for the rules)."""
    node = snapshot.index(sid)
    if int(snapshot.nodes["kind"][node]) == PERSON_CODE:
        return []  # a natural person is not controlled by anybody
    owners = look_through(snapshot, sid, "up", max_depth=max_depth, max_paths=EVIDENCE_PATHS)
    top = [owners.entries[i] for i in ultimate_owners(snapshot, owners)]
    share = {e.sid: e.integrated_share or 0.0 for e in top}  # unknown shares qualify nobody
    qualified = [e for e in top if share[e.sid] >= threshold - SHARE_TOLERANCE]
    if qualified:
        reason = ownership_reason(threshold)
        return [Controller(e.sid, e.kind, reason, e.integrated_share, e.paths) for e in qualified]
    positive = sorted(
        (e for e in top if share[e.sid] > SHARE_TOLERANCE), key=lambda e: -share[e.sid]
    )
    if positive and (
        len(positive) == 1 or share[positive[0].sid] > share[positive[1].sid] + SHARE_TOLERANCE
    ):
        best = positive[0]
        return [
            Controller(
                best.sid, best.kind, "largest shareholder", best.integrated_share, best.paths
            )
        ]
    return controllers_by_role(snapshot, node)
