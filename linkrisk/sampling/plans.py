"""Plans as records in the embedded store's operational tables (migration 3).

A plan moves created → drawn → assigned → results → published; each step is one transaction
and refuses to run out of order (``Conflict``). The frame is kept as the zlib-compressed
canonical text, the mandatory list, selection, inspector pool and teams as rows.
"""

from __future__ import annotations

import hashlib
import json
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from linkrisk.errors import Conflict, NotFound
from linkrisk.graph.embedded.store import EmbeddedStore
from linkrisk.sampling.draw import Pick
from linkrisk.sampling.inspectors import PoolMember, Team
from linkrisk.sampling.params import PlanParams


class PlanStatus(StrEnum):
    CREATED = "created"
    DRAWN = "drawn"
    ASSIGNED = "assigned"
    RESULTS = "results"
    PUBLISHED = "published"


class SeedSource(StrEnum):
    SEALED = "sealed"  # generated here or given privately: kept sealed in the store until the draw
    PUBLIC = "public"  # announced in advance (e.g. lottery numbers): known from the start
    EXTERNAL = "external"  # only the commitment is known here; the seed is given at the draw


@dataclass(slots=True)
class PlanRecord:
    """One row of ``sampling_plans``."""

    plan_id: str
    name: str
    status: PlanStatus
    params: PlanParams
    params_digest: str
    snapshot_id: str
    model_version: str
    frame_size: int
    frame_digest: str
    mandatory_digest: str
    seed_commitment: str
    seed_source: SeedSource
    plan_digest: str
    created_at: str
    seed: str | None = None
    result_digest: str | None = None
    assignment_digest: str | None = None
    stats: dict[str, Any] = field(default_factory=dict)
    drawn_at: str | None = None
    assigned_at: str | None = None
    results_at: str | None = None
    published_at: str | None = None
    params_json: str = ""  # the stored text exactly (verification hashes this, not a re-dump)
    frame_key: str | None = None  # sealed: salts the frame commitment and keys the draw
    frame_root: str | None = None  # public: Merkle root over the salted frame leaves
    public_digest: str | None = None  # public: digest of the announcement made at creation

    @property
    def revealed_seed(self) -> str | None:
        """The seed once it may be shown: after the draw, or from the start if public."""
        if self.status is PlanStatus.CREATED and self.seed_source is not SeedSource.PUBLIC:
            return None
        return self.seed

    def summary(self) -> dict[str, Any]:
        """What may be shown to anyone (no sealed seed)."""
        return {
            "plan_id": self.plan_id,
            "name": self.name,
            "status": self.status.value,
            "snapshot_id": self.snapshot_id,
            "model_version": self.model_version,
            "frame_size": self.frame_size,
            "frame_digest": self.frame_digest,
            "params_digest": self.params_digest,
            "mandatory_digest": self.mandatory_digest,
            "seed_commitment": self.seed_commitment,
            "seed_source": self.seed_source.value,
            "seed": self.revealed_seed,
            "plan_digest": self.plan_digest,
            "frame_root": self.frame_root,
            "public_digest": self.public_digest,
            "result_digest": self.result_digest,
            "assignment_digest": self.assignment_digest,
            "stats": self.stats,
            "params": self.params.to_dict(),
            "created_at": self.created_at,
            "drawn_at": self.drawn_at,
            "assigned_at": self.assigned_at,
            "results_at": self.results_at,
            "published_at": self.published_at,
        }


_COLUMNS = (
    "plan_id, name, status, params, params_digest, snapshot_id, model_version, frame_size,"
    " frame_digest, mandatory_digest, seed_commitment, seed_source, plan_digest, created_at, seed,"
    " result_digest, assignment_digest, stats, drawn_at, assigned_at, results_at, published_at,"
    " frame_key, frame_root, public_digest"
)


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def mandatory_lines(rows: Sequence[tuple[str, str, str]]) -> str:
    """Canonical ``sid,tier,reason\\n`` lines of the mandatory list, sorted by sid."""
    return "".join(
        f"{sid},{tier},{reason}\n"
        for sid, tier, reason in sorted(rows, key=lambda r: r[0].encode())
    )


def mandatory_digest(rows: Sequence[tuple[str, str, str]]) -> str:
    return hashlib.sha256(mandatory_lines(rows).encode()).hexdigest()


def plan_digest(
    plan_id: str, params_digest: str, frame_digest: str, mandatory: str, commitment: str
) -> str:
    """One digest binding everything fixed at creation (announce it before the draw)."""
    text = f"{plan_id}|{params_digest}|{frame_digest}|{mandatory}|{commitment}"
    return hashlib.sha256(text.encode()).hexdigest()


