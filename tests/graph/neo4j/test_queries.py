"""``Neo4jQueries`` fetches enough of the graph to answer exactly like the embedded side.

The rows come from ``MemorySource`` (tests/graph/neo4j/memory.py), which answers each fetch as
the Cypher statements are written to; the answers are compared with ``SnapshotQueries`` on a
snapshot of the *whole* graph. This checks the part that is linkrisk's own logic — which nodes
to fetch, how far, how completely — on hand-made and on random graphs. That the Cypher fetches
what it says is checked by Neo4j's linter and, against a live server, by the contract suite.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from linkrisk.config import Settings
from linkrisk.errors import LinkriskError, NotFound
from linkrisk.graph.neo4j.queries import Neo4jQueries
from linkrisk.graph.neo4j.subgraph import TableStore
from linkrisk.graph.queries import GraphQueries, SnapshotQueries
from linkrisk.graph.snapshot.arrays import load_snapshot
from linkrisk.graph.snapshot.build import build_snapshot
from tests.factories import org, person, table
from tests.graph.neo4j.memory import MemorySource

AS_OF = dt.date(2025, 1, 1)
PAST, FUTURE = dt.date(2001, 1, 1), dt.date(2030, 1, 1)


def _tables(rows: dict[str, list[dict[str, Any]]]) -> dict[str, pa.Table]:
    names = ("subjects", "holdings", "officers", "branches", "events")
    return {name: table(name, rows.get(name, [])) for name in names}


def both(
    rows: dict[str, list[dict[str, Any]]], supernode_cap: int = 10, seed: int = 0
) -> tuple[SnapshotQueries, Neo4jQueries, MemorySource]:
    """The embedded answer over the whole graph, and the Neo4j one over fetched regions."""
    tables = _tables(rows)
    config = Settings(supernode_cap=supernode_cap)  # type: ignore[call-arg]
    with tempfile.TemporaryDirectory() as root:
        path = build_snapshot(
            TableStore(tables),  # type: ignore[arg-type]
            Path(root),
            as_of=AS_OF,
            supernode_cap=supernode_cap,
        )
        whole = SnapshotQueries(load_snapshot(path, mmap=False), settings=config)
    source = MemorySource(tables, AS_OF, seed)
    return whole, Neo4jQueries(source, settings=config), source


def outcome(call: Callable[[GraphQueries], Any], queries: GraphQueries) -> Any:
    """A query's answer, or the type and text of the error it raised."""
    try:
        return call(queries)
    except LinkriskError as exc:
        return type(exc).__name__


def same(whole: SnapshotQueries, neo: Neo4jQueries, call: Callable[[GraphQueries], Any]) -> Any:
    expected = outcome(call, whole)
    assert outcome(call, neo) == expected
    return expected


def holds(src: str, dst: str, share: float | None, **attrs: Any) -> dict[str, Any]:
    return {"src": src, "dst": dst, "share": share, **attrs}


def officer(p: str, o: str, role: str, **attrs: Any) -> dict[str, Any]:
    return {"person": p, "org": o, "role": role, **attrs}


def test_paths_meet_supernodes_like_the_embedded_search() -> None:
    leaves = [org(f"L{i}") for i in range(4)]
    whole, neo, _ = both(
        {
            "subjects": [
                org("A"),
                org("Z"),
                org("M1"),
                org("M2"),
                person("P"),
                org("HUB"),
                *leaves,
            ],
            "holdings": [
                holds("A", "M2", 0.1),
                holds("M2", "Z", 0.1),
                holds("M1", "A", 0.1),
                holds("M1", "Z", 0.1),
                holds("HUB", "A", 0.1),
                holds("HUB", "Z", 0.1),
                *[holds("HUB", leaf["sid"], 0.1) for leaf in leaves],
            ],
            "officers": [officer("P", "A", "director"), officer("P", "Z", "director")],
        }
    )
    found = same(whole, neo, lambda q: q.paths("A", "Z", k=3, degree_cap=4))
    assert [p.sids for p in found.paths] == [("A", "M1", "Z"), ("A", "M2", "Z"), ("A", "P", "Z")]
    assert found.skipped_supernodes == ("HUB",)
    with_hub = same(whole, neo, lambda q: q.paths("A", "Z", k=5, degree_cap=100))
    assert with_hub.paths[0].sids == ("A", "HUB", "Z")
    same(whole, neo, lambda q: q.paths("A", "Z", rels=["OFFICER"]))
    same(whole, neo, lambda q: q.connections(["A", "Z", "L0", "P"], max_depth=3, degree_cap=4))


