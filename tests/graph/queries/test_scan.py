"""风险扫描 on a hand-made graph: own records by type, listed neighbours by distance, relation."""

from __future__ import annotations

import datetime as dt

from linkrisk.graph.queries.events import active_events_of, day_of
from linkrisk.graph.queries.scan import risk_scan
from tests.factories import org, person
from tests.graph.queries.conftest import AS_OF, Build, holds, officer


def _event(eid: str, sid: str, kind: str, **attrs: object) -> dict[str, object]:
    return {
        "event_id": eid,
        "sid": sid,
        "type": kind,
        "decision_date": dt.date(2024, 5, 1),
        **attrs,
    }


def test_scan_counts_own_records_and_neighbours_by_distance_and_relation(build: Build) -> None:
    q = build(
        subjects=[org("X"), org("H"), org("Y"), org("Z"), person("P")],
        holdings=[holds("H", "X", 0.6), holds("X", "Y", 0.5)],
        officers=[officer("P", "X", "manager"), officer("P", "Z", "chair")],
        events=[
            _event("e1", "X", "penalty", severity="major"),
            _event("e2", "X", "abnormal_operation"),
            _event("e3", "X", "penalty", repair_date=dt.date(2024, 6, 1)),  # repaired: not counted
            _event("e4", "H", "serious_dishonest"),
            _event("e5", "Y", "dishonest_debtor"),
            _event("e6", "Z", "penalty"),
        ],
    )
    node = q.snapshot.index("X")
    own = active_events_of(q.snapshot.events, node, day_of(AS_OF))
    scan = risk_scan("X", own, q.surrounding_risk("X", hops=2))
    own_section, around = scan.sections
    assert (own_section.name, own_section.total) == ("own", 2)
    assert [(g.key, g.count) for g in own_section.groups] == [
        ("penalty", 1),
        ("abnormal_operation", 1),
    ]
    assert [e.event_id for e in own_section.groups[0].events] == ["e1"]
    assert (around.name, around.total) == ("around", 3)
    assert [(g.key, [n.sid for n in g.neighbours]) for g in around.groups] == [
        ("1:HOLDS", ["H", "Y"]),
        ("2:OFFICER", ["Z"]),
    ]
    assert around.groups[1].neighbours[0].path.sids == ("X", "P", "Z")


def test_a_clean_subject_scans_empty(build: Build) -> None:
    q = build(subjects=[org("X")])
    scan = risk_scan("X", [], q.surrounding_risk("X"))
    assert [(s.name, s.total, s.groups) for s in scan.sections] == [
        ("own", 0, ()),
        ("around", 0, ()),
    ]
