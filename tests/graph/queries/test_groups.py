"""企业集团: control components (HOLDS ≥ 50%, legal representatives), stable ids; vs networkx."""

from __future__ import annotations

import networkx as nx
from hypothesis import given, settings
from hypothesis import strategies as st

from linkrisk.graph.queries.groups import group_of, index_groups
from tests.factories import org, person
from tests.graph.queries.conftest import Build, holds, officer
from tests.graph.queries.memory import memory_snapshot, sid_of


def test_control_edges_make_groups(build: Build) -> None:
    q = build(
        subjects=[org("K1"), org("K2"), org("K3"), org("K4"), person("P"), org("Z")],
        holdings=[holds("K1", "K2", 0.5), holds("K2", "K3", 0.49), holds("P", "Z", 0.9)],
        officers=[officer("P", "K3", "legal_representative"), officer("P", "K4", "director")],
    )
    group = q.group("K2")
    assert group.group_id == "GK1" and [m.sid for m in group.members] == ["K1", "K2"]
    assert [(e.src_sid, e.dst_sid) for e in group.edges] == [("K1", "K2")]
    other = q.group("Z")  # P is legal representative of K3 and holds 90% of Z
    assert other.group_id == "GK3" and [m.sid for m in other.members] == ["K3", "P", "Z"]
    assert q.group("K4").size == 1 and q.group("K4").group_id == "GK4"
    assert q.group("K3", threshold=0.4).size == 5  # 49% counts at a 40% threshold
    limited = q.group("Z", limit=2)
    assert limited.truncated and limited.size == 3 and len(limited.members) == 2


@given(
    st.integers(1, 20).flatmap(
        lambda n: st.tuples(
            st.just(n),
            st.lists(
                st.tuples(
                    st.integers(0, n - 1), st.integers(0, n - 1), st.sampled_from([0.2, 0.5, 0.8])
                ),
                max_size=2 * n,
            ),
        )
    )
)
@settings(max_examples=100, deadline=None)
def test_matches_networkx_components(case: tuple[int, list[tuple[int, int, float]]]) -> None:
    n, edges = case
    snapshot = memory_snapshot(n, holds=edges)
    graph = nx.Graph()
    graph.add_nodes_from(range(n))
    graph.add_edges_from((s, d) for s, d, w in edges if w >= 0.5)
    index = index_groups(snapshot, 0.5)
    for component in nx.connected_components(graph):
        node = max(component)
        found = group_of(snapshot, index, node, threshold=0.5)
        assert [m.sid for m in found.members] == [sid_of(v) for v in sorted(component)]
        assert found.group_id == "G" + sid_of(min(component))
