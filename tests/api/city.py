"""A tiny hand-made city for the API tests, written through the real store, snapshot and scores.

    P1 张三丰 ──60%──► A ──50%──► B ◄──legal rep── P2 李四
                       │ phone 025-1 shared with C
    D (alone, a repaired listing)

B has an active serious penalty and an abnormal-operation listing (tier D); A is tier C with a
related-party reason; C is on the red list; D's dishonest-debtor listing was repaired.
Names are synthetic; ID numbers are made-up numbers with valid check digits.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from linkrisk.config import Settings
from linkrisk.graph.embedded.store import EmbeddedStore
from linkrisk.graph.snapshot.arrays import Snapshot, load_current
from linkrisk.graph.snapshot.build import build_snapshot
from linkrisk.loaders.identifiers import (
    ID_CHECK,
    ID_WEIGHTS,
    mask_id,
    org_code_check_digit,
    person_sid,
    uscc_check_char,
)
from linkrisk.models.reasons import Reason
from linkrisk.models.scores import save_scores
from tests.factories import org, person, table

AS_OF = dt.date(2025, 6, 30)
DEPARTMENT = "测试市场监管局"


def make_uscc(serial: int, region: str = "320102") -> str:
    """A valid synthetic USCC (GB 32100 and GB 11714 check characters computed)."""
    body = f"MA{serial:06d}"
    first17 = "91" + region + body + org_code_check_digit(body)
    return first17 + uscc_check_char(first17)


def make_id_number(serial: int, born: str = "19800101", region: str = "320102") -> str:
    """A made-up 18-digit resident ID number with a valid GB 11643 check digit."""
    first17 = f"{region}{born}{serial:03d}"
    total = sum(int(c) * int(w) for c, w in zip(first17, ID_WEIGHTS, strict=True))
    return first17 + ID_CHECK[total % 11]


@dataclass(frozen=True, slots=True)
class City:
    a: str
    b: str
    c: str
    d: str
    p1: str  # person sids
    p2: str
    p1_id: str  # their (made-up) ID numbers, known only to the test
    p2_id: str
    snapshot: Snapshot

    def sid_of(self, name: str) -> str:
        return str(getattr(self, name))


#: the city's 抽查事项清单 (its inspectors are qualified for SP001 and SP002)
MATTERS = """
[matters.SP001]
name = "食品销售者经营条件检查"
[matters.SP002]
name = "食品标签检查"
"""


def write_matters(settings: Settings) -> Path:
    """The city's matter catalogue, for the ``sampling_matters`` setting."""
    path = settings.data_dir / "matters.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(MATTERS, encoding="utf-8")
    return path


