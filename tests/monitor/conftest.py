"""A small hand-made graph, snapshotted before and after a day's changes, for the monitor.

Before::

    E ─HOLDS→ C ─HOLDS 60 %→ A ←OFFICER─ P1 ─OFFICER→ B        F ─HOLDS→ E       D (alone)

After: a penalty on B (two links from A), C holds 80 % of A, P2 becomes C's director,
D is revoked (吊销), F gets a penalty (three links from A), A gets an abnormal-operation entry,
and a new subject whose sid sorts first shifts every node's position.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from linkrisk.config import Settings
from linkrisk.graph.embedded.store import EmbeddedStore
from linkrisk.graph.snapshot.arrays import Snapshot, load_snapshot
from linkrisk.graph.snapshot.build import build_snapshot
from tests.api.city import make_uscc
from tests.factories import org, person, table

AS_OF = dt.date(2025, 6, 30)
A, B, C, D, E, F, FIRST = (make_uscc(i) for i in (10, 11, 12, 13, 14, 15, 1))


def pid(serial: int) -> str:
    """A person's sid (the form of a keyed hash of an ID number; made up)."""
    return f"P{serial:032x}"


def event(sid: str, n: int, kind: str = "penalty") -> dict[str, Any]:
    return {
        "event_id": f"ev{n:022d}",
        "sid": sid,
        "type": kind,
        "severity": "major",
        "decision_date": dt.date(2025, 1, 1),
        "decision_no": f"N{n}",
    }


def before_rows() -> dict[str, list[dict[str, Any]]]:
    p1 = pid(1)
    return {
        "subjects": [org(s, reg_date=dt.date(2020, 1, 1)) for s in (A, B, C, D, E, F)]
        + [person(p1), person(pid(2))],
        "holdings": [
            {"src": C, "dst": A, "share": 0.6},
            {"src": E, "dst": C, "share": 1.0},
            {"src": F, "dst": E, "share": 1.0},
        ],
        "officers": [
            {"person": p1, "org": A, "role": "legal_representative"},
            {"person": p1, "org": B, "role": "director"},
        ],
        "events": [event(C, 1)],
    }


def after_rows() -> dict[str, list[dict[str, Any]]]:
    return {
        "subjects": [
            org(D, status="revoked", reg_date=dt.date(2020, 1, 1)),
            org(FIRST, reg_date=dt.date(2021, 1, 1)),
        ],
        "holdings": [{"src": C, "dst": A, "share": 0.8}],
        "officers": [{"person": pid(2), "org": C, "role": "director"}],
        "events": [event(B, 2), event(F, 3), event(A, 4, "abnormal_operation")],
    }


@dataclass
class World:
    settings: Settings
    store: EmbeddedStore
    old: Snapshot
    new: Snapshot


def write(store: EmbeddedStore, rows: dict[str, list[dict[str, Any]]]) -> None:
    store.write_batch({name: table(name, value) for name, value in rows.items()})


@pytest.fixture
def world(tmp_path: Path) -> World:
    settings = Settings(data_dir=tmp_path / "data", env="test")
    settings.data_dir.mkdir()
    store = EmbeddedStore(settings.db_path)
    store.migrate()
    write(store, before_rows())
    old = load_snapshot(build_snapshot(store, settings.snapshot_dir, as_of=AS_OF))
    write(store, after_rows())
    new = load_snapshot(build_snapshot(store, settings.snapshot_dir, as_of=AS_OF))
    yield World(settings, store, old, new)
    store.close()
