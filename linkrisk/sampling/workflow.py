"""The plan steps that touch the store: create (frame + commitment), draw, assign.

Each step gathers its inputs (snapshot arrays, tiers, the canonical ``inspections`` and
``inspectors`` tables), calls the pure functions of this package and records the outcome
through ``PlanBook`` in one transaction.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from linkrisk.errors import Conflict, InputError, IntegrityError
from linkrisk.graph.snapshot.arrays import Snapshot
from linkrisk.sampling import announce
from linkrisk.sampling.commitment import frame_root, new_frame_key
from linkrisk.sampling.conflicts import PREVIOUS_ROUND, graph_conflicts, previous_inspectors
from linkrisk.sampling.draw import Pick, draw_sample, public_selection_digest, selection_digest
from linkrisk.sampling.exclusions import exclusions
from linkrisk.sampling.frame import build_frame, parse_frame_text, scope_mask
from linkrisk.sampling.inspectors import (
    ASSIGNED,
    PoolMember,
    Team,
    assign_teams,
    build_pool,
    teams_digest,
)
from linkrisk.sampling.mandatory import abnormal_in_plans, extended_inclusions
from linkrisk.sampling.params import TIERS, PlanParams, sha256_hex
from linkrisk.sampling.plans import (
    PlanBook,
    PlanRecord,
    PlanStatus,
    SeedSource,
    mandatory_digest,
    now,
    plan_digest,
    require,
)
from linkrisk.sampling.prf import commitment, new_seed
from linkrisk.sampling.reassign import unassigned_refusal

_HEX64 = re.compile(r"^[0-9a-f]{64}$")


def _letter(code: int) -> str:
    return TIERS[code] if 0 <= code < len(TIERS) else "-"


def mandatory_list(
    snapshot: Snapshot,
    tiers: np.ndarray,
    params: PlanParams,
    inspections: pa.Table,
    in_scope: np.ndarray,
) -> list[tuple[str, str, str]]:
    """``(sid, tier, reason)`` of the plan's mandatory inclusions that fall in its scope."""
    reasons: dict[int, str] = {}
    abnormal = abnormal_in_plans(inspections, params.abnormal_from)
    if abnormal:
        sids = sorted(abnormal)
        for sid, node in zip(sids, snapshot.indices(sids).tolist(), strict=True):
            if node >= 0:
                reasons[node] = abnormal[sid]
    for node, reason in extended_inclusions(snapshot, params.extended_hops).items():
        reasons.setdefault(node, reason)
    return [
        (snapshot.sid(node), _letter(int(tiers[node])), reason)
        for node, reason in sorted(reasons.items())
        if in_scope[node]
    ]


def create_plan(
    book: PlanBook,
    params: PlanParams,
    snapshot: Snapshot,
    tiers: np.ndarray,
    model_version: str,
    inspections: pa.Table,
    *,
    seed: str | None = None,
    public_seed: bool = False,
    seed_commitment: str | None = None,
    registry: pa.Table | None = None,
) -> PlanRecord:
    """Record the frame, its digest, the mandatory list and the seed commitment.

    Without ``seed`` or ``seed_commitment`` a random seed is generated and kept sealed until the
    draw; ``seed`` with ``public_seed`` is a value announced in advance; ``seed_commitment``
    alone means the seed is held elsewhere and given at the draw. With the inspector
    ``registry``, the plan's stats carry ``warnings`` when its departments and matters have
    fewer eligible inspectors than a team needs (the assignment would be refused).
    """
    in_scope = scope_mask(snapshot, params.scope)
    excluded = exclusions(inspections, snapshot, params)
    frame = build_frame(snapshot, tiers, model_version, in_scope, excluded.any)
    mandatory = mandatory_list(snapshot, tiers, params, inspections, in_scope)
    if seed_commitment is not None:
        if seed is not None:
            raise InputError("give either a seed or a commitment to an external seed, not both")
        if not _HEX64.match(seed_commitment):
            raise InputError("a seed commitment is 64 lower-case hex digits (SHA-256)")
        source, promise = SeedSource.EXTERNAL, seed_commitment
    else:
        if seed is not None and not seed.strip():
            raise InputError("the seed cannot be empty")
        source = SeedSource.PUBLIC if public_seed else SeedSource.SEALED
        if public_seed and seed is None:
            raise InputError("a public seed must be given")
        seed = seed if seed is not None else new_seed()
        promise = commitment(seed)
    text = frame.text()
    frame_digest = sha256_hex(text)
    m_digest = mandatory_digest(mandatory)
    strata = {t: int((frame.tiers == i).sum()) for i, t in enumerate(TIERS)}
    frame_key = new_frame_key()
    record = PlanRecord(
        plan_id=params.plan_id,
        name=params.name,
        status=PlanStatus.CREATED,
        params=params,
        params_digest=params.digest,
        snapshot_id=snapshot.version,
        model_version=model_version,
        frame_size=frame.size,
        frame_digest=frame_digest,
        mandatory_digest=m_digest,
        seed_commitment=promise,
        seed_source=source,
        plan_digest=plan_digest(params.plan_id, params.digest, frame_digest, m_digest, promise),
        created_at=now(),
        seed=seed,
        stats={**frame.stats, **excluded.counts(), "strata": strata, "mandatory": len(mandatory)},
        params_json=params.canonical_json(),
        frame_key=frame_key,
        frame_root=frame_root(frame, frame_key),
    )
    if registry is not None:
        record.stats["warnings"] = pool_warnings(registry, params)
    record.public_digest = announce.digest(announce.from_record(record, mandatory))
    book.insert(record, text, mandatory)
    return book.get(params.plan_id)


