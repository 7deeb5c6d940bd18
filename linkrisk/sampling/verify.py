"""Auditor-level verification: re-derive a plan's whole draw and teams from its sealed material.

The material is what the sealed frame file carries (``sealed.py``; never published): the
canonical parameters, the frame lines with their tiers, the frame key, the mandatory list, the
seed commitment and the revealed seed, the selection and the teams with their skip lists, the
public announcement and every digest. ``verify_material`` checks, in order, that each part
matches its digest, that the plan digest binds them, that the frame gives the announced Merkle
root, size and strata and the announcement its public digest, that the seed matches its
commitment, that the draw re-derived from frame, frame key, parameters and seed equals the
recorded selection, and that the teams replayed from the pool, the recorded conflicts and the
seed equal the recorded teams. The first difference raises ``IntegrityError`` with
``extra["what"]`` naming the part: ``parameters``, ``frame``, ``mandatory``, ``plan``,
``announcement``, ``seed``, ``result`` or ``assignment``. The public level is ``public.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from linkrisk.errors import IntegrityError
from linkrisk.sampling import announce
from linkrisk.sampling.commitment import frame_root, sealed_digest
from linkrisk.sampling.draw import Pick, draw_sample, public_selection_digest, selection_digest
from linkrisk.sampling.frame import Frame, parse_frame_text
from linkrisk.sampling.inspectors import (
    CAPACITY,
    PoolMember,
    Team,
    assign_teams,
    teams_digest,
)
from linkrisk.sampling.params import TIERS, PlanParams, sha256_hex
from linkrisk.sampling.plans import PlanBook, mandatory_digest, plan_digest
from linkrisk.sampling.prf import commitment
from linkrisk.sampling.reassign import ALL, Reassignment, reassignments, verify_reassignments


@dataclass(slots=True)
class Material:
    """Everything needed to re-derive a plan's draw (and teams) without the database."""

    plan_id: str
    params_json: str
    params_digest: str
    frame_text: bytes
    frame_digest: str
    mandatory: list[tuple[str, str, str]]
    mandatory_digest: str
    seed_commitment: str
    plan_digest: str
    seed: str | None = None
    selection: list[Pick] = field(default_factory=list)
    result_digest: str | None = None
    pool: list[PoolMember] = field(default_factory=list)
    teams: list[Team] = field(default_factory=list)
    assignment_digest: str | None = None
    reassignments: list[Reassignment] = field(default_factory=list)
    frame_key: str | None = None  # None: a plan made before public verification existed
    announcement: dict[str, Any] | None = None  # with its "public_digest"


@dataclass(slots=True)
class VerifyReport:
    plan_id: str
    checks: list[str]
    selected: int
    teams: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "plan_id": self.plan_id,
            "ok": True,
            "checks": self.checks,
            "selected": self.selected,
            "teams": self.teams,
        }


def _fail(what: str, detail: str) -> IntegrityError:
    return IntegrityError(f"{what}: {detail}", what=what)


def verify_material(m: Material, announced_plan_digest: str | None = None) -> VerifyReport:
    """Check the material; raise ``IntegrityError`` naming the first part that differs."""
    checks = []
    if sha256_hex(m.params_json.encode()) != m.params_digest:
        raise _fail("parameters", "the parameters differ from their published digest")
    checks.append("parameters digest")
    if sha256_hex(m.frame_text) != m.frame_digest:
        raise _fail("frame", "the frame differs from its published digest")
    checks.append("frame digest")
    if mandatory_digest(m.mandatory) != m.mandatory_digest:
        raise _fail("mandatory", "the mandatory list differs from its published digest")
    checks.append("mandatory list digest")
    bound = plan_digest(
        m.plan_id, m.params_digest, m.frame_digest, m.mandatory_digest, m.seed_commitment
    )
    if bound != m.plan_digest or (announced_plan_digest and announced_plan_digest != m.plan_digest):
        raise _fail(
            "plan", "the plan digest does not bind these parameters, frame, list and commitment"
        )
    checks.append("plan digest")
    params = PlanParams.from_json(m.params_json)
    if params.plan_id != m.plan_id:
        raise _fail("parameters", f"the parameters name plan {params.plan_id}, not {m.plan_id}")
    frame = parse_frame_text(m.frame_text)
    if m.frame_key:
        checks += _verify_announcement(m, frame)
    if m.seed is None:
        return VerifyReport(m.plan_id, [*checks, "not drawn yet"], 0, 0)
    if commitment(m.seed) != m.seed_commitment:
        raise _fail("seed", "the revealed seed does not match the commitment")
    checks.append("seed matches commitment")
    mandatory = {sid: (tier, reason) for sid, tier, reason in m.mandatory}
    expected = draw_sample(frame, params, m.seed, mandatory, m.frame_key)
    _compare_selection(expected, m.selection)
    digest = public_selection_digest if m.frame_key else selection_digest
    if digest(m.selection) != m.result_digest:
        raise _fail("result", "the selection differs from its published digest")
    checks.append(f"draw re-derived ({len(expected)} subjects)")
    if m.teams:
        verify_teams(m, params)
        checks.append(f"teams replayed ({len(m.teams)} subjects)")
    checks += check_reassignments(m, params)
    return VerifyReport(m.plan_id, checks, len(expected), len(m.teams))


