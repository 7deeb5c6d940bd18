"""Mandatory inclusions: abnormal results of a named plan, and 延伸检查 around blacklisted firms."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from linkrisk.graph.embedded.store import EmbeddedStore
from linkrisk.graph.snapshot.arrays import Snapshot, load_current
from linkrisk.graph.snapshot.build import build_snapshot
from linkrisk.sampling.mandatory import abnormal_in_plans, extended_inclusions, listed_firms
from linkrisk.sampling.sources import read_inspections
from tests.factories import table
from tests.sampling.world import AS_OF

World = tuple[EmbeddedStore, Snapshot]


def test_abnormal_results_of_named_plans(world: World) -> None:
    store, _snap = world
    inspections = read_inspections(store)
    found = abnormal_in_plans(inspections, ["PLAN-2024"])
    assert list(found) == ["ORG09"] and "无法联系" in found["ORG09"]
    assert abnormal_in_plans(inspections, ["PLAN-2025A"]) == {}  # only normal results there
    assert abnormal_in_plans(inspections, []) == {}


def _names(snap: Snapshot, found: dict[int, str]) -> set[str]:
    return set(snap.sid_list(found))


def test_extended_inclusions_by_hops(world: World) -> None:
    _store, snap = world
    assert snap.sid_list(listed_firms(snap)) == ["ORG05"]
    one = extended_inclusions(snap, 1)
    # PHOLD holds ORG05 (listed) and ORG06, is officer of ORG07; the listed firm is not added
    assert _names(snap, one) == {"ORG06", "ORG07"}
    assert one[snap.index("ORG06")] == "延伸检查: 1 hop(s) from a shareholder of listed ORG05"
    two = extended_inclusions(snap, 2)
    assert _names(snap, two) == {"ORG06", "ORG07", "ORG08"}  # ORG06 holds ORG08
    assert two[snap.index("ORG08")].startswith("延伸检查: 2 hop(s)")
    assert extended_inclusions(snap, 0) == {}


def test_a_repaired_listing_no_longer_extends(world: World, tmp_path: Path) -> None:
    store, _snap = world
    store.write_batch(
        {
            "events": table(
                "events",
                [
                    {
                        "event_id": "ev-listed",
                        "sid": "ORG05",
                        "type": "serious_dishonest",
                        "decision_date": dt.date(2025, 1, 10),
                        "disclosure_end": dt.date(2028, 1, 10),
                        "repair_date": dt.date(2025, 5, 1),
                    },
                ],
            )
        }
    )
    build_snapshot(store, tmp_path / "snap2", as_of=AS_OF)
    snap = load_current(tmp_path / "snap2")
    assert listed_firms(snap).size == 0 and extended_inclusions(snap, 2) == {}
