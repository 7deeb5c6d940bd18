"""Explanations: real paths with the contributions the propagation formula gives them."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pytest

from linkrisk.graph.relations import RelType
from linkrisk.graph.snapshot.arrays import Snapshot
from linkrisk.models.explain import Explanation, explain, local_subgraph
from linkrisk.models.intrinsic import intrinsic_risk
from linkrisk.models.propagation import build_operator, propagate
from tests.factories import org, person
from tests.models.graphs import build, event

T = date(2026, 10, 31)


def _explain(snap: Snapshot, sid: str, **kw: int) -> Explanation:
    intrinsic = intrinsic_risk(snap)
    operator = build_operator(snap, dtype=np.float64)
    return explain(
        snap, snap.index(sid), intrinsic, propagate(operator, intrinsic.risk), operator, **kw
    )


@pytest.fixture
def snap(tmp_path: Path) -> Snapshot:
    return build(
        tmp_path,
        subjects=[org("S"), org("M"), org("TGT"), org("Q"), person("P")],
        holdings=[{"src": "S", "dst": "M", "share": 1.0}, {"src": "M", "dst": "TGT", "share": 1.0}],
        officers=[
            {"person": "P", "org": "S", "role": "legal_representative"},
            {"person": "P", "org": "TGT", "role": "director"},
        ],
        events=[event("e1", "S", "serious_dishonest", date(2026, 3, 1))],
    )


def test_paths_are_real_edges_in_the_direction_stated(snap: Snapshot) -> None:
    result = _explain(snap, "TGT")
    assert result.paths
    for path in result.paths:
        assert path.steps[0].src == path.source and path.steps[-1].dst == "TGT"
        assert path.hops == len(path.steps)
        for hop in path.steps:
            relation = snap.relations[RelType(hop.relation)]
            a, b = (hop.src, hop.dst) if hop.direction == "forward" else (hop.dst, hop.src)
            assert snap.index(b) in relation.out(snap.index(a))[0].tolist()


def test_contribution_is_source_risk_times_damping_times_weights(snap: Snapshot) -> None:
    result = _explain(snap, "TGT")
    by_route = {tuple((h.relation, h.direction) for h in p.steps): p for p in result.paths}
    chain = by_route[(("HOLDS", "forward"), ("HOLDS", "forward"))]
    # M's incoming weight: 1.0 from S and 0.3 back from TGT → 1/1.3; TGT's: 1.0 from M + 0.4 from P
    expected = chain.source_risk * 0.5**2 * (1 / 1.3) * (1 / 1.4)
    assert chain.contribution == pytest.approx(expected, abs=2e-6)
    assert [h.weight for h in chain.steps] == pytest.approx([1 / 1.3, 1 / 1.4], abs=1e-6)
    assert [h.detail for h in chain.steps] == ["share 100%", "share 100%"]
    via_person = by_route[(("OFFICER", "reverse"), ("OFFICER", "forward"))]
    assert [h.detail for h in via_person.steps] == ["legal_representative", "director"]
    # S → P: 0.5·0.9 = 0.45 (P's total in-weight 0.45 + 0.2 < 1); P → TGT: 0.4 / 1.4
    assert via_person.contribution == pytest.approx(
        via_person.source_risk * 0.25 * 0.45 * 0.4 / 1.4, abs=2e-6
    )
    assert result.paths[0].contribution >= result.paths[-1].contribution


def test_the_source_events_are_named(snap: Snapshot) -> None:
    path = _explain(snap, "TGT").paths[0]
    assert path.source == "S"
    (ev,) = path.events
    assert (ev.event_id, ev.type, ev.date) == ("e1", "serious_dishonest", "2026-03-01")
    assert ev.contribution > 0


def test_reason_codes_and_share_explained(snap: Snapshot) -> None:
    target = _explain(snap, "TGT")
    assert target.reasons == ["related_party_risk"]
    assert 0.5 < target.explained <= 1.0  # simple paths cover most of the (cyclic) walk sum
    source = _explain(snap, "S")
    assert "own_events" in source.reasons and source.own_events[0].event_id == "e1"


def test_an_isolated_subject_has_no_paths(snap: Snapshot) -> None:
    lonely = _explain(snap, "Q")
    assert lonely.paths == [] and lonely.related == 0 and lonely.explained == 0
    assert lonely.to_dict()["sid"] == "Q"


def test_hop_bound_and_node_cap(snap: Snapshot) -> None:
    assert all(p.hops <= 1 for p in _explain(snap, "TGT", max_hops=1).paths)
    nodes, truncated = local_subgraph(snap, snap.index("TGT"), 3, 2)
    assert len(nodes) == 2 and truncated
    nodes, truncated = local_subgraph(snap, snap.index("TGT"), 3, 100)
    assert snap.sid_list(nodes) == ["M", "P", "S", "TGT"] and not truncated


def test_listed_paths_say_what_they_add_up_to(snap: Snapshot) -> None:
    from linkrisk.cli.explain import _paths_title

    for node in range(snap.n):
        result = _explain(snap, snap.sid(node))
        listed = sum(p.contribution for p in result.paths)
        if result.related > 0:
            assert result.listed == pytest.approx(min(1.0, listed / result.related), abs=1e-3)
            assert result.listed <= result.explained + 1e-3
        title = _paths_title(result)
        assert (
            f"add up to {result.listed:.0%}" in title and f"cover {result.explained:.0%}" in title
        )
