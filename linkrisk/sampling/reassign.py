"""Reassigning inspector teams after the first draw, with a reason, keeping the first record.

A regulator reassigns every team (the registry changed: inspectors added, retired, moved) or one
subject's team (an inspector fell ill). The first draw's pool and teams stay as they were; each
reassignment is a numbered record with its time, reason, scope, the pool it drew from and the new
teams, which replace the earlier ones of those subjects (``PlanBook.teams``). The new teams are
drawn by the same lottery as the first (``assign_teams``) with the message prefix
``plan|r<seq>``, so they are replayable from the record and the seed like the first draw.
Subjects that already have a result are not reassigned.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from linkrisk.errors import Conflict, InputError, IntegrityError
from linkrisk.graph.store import GraphStore
from linkrisk.sampling.draw import Pick
from linkrisk.sampling.inspectors import (
    ASSIGNED,
    PoolMember,
    Team,
    assign_teams,
    build_pool,
    pool_from_rows,
    pool_rows,
    teams_digest,
)
from linkrisk.sampling.params import PlanParams
from linkrisk.sampling.plans import PlanBook, PlanStatus, now, require

ALL = "*"


@dataclass(frozen=True, slots=True)
class Reassignment:
    seq: int
    at: str
    reason: str
    scope: str  # "*" (every subject without a result) or one subject's key
    pool: list[PoolMember]
    teams: list[Team]
    digest: str

    @property
    def prefix(self) -> str:
        return f"r{self.seq}"


def unassigned_refusal(plan_id: str, teams: list[Team], pool: list[PoolMember]) -> Conflict:
    missing = [t for t in teams if t.status != ASSIGNED]
    eligible = sum(1 for m in pool if m.eligible)
    return Conflict(
        f"plan {plan_id}: {len(missing):,} of {len(teams):,} subjects would get no team"
        f" ({eligible:,} eligible inspectors of {len(pool):,}; first: {missing[0].status});"
        " add inspectors to the 执法人员名录库, or accept it explicitly"
        " (--accept-unassigned / accept_unassigned)",
        unassigned=len(missing),
        eligible_inspectors=eligible,
    )


def reassign_plan(
    book: PlanBook,
    graph: GraphStore,
    plan_id: str,
    inputs: Any,
    reason: str,
    sid: str | None = None,
    accept_unassigned: bool = False,
) -> Reassignment:
    """Draw new teams for every subject without a result (or for ``sid``) and record them."""
    from linkrisk.sampling.publication import plan_results
    from linkrisk.sampling.workflow import conflict_map

    record = book.get(plan_id)
    require(record, PlanStatus.ASSIGNED, PlanStatus.RESULTS)
    reason = reason.strip()
    if not reason:
        raise InputError("a reassignment needs a reason (it is recorded and published)")
    done = set(plan_results(graph, plan_id))
    picks = book.selection(plan_id)
    if sid is not None:
        if sid not in {p.sid for p in picks}:
            raise InputError(f"{sid} is not in the selection of plan {plan_id}")
        if sid in done:
            raise Conflict(f"{sid} already has a result in plan {plan_id}: it is not reassigned")
        targets = [p for p in picks if p.sid == sid]
    else:
        targets = [p for p in picks if p.sid not in done]
        if not targets:
            raise Conflict(f"every subject of plan {plan_id} has a result: nothing to reassign")
    assert record.seed is not None
    seq = 1 + len(reassignments(book, plan_id))
    pool = build_pool(inputs.registry, record.params)
    conflicts = conflict_map(targets, pool, inputs, plan_id)
    teams = draw(record.params, plan_id, seq, record.seed, targets, pool, conflicts)
    if not accept_unassigned and any(t.status != ASSIGNED for t in teams):
        raise unassigned_refusal(plan_id, teams, pool)
    done_at = now()
    book.store.execute(
        "INSERT INTO sampling_reassignments (plan_id, seq, at, reason, scope, pool, teams,"
        " digest) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            plan_id,
            seq,
            done_at,
            reason,
            sid or ALL,
            json.dumps(
                [[m.inspector_id, m.name, m.department, m.eligible, m.reason] for m in pool],
                ensure_ascii=False,
            ),
            json.dumps(
                [[t.rank, t.sid, t.status, list(t.inspectors), list(t.skips)] for t in teams],
                ensure_ascii=False,
            ),
            teams_digest(teams),
        ),
    )
    return reassignments(book, plan_id)[-1]


def draw(
    params: PlanParams,
    plan_id: str,
    seq: int,
    seed: str,
    targets: list[Pick],
    pool: list[PoolMember],
    conflicts: dict[str, dict[int, str]],
) -> list[Team]:
    return assign_teams(
        [p.sid for p in targets],
        pool,
        conflicts,
        plan_id=f"{plan_id}|r{seq}",
        seed=seed,
        team_size=params.team_size,
        max_per_inspector=params.max_per_inspector,
        slot_departments=params.departments if params.joint else None,
    )


def reassignments(book: PlanBook, plan_id: str) -> list[Reassignment]:
    rows = book.store.execute(
        "SELECT seq, at, reason, scope, pool, teams, digest FROM sampling_reassignments"
        " WHERE plan_id = ? ORDER BY seq",
        (plan_id,),
    )
    return [
        Reassignment(
            int(seq),
            str(at),
            str(reason),
            str(scope),
            [
                PoolMember(str(i), n or "", "", d or "", bool(e), r or "")
                for i, n, d, e, r in json.loads(pool)
            ],
            [
                Team(int(r), s, st, tuple(ins), tuple((a, b) for a, b in sk))
                for r, s, st, ins, sk in json.loads(teams)
            ],
            str(digest),
        )
        for seq, at, reason, scope, pool, teams, digest in rows
    ]


def verify_reassignments(
    plan_id: str, seed: str, params: PlanParams, items: list[Reassignment]
) -> list[str]:
    """Replay each reassignment's teams from its pool, skips and the seed."""
    from linkrisk.sampling.verify import Material, verify_teams

    checks: list[str] = []
    for item in items:
        if item.seq != len(checks) + 1:
            raise IntegrityError(
                f"assignment: reassignment {item.seq} is out of sequence", what="assignment"
            )
        picks = [Pick(t.rank, t.sid, "", "") for t in item.teams]
        material = Material(
            plan_id=f"{plan_id}|r{item.seq}",
            params_json="",
            params_digest="",
            frame_text=b"",
            frame_digest="",
            mandatory=[],
            mandatory_digest="",
            seed_commitment="",
            plan_digest="",
            seed=seed,
            selection=picks,
            pool=item.pool,
            teams=item.teams,
            assignment_digest=item.digest,
        )
        verify_teams(material, params)
        checks.append(f"reassignment {item.seq} replayed ({len(item.teams)} subjects)")
    return checks


def public_rows(items: list[Reassignment]) -> list[list[Any]]:
    """Reassignments for the public file: reason and scope, pool by id, skips by category."""
    return [
        [
            r.seq,
            r.at,
            r.reason,
            r.scope,
            pool_rows(r.pool),
            [[t.rank, t.sid, t.status, list(t.inspectors), t.public_skips()] for t in r.teams],
            r.digest,
        ]
        for r in items
    ]


def from_public_rows(rows: list[Any]) -> list[Reassignment]:
    return [
        Reassignment(
            int(seq),
            str(at),
            str(reason),
            str(scope),
            pool_from_rows(pool),
            [
                Team(int(r), s, st, tuple(ins), tuple((a, b) for a, b in sk))
                for r, s, st, ins, sk in teams
            ],
            str(digest),
        )
        for seq, at, reason, scope, pool, teams, digest in rows
    ]
