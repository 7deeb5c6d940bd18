"""The inspector draw: teams per selected subject from the 执法检查人员名录库, with 回避.

The pool is the registry sorted by inspector id; an inspector is eligible when active, in one
of the plan's departments and qualified for at least one of its matters (the reason is kept for
those who are not). Subjects are served in selection order. For each team slot the candidates
are the eligible inspectors with the lowest current load that are not in conflict with the
subject (``conflicts``), not yet in its team and below ``max_per_inspector``; the pick among
them is lottery-style: index ``HMAC-SHA256(seed, plan|sid|inspector|j) mod (number of
candidates)`` into the candidates in pool order, ``j`` counting the subject's picks. That keeps
workloads balanced (loads differ by at most one unless 回避 forces otherwise), costs one HMAC per
team member instead of one per (subject, inspector) pair, and is replayable by anyone holding
the pool, the conflict lists and the seed (``assign_teams`` is pure).

A subject for which no conflict-free team of the required size exists is reported as
``unassigned: <reason>``; no rule is bent to fill it.
"""

from __future__ import annotations

import bisect
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pyarrow as pa

from linkrisk.sampling.params import PlanParams
from linkrisk.sampling.prf import KeyedHash

ASSIGNED = "assigned"
CAPACITY = "*"  # skip entry standing for every inspector at the workload limit
CONFLICT = "conflict"  # public category of every 回避 skip


@dataclass(frozen=True, slots=True)
class PoolMember:
    inspector_id: str
    name: str
    person_sid: str
    department: str
    eligible: bool
    reason: str  # why not eligible ("" when eligible)


@dataclass(frozen=True, slots=True)
class Team:
    """One subject's team, or why there is none, and every inspector skipped with the reason."""

    rank: int
    sid: str
    status: str  # "assigned" or "unassigned: <reason>"
    inspectors: tuple[str, ...]
    skips: tuple[tuple[str, str], ...] = ()

    def line(self) -> str:
        """Canonical line for the digest. Skips appear by category only ("conflict" or the
        capacity note): the public file must not say *why* an inspector was in conflict."""
        skips = ";".join(sorted(f"{i}:{skip_category(i, r)}" for i, r in self.skips))
        return f"{self.rank},{self.sid},{self.status},{';'.join(self.inspectors)},{skips}\n"

    def public_skips(self) -> list[tuple[str, str]]:
        return sorted((i, skip_category(i, r)) for i, r in self.skips)


def skip_category(inspector_id: str, reason: str) -> str:
    return reason if inspector_id == CAPACITY else CONFLICT


@dataclass(slots=True)
class Loads:
    """Inspectors bucketed by load; each bucket sorted by pool position."""

    levels: list[list[int]] = field(default_factory=list)
    load: dict[int, int] = field(default_factory=dict)
    low: int = 0  # the lowest non-empty level: levels below it need no scan

    def add(self, position: int) -> None:
        level = self.load.get(position, 0)
        bucket = self.levels[level]
        del bucket[bisect.bisect_left(bucket, position)]
        self.load[position] = level + 1
        while len(self.levels) <= level + 1:
            self.levels.append([])
        bisect.insort(self.levels[level + 1], position)
        while self.low < len(self.levels) - 1 and not self.levels[self.low]:
            self.low += 1


def build_pool(registry: pa.Table, params: PlanParams) -> list[PoolMember]:
    """The plan's pool: every registered inspector in id order, eligible or with the reason."""
    rows = registry.sort_by("inspector_id").to_pylist()
    departments, matters = set(params.departments), set(params.matters)
    pool = []
    for row in rows:
        quals = {q.strip() for q in (row.get("qualifications") or "").split(";") if q.strip()}
        if row.get("active") is False:
            reason = "inactive"
        elif row.get("department") not in departments:
            reason = "not in the plan's departments"
        elif not quals & matters:
            reason = "not qualified for the plan's matters"
        else:
            reason = ""
        pool.append(
            PoolMember(
                inspector_id=str(row["inspector_id"]),
                name=row.get("name") or "",
                person_sid=row.get("person_sid") or "",
                department=row.get("department") or "",
                eligible=not reason,
                reason=reason,
            )
        )
    return pool


