"""CSR primitives: gathers against a naive loop, walk views in both directions, share decimals."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from linkrisk.errors import InputError
from linkrisk.graph.queries.csr import WalkView, decimal_shares, gather, parse_rels
from linkrisk.graph.relations import RelType
from tests.graph.queries.memory import memory_snapshot


@given(st.lists(st.integers(0, 5), min_size=1, max_size=20), st.data())
@settings(max_examples=100, deadline=None)
def test_gather_matches_a_loop(counts: list[int], data: st.DataObject) -> None:
    indptr = np.concatenate([[0], np.cumsum(counts)])
    nodes = np.asarray(data.draw(st.lists(st.integers(0, len(counts) - 1), max_size=10)), np.int64)
    owner, pos = gather(indptr, nodes)
    expected = [(v, p) for v in nodes.tolist() for p in range(indptr[v], indptr[v + 1])]
    assert list(zip(owner.tolist(), pos.tolist(), strict=True)) == expected


def test_walk_view_walks_both_ways_and_counts_degree() -> None:
    snapshot = memory_snapshot(3, holds=[(0, 1, 0.5)], officers=[(2, 1, "chair")], persons={2})
    view = WalkView(snapshot)
    walks = view.expand(np.array([1]))
    assert sorted(zip(walks.to.tolist(), walks.fwd.tolist(), strict=True)) == [
        (0, False),
        (2, False),
    ]
    assert view.degree(np.array([0, 1, 2])).tolist() == [1, 2, 1]
    assert WalkView(snapshot, ["officer"]).degree(np.array([1])).tolist() == [1]


def test_parse_rels_and_decimals() -> None:
    assert parse_rels(None) == tuple(RelType)
    assert parse_rels(["same_contact", "HOLDS"]) == (RelType.HOLDS, RelType.SAME_CONTACT)
    with pytest.raises(InputError):
        parse_rels(["OWNS"])
    with pytest.raises(InputError):
        parse_rels([])
    shares = decimal_shares(np.array([0.6, 1 / 3, np.nan], np.float32))
    assert shares[0] == 0.6 and shares[1] == pytest.approx(1 / 3) and np.isnan(shares[2])
