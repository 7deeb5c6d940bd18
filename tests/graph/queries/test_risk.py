"""周边风险: hop counts, typed paths, the events that make a neighbour risky, as-of dates."""

from __future__ import annotations

import datetime as dt

import pytest

from linkrisk.errors import InputError
from linkrisk.graph.relations import RelType
from tests.factories import org, person
from tests.graph.queries.conftest import Build, holds, officer


def event(eid: str, sid: str, kind: str, decided: dt.date, **attrs: object) -> dict[str, object]:
    return {"event_id": eid, "sid": sid, "type": kind, "decision_date": decided, **attrs}


def _city(build: Build, **kwargs: object):  # type: ignore[no-untyped-def]
    return build(
        subjects=[org("X"), org("A"), org("B"), org("C"), person("P"), org("R")],
        holdings=[
            holds("P", "X", 0.6),
            holds("P", "A", 0.5),
            holds("A", "B", 0.5),
            holds("X", "R", 0.5),
        ],
        officers=[officer("P", "C", "legal_representative")],
        events=[
            event("e-a1", "A", "penalty", dt.date(2024, 3, 1), severity="serious"),
            event("e-a2", "A", "abnormal_operation", dt.date(2024, 5, 1)),
            event("e-b", "B", "serious_dishonest", dt.date(2024, 1, 1)),
            event("e-c", "C", "penalty", dt.date(2020, 1, 1), repair_date=dt.date(2021, 1, 1)),
            event("e-r", "R", "red_list", dt.date(2024, 1, 1)),
            event("e-x", "X", "penalty", dt.date(2024, 1, 1)),
        ],
        **kwargs,
    )


def test_risky_neighbours_with_hops_paths_and_events(build: Build) -> None:
    risk = _city(build).surrounding_risk("X")
    assert [(r.sid, r.hops) for r in risk.neighbours] == [("A", 2)]  # B is 3 hops; C repaired
    [a] = risk.neighbours
    assert a.path.sids == ("X", "P", "A")
    assert [(h.rel, h.direction) for h in a.path.hops] == [
        (RelType.HOLDS, "backward"),
        (RelType.HOLDS, "forward"),
    ]
    assert [(e.event_id, e.type, e.severity) for e in a.events] == [
        ("e-a2", "abnormal_operation", None),
        ("e-a1", "penalty", "serious"),
    ]
    deeper = _city(build).surrounding_risk("X", hops=3)
    assert [(r.sid, r.hops) for r in deeper.neighbours] == [("A", 2), ("B", 3)]


def test_as_of_date_hides_later_events(build: Build) -> None:
    q = _city(build)
    early = q.surrounding_risk("X", as_of=dt.date(2024, 4, 1))
    assert [e.event_id for e in early.neighbours[0].events] == ["e-a1"]
    assert q.surrounding_risk("X", as_of=dt.date(2024, 2, 1)).neighbours == ()
    assert q.surrounding_risk("X").as_of == dt.date(2025, 1, 1)


def test_snapshot_date_decides_what_is_known(build: Build) -> None:
    q = _city(build, as_of=dt.date(2020, 6, 1))
    risk = q.surrounding_risk("P")  # C's 2021 repair is not yet known in 2020
    assert [(r.sid, r.hops) for r in risk.neighbours] == [("C", 1)]


def test_disclosure_period_ends_the_listing(build: Build) -> None:
    q = build(
        subjects=[org("X"), org("A")],
        holdings=[holds("X", "A", 0.5)],
        events=[
            event(
                "e",
                "A",
                "abnormal_operation",
                dt.date(2021, 1, 1),
                disclosure_end=dt.date(2024, 1, 1),
            )
        ],
    )
    assert q.surrounding_risk("X").neighbours == ()
    assert len(q.surrounding_risk("X", as_of=dt.date(2023, 12, 31)).neighbours) == 1


def test_hops_and_limit(build: Build) -> None:
    q = _city(build)
    with pytest.raises(InputError):
        q.surrounding_risk("X", hops=5)
    limited = q.surrounding_risk("X", hops=3, limit=1)
    assert [r.sid for r in limited.neighbours] == ["A"] and limited.truncated