def assign_teams(
    selection: Sequence[str],
    pool: Sequence[PoolMember],
    conflicts: Mapping[str, Mapping[int, str]],
    *,
    plan_id: str,
    seed: str,
    team_size: int,
    max_per_inspector: int | None = None,
    slot_departments: Sequence[str] | None = None,
) -> list[Team]:
    """Teams for the selected subjects, in selection order (rank = position + 1).

    Parameters
    ----------
    selection
        Subject keys in the published selection order.
    pool
        ``build_pool`` output; only eligible members are drawn.
    conflicts
        ``sid → {pool position → reason}`` (graph and previous-round conflicts).
    plan_id, seed
        The HMAC message prefix and key.
    team_size, max_per_inspector
        Inspectors per subject; the most subjects per inspector (None: no limit).
    slot_departments
        A joint inspection's departments: slot ``j`` of each team is drawn among the
        inspectors of ``slot_departments[j % len]`` only (None: any eligible inspector).
    """
    groups = (
        [{i for i, m in enumerate(pool) if m.department == d} for d in slot_departments]
        if slot_departments
        else None
    )
    keyed = KeyedHash(seed, plan_id.encode() + b"|")
    eligible = [i for i, m in enumerate(pool) if m.eligible]
    loads = Loads(levels=[list(eligible)], load={})
    cap = max_per_inspector if max_per_inspector is not None else len(selection) + 1
    teams = []
    for rank, sid in enumerate(selection, start=1):
        bad = {p: r for p, r in conflicts.get(sid, {}).items() if pool[p].eligible}
        skips = [(pool[p].inspector_id, r) for p, r in sorted(bad.items())]
        full = sum(len(level) for level in loads.levels[cap:])
        if full:
            skips.append(
                (CAPACITY, f"capacity: {full} inspector(s) at the limit of {cap} subjects")
            )
        picked: list[int] = []
        for j in range(team_size):
            allowed = groups[j % len(groups)] if groups else None
            message = f"{sid}|inspector|{j}".encode()
            pick = _pick(loads, bad, picked, cap, keyed, message, allowed)
            if pick is None:
                break
            picked.append(pick)
        if len(picked) < team_size:
            free = len(eligible) - full - sum(1 for p in bad if loads.load.get(p, 0) < cap)
            status = (
                f"unassigned: needs {team_size} inspectors, only {free} eligible one(s)"
                f" free of conflicts and below capacity"
                f" ({len(bad)} in conflict, {full} at capacity)"
            )
            teams.append(Team(rank, sid, status, (), tuple(skips)))
            continue
        for position in picked:
            loads.add(position)
        members = tuple(pool[p].inspector_id for p in picked)
        teams.append(Team(rank, sid, ASSIGNED, members, tuple(skips)))
    return teams


def _pick(
    loads: Loads,
    bad: Mapping[int, str],
    picked: list[int],
    cap: int,
    keyed: KeyedHash,
    message: bytes,
    allowed: set[int] | None = None,
) -> int | None:
    """The lottery pick among the least-loaded allowed inspectors, or None if there are none."""
    excluded = set(bad) | set(picked)
    for level in range(loads.low, min(cap, len(loads.levels))):
        members = loads.levels[level]
        if not members:
            continue
        if allowed is not None:  # a joint inspection's slot: this department's inspectors only
            members = [m for m in members if m in allowed]
            if not members:
                continue
        # where the excluded inspectors of this level sit in its sorted member list
        holes = sorted(
            bisect.bisect_left(members, p)
            for p in excluded
            if loads.load.get(p, 0) == level and (allowed is None or p in allowed)
        )
        available = len(members) - len(holes)
        if available <= 0:
            continue
        # the k-th allowed member: step over the holes at or before it (no filtered copy)
        index = keyed.integer(message) % available
        for hole in holes:
            if hole <= index:
                index += 1
            else:
                break
        return members[index]
    return None


def teams_digest(teams: Sequence[Team]) -> str:
    """SHA-256 of the teams' canonical lines (rank, sid, status, inspectors, skips)."""
    return hashlib.sha256("".join(t.line() for t in teams).encode()).hexdigest()


def pool_rows(pool: Sequence[PoolMember]) -> list[list[object]]:
    """The pool as published: ``[inspector id, eligible, department]`` (no names, no reasons;
    the department lets anyone replay a joint inspection's per-department slots)."""
    return [[m.inspector_id, m.eligible, m.department] for m in pool]


def pool_from_rows(rows: Sequence[Sequence[object]]) -> list[PoolMember]:
    """The inverse of ``pool_rows`` (rows of files without the department read as well)."""
    members = []
    for row in rows:
        inspector, eligible, *rest = row
        department = str(rest[0]) if rest else ""
        members.append(
            PoolMember(
                str(inspector), "", "", department, bool(eligible), "" if eligible else "ineligible"
            )
        )
    return members