def test_ownership_over_a_cycle_and_an_ended_holding() -> None:
    whole, neo, _ = both(
        {
            "subjects": [person("P"), person("OLD"), org("A"), org("B"), org("X")],
            "holdings": [
                holds("A", "B", 0.5),
                holds("B", "A", 0.3),
                holds("P", "A", 0.5),
                holds("B", "X", 0.6),
                holds("OLD", "X", 0.3, end_date=PAST),
            ],
            "officers": [officer("OLD", "X", "legal_representative")],
        }
    )
    up = same(whole, neo, lambda q: q.owners("X"))
    assert [e.sid for e in up.entries] == ["B", "A", "P"]
    for depth in (1, 2, 3):
        same(whole, neo, lambda q, d=depth: q.owners("X", max_depth=d, min_share=0.1))
        same(whole, neo, lambda q, d=depth: q.holdings("P", max_depth=d))
    same(whole, neo, lambda q: q.controllers("X"))
    same(whole, neo, lambda q: q.controllers("A", threshold=0.9))


def test_shared_contacts_count_a_supernode_exactly() -> None:
    agents = [org(f"S{i:02d}", address="代理路1号") for i in range(12)]
    whole, neo, _ = both(
        {
            "subjects": [
                org("A", phone="0251", address="代理路1号"),
                org("B", phone="0251"),
                org("LATE", phone="0251", reg_date=FUTURE),  # not registered yet
                org("C"),
                *agents,
            ]
        }
    )
    contacts = same(whole, neo, lambda q: q.shared_contacts("A"))
    assert [(c.kind, c.n_subjects, c.sids, c.supernode) for c in contacts.contacts] == [
        ("phone", 2, ("B",), False),
        ("address", 13, (), True),
    ]
    same(whole, neo, lambda q: q.neighbourhood("A", hops=2))
    assert same(whole, neo, lambda q: q.shared_contacts("LATE")) == "NotFound"


def test_edges_among_the_outermost_layer_are_listed() -> None:
    # B, C and H are one hop from A: the edges among them are part of A's neighbourhood (H, a
    # supernode under a cap of 3, is not expanded; its edge to C is seen from C)
    leaves = [org(f"L{i}") for i in range(3)]
    whole, neo, _ = both(
        {
            "subjects": [org("A"), org("B"), org("C"), org("H"), *leaves],
            "holdings": [
                holds("A", "B", 0.5),
                holds("A", "C", 0.5),
                holds("B", "C", 0.5),
                holds("A", "H", 0.5),
                holds("H", "C", 0.5),
                *[holds("H", leaf["sid"], 0.1) for leaf in leaves],
            ],
        }
    )
    wide = same(whole, neo, lambda q: q.neighbourhood("A", hops=1))
    assert ("B", "C") in {(e.src_sid, e.dst_sid) for e in wide.edges}
    assert ("H", "C") in {(e.src_sid, e.dst_sid) for e in wide.edges}
    narrow = same(whole, neo, lambda q: q.neighbourhood("A", hops=2, degree_cap=3))
    assert not {"L0", "L1", "L2"} & {n.sid for n in narrow.nodes}
    same(whole, neo, lambda q: q.neighbourhood("A", hops=2, max_nodes=4, degree_cap=3))


def test_a_neighbourhood_fetches_only_what_it_needs() -> None:
    chain = [org(f"C{i:03d}") for i in range(200)]
    links = [holds(f"C{i:03d}", f"C{i + 1:03d}", 0.5) for i in range(199)]
    whole, neo, source = both({"subjects": chain, "holdings": links})
    same(whole, neo, lambda q: q.neighbourhood("C100", hops=2))
    asked = sum(n for kind, n in source.calls if kind == "edges")
    assert asked <= 5  # the centre and the four nodes within two hops, not the chain


def test_unknown_subjects_are_not_found() -> None:
    _, neo, _ = both({"subjects": [org("A")]})
    with pytest.raises(NotFound, match="GHOST"):
        neo.paths("A", "GHOST")


# -- random graphs ------------------------------------------------------------------------------

