"""Look-through: hand-computed chains, diamonds and cycles; algebra vs reference; properties."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from linkrisk.errors import ConvergenceError, NotFound
from linkrisk.graph.queries.ownership import (
    evidence_paths,
    integrated_shares,
    integrated_shares_reference,
    look_through,
    reach_holdings,
)
from linkrisk.graph.relations import RelType
from tests.factories import org, person
from tests.graph.queries.conftest import Build, holds
from tests.graph.queries.memory import memory_snapshot, sid_of


def shares(result: object) -> dict[str, float]:
    return {e.sid: e.integrated_share for e in result.entries}  # type: ignore[attr-defined]


def test_chain_multiplies_shares(build: Build) -> None:
    q = build(
        subjects=[person("P"), org("A"), org("B"), org("C")],
        holdings=[holds("P", "A", 0.6), holds("A", "B", 0.5), holds("B", "C", 0.4)],
    )
    up = q.owners("C")
    assert shares(up) == pytest.approx({"B": 0.4, "A": 0.2, "P": 0.12})
    assert [e.depth for e in up.entries] == [1, 2, 3]
    [path] = up.entries[2].paths
    assert path.sids == ("P", "A", "B", "C")  # shown owner → owned
    assert [h.share for h in path.hops] == [0.6, 0.5, 0.4]
    assert all(h.rel is RelType.HOLDS and h.direction == "forward" for h in path.hops)


def test_diamond_sums_two_paths(build: Build) -> None:
    q = build(
        subjects=[person("P"), org("A"), org("B"), org("X")],
        holdings=[
            holds("P", "A", 0.5),
            holds("P", "B", 0.4),
            holds("A", "X", 0.6),
            holds("B", "X", 0.5),
        ],
    )
    entry = next(e for e in q.owners("X").entries if e.sid == "P")
    assert entry.integrated_share == pytest.approx(0.5 * 0.6 + 0.4 * 0.5)
    assert [p.sids for p in entry.paths] == [("P", "A", "X"), ("P", "B", "X")]  # 0.3 before 0.2
    assert sum(p.share for p in entry.paths) == pytest.approx(entry.integrated_share)


def test_cycle_matches_the_closed_form(build: Build) -> None:
    # A holds 50% of B, B holds 30% of A, P holds 50% of A. Owners of B: u = e_B + Hᵀu gives
    # u_B = 1 + 0.3·u_A, u_A = 0.5·u_B  ⇒  u_B = 1/(1 − 0.15) = 20/17, u_A = 10/17, u_P = 5/17.
    q = build(
        subjects=[person("P"), org("A"), org("B")],
        holdings=[holds("A", "B", 0.5), holds("B", "A", 0.3), holds("P", "A", 0.5)],
    )
    assert shares(q.owners("B")) == pytest.approx({"A": 10 / 17, "P": 5 / 17})
    # owners of A: u_A = 1 + 0.5·u_B, u_B = 0.3·u_A ⇒ u_A = 20/17, u_P = 0.5·u_A, u_B = 0.3·u_A
    assert shares(q.owners("A")) == pytest.approx({"P": 10 / 17, "B": 6 / 17})
    # holdings of P: v_A = 0.5 + 0.3·v_B, v_B = 0.5·v_A ⇒ v_A = 10/17, v_B = 5/17
    assert shares(q.holdings("P")) == pytest.approx({"A": 10 / 17, "B": 5 / 17})
    # the evidence stays simple: no path revisits a node
    for entry in q.owners("B").entries:
        assert all(len(set(p.sids)) == len(p.sids) for p in entry.paths)


def test_full_circular_holding_is_a_typed_error(build: Build) -> None:
    q = build(subjects=[org("A"), org("B")], holdings=[holds("A", "B", 1.0), holds("B", "A", 1.0)])
    with pytest.raises(ConvergenceError):
        q.owners("A")


def test_depth_and_min_share_filter(build: Build) -> None:
    q = build(
        subjects=[person("P"), org("A"), org("B"), org("C"), person("Q")],
        holdings=[
            holds("P", "A", 0.6),
            holds("A", "B", 0.5),
            holds("B", "C", 0.4),
            holds("Q", "C", 0.05),
        ],
    )
    assert set(shares(q.owners("C", max_depth=2))) == {"B", "A", "Q"}
    assert set(shares(q.owners("C", min_share=0.15))) == {"B", "A"}
    down = q.holdings("P", min_share=0.25)
    assert shares(down) == pytest.approx({"A": 0.6, "B": 0.3})


def test_unknown_share_is_unknown_not_zero(build: Build) -> None:
    q = build(subjects=[person("P"), org("A")], holdings=[holds("P", "A", None)])
    [entry] = q.owners("A").entries
    assert entry.integrated_share is None and entry.paths[0].hops[0].share is None
    assert not entry.share_partial


def test_an_unknown_share_on_one_of_two_walks_makes_a_lower_bound(build: Build) -> None:
    # P → A (60 %) → X and P → B (unknown) → X; Q reaches X only through B
    q = build(
        subjects=[person("P"), person("Q"), org("A"), org("B"), org("X")],
        holdings=[
            holds("P", "A", 0.6),
            holds("A", "X", 0.5),
            holds("P", "B", 0.5),
            holds("B", "X", None),
            holds("Q", "B", 0.5),
        ],
    )
    entries = {e.sid: e for e in q.owners("X").entries}
    assert entries["P"].integrated_share == pytest.approx(0.3) and entries["P"].share_partial
    assert entries["A"].integrated_share == pytest.approx(0.5) and not entries["A"].share_partial
    assert entries["B"].integrated_share is None and entries["Q"].integrated_share is None
    assert [e.sid for e in q.owners("X").entries][:2] == ["A", "P"]  # unknown ones last


def test_max_paths_keeps_the_largest_and_says_so(build: Build) -> None:
    q = build(
        subjects=[person("P"), org("A"), org("B"), org("X")],
        holdings=[
            holds("P", "A", 0.5),
            holds("P", "B", 0.4),
            holds("A", "X", 0.6),
            holds("B", "X", 0.5),
        ],
    )
    result = q.owners("X", max_paths=3)
    assert result.paths_truncated
    kept = sorted(p.share for e in result.entries for p in e.paths)
    assert kept == pytest.approx([0.3, 0.5, 0.6])  # P-B-X (0.2) is the one left out
    assert not q.owners("X", max_paths=4).paths_truncated


def test_unknown_subject_is_not_found(build: Build) -> None:
    q = build(subjects=[org("A")])
    with pytest.raises(NotFound):
        q.owners("NOPE")


# -- properties -------------------------------------------------------------------------------


@st.composite
def acyclic_holdings(draw: st.DrawFn) -> tuple[int, list[tuple[int, int, float]]]:
    """Edges i → j only for i < j (acyclic); each company's owners hold at most 100% in all."""
    n = draw(st.integers(2, 9))
    edges = []
    for j in range(1, n):
        owners = draw(st.lists(st.integers(0, j - 1), unique=True, max_size=3))
        if owners:
            weights = draw(
                st.lists(st.floats(0.01, 1.0), min_size=len(owners), max_size=len(owners))
            )
            total = draw(st.floats(0.05, 1.0)) / sum(weights)
            edges += [(i, j, round(w * total, 4)) for i, w in zip(owners, weights, strict=True)]
    return n, edges