class PlanBook:
    """Reads and writes plans in an ``EmbeddedStore``."""

    def __init__(self, store: EmbeddedStore) -> None:
        self.store = store

    def insert(
        self, record: PlanRecord, frame_text: bytes, mandatory: Sequence[tuple[str, str, str]]
    ) -> None:
        if self.store.execute("SELECT 1 FROM sampling_plans WHERE plan_id = ?", (record.plan_id,)):
            raise Conflict(f"plan {record.plan_id} already exists")
        values = _values(record)
        with self.store.transaction() as conn:
            conn.execute(
                f"INSERT INTO sampling_plans ({_COLUMNS}) VALUES ({', '.join('?' * len(values))})",
                values,
            )
            conn.execute(
                "INSERT INTO sampling_frames (plan_id, frame) VALUES (?, ?)",
                (record.plan_id, zlib.compress(frame_text, 6)),
            )
            conn.executemany(
                "INSERT INTO sampling_mandatory (plan_id, sid, tier, reason) VALUES (?, ?, ?, ?)",
                [(record.plan_id, *row) for row in mandatory],
            )

    def get(self, plan_id: str) -> PlanRecord:
        rows = self.store.execute(
            f"SELECT {_COLUMNS} FROM sampling_plans WHERE plan_id = ?", (plan_id,)
        )
        if not rows:
            raise NotFound(f"no sampling plan {plan_id!r}: see `linkrisk sampling list`")
        return _record(rows[0])

    def all(self) -> list[PlanRecord]:
        rows = self.store.execute(
            f"SELECT {_COLUMNS} FROM sampling_plans ORDER BY created_at, plan_id"
        )
        return [_record(r) for r in rows]

    def frame_text(self, plan_id: str) -> bytes:
        rows = self.store.execute("SELECT frame FROM sampling_frames WHERE plan_id = ?", (plan_id,))
        if not rows:
            raise NotFound(f"plan {plan_id} has no recorded frame")
        return zlib.decompress(rows[0][0])

    def mandatory(self, plan_id: str) -> list[tuple[str, str, str]]:
        rows = self.store.execute(
            "SELECT sid, tier, reason FROM sampling_mandatory WHERE plan_id = ? ORDER BY sid",
            (plan_id,),
        )
        return [(str(a), str(b), str(c)) for a, b, c in rows]

    def save_selection(
        self, record: PlanRecord, picks: Sequence[Pick], seed: str, digest: str
    ) -> None:
        require(record, PlanStatus.CREATED)
        with self.store.transaction() as conn:
            conn.executemany(
                "INSERT INTO sampling_selection (plan_id, rank, sid, tier, how, reason)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                [(record.plan_id, p.rank, p.sid, p.tier, p.how, p.reason) for p in picks],
            )
            conn.execute(
                "UPDATE sampling_plans SET status = ?, seed = ?, result_digest = ?, drawn_at = ?,"
                " stats = ?"
                " WHERE plan_id = ?",
                (
                    PlanStatus.DRAWN.value,
                    seed,
                    digest,
                    now(),
                    json.dumps(record.stats),
                    record.plan_id,
                ),
            )

    def selection(self, plan_id: str) -> list[Pick]:
        rows = self.store.execute(
            "SELECT rank, sid, tier, how, reason FROM sampling_selection WHERE plan_id = ?"
            " ORDER BY rank",
            (plan_id,),
        )
        return [Pick(int(r), str(s), str(t), str(h), str(why)) for r, s, t, h, why in rows]

    def save_teams(
        self, record: PlanRecord, pool: Sequence[PoolMember], teams: Sequence[Team], digest: str
    ) -> None:
        require(record, PlanStatus.DRAWN)
        loads: dict[str, int] = {}
        for team in teams:
            for inspector in team.inspectors:
                loads[inspector] = loads.get(inspector, 0) + 1
        with self.store.transaction() as conn:
            conn.executemany(
                "INSERT INTO sampling_pool (plan_id, position, inspector_id, name, department,"
                " eligible,"
                " reason, load) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        record.plan_id,
                        i,
                        m.inspector_id,
                        m.name,
                        m.department,
                        int(m.eligible),
                        m.reason,
                        loads.get(m.inspector_id, 0),
                    )
                    for i, m in enumerate(pool)
                ],
            )
            conn.executemany(
                "INSERT INTO sampling_teams (plan_id, rank, sid, status, inspectors, skips)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                [
                    (
                        record.plan_id,
                        t.rank,
                        t.sid,
                        t.status,
                        ";".join(t.inspectors),
                        json.dumps(list(t.skips), ensure_ascii=False),
                    )
                    for t in teams
                ],
            )
            conn.execute(
                "UPDATE sampling_plans SET status = ?, assignment_digest = ?, assigned_at = ?,"
                " stats = ?"
                " WHERE plan_id = ?",
                (
                    PlanStatus.ASSIGNED.value,
                    digest,
                    now(),
                    json.dumps(record.stats),
                    record.plan_id,
                ),
            )

    def pool(self, plan_id: str) -> list[PoolMember]:
        rows = self.store.execute(
            "SELECT inspector_id, name, department, eligible, reason FROM sampling_pool"
            " WHERE plan_id = ? ORDER BY position",
            (plan_id,),
        )
        return [
            PoolMember(str(i), n or "", "", d or "", bool(e), r or "") for i, n, d, e, r in rows
        ]

    def loads(self, plan_id: str) -> dict[str, int]:
        rows = self.store.execute(
            "SELECT inspector_id, load FROM sampling_pool WHERE plan_id = ?", (plan_id,)
        )
        return {str(i): int(n) for i, n in rows}

    def teams(self, plan_id: str) -> list[Team]:
        """The current teams: the first draw's, with later reassignments (``reassign.py``)
        applied in order, each subject keeping its rank."""
        teams = self.first_teams(plan_id)
        rows = self.store.execute(
            "SELECT teams FROM sampling_reassignments WHERE plan_id = ? ORDER BY seq", (plan_id,)
        )
        position = {t.sid: i for i, t in enumerate(teams)}
        for (text,) in rows:
            for _rank, sid, status, inspectors, skips in json.loads(text):
                i = position[sid]
                teams[i] = Team(
                    teams[i].rank, sid, status, tuple(inspectors), tuple(map(tuple, skips))
                )
        return teams

    def first_teams(self, plan_id: str) -> list[Team]:
        """The teams as first drawn (what verification replays before any reassignment)."""
        rows = self.store.execute(
            "SELECT rank, sid, status, inspectors, skips FROM sampling_teams WHERE plan_id = ?"
            " ORDER BY rank",
            (plan_id,),
        )
        return [
            Team(
                int(r),
                str(s),
                str(st),
                tuple(i for i in ins.split(";") if i),
                tuple((a, b) for a, b in json.loads(sk)),
            )
            for r, s, st, ins, sk in rows
        ]

    def save_stats(self, record: PlanRecord) -> None:
        self.store.execute(
            "UPDATE sampling_plans SET stats = ? WHERE plan_id = ?",
            (json.dumps(record.stats), record.plan_id),
        )

    def set_status(self, record: PlanRecord, status: PlanStatus, column: str) -> None:
        assert column in {"results_at", "published_at"}
        self.store.execute(
            f"UPDATE sampling_plans SET status = ?, {column} = ? WHERE plan_id = ?",
            (status.value, now(), record.plan_id),
        )


