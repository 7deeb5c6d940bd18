"""GraphQueries contract: the same hand-computed answers from every backend.

Each test writes a tiny graph through ``store.write_batch`` and asks only through the
``GraphQueries`` protocol. Dates are far from today (relations ended in 2001, events decided in
2020…) so the answers do not depend on the day the suite runs; floats are compared with a
tolerance, and lists in the sort order the protocol defines.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from linkrisk.graph.queries import GraphQueries
from linkrisk.graph.queries.results import SharedContact
from linkrisk.graph.relations import RelType
from tests.factories import org, person

Make = Callable[..., GraphQueries]
PAST = dt.date(2001, 1, 1)


def holds(src: str, dst: str, share: float | None, **attrs: Any) -> dict[str, Any]:
    return {"src": src, "dst": dst, "share": share, **attrs}


def officer(p: str, o: str, role: str, **attrs: Any) -> dict[str, Any]:
    return {"person": p, "org": o, "role": role, **attrs}


def event(eid: str, sid: str, kind: str, decided: dt.date, **attrs: Any) -> dict[str, Any]:
    return {"event_id": eid, "sid": sid, "type": kind, "decision_date": decided, **attrs}


def shares(entries: Any) -> dict[str, float]:
    return {e.sid: e.integrated_share for e in entries}


def test_ownership_chain_diamond_and_ended_holding(queries: Make) -> None:
    q = queries(
        subjects=[person("P"), person("OLD"), org("A"), org("B"), org("X")],
        holdings=[
            holds("P", "A", 0.5),
            holds("P", "B", 0.4),
            holds("A", "X", 0.6),
            holds("B", "X", 0.5),
            holds("OLD", "X", 0.3, end_date=PAST),
        ],
    )
    up = q.owners("X")
    assert shares(up.entries) == pytest.approx({"A": 0.6, "B": 0.5, "P": 0.5})
    assert [e.sid for e in up.entries] == ["A", "B", "P"]
    p = up.entries[2]
    assert p.depth == 2 and [path.sids for path in p.paths] == [("P", "A", "X"), ("P", "B", "X")]
    assert [path.share for path in p.paths] == pytest.approx([0.3, 0.2])
    assert shares(q.holdings("P").entries) == pytest.approx({"A": 0.5, "B": 0.4, "X": 0.5})
    assert shares(q.owners("X", min_share=0.55).entries) == pytest.approx({"A": 0.6})
    assert shares(q.owners("X", max_depth=1).entries) == pytest.approx({"A": 0.6, "B": 0.5})


def test_ownership_cycle_closed_form(queries: Make) -> None:
    # u_B = 1 + 0.3·u_A, u_A = 0.5·u_B ⇒ u_A = 10/17, u_P = 0.5·u_A = 5/17 (owners of B)
    q = queries(
        subjects=[person("P"), org("A"), org("B")],
        holdings=[holds("A", "B", 0.5), holds("B", "A", 0.3), holds("P", "A", 0.5)],
    )
    assert shares(q.owners("B").entries) == pytest.approx({"A": 10 / 17, "P": 5 / 17})
    assert shares(q.holdings("P").entries) == pytest.approx({"A": 10 / 17, "B": 5 / 17})


def test_an_unknown_share_is_unknown_not_zero(queries: Make) -> None:
    q = queries(
        subjects=[person("P"), person("Q"), org("A"), org("X")],
        holdings=[
            holds("P", "X", 0.4),
            holds("P", "A", 0.5),
            holds("A", "X", None),
            holds("Q", "A", 0.5),
        ],
    )
    entries = {e.sid: e for e in q.owners("X").entries}
    assert entries["P"].integrated_share == pytest.approx(0.4) and entries["P"].share_partial
    assert entries["A"].integrated_share is None and entries["Q"].integrated_share is None


def test_ownership_through_an_offshore_company_and_a_passport_holder(queries: Make) -> None:
    # P (passport holder, keyed P…) → BVI company (foreign_org) → HK company → onshore X
    bvi, hk, holder = "foreign-reg:VG:1234567", "hk-cr:01234567", "P" + "ab" * 16
    q = queries(
        subjects=[
            person(holder, id_masked="passport:SG:E1*****78"),
            org(bvi, kind="foreign_org", status=None),
            org(hk, kind="foreign_org", status=None),
            org("X"),
        ],
        holdings=[holds(holder, bvi, 1.0), holds(bvi, hk, 0.8), holds(hk, "X", 0.7)],
    )
    up = q.owners("X")
    assert shares(up.entries) == pytest.approx({hk: 0.7, bvi: 0.56, holder: 0.56})
    entries = {e.sid: e for e in up.entries}
    assert [p.sids for p in entries[holder].paths] == [(holder, bvi, hk, "X")]
    assert entries[bvi].kind == "foreign_org" and entries[holder].kind == "person"
    [controller] = q.controllers("X")
    assert controller.sid == holder and controller.integrated_share == pytest.approx(0.56)


def test_controllers_threshold_and_fallbacks(queries: Make) -> None:
    q = queries(
        subjects=[
            person("P1"),
            person("P2"),
            person("P3"),
            person("L"),
            org("H"),
            org("X"),
            org("Y"),
            org("Z"),
        ],
        holdings=[
            holds("P1", "H", 0.5),
            holds("H", "X", 0.5),
            holds("P2", "X", 0.24),  # X: P1 25%
            holds("P2", "Y", 0.2),
            holds("P3", "Y", 0.1),  # Y: largest shareholder
            holds("P2", "Z", 0.1),
            holds("P3", "Z", 0.1),  # Z: a tie, the legal rep decides
        ],
        officers=[officer("L", "Z", "legal_representative"), officer("P3", "X", "chair")],
    )
    [x] = q.controllers("X")
    assert (x.sid, x.reason) == ("P1", "ownership ≥ 25%")
    assert x.integrated_share == pytest.approx(0.25)
    assert x.paths[0].sids == ("P1", "H", "X")
    assert [(c.sid, c.reason) for c in q.controllers("Y")] == [("P2", "largest shareholder")]
    [z] = q.controllers("Z")
    assert (z.sid, z.reason, z.integrated_share) == ("L", "legal representative", None)
    assert [(h.rel, h.role) for h in z.paths[0].hops] == [(RelType.OFFICER, "legal_representative")]


def test_paths_k_shortest_directions_and_supernodes(queries: Make) -> None:
    hub_leaves = [org(f"L{i}") for i in range(4)]
    q = queries(
        subjects=[org("A"), org("Z"), org("M1"), org("M2"), person("P"), org("HUB"), *hub_leaves],
        holdings=[
            holds("A", "M2", 0.1),
            holds("M2", "Z", 0.1),
            holds("M1", "A", 0.1),
            holds("M1", "Z", 0.1),
            holds("HUB", "A", 0.1),
            holds("HUB", "Z", 0.1),
        ]
        + [holds("HUB", leaf["sid"], 0.1) for leaf in hub_leaves],
        officers=[officer("P", "A", "director"), officer("P", "Z", "director")],
    )
    found = q.paths("A", "Z", k=3, degree_cap=4)
    assert [p.sids for p in found.paths] == [("A", "M1", "Z"), ("A", "M2", "Z"), ("A", "P", "Z")]
    assert [h.direction for h in found.paths[0].hops] == ["backward", "forward"]
    assert found.skipped_supernodes == ("HUB",)
    with_hub = q.paths("A", "Z", k=5, degree_cap=100)
    assert [p.sids for p in with_hub.paths] == [
        ("A", "HUB", "Z"),
        ("A", "M1", "Z"),
        ("A", "M2", "Z"),
        ("A", "P", "Z"),
    ]
    assert with_hub.skipped_supernodes == ()
    officers_only = q.paths("A", "Z", rels=["OFFICER"])
    assert [p.sids for p in officers_only.paths] == [("A", "P", "Z")]
    assert [h.role for h in officers_only.paths[0].hops] == ["director", "director"]
    assert q.paths("A", "L0", max_depth=1, degree_cap=4).paths == ()


def test_connections_merge_pairs(queries: Make) -> None:
    q = queries(
        subjects=[org("A"), org("B"), org("C"), person("P")],
        holdings=[holds("P", "A", 0.5), holds("P", "B", 0.5)],
    )
    result = q.connections(["A", "B", "C"], max_depth=3)
    assert [(p.a, p.b, p.shortest) for p in result.pairs] == [("A", "B", 2)]
    assert [n.sid for n in result.subgraph.nodes] == ["A", "B", "C", "P"]
    assert {(e.src_sid, e.dst_sid) for e in result.subgraph.edges} == {("P", "A"), ("P", "B")}


def test_shared_contacts_and_supernode_cap(queries: Make) -> None:
    agents = [org(f"S{i:02d}", address="某区代理路1号") for i in range(10)]  # 11 with A > cap 10
    q = queries(
        subjects=[
            org("A", phone="02580000001", address="某区代理路1号"),
            org("B", phone="02580000001"),
            org("C"),
            *agents,
        ],
    )
    assert q.shared_contacts("A").contacts == (
        SharedContact("phone", 2, ("B",)),
        SharedContact("address", 11, (), supernode=True),
    )
    assert q.shared_contacts("C").contacts == ()


def test_neighbourhood_layers_and_edges(queries: Make) -> None:
    q = queries(
        subjects=[person("P"), org("A"), org("B"), org("C")],
        holdings=[holds("P", "A", 0.6), holds("A", "B", 0.5), holds("B", "C", 0.5)],
        officers=[officer("P", "B", "supervisor")],
    )
    result = q.neighbourhood("A", hops=1)
    assert [(n.sid, n.hop) for n in result.nodes] == [("A", 0), ("B", 1), ("P", 1)]
    assert {(e.src_sid, e.dst_sid, e.rel.value) for e in result.edges} == {
        ("P", "A", "HOLDS"),
        ("A", "B", "HOLDS"),
        ("P", "B", "OFFICER"),
    }
    two = q.neighbourhood("A", hops=2, rels=["HOLDS"])
    assert [(n.sid, n.hop) for n in two.nodes] == [("A", 0), ("B", 1), ("P", 1), ("C", 2)]


def test_surrounding_risk_events_and_dates(queries: Make) -> None:
    q = queries(
        subjects=[org("X"), person("P"), org("A"), org("B"), org("C"), org("R")],
        holdings=[
            holds("P", "X", 0.6),
            holds("P", "A", 0.5),
            holds("A", "B", 0.5),
            holds("X", "R", 0.5),
            holds("X", "C", 0.5),
        ],
        events=[
            event("e-a", "A", "penalty", dt.date(2020, 3, 1), severity="serious"),
            event("e-b", "B", "serious_dishonest", dt.date(2020, 1, 1)),
            event(
                "e-c",
                "C",
                "abnormal_operation",
                dt.date(2019, 1, 1),
                repair_date=dt.date(2019, 6, 1),
            ),
            event("e-r", "R", "red_list", dt.date(2020, 1, 1)),
        ],
    )
    risk = q.surrounding_risk("X", hops=3)
    assert [(r.sid, r.hops) for r in risk.neighbours] == [("A", 2), ("B", 3)]
    a = risk.neighbours[0]
    assert a.path.sids == ("X", "P", "A")
    assert [(h.rel, h.direction) for h in a.path.hops] == [
        (RelType.HOLDS, "backward"),
        (RelType.HOLDS, "forward"),
    ]
    assert [(e.event_id, e.type, e.severity, e.decision_date) for e in a.events] == [
        ("e-a", "penalty", "serious", dt.date(2020, 3, 1))
    ]
    early = q.surrounding_risk("X", hops=3, as_of=dt.date(2019, 3, 1))
    assert [(r.sid, r.hops) for r in early.neighbours] == [("C", 1)]  # before its repair


def test_groups_by_control(queries: Make) -> None:
    q = queries(
        subjects=[org("K1"), org("K2"), org("K3"), person("P"), org("W")],
        holdings=[holds("K1", "K2", 0.5), holds("K2", "K3", 0.49), holds("P", "W", 0.1)],
        officers=[officer("P", "K3", "legal_representative")],
    )
    group = q.group("K2")
    assert (group.group_id, group.size) == ("GK1", 2)
    assert [m.sid for m in group.members] == ["K1", "K2"]
    other = q.group("P")
    assert other.group_id == "GK3" and [m.sid for m in other.members] == ["K3", "P"]
    assert q.group("W").size == 1