@given(acyclic_holdings())
@settings(max_examples=150, deadline=None)
def test_integrated_ownership_never_exceeds_100_percent_in_acyclic_graphs(
    case: tuple[int, list[tuple[int, int, float]]],
) -> None:
    n, edges = case
    snapshot = memory_snapshot(n, holds=edges)
    for target in range(n):
        for entry in look_through(snapshot, sid_of(target), "up").entries:
            assert entry.integrated_share <= 1.0 + 1e-9
            # in an acyclic graph the walks are the simple paths: the evidence sums to the total
            assert sum(p.share or 0.0 for p in entry.paths) == pytest.approx(entry.integrated_share)


@st.composite
def any_holdings(draw: st.DrawFn) -> tuple[int, list[tuple[int, int, float]]]:
    """Random holdings, cycles allowed, each company's owners holding under 100% in all."""
    n = draw(st.integers(2, 8))
    edges = []
    for j in range(n):
        owners = draw(
            st.lists(st.integers(0, n - 1).filter(lambda i, j=j: i != j), unique=True, max_size=3)
        )
        for i in owners:
            edges.append((i, j, draw(st.sampled_from([0.1, 0.2, 0.25, 0.3]))))
    return n, edges


@given(any_holdings(), st.booleans())
@settings(max_examples=150, deadline=None)
def test_every_path_is_real_and_the_solve_matches_the_reference(
    case: tuple[int, list[tuple[int, int, float]]], up: bool
) -> None:
    n, edges = case
    snapshot = memory_snapshot(n, holds=edges)
    real = {(sid_of(s), sid_of(d)): w for s, d, w in edges}
    result = look_through(snapshot, sid_of(0), "up" if up else "down", max_depth=n)
    for entry in result.entries:
        for path in entry.paths:
            assert len(set(path.sids)) == len(path.sids)
            assert (path.start == entry.sid) if up else (path.end == entry.sid)
            for hop in path.hops:
                assert real[hop.src_sid, hop.dst_sid] == pytest.approx(hop.share)
    local = reach_holdings(snapshot, 0, "up" if up else "down", n)
    m = len(local.nodes)
    fast = integrated_shares(m, local.src, local.dst, local.share, local.root)
    slow = integrated_shares_reference(
        m,
        list(zip(local.src.tolist(), local.dst.tolist(), local.share.tolist(), strict=True)),
        local.root,
    )
    assert fast == pytest.approx(np.asarray(slow), abs=1e-9)


def test_evidence_is_best_first_with_sid_ties() -> None:
    snapshot = memory_snapshot(4, holds=[(1, 0, 0.5), (2, 0, 0.5), (3, 1, 1.0), (3, 2, 1.0)])
    local = reach_holdings(snapshot, 0, "up", 5)
    found, cut = evidence_paths(local, max_depth=5, min_share=0.0, max_paths=10)
    assert not cut
    assert [walk for _, walk in found[3]] == [(0, 1, 3), (0, 2, 3)]


@pytest.mark.parametrize("dense_limit", [0, 10_000])
def test_sparse_and_dense_solves_agree_with_the_reference(
    dense_limit: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    import linkrisk.graph.queries.ownership as ownership

    monkeypatch.setattr(ownership, "DENSE_LIMIT", dense_limit)
    rng = np.random.default_rng(3)
    m = 150
    src, dst = rng.integers(0, m, 400), rng.integers(0, m, 400)
    keep = src != dst
    src, dst = src[keep], dst[keep]
    share = rng.uniform(0.0, 0.3, len(src))  # in-shares per node stay well below 100%
    fast = integrated_shares(m, src, dst, share, 0)
    slow = integrated_shares_reference(
        m, list(zip(src.tolist(), dst.tolist(), share.tolist(), strict=True)), 0
    )
    assert fast == pytest.approx(np.asarray(slow), abs=1e-9)
    with pytest.raises(ConvergenceError):  # a 100% cycle has no solution either way
        integrated_shares(2, np.array([0, 1]), np.array([1, 0]), np.array([1.0, 1.0]), 0)