def pool_warnings(registry: pa.Table, params: PlanParams) -> list[str]:
    """Why the plan's inspector pool cannot form teams, if it cannot."""
    eligible = sum(1 for m in build_pool(registry, params) if m.eligible)
    if eligible >= params.team_size:
        return []
    return [
        f"only {eligible} eligible inspector(s) in {', '.join(params.departments)} qualified for"
        f" {', '.join(params.matters)}; a team needs {params.team_size}: the assignment will be"
        " refused unless inspectors are added to the 执法人员名录库"
    ]


def draw_plan(
    book: PlanBook, plan_id: str, seed: str | None = None
) -> tuple[PlanRecord, list[Pick]]:
    """Reveal the seed, check it against the commitment, draw and record the selection."""
    record = book.get(plan_id)
    require(record, PlanStatus.CREATED)
    if record.seed_source is SeedSource.EXTERNAL:
        if seed is None:
            raise InputError(
                f"plan {plan_id} was committed to an external seed: give it with --seed"
            )
    elif seed is not None and seed != record.seed:
        raise IntegrityError("the given seed is not the plan's committed seed", what="seed")
    seed = seed if seed is not None else record.seed
    assert seed is not None
    if commitment(seed) != record.seed_commitment:
        raise IntegrityError(
            f"seed does not match the commitment {record.seed_commitment[:16]}…"
            " published at creation",
            what="seed",
        )
    text = book.frame_text(plan_id)
    if sha256_hex(text) != record.frame_digest:
        raise IntegrityError("the recorded frame differs from its digest", what="frame")
    frame = parse_frame_text(
        text, snapshot_id=record.snapshot_id, model_version=record.model_version
    )
    mandatory = {sid: (tier, reason) for sid, tier, reason in book.mandatory(plan_id)}
    picks = draw_sample(frame, record.params, seed, mandatory, record.frame_key)
    record.stats["selected"] = {
        t: sum(1 for p in picks if p.tier == t and p.how == "random") for t in TIERS
    }
    record.stats["selected_mandatory"] = sum(1 for p in picks if p.how != "random")
    digest = public_selection_digest(picks) if record.frame_key else selection_digest(picks)
    book.save_selection(record, picks, seed, digest)
    return book.get(plan_id), picks


@dataclass(frozen=True, slots=True)
class AssignInputs:
    """What the inspector draw needs besides the plan: registry, graph and earlier inspections."""

    registry: pa.Table
    snapshot: Snapshot
    inspections: pa.Table


def conflict_map(
    picks: list[Pick], pool: list[PoolMember], inputs: AssignInputs, plan_id: str
) -> dict[str, dict[int, str]]:
    """``sid → {pool position → reason}``: graph conflicts, then previous-round inspectors."""
    snapshot = inputs.snapshot
    person_sids = [m.person_sid if (m.eligible and m.person_sid) else "" for m in pool]
    nodes = np.full(len(pool), -1, np.int64)
    linked = [i for i, s in enumerate(person_sids) if s]
    if linked:
        nodes[linked] = snapshot.indices([person_sids[i] for i in linked])
    sids = [p.sid for p in picks]
    subject_nodes = snapshot.indices(sids)
    by_node = graph_conflicts(snapshot, nodes, subject_nodes[subject_nodes >= 0].tolist())
    found: dict[str, dict[int, str]] = {}
    for sid, node in zip(sids, subject_nodes.tolist(), strict=True):
        if node in by_node:
            found[sid] = dict(by_node[node])
    position = {m.inspector_id: i for i, m in enumerate(pool)}
    for sid, ids in previous_inspectors(inputs.inspections, sids, exclude_plan=plan_id).items():
        for inspector in ids:
            if inspector in position:
                found.setdefault(sid, {}).setdefault(position[inspector], PREVIOUS_ROUND)
    return found


def assign_plan(
    book: PlanBook, plan_id: str, inputs: AssignInputs, *, accept_unassigned: bool = False
) -> tuple[PlanRecord, list[PoolMember], list[Team]]:
    """Draw the inspector teams of a drawn plan, with 回避, and record them.

    An assignment that leaves a subject without a team is refused (``Conflict``, nothing
    recorded, the plan stays drawn) unless ``accept_unassigned``: once assigned, teams change
    only by ``reassign_plan``, which keeps this first record."""
    record = book.get(plan_id)
    require(record, PlanStatus.DRAWN)
    if inputs.snapshot.version != record.snapshot_id:
        raise Conflict(
            f"plan {plan_id} was created on snapshot {record.snapshot_id}, not"
            f" {inputs.snapshot.version}: assign on the plan's snapshot"
        )
    assert record.seed is not None
    picks = book.selection(plan_id)
    pool = build_pool(inputs.registry, record.params)
    conflicts = conflict_map(picks, pool, inputs, plan_id)
    teams = assign_teams(
        [p.sid for p in picks],
        pool,
        conflicts,
        plan_id=plan_id,
        seed=record.seed,
        team_size=record.params.team_size,
        max_per_inspector=record.params.max_per_inspector,
        slot_departments=record.params.departments if record.params.joint else None,
    )
    assigned = sum(1 for t in teams if t.status == ASSIGNED)
    if assigned < len(teams) and not accept_unassigned:
        raise unassigned_refusal(plan_id, teams, pool)
    record.stats.update(
        pool=len(pool),
        pool_eligible=sum(1 for m in pool if m.eligible),
        assigned=assigned,
        unassigned=len(teams) - assigned,
        conflict_skips=sum(1 for t in teams for i, _r in t.skips if i != "*"),
    )
    book.save_teams(record, pool, teams, teams_digest(teams))
    return book.get(plan_id), pool, teams
