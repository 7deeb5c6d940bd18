"""A tiny hand-made city for the sampling tests (synthetic names only).

Graph (as of 2025-06-30)::

    PINSP1 ─HOLDS→ ORG01                      inspector I1 is ORG01's shareholder
    PINSP2 ─OFFICER→ ORG02                    inspector I2 is ORG02's officer
    PINSP3 ─HOLDS→ ORG03 ─HOLDS→ ORG04        inspector I3: shareholder of ORG03, 2 hops from ORG04
    PHOLD ─HOLDS→ ORG05 (serious dishonest)   延伸检查: PHOLD also holds ORG06, is officer of ORG07
    ORG06 ─HOLDS→ ORG08                       ORG08 is 2 hops from PHOLD
    ORG11, ORG12 share a phone                ORG12 is 2 hops from nobody
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np

from linkrisk.graph.embedded.store import EmbeddedStore
from linkrisk.graph.snapshot.arrays import Snapshot, load_current
from linkrisk.graph.snapshot.build import build_snapshot
from tests.factories import org, person, table

AS_OF = dt.date(2025, 6, 30)
ORGS = [f"ORG{i:02d}" for i in range(1, 13)]


def build_world(
    path: Path, db: Path | None = None, snapshots: Path | None = None
) -> tuple[EmbeddedStore, Snapshot]:
    snapshots = snapshots or path / "snapshots"
    store = EmbeddedStore(db or path / "world.db")
    store.migrate()
    subjects = [
        org(s, name=f"测试企业{s[-2:]}有限公司", region="320102", industry="C1810") for s in ORGS
    ]
    subjects[10]["phone"] = subjects[11]["phone"] = "02588880000"
    subjects += [
        org("ORGFAR", name="外地企业", region="330100", industry="C1810"),
        org("ORGDEAD", name="吊销企业", region="320102", industry="C1810", status="revoked"),
        org("ORGSHOP", name="零售店", region="320102", industry="F5211"),
        person("PINSP1", name="王小明", id_masked="3201**********1234"),
        person("PINSP2", name="李四"),
        person("PINSP3", name="赵一二三"),
        person("PHOLD", name="钱大富", id_masked="3201**********567X"),
    ]
    store.write_batch(
        {
            "subjects": table("subjects", subjects),
            "holdings": table(
                "holdings",
                [
                    {"src": "PINSP1", "dst": "ORG01", "share": 0.2},
                    {"src": "PINSP3", "dst": "ORG03", "share": 0.6},
                    {"src": "ORG03", "dst": "ORG04", "share": 1.0},
                    {"src": "PHOLD", "dst": "ORG05", "share": 0.5},
                    {"src": "PHOLD", "dst": "ORG06", "share": 0.5},
                    {"src": "ORG06", "dst": "ORG08", "share": 0.7},
                ],
            ),
            "officers": table(
                "officers",
                [
                    {"person": "PINSP2", "org": "ORG02", "role": "supervisor"},
                    {"person": "PHOLD", "org": "ORG07", "role": "manager"},
                ],
            ),
            "events": table(
                "events",
                [
                    {
                        "event_id": "ev-listed",
                        "sid": "ORG05",
                        "type": "serious_dishonest",
                        "decision_date": dt.date(2025, 1, 10),
                        "disclosure_end": dt.date(2028, 1, 10),
                    },
                ],
            ),
            "inspectors": table(
                "inspectors",
                [
                    {
                        "inspector_id": "I1",
                        "name": "王小明",
                        "person_sid": "PINSP1",
                        "id_masked": "3201**********1234",
                        "department": "SCJG",
                        "qualifications": "M01;M02",
                        "active": True,
                    },
                    {
                        "inspector_id": "I2",
                        "name": "李四",
                        "person_sid": "PINSP2",
                        "department": "SCJG",
                        "qualifications": "M01",
                        "active": True,
                    },
                    {
                        "inspector_id": "I3",
                        "name": "赵一二三",
                        "person_sid": "PINSP3",
                        "department": "SCJG",
                        "qualifications": "M01",
                        "active": True,
                    },
                    {
                        "inspector_id": "I4",
                        "name": "孙五",
                        "department": "SCJG",
                        "qualifications": "M01",
                        "active": True,
                    },
                    {
                        "inspector_id": "I5",
                        "name": "周六",
                        "department": "SCJG",
                        "qualifications": "M01",
                        "active": True,
                    },
                    {
                        "inspector_id": "I6",
                        "name": "吴七",
                        "department": "SCJG",
                        "qualifications": "M01",
                        "active": True,
                    },
                    {
                        "inspector_id": "I7",
                        "name": "郑八",
                        "department": "SCJG",
                        "qualifications": "M01",
                        "active": False,
                    },
                    {
                        "inspector_id": "I8",
                        "name": "冯九",
                        "department": "SW",
                        "qualifications": "M01",
                        "active": True,
                    },
                    {
                        "inspector_id": "I9",
                        "name": "陈十",
                        "department": "SCJG",
                        "qualifications": "M06",
                        "active": True,
                    },
                ],
            ),
            "inspections": table(
                "inspections",
                [
                    {
                        "plan_id": "PLAN-2024",
                        "sid": "ORG09",
                        "inspect_date": dt.date(2024, 11, 5),
                        "matter": "M01",
                        "result": "unreachable",
                        "inspectors": "I4;I5",
                        "department": "SCJG",
                    },
                    {
                        "plan_id": "PLAN-2025A",
                        "sid": "ORG10",
                        "inspect_date": dt.date(2025, 3, 1),
                        "matter": "M01",
                        "result": "normal",
                        "inspectors": "I6;I4",
                        "department": "SCJG",
                    },
                    {
                        "plan_id": "PLAN-2025A",
                        "sid": "ORG11",
                        "inspect_date": dt.date(2025, 5, 20),
                        "matter": "M02",
                        "result": "normal",
                        "inspectors": "I5;I6",
                        "department": "SCJG",
                    },
                ],
            ),
        }
    )
    build_snapshot(store, snapshots, as_of=AS_OF)
    return store, load_current(snapshots)


def tiers_for(snapshot: Snapshot, letters: dict[str, str], default: str = "B") -> np.ndarray:
    """Tier codes per node from a ``sid → letter`` map (others get ``default``)."""
    codes = {"A": 0, "B": 1, "C": 2, "D": 3}
    tiers = np.full(snapshot.n, codes[default], np.int8)
    for sid, letter in letters.items():
        tiers[snapshot.index(sid)] = codes[letter]
    return tiers