def write_city(settings: Settings, *, extra_firms: int = 0) -> City:
    """Load the city into ``settings``' store, build its snapshot and publish scores for it."""
    key = settings.id_hash_key.get_secret_value().encode()
    a, b, c, d = (make_uscc(i) for i in range(1, 5))
    p1_id, p2_id = make_id_number(11), make_id_number(12, born="19751231")
    p1, p2 = person_sid(p1_id, key), person_sid(p2_id, key)
    store = EmbeddedStore(settings.db_path)
    store.migrate()
    firms = [org(make_uscc(100 + i), name=f"测试填充{i:03d}有限公司") for i in range(extra_firms)]
    store.write_batch(
        {
            "subjects": table(
                "subjects",
                [
                    org(
                        a,
                        name="南京甲乙科技有限公司",
                        phone="025-1",
                        reg_date=dt.date(2010, 1, 1),
                        address="南京市玄武区测试路1号",
                        region="320102",
                    ),
                    org(b, name="南京丙丁贸易有限公司", reg_date=dt.date(2015, 5, 5)),
                    org(c, name="南京戊己咨询有限公司", phone="025-1"),
                    org(d, name="苏州庚辛物流有限公司", region="320500"),
                    person(p1, name="张三丰", id_masked=mask_id(p1_id), phone="13800000001"),
                    person(p2, name="李四", id_masked=mask_id(p2_id)),
                    *firms,
                ],
            ),
            "holdings": table(
                "holdings",
                [{"src": p1, "dst": a, "share": 0.6}, {"src": a, "dst": b, "share": 0.5}],
            ),
            "officers": table(
                "officers", [{"person": p2, "org": b, "role": "legal_representative"}]
            ),
            "inspectors": table(
                "inspectors",
                [
                    {
                        "inspector_id": f"I{i}",
                        "name": f"检查员{i}",
                        "department": DEPARTMENT,
                        "qualifications": "SP001;SP002",
                        "active": True,
                        "region": "320102",
                    }
                    for i in range(1, 5)
                ]
                + [
                    # P2, legal representative of B, is also an inspector: never on B's team (回避)
                    {
                        "inspector_id": "I5",
                        "name": "李四",
                        "person_sid": p2,
                        "id_masked": mask_id(p2_id),
                        "department": DEPARTMENT,
                        "qualifications": "SP001",
                        "active": True,
                    },
                    {
                        "inspector_id": "I6",
                        "name": "王五",
                        "department": DEPARTMENT,
                        "qualifications": "SP001",
                        "active": False,
                    },
                ],
            ),
            "events": table(
                "events",
                [
                    {
                        "event_id": "ev-b-penalty",
                        "sid": b,
                        "type": "penalty",
                        "severity": "serious",
                        "authority": "测试市场监管局",
                        "decision_no": "测罚〔2024〕1号",
                        "decision_date": dt.date(2024, 1, 10),
                        "disclosure_end": dt.date(2027, 1, 10),
                    },
                    {
                        "event_id": "ev-b-abnormal",
                        "sid": b,
                        "type": "abnormal_operation",
                        "decision_date": dt.date(2024, 3, 1),
                    },
                    {
                        "event_id": "ev-c-red",
                        "sid": c,
                        "type": "red_list",
                        "decision_date": dt.date(2023, 1, 1),
                    },
                    {
                        "event_id": "ev-d-debtor",
                        "sid": d,
                        "type": "dishonest_debtor",
                        "decision_date": dt.date(2022, 1, 1),
                        "repair_date": dt.date(2023, 1, 1),
                    },
                ],
            ),
        }
    )
    store.close()
    return publish(settings, City(a, b, c, d, p1, p2, p1_id, p2_id, snapshot=None))  # type: ignore[arg-type]


def publish(
    settings: Settings, city: City, *, as_of: dt.date = AS_OF, model_version: str = "test-model-1"
) -> City:
    """Build and publish a snapshot of the store as of ``as_of``, then scores for it."""
    store = EmbeddedStore(settings.db_path)
    build_snapshot(store, settings.snapshot_dir, as_of=as_of, supernode_cap=settings.supernode_cap)
    store.close()
    snapshot = load_current(settings.snapshot_dir)
    publish_scores(settings, snapshot, city, model_version=model_version)
    return City(**{**{f: getattr(city, f) for f in City.__slots__}, "snapshot": snapshot})  # type: ignore[arg-type]


def publish_scores(
    settings: Settings, snapshot: Snapshot, city: City, *, model_version: str
) -> Path:
    n = snapshot.n
    score = np.full(n, 0.02, np.float32)
    tier = np.zeros(n, np.int8)
    reasons = np.zeros(n, np.uint8)
    for sid, s, t, r in (
        (city.a, 0.31, 2, Reason.RELATED_PARTY_RISK),
        (city.b, 0.87, 3, Reason.OWN_EVENTS | Reason.RELATED_PARTY_RISK),
        (city.c, 0.01, 0, Reason.RED_LIST),
    ):
        i = snapshot.index(sid)
        score[i], tier[i], reasons[i] = s, t, int(r)
    return save_scores(
        settings,
        snapshot,
        score=score,
        tier=tier,
        reasons=reasons,
        model_version=model_version,
        as_of=snapshot.as_of,
    )


def publish_elsewhere(city: City, *, as_of: dt.date, model_version: str) -> str:
    """``publish`` in another process, as ``linkrisk snapshot`` and ``linkrisk score`` would
    (settings from the environment); returns the new snapshot version."""
    import json
    import os
    import subprocess
    import sys

    fields = {f: getattr(city, f) for f in City.__slots__ if f != "snapshot"}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "tests.api.city",
            json.dumps(fields),
            as_of.isoformat(),
            model_version,
        ],
        env=os.environ.copy(),
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return done.stdout.strip().splitlines()[-1]


if __name__ == "__main__":
    import json
    import sys

    from linkrisk.config import get_settings

    given = json.loads(sys.argv[1])
    published = publish(
        get_settings(),
        City(**given, snapshot=None),  # type: ignore[arg-type]
        as_of=dt.date.fromisoformat(sys.argv[2]),
        model_version=sys.argv[3],
    )
    print(published.snapshot.version)
