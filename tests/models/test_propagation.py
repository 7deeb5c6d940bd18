"""Propagation on tiny graphs: hand-computed values, the pure-Python reference, float32, errors."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from linkrisk.errors import ConvergenceError, InputError
from linkrisk.graph.snapshot.arrays import Snapshot
from linkrisk.models.propagation import (
    PropagationConfig,
    build_operator,
    propagate,
    propagate_reference,
)
from linkrisk.models.tiers import assign_tiers, choose_cutoffs
from tests.factories import org, person
from tests.models.graphs import build

Run = Callable[[Snapshot, list[float], PropagationConfig], list[float]]


def _vectorised(snap: Snapshot, s: list[float], config: PropagationConfig) -> list[float]:
    return propagate(build_operator(snap, config), np.array(s)).total.tolist()


def _reference(snap: Snapshot, s: list[float], config: PropagationConfig) -> list[float]:
    return propagate_reference(snap, s, config)


both = pytest.mark.parametrize("run", [_vectorised, _reference], ids=["sparse", "reference"])
ONE_STEP = PropagationConfig(iterations=1)


def _vec(snap: Snapshot, **risk: float) -> list[float]:
    s = [0.0] * snap.n
    for sid, value in risk.items():
        s[snap.index(sid)] = value
    return s


@both
def test_owner_taints_held_firm_more_than_the_reverse(tmp_path: Path, run: Run) -> None:
    snap = build(
        tmp_path, subjects=[org("X"), org("Y")], holdings=[{"src": "X", "dst": "Y", "share": 1.0}]
    )
    x, y = snap.index("X"), snap.index("Y")
    down = run(snap, _vec(snap, X=1.0), ONE_STEP)
    up = run(snap, _vec(snap, Y=1.0), ONE_STEP)
    assert down[y] == pytest.approx(0.5)  # α × forward 1.0 × share 1.0
    assert up[x] == pytest.approx(0.15)  # α × reverse 0.3 × share 1.0


@both
def test_two_node_fixed_point(tmp_path: Path, run: Run) -> None:
    # x_X = 1 + 0.5·0.3·x_Y and x_Y = 0.5·1.0·x_X  →  x_X = 1/0.925, x_Y = 0.5/0.925
    snap = build(
        tmp_path, subjects=[org("X"), org("Y")], holdings=[{"src": "X", "dst": "Y", "share": 1.0}]
    )
    out = run(snap, _vec(snap, X=1.0), PropagationConfig(iterations=40))
    assert out[snap.index("X")] == pytest.approx(1 / 0.925)
    assert out[snap.index("Y")] == pytest.approx(0.5 / 0.925)


@both
def test_incoming_weights_above_one_are_normalised(tmp_path: Path, run: Run) -> None:
    # Y's owners bring 0.8 + 0.7 = 1.5 of influence: each is divided by 1.5
    snap = build(
        tmp_path,
        subjects=[org("X1"), org("X2"), org("Y")],
        holdings=[{"src": "X1", "dst": "Y", "share": 0.8}, {"src": "X2", "dst": "Y", "share": 0.7}],
    )
    out = run(snap, _vec(snap, X1=1.0), ONE_STEP)
    assert out[snap.index("Y")] == pytest.approx(0.5 * 0.8 / 1.5)


@both
def test_a_lone_minority_owner_is_not_promoted(tmp_path: Path, run: Run) -> None:
    snap = build(
        tmp_path, subjects=[org("X"), org("Y")], holdings=[{"src": "X", "dst": "Y", "share": 0.3}]
    )
    assert run(snap, _vec(snap, X=1.0), ONE_STEP)[snap.index("Y")] == pytest.approx(0.5 * 0.3)


@both
def test_officer_roles_and_contacts_weigh_differently(tmp_path: Path, run: Run) -> None:
    snap = build(
        tmp_path,
        subjects=[person("P"), org("A", phone="1"), org("B"), org("C", phone="1")],
        officers=[
            {"person": "P", "org": "A", "role": "legal_representative"},
            {"person": "P", "org": "B", "role": "supervisor"},
        ],
    )
    out = run(snap, _vec(snap, P=1.0), ONE_STEP)
    assert out[snap.index("A")] == pytest.approx(0.5 * 0.9 / 1.2)  # A's in-weight: 0.9 + phone 0.3
    assert out[snap.index("B")] == pytest.approx(0.5 * 0.3)
    out = run(snap, _vec(snap, A=1.0), ONE_STEP)
    assert out[snap.index("C")] == pytest.approx(0.5 * 0.3)  # shared phone
    assert out[snap.index("P")] == pytest.approx(0.5 * 0.5 * 0.9)  # firm → its legal rep


@both
def test_branch_and_two_hops(tmp_path: Path, run: Run) -> None:
    # X holds 100% of Y, Y has a branch Z. Y's incoming weight is 1.0 (from X) + 0.5 (from its
    # branch, reverse), so X's influence on Y is 1/1.5; after two steps Z gets α·(1/1.5)·α·0.8
    snap = build(
        tmp_path,
        subjects=[org("X"), org("Y"), org("Z")],
        holdings=[{"src": "X", "dst": "Y", "share": 1.0}],
        branches=[{"parent": "Y", "branch": "Z"}],
    )
    out = run(snap, _vec(snap, X=1.0), PropagationConfig(iterations=2))
    assert out[snap.index("Z")] == pytest.approx(0.25 * 0.8 / 1.5)


def _random_graph(tmp_path: Path, n: int = 60, seed: int = 3) -> Snapshot:
    rng = np.random.default_rng(seed)
    orgs = [f"O{i:03d}" for i in range(n)]
    people = [f"P{i:03d}" for i in range(n // 3)]
    holds = {(orgs[a], orgs[b]) for a, b in rng.integers(0, n, (2 * n, 2)) if a != b}
    roles = ["legal_representative", "chair", "director", "supervisor", "manager"]
    return build(
        tmp_path,
        subjects=[org(o, phone=str(rng.integers(0, n // 2))) for o in orgs]
        + [person(p) for p in people],
        holdings=[
            {"src": a, "dst": b, "share": float(rng.choice([np.nan, rng.random()]))}
            for a, b in holds
        ],
        officers=[
            {"person": people[rng.integers(len(people))], "org": o, "role": roles[rng.integers(5)]}
            for o in orgs
        ],
        branches=[{"parent": orgs[0], "branch": orgs[1]}, {"parent": orgs[2], "branch": orgs[3]}],
    )


def test_sparse_matches_the_reference_on_a_random_graph(tmp_path: Path) -> None:
    snap = _random_graph(tmp_path)
    s = np.random.default_rng(1).random(snap.n) * (np.random.default_rng(2).random(snap.n) < 0.2)
    config = PropagationConfig()
    fast = propagate(build_operator(snap, config, dtype=np.float64), s).total
    slow = propagate_reference(snap, s.tolist(), config)
    assert fast == pytest.approx(slow, rel=1e-9, abs=1e-12)


def test_float32_operator_gives_the_same_answer(tmp_path: Path) -> None:
    snap = _random_graph(tmp_path, n=150)
    s = np.random.default_rng(1).random(snap.n) * (np.random.default_rng(2).random(snap.n) < 0.2)
    single = propagate(build_operator(snap, dtype=np.float32), s).total
    double = propagate(build_operator(snap, dtype=np.float64), s).total
    assert single.dtype == np.float32
    assert np.abs(single - double).max() < 1e-5
    cutoffs = choose_cutoffs(double)
    assert (assign_tiers(single, cutoffs) == assign_tiers(double, cutoffs)).all()
    top = np.argsort(-double)[:20]
    assert (np.argsort(-single.astype(np.float64))[:20] == top).all()


def test_converge_mode_and_the_convergence_error(tmp_path: Path) -> None:
    snap = _random_graph(tmp_path, n=30)
    s = np.random.default_rng(0).random(snap.n)
    op = build_operator(snap, dtype=np.float64)
    result = propagate(op, s, converge=True, tol=1e-10, max_iter=200)
    assert result.converged and result.iterations < 200
    assert result.related == pytest.approx(result.total - s)
    with pytest.raises(ConvergenceError, match="did not converge"):
        propagate(op, s, converge=True, tol=1e-12, max_iter=3)
    with pytest.raises(ConvergenceError):
        propagate_reference(snap, s.tolist(), converge=True, tol=1e-12, max_iter=3)


def test_fixed_iterations_report_no_convergence_claim(tmp_path: Path) -> None:
    snap = build(tmp_path, subjects=[org("X")])
    result = propagate(build_operator(snap), np.array([0.4]))
    assert (
        result.iterations == 20
        and result.converged is None
        and result.total.tolist() == [pytest.approx(0.4)]
    )


def test_bad_settings_are_refused() -> None:
    with pytest.raises(InputError):
        PropagationConfig(damping=1.0)
    with pytest.raises(InputError):
        PropagationConfig(iterations=0)


def test_the_locality_order_changes_nothing_but_the_matrix_layout(tmp_path: Path) -> None:
    """The snapshot's ``nodes/locality`` renumbers the operator only: the same answer, in node
    order, as the operator in node order (iterated and converged), and the same matrix."""
    from dataclasses import replace

    from scipy.sparse.csgraph import connected_components

    snap = _random_graph(tmp_path, n=120)
    order = np.asarray(snap.nodes["locality"])
    assert sorted(order.tolist()) == list(range(snap.n))
    s = np.random.default_rng(4).random(snap.n) * (np.random.default_rng(5).random(snap.n) < 0.2)
    local = build_operator(snap, dtype=np.float64)
    plain = build_operator(replace(snap, nodes={**snap.nodes, "locality": None}), dtype=np.float64)
    assert local.order is not None and plain.order is None
    assert not np.array_equal(order, np.arange(snap.n))  # sid order is not the locality order
    assert (local.in_node_order() != plain.matrix).nnz == 0
    for converge in (False, True):
        a, b = propagate(local, s, converge=converge), propagate(plain, s, converge=converge)
        assert a.total == pytest.approx(b.total, rel=1e-12, abs=1e-15)
        assert a.related == pytest.approx(b.related, rel=1e-12, abs=1e-15)
        assert a.iterations == b.iterations
    # components are contiguous, the largest first; degrees descend within each
    _, label = connected_components(plain.matrix + plain.matrix.T, directed=False)
    labels = label[order]
    starts = np.flatnonzero(np.r_[True, labels[1:] != labels[:-1]])
    assert len(starts) == len(set(labels.tolist()))
    sizes = np.diff(np.r_[starts, snap.n])
    assert (np.diff(sizes) <= 0).all()
