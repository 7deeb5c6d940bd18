"""k-hop neighbourhoods: layers, filters, node limit, edges among the outer layer; vs networkx."""

from __future__ import annotations

import networkx as nx
from hypothesis import given, settings
from hypothesis import strategies as st

from linkrisk.graph.queries.csr import WalkView
from linkrisk.graph.queries.neighbourhood import bfs, neighbourhood
from linkrisk.graph.queries.results import Edge
from linkrisk.graph.relations import RelType
from tests.factories import org, person
from tests.graph.queries.conftest import Build, holds, officer
from tests.graph.queries.memory import memory_snapshot, sid_of


def _star(build: Build):  # type: ignore[no-untyped-def]
    return build(
        subjects=[org("A", phone="1"), org("B", phone="1"), org("C"), org("D"), person("P")],
        holdings=[
            holds("P", "A", 0.6),
            holds("A", "C", 0.5),
            holds("C", "D", 0.5),
            holds("B", "C", 0.2),
        ],
        officers=[officer("P", "B", "chair")],
    )


def test_layers_and_edges(build: Build) -> None:
    q = _star(build)
    one = q.neighbourhood("A")
    assert [(n.sid, n.hop) for n in one.nodes] == [("A", 0), ("B", 1), ("C", 1), ("P", 1)]
    # every edge among the four, the outer layer's own edges included (P → B, B → C)
    assert {(e.src_sid, e.dst_sid, e.rel.value) for e in one.edges} == {
        ("P", "A", "HOLDS"),
        ("A", "C", "HOLDS"),
        ("A", "B", "SAME_CONTACT"),
        ("P", "B", "OFFICER"),
        ("B", "C", "HOLDS"),
    }
    contact = next(e for e in one.edges if e.rel is RelType.SAME_CONTACT)
    assert contact == Edge("A", "B", RelType.SAME_CONTACT, contact="phone")  # listed once
    two = q.neighbourhood("A", hops=2)
    assert [(n.sid, n.hop) for n in two.nodes][-1] == ("D", 2)


def test_relation_filter_and_node_limit(build: Build) -> None:
    q = _star(build)
    holds_only = q.neighbourhood("A", rels=["HOLDS"])
    assert [n.sid for n in holds_only.nodes] == ["A", "C", "P"]
    limited = q.neighbourhood("A", max_nodes=3)
    assert [n.sid for n in limited.nodes] == ["A", "B", "C"] and limited.truncated
    assert all({e.src_sid, e.dst_sid} <= {"A", "B", "C"} for e in limited.edges)


def test_supernode_is_a_leaf(build: Build) -> None:
    q = build(
        subjects=[org("A"), org("HUB")] + [org(f"L{i}") for i in range(5)],
        holdings=[holds("HUB", "A", 0.1)] + [holds("HUB", f"L{i}", 0.1) for i in range(5)],
    )
    result = q.neighbourhood("A", hops=2, degree_cap=3)
    assert [n.sid for n in result.nodes] == ["A", "HUB"]
    assert result.skipped_supernodes == ("HUB",)
    assert len(q.neighbourhood("HUB", degree_cap=3).nodes) == 7  # the centre is expanded


@given(
    st.integers(2, 15).flatmap(
        lambda n: st.tuples(
            st.just(n),
            st.lists(
                st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)).filter(
                    lambda e: e[0] != e[1]
                ),
                max_size=3 * n,
            ),
            st.integers(0, 4),
        )
    )
)
@settings(max_examples=150, deadline=None)
def test_matches_networkx_ego_graph(case: tuple[int, list[tuple[int, int]], int]) -> None:
    n, edges, hops = case
    snapshot = memory_snapshot(n, holds=[(s, d, 0.1) for s, d in edges])
    graph = nx.Graph()
    graph.add_nodes_from(range(n))
    graph.add_edges_from(edges)
    expected = nx.single_source_shortest_path_length(graph, 0, cutoff=hops)
    result = neighbourhood(WalkView(snapshot), 0, hops=hops, max_nodes=1000, degree_cap=1000)
    assert {n.sid: n.hop for n in result.nodes} == {sid_of(v): d for v, d in expected.items()}
    inside = set(expected)
    assert len(result.edges) == sum(1 for s, d in edges if s in inside and d in inside)


def test_bfs_parent_is_the_lexicographically_smallest_path() -> None:
    # 0 reaches 3 through 2 and through 1; both 2 hops: the path through 1 comes first
    snapshot = memory_snapshot(4, holds=[(0, 2, 0.1), (0, 1, 0.1), (2, 3, 0.1), (1, 3, 0.1)])
    found = bfs(WalkView(snapshot), 0, 2)
    assert int(found.tree.frm[found.parent[3]]) == 1
    assert found.layers[1].tolist() == [1, 2]
