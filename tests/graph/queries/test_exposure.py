"""The aggregate 50 % rule: hand-computed hits with multiple paths, cycles, listed intermediates."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
import scipy.sparse as sp

from linkrisk.errors import InputError
from linkrisk.graph.queries.exposure import (
    aggregate_listed_ownership,
    find_exposure,
    listed_mask,
)
from linkrisk.loaders.records import EventType
from tests.factories import org, person
from tests.graph.queries.conftest import AS_OF, Build, holds

SANCTION = (EventType.SANCTION,)


def sanction(eid: str, sid: str, **attrs: object) -> dict[str, object]:
    return {
        "event_id": eid, "sid": sid, "type": "sanction", "decision_date": dt.date(2024, 1, 1),
        "authority": "OFAC", **attrs,
    }  # fmt: skip


def _exposure(q: object, threshold: float = 0.5):  # type: ignore[no-untyped-def]
    snapshot = q.snapshot  # type: ignore[attr-defined]
    return find_exposure(snapshot, listed_mask(snapshot, SANCTION, AS_OF), threshold)


def test_two_listed_owners_below_50_each_add_up(build: Build) -> None:
    # L1 30 % + L2 25 % of X directly: neither alone, together 55 %
    q = build(
        subjects=[person("L1"), org("L2"), org("X"), org("Y")],
        holdings=[holds("L1", "X", 0.3), holds("L2", "X", 0.25), holds("L1", "Y", 0.3)],
        events=[sanction("e1", "L1"), sanction("e2", "L2")],
    )
    result = _exposure(q)
    assert [(h.sid, h.aggregate_share) for h in result.hits] == [("X", pytest.approx(0.55))]
    [hit] = result.hits
    assert [(o.sid, o.share) for o in hit.owners] == [("L1", 0.3), ("L2", 0.25)]
    assert result.listed_count == 2


def test_multiple_paths_through_intermediates_are_summed(build: Build) -> None:
    # L → A 60 % → X 50 % (30 %), L → B 40 % → X 50 % (20 %), L → X 10 %: 60 % in all
    q = build(
        subjects=[org("L"), org("A"), org("B"), org("X")],
        holdings=[
            holds("L", "A", 0.6), holds("L", "B", 0.4), holds("A", "X", 0.5),
            holds("B", "X", 0.5), holds("L", "X", 0.1),
        ],
        events=[sanction("e1", "L")],
    )  # fmt: skip
    hits = {h.sid: h for h in _exposure(q).hits}
    assert set(hits) == {"A", "X"}  # B is 40 %
    assert hits["X"].aggregate_share == pytest.approx(0.6)
    [owner] = hits["X"].owners
    assert [p.sids for p in owner.paths] == [("L", "A", "X"), ("L", "B", "X"), ("L", "X")]
    assert sum(p.share for p in owner.paths) == pytest.approx(0.6)


def test_a_listed_intermediate_is_not_walked_through(build: Build) -> None:
    # L1 holds 100 % of L2 (listed too), L2 holds 40 % of X, L1 holds 20 % of X directly.
    # X: L2's 40 % counts once from L2's own walk, plus L1's direct 20 % = 60 %, not 100 %.
    q = build(
        subjects=[org("L1"), org("L2"), org("X")],
        holdings=[holds("L1", "L2", 1.0), holds("L2", "X", 0.4), holds("L1", "X", 0.2)],
        events=[sanction("e1", "L1"), sanction("e2", "L2")],
    )
    hits = {h.sid: h for h in _exposure(q).hits}
    assert hits["X"].aggregate_share == pytest.approx(0.6)
    assert {o.sid: o.share for o in hits["X"].owners} == pytest.approx({"L2": 0.4, "L1": 0.2})
    assert all(len(p.hops) == 1 for o in hits["X"].owners for p in o.paths)
    assert hits["L2"].listed and hits["L2"].aggregate_share == pytest.approx(1.0)


def test_circular_holdings_converge_to_the_closed_form(build: Build) -> None:
    # L → A 40 %; A → B 50 %; B → A 50 %. a_A = 0.4 + 0.5·a_B, a_B = 0.5·a_A ⇒ a_A = 0.4/0.75
    q = build(
        subjects=[org("L"), org("A"), org("B")],
        holdings=[holds("L", "A", 0.4), holds("A", "B", 0.5), holds("B", "A", 0.5)],
        events=[sanction("e1", "L")],
    )
    hits = {h.sid: h.aggregate_share for h in _exposure(q).hits}
    assert hits == pytest.approx({"A": 0.4 / 0.75})  # B = 0.2667 stays below


def test_repaired_and_other_types_are_not_listed(build: Build) -> None:
    q = build(
        subjects=[org("L"), org("D"), org("X"), org("Y")],
        holdings=[holds("L", "X", 0.9), holds("D", "Y", 0.9)],
        events=[
            sanction("e1", "L", repair_date=dt.date(2024, 6, 1)),
            {"event_id": "e2", "sid": "D", "type": "dishonest_debtor",
             "decision_date": dt.date(2024, 1, 1)},
        ],
    )  # fmt: skip
    assert _exposure(q).hits == ()
    snapshot = q.snapshot
    listed = listed_mask(snapshot, (EventType.DISHONEST_DEBTOR,), AS_OF)
    assert [h.sid for h in find_exposure(snapshot, listed).hits] == ["Y"]


def test_threshold_is_checked() -> None:
    with pytest.raises(InputError):
        find_exposure(None, np.zeros(0, bool), 0.0)  # type: ignore[arg-type]


def test_the_iteration_matches_a_direct_solve() -> None:
    rng = np.random.default_rng(5)
    n = 30
    dense = np.where(rng.random((n, n)) < 0.1, rng.random((n, n)) * 0.3, 0.0)
    np.fill_diagonal(dense, 0.0)
    listed = rng.random(n) < 0.2
    a = aggregate_listed_ownership(sp.csr_matrix(dense), listed)
    m = dense * (~listed)[:, None]
    expected = np.linalg.solve(np.eye(n) - m.T, dense.T @ listed.astype(float))
    assert a == pytest.approx(expected)
