"""How several subjects are connected: shortest paths per pair, merged into one subgraph."""

from __future__ import annotations

import pytest

from linkrisk.errors import InputError
from tests.factories import org, person
from tests.graph.queries.conftest import Build, holds, officer


def test_pairs_and_merged_subgraph(build: Build) -> None:
    q = build(
        subjects=[org("A"), org("B"), org("C"), person("P"), org("FAR"), org("M")],
        holdings=[holds("P", "A", 0.5), holds("P", "B", 0.5), holds("B", "M", 0.5)],
        officers=[officer("P", "C", "manager")],
    )
    result = q.connections(["C", "A", "B", "FAR"], max_depth=2)
    assert result.sids == ("A", "B", "C", "FAR")
    assert [(p.a, p.b, p.shortest) for p in result.pairs] == [
        ("A", "B", 2),
        ("A", "C", 2),
        ("B", "C", 2),
    ]
    assert [n.sid for n in result.subgraph.nodes] == ["A", "B", "C", "FAR", "P"]
    assert {(e.src_sid, e.dst_sid, e.rel.value) for e in result.subgraph.edges} == {
        ("P", "A", "HOLDS"),
        ("P", "B", "HOLDS"),
        ("P", "C", "OFFICER"),
    }


def test_limits(build: Build) -> None:
    q = build(subjects=[org("A")])
    with pytest.raises(InputError):
        q.connections(["A", "A"])
