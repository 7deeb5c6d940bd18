"""A tiny hand-made city for the measures' tests (store → snapshot; tiers set by the test).

    B (serious_dishonest, serious penalty) ──60%──► C ◄──30%── A (red list)
                                                    ▲
                                     P1 (限高) ─legal rep─┘
    D: abnormal-operation listing repaired 2025-03-01      E: revoked, minor penalty in 2020

Tiers: A → A, B → D, C → B, D → B, E → C, persons none.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from linkrisk.config import Settings
from linkrisk.graph.snapshot.arrays import Snapshot, load_current
from linkrisk.graph.snapshot.build import build_snapshot
from linkrisk.incentives.facts import Commitments, SubjectFacts
from linkrisk.loaders.identifiers import person_sid
from tests.api.city import make_id_number, make_uscc
from tests.factories import new_store, org, person, table

AS_OF = dt.date(2025, 6, 30)
DAY0 = dt.date(1970, 1, 1)


@dataclass(frozen=True, slots=True)
class Town:
    a: str
    b: str
    c: str
    d: str
    e: str
    p1: str
    p1_id: str
    snapshot: Snapshot

    def facts(self, commitments: Commitments | None = None) -> SubjectFacts:
        snap = self.snapshot
        tier = np.full(snap.n, -1, np.int8)
        for sid, t in ((self.a, 0), (self.b, 3), (self.c, 1), (self.d, 1), (self.e, 2)):
            tier[snap.index(sid)] = t
        return SubjectFacts(snap, tier, commitments or Commitments.empty())

    def commitments(self, rows: list[tuple[str, dt.date, str]]) -> Commitments:
        from linkrisk.incentives.rules import COMMITMENT_STATES

        return Commitments(
            np.array([self.snapshot.index(s) for s, _, _ in rows], np.int64),
            np.array([(d - DAY0).days for _, d, _ in rows], np.int32),
            np.array([COMMITMENT_STATES.index(st) for _, _, st in rows], np.int8),
        )


def event(eid: str, sid: str, kind: str, decided: dt.date, **extra: object) -> dict[str, object]:
    return {"event_id": eid, "sid": sid, "type": kind, "decision_date": decided, **extra}


def write_town(settings: Settings) -> Town:
    key = settings.id_hash_key.get_secret_value().encode()
    a, b, c, d, e = (make_uscc(i) for i in range(201, 206))
    p1_id = make_id_number(31)
    p1 = person_sid(p1_id, key)
    store = new_store(settings.db_path)
    store.write_batch(
        {
            "subjects": table(
                "subjects",
                [
                    org(a, name="示例甲有限公司"),
                    org(b, name="示例乙有限公司"),
                    org(c, name="示例丙有限公司"),
                    org(d, name="示例丁个体店", kind="individual_business"),
                    org(e, name="示例戊有限公司", status="revoked"),
                    person(p1, name="测试人一"),
                ],
            ),
            "holdings": table(
                "holdings", [{"src": b, "dst": c, "share": 0.6}, {"src": a, "dst": c, "share": 0.3}]
            ),
            "officers": table(
                "officers", [{"person": p1, "org": c, "role": "legal_representative"}]
            ),
            "events": table(
                "events",
                [
                    event("a-red", a, "red_list", dt.date(2024, 5, 1)),
                    event("b-sd", b, "serious_dishonest", dt.date(2025, 1, 1)),
                    event("b-pen", b, "penalty", dt.date(2024, 6, 1), severity="serious"),
                    event(
                        "d-ab",
                        d,
                        "abnormal_operation",
                        dt.date(2024, 1, 1),
                        repair_date=dt.date(2025, 3, 1),
                    ),
                    event(
                        "e-pen",
                        e,
                        "penalty",
                        dt.date(2020, 2, 1),
                        severity="minor",
                        disclosure_end=dt.date(2021, 2, 1),
                    ),
                    event("p1-cr", p1, "consumption_restriction", dt.date(2025, 2, 1)),
                ],
            ),
        }
    )
    build_snapshot(store, settings.snapshot_dir, as_of=AS_OF, supernode_cap=settings.supernode_cap)
    store.close()
    return Town(a, b, c, d, e, p1, p1_id, load_current(settings.snapshot_dir))