SIDS = [f"N{i:02d}" for i in range(14)]
dates = st.sampled_from([None, PAST, FUTURE])


@st.composite
def graphs(draw: st.DrawFn) -> dict[str, list[dict[str, Any]]]:
    n = draw(st.integers(4, len(SIDS)))
    sids = SIDS[:n]
    persons = set(draw(st.lists(st.sampled_from(sids), max_size=n // 2)))
    subjects = []
    for sid in sids:
        attrs = {
            "phone": draw(st.sampled_from([None, "p1", "p2", "p3"])),
            "address": draw(st.sampled_from([None, "a1", "a1", "a2"])),
            "reg_date": draw(st.sampled_from([None, None, None, FUTURE])),
        }
        subjects.append(person(sid, **attrs) if sid in persons else org(sid, **attrs))
    pair = st.tuples(st.sampled_from([*sids, "GHOST"]), st.sampled_from(sids))
    holdings = [
        holds(a, b, draw(st.sampled_from([None, 0.1, 0.3, 0.5, 0.6])), start_date=s, end_date=e)
        for (a, b), s, e in draw(st.lists(st.tuples(pair, dates, dates), max_size=3 * n))
        if s is None or e is None or s < e
    ]
    officers = [
        officer(a, b, role)
        for (a, b), role in draw(
            st.lists(
                st.tuples(pair, st.sampled_from(["legal_representative", "chair", "director"])),
                max_size=n,
            )
        )
    ]
    branches = [{"parent": a, "branch": b} for a, b in draw(st.lists(pair, max_size=n // 2))]
    events = [
        {"event_id": f"e{i}", "sid": sid, "type": kind, "decision_date": day}
        for i, (sid, kind, day) in enumerate(
            draw(
                st.lists(
                    st.tuples(
                        st.sampled_from(sids),
                        st.sampled_from(["penalty", "serious_dishonest", "red_list"]),
                        st.sampled_from([PAST, dt.date(2024, 6, 1), FUTURE]),
                    ),
                    max_size=n,
                )
            )
        )
    ]
    return {
        "subjects": subjects,
        "holdings": _unique(holdings, "src", "dst", "start_date"),
        "officers": _unique(officers, "person", "org", "role", "start_date"),
        "branches": _unique(branches, "parent", "branch"),
        "events": events,
    }


def _unique(rows: list[dict[str, Any]], *key: str) -> list[dict[str, Any]]:
    """One row per canonical key, the last one winning (as the stores upsert)."""
    return list({tuple(r.get(k) for k in key): r for r in rows}.values())


RELS = st.sampled_from([None, ["HOLDS"], ["HOLDS", "OFFICER"], ["SAME_CONTACT", "BRANCH"]])


@pytest.mark.slow
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    graphs(),
    st.sampled_from(SIDS[:4]),
    st.sampled_from(SIDS[:4]),
    st.integers(1, 3),
    st.integers(1, 8),
    RELS,
    st.integers(0, 99),
)
def test_random_graphs_give_the_embedded_answers(
    rows: dict[str, list[dict[str, Any]]],
    a: str,
    b: str,
    hops: int,
    cap: int,
    rels: list[str] | None,
    seed: int,
) -> None:
    whole, neo, _ = both(rows, supernode_cap=3, seed=seed)
    calls: list[Callable[[GraphQueries], Any]] = [
        lambda q: q.neighbourhood(a, hops=hops, rels=rels, degree_cap=cap, max_nodes=6),
        lambda q: q.surrounding_risk(a, hops=hops, rels=rels, degree_cap=cap),
        lambda q: q.owners(a, max_depth=hops),
        lambda q: q.holdings(a, max_depth=hops, min_share=0.05),
        lambda q: q.controllers(a, max_depth=hops),
        lambda q: q.group(a, threshold=0.5),
        lambda q: q.shared_contacts(a),
        lambda q: q.paths(a, b, k=hops, max_depth=hops + 2, rels=rels, degree_cap=cap),
        lambda q: q.connections([a, b, SIDS[3]], max_depth=hops + 1, rels=rels, degree_cap=cap),
    ]
    for call in calls:
        same(whole, neo, call)


def test_neo4j_queries_follow_the_protocol() -> None:
    _, neo, _ = both({"subjects": [org("A")]})
    assert isinstance(neo, GraphQueries)