def _compare_selection(expected: list[Pick], recorded: list[Pick]) -> None:
    for want, got in zip(expected, recorded, strict=False):
        if want.line() != got.line():
            raise _fail(
                "result",
                f"rank {want.rank}: the draw gives {want.sid} ({want.tier}, {want.how}),"
                f" the record says {got.sid} ({got.tier}, {got.how})",
            )
    if len(expected) != len(recorded):
        raise _fail(
            "result", f"the draw gives {len(expected)} subjects, the record {len(recorded)}"
        )


def _verify_announcement(m: Material, frame: Frame) -> list[str]:
    """The sealed frame against what was announced publicly at creation."""
    assert m.frame_key is not None
    if m.announcement is None:
        raise _fail("announcement", "the sealed material carries no announcement")
    given = m.announcement
    strata = {t: int((frame.tiers == i).sum()) for i, t in enumerate(TIERS)}
    expected = announce.build(
        plan_id=m.plan_id,
        name=str(given.get("name", "")),
        created_at=str(given.get("created_at", "")),
        params_json=m.params_json,
        params_digest=m.params_digest,
        frame_root=frame_root(frame, m.frame_key),
        frame_size=frame.size,
        strata=strata,
        mandatory=m.mandatory,
        seed_commitment=m.seed_commitment,
        seed_source=str(given.get("seed_source", "")),
        sealed_digest=sealed_digest(m.frame_key, m.plan_digest),
    )
    for key in ("frame_root", "frame_size", "strata"):
        if given.get(key) != expected[key]:
            raise _fail("frame", f"the sealed frame does not give the announced {key}")
    if announce.digest(given) != announce.digest(expected):
        differs = [k for k in announce.FIELDS if given.get(k) != expected[k]]
        raise _fail("announcement", f"the announcement does not match the sealed {differs}")
    if given.get("public_digest") != announce.digest(expected):
        raise _fail("announcement", "the announcement differs from its public digest")
    return ["frame root, size and strata as announced", "announcement digest"]


def check_reassignments(m: Material, params: PlanParams) -> list[str]:
    """Each reassignment covers selected subjects and replays from its record and the seed."""
    assert m.seed is not None
    selected = {p.sid for p in m.selection}
    for item in m.reassignments:
        outside = [t.sid for t in item.teams if t.sid not in selected]
        if outside or (item.scope != ALL and [t.sid for t in item.teams] != [item.scope]):
            raise _fail("assignment", f"reassignment {item.seq} covers other subjects")
    return verify_reassignments(m.plan_id, m.seed, params, m.reassignments)


def verify_teams(m: Material, params: PlanParams) -> None:
    assert m.seed is not None
    position = {p.inspector_id: i for i, p in enumerate(m.pool)}
    conflicts: dict[str, dict[int, str]] = {}
    for team in m.teams:
        for inspector, reason in team.skips:
            if inspector != CAPACITY:
                if inspector not in position:
                    raise _fail(
                        "assignment",
                        f"subject {team.sid} skips {inspector}, who is not in the pool",
                    )
                conflicts.setdefault(team.sid, {})[position[inspector]] = reason
    replay = assign_teams(
        [t.sid for t in m.teams],
        m.pool,
        conflicts,
        plan_id=m.plan_id,
        seed=m.seed,
        team_size=params.team_size,
        max_per_inspector=params.max_per_inspector,
        slot_departments=params.departments if params.joint else None,
    )
    if [t.sid for t in m.teams] != [p.sid for p in m.selection]:
        raise _fail("assignment", "the teams do not follow the selection order")
    for want, got in zip(replay, m.teams, strict=True):
        if want.line() != got.line():
            raise _fail(
                "assignment",
                f"rank {want.rank} ({want.sid}): the replay gives"
                f" {'; '.join(want.inspectors) or want.status},"
                f" the record says {'; '.join(got.inspectors) or got.status}",
            )
    if teams_digest(m.teams) != m.assignment_digest:
        raise _fail("assignment", "the teams differ from their published digest")


def material_from_book(book: PlanBook, plan_id: str) -> Material:
    """The material as recorded in the store."""
    record = book.get(plan_id)
    return Material(
        plan_id=record.plan_id,
        params_json=record.params_json,
        params_digest=record.params_digest,
        frame_text=book.frame_text(plan_id),
        frame_digest=record.frame_digest,
        mandatory=book.mandatory(plan_id),
        mandatory_digest=record.mandatory_digest,
        seed_commitment=record.seed_commitment,
        plan_digest=record.plan_digest,
        seed=record.revealed_seed if record.status.value != "created" else None,
        selection=book.selection(plan_id),
        result_digest=record.result_digest,
        pool=book.pool(plan_id),
        teams=book.first_teams(plan_id),
        reassignments=reassignments(book, plan_id),
        assignment_digest=record.assignment_digest,
        frame_key=record.frame_key,
        announcement=(
            announce.with_digest(announce.from_record(record, book.mandatory(plan_id)))
            if record.frame_key
            else None
        ),
    )


def verify_plan(
    book: PlanBook, plan_id: str, announced_plan_digest: str | None = None
) -> VerifyReport:
    """``verify_material`` on a plan as recorded in the store."""
    return verify_material(material_from_book(book, plan_id), announced_plan_digest)
