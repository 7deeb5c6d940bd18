"""查关系: k shortest paths, directions, ties, supernodes; networkx brute force as reference."""

from __future__ import annotations

import itertools

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from linkrisk.errors import InputError
from linkrisk.graph.queries.csr import WalkView
from linkrisk.graph.queries.paths import connect
from linkrisk.graph.relations import RelType
from tests.factories import org, person
from tests.graph.queries.conftest import Build, holds, officer
from tests.graph.queries.memory import memory_snapshot, sid_of


def test_direct_and_backward_hops(build: Build) -> None:
    q = build(
        subjects=[person("P"), org("A"), org("B")],
        holdings=[holds("A", "B", 0.7)],
        officers=[officer("P", "A", "legal_representative")],
    )
    [path] = q.paths("B", "P").paths
    assert path.sids == ("B", "A", "P")
    first, second = path.hops
    assert (first.rel, first.direction, first.share) == (RelType.HOLDS, "backward", 0.7)
    assert (second.rel, second.direction, second.role) == (
        RelType.OFFICER,
        "backward",
        "legal_representative",
    )
    [forward] = q.paths("P", "B").paths
    assert [h.direction for h in forward.hops] == ["forward", "forward"]


def test_k_shortest_in_length_then_sid_order(build: Build) -> None:
    # A and Z are joined via M1, M2 (2 hops each) and via L1-L2 (3 hops)
    q = build(
        subjects=[org(s) for s in ("A", "Z", "M2", "M1", "L1", "L2")],
        holdings=[
            holds("A", "M2", 0.1),
            holds("M2", "Z", 0.1),
            holds("A", "M1", 0.1),
            holds("M1", "Z", 0.1),
            holds("A", "L1", 0.1),
            holds("L1", "L2", 0.1),
            holds("L2", "Z", 0.1),
        ],
    )
    result = q.paths("A", "Z", k=5)
    assert [p.sids for p in result.paths] == [
        ("A", "M1", "Z"),
        ("A", "M2", "Z"),
        ("A", "L1", "L2", "Z"),
    ]
    assert result.shortest == 2
    assert [p.sids for p in q.paths("A", "Z", k=1).paths] == [("A", "M1", "Z")]
    assert q.paths("A", "Z", max_depth=2).paths[-1].length == 2


def test_relation_filter(build: Build) -> None:
    q = build(
        subjects=[person("P"), org("A"), org("B")],
        holdings=[holds("P", "A", 0.5), holds("P", "B", 0.5)],
        officers=[officer("P", "A", "director"), officer("P", "B", "director")],
    )
    only_officers = q.paths("A", "B", rels=["OFFICER"])
    assert [h.rel for h in only_officers.paths[0].hops] == [RelType.OFFICER, RelType.OFFICER]
    both = q.paths("A", "B")  # parallel edges collapse: HOLDS is the canonical hop
    assert [p.sids for p in both.paths] == [("A", "P", "B")]
    assert [h.rel for h in both.paths[0].hops] == [RelType.HOLDS, RelType.HOLDS]
    with pytest.raises(InputError):
        q.paths("A", "B", rels=["FRIENDS"])


def test_supernode_is_not_passed_through_but_can_be_an_end(build: Build) -> None:
    leaves = [org(f"L{i}") for i in range(4)]
    q = build(
        subjects=[org("A"), org("B"), org("HUB"), *leaves],
        holdings=[holds("HUB", "A", 0.1), holds("HUB", "B", 0.1)]
        + [holds("HUB", leaf["sid"], 0.1) for leaf in leaves],
    )
    blocked = q.paths("A", "B", degree_cap=3)
    assert blocked.paths == () and blocked.skipped_supernodes == ("HUB",)
    assert [p.sids for p in q.paths("A", "B", degree_cap=10).paths] == [("A", "HUB", "B")]
    assert [p.sids for p in q.paths("A", "HUB", degree_cap=3).paths] == [("A", "HUB")]


def test_no_path_within_depth(build: Build) -> None:
    q = build(
        subjects=[org(s) for s in "ABCD"],
        holdings=[holds("A", "B", 0.1), holds("B", "C", 0.1), holds("C", "D", 0.1)],
    )
    assert q.paths("A", "D", max_depth=2).paths == ()
    assert q.paths("A", "D", max_depth=3).shortest == 3


def test_bad_arguments(build: Build) -> None:
    q = build(subjects=[org("A"), org("B")])
    with pytest.raises(InputError):
        q.paths("A", "A")
    with pytest.raises(InputError):
        q.paths("A", "B", max_depth=16)
    with pytest.raises(InputError):
        q.paths("A", "B", k=0)


# -- against brute force -----------------------------------------------------------------------


def brute_force(
    n: int, edges: list[tuple[int, int]], a: int, b: int, k: int, depth: int, cap: int
) -> list[tuple[str, ...]]:
    graph = nx.Graph()
    graph.add_nodes_from(range(n))
    graph.add_edges_from(edges)
    degree = {v: 0 for v in range(n)}
    for s, d in edges:  # degree counts every stored edge, parallel ones included
        degree[s] += 1
        degree[d] += 1
    hubs = {v for v in range(n) if degree[v] > cap and v not in (a, b)}
    allowed = graph.subgraph(set(range(n)) - hubs)
    if a not in allowed or b not in allowed:
        return []
    found = [tuple(sid_of(v) for v in p) for p in nx.all_simple_paths(allowed, a, b, cutoff=depth)]
    return sorted(found, key=lambda p: (len(p), p))[:k]


@given(
    st.integers(3, 12).flatmap(
        lambda n: st.tuples(
            st.just(n),
            st.lists(
                st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)).filter(
                    lambda e: e[0] != e[1]
                ),
                max_size=3 * n,
            ),
            st.integers(1, 6),
            st.integers(1, 5),
            st.integers(2, 8),
        )
    )
)
@settings(max_examples=200, deadline=None)
def test_matches_brute_force(case: tuple[int, list[tuple[int, int]], int, int, int]) -> None:
    n, edges, k, depth, cap = case
    snapshot = memory_snapshot(n, holds=[(s, d, 0.1) for s, d in edges])
    view = WalkView(snapshot)
    for a, b in itertools.combinations(range(min(n, 4)), 2):
        found = connect(view, a, b, k=k, max_depth=depth, degree_cap=cap)
        assert [p.sids for p in found.paths] == brute_force(n, edges, a, b, k, depth, cap)
        assert list(found.skipped_supernodes) == sorted(set(found.skipped_supernodes))
        for path in found.paths:  # every hop is a stored edge walked the way it says
            for hop in path.hops:
                s, d = int(hop.src_sid[1:]), int(hop.dst_sid[1:])
                assert ((s, d) if hop.direction == "forward" else (d, s)) in edges