#: a plan's state in a sentence ("this step needs it …"), and the command that reaches it
STATE_WORDS = {
    PlanStatus.CREATED: ("created", "linkrisk sampling create"),
    PlanStatus.DRAWN: ("drawn", "linkrisk sampling draw"),
    PlanStatus.ASSIGNED: ("assigned", "linkrisk sampling assign"),
    PlanStatus.RESULTS: ("with its results recorded", "linkrisk sampling record"),
    PlanStatus.PUBLISHED: ("published", "linkrisk sampling publish"),
}


def require(record: PlanRecord, *allowed: PlanStatus) -> None:
    """Refuse a step that is out of the created → drawn → assigned → results → published order."""
    if record.status not in allowed:
        wanted = " or ".join(f"{STATE_WORDS[s][0]} (`{STATE_WORDS[s][1]}`)" for s in allowed)
        raise Conflict(
            f"plan {record.plan_id} is {STATE_WORDS[record.status][0]}; this step needs it {wanted}"
        )


def _values(r: PlanRecord) -> tuple[Any, ...]:
    return (
        r.plan_id,
        r.name,
        r.status.value,
        r.params.canonical_json(),
        r.params_digest,
        r.snapshot_id,
        r.model_version,
        r.frame_size,
        r.frame_digest,
        r.mandatory_digest,
        r.seed_commitment,
        r.seed_source.value,
        r.plan_digest,
        r.created_at,
        r.seed,
        r.result_digest,
        r.assignment_digest,
        json.dumps(r.stats),
        r.drawn_at,
        r.assigned_at,
        r.results_at,
        r.published_at,
        r.frame_key,
        r.frame_root,
        r.public_digest,
    )


def _record(row: tuple[Any, ...]) -> PlanRecord:
    (
        plan_id,
        name,
        status,
        params,
        params_digest,
        snapshot_id,
        model_version,
        frame_size,
        frame_digest,
        mandatory,
        commitment,
        source,
        digest,
        created_at,
        seed,
        result_digest,
        assignment_digest,
        stats,
        drawn_at,
        assigned_at,
        results_at,
        published_at,
        frame_key,
        frame_root,
        public_digest,
    ) = row
    record = PlanRecord(
        plan_id=plan_id,
        name=name,
        status=PlanStatus(status),
        params=PlanParams.from_json(params),
        params_digest=params_digest,
        snapshot_id=snapshot_id,
        model_version=model_version,
        frame_size=int(frame_size),
        frame_digest=frame_digest,
        mandatory_digest=mandatory,
        seed_commitment=commitment,
        seed_source=SeedSource(source),
        plan_digest=digest,
        created_at=created_at,
        seed=seed,
        result_digest=result_digest,
        assignment_digest=assignment_digest,
        stats=json.loads(stats or "{}"),
        drawn_at=drawn_at,
        assigned_at=assigned_at,
        results_at=results_at,
        published_at=published_at,
        params_json=params,
        frame_key=frame_key,
        frame_root=frame_root,
        public_digest=public_digest,
    )
    return record
