"""Packed-sort orderings (``linkrisk.arrays.sorting``) agree with NumPy's stable sorts."""

from __future__ import annotations

import numpy as np
import pytest

from linkrisk.arrays.sorting import (
    bits_for,
    break_ties,
    indptr_of,
    lex_order,
    order_key,
    stable_argsort,
)
from linkrisk.graph.relations import NO_END, NO_START


def test_stable_argsort_is_numpys_stable_argsort() -> None:
    rng = np.random.default_rng(1)
    for m in (0, 1, 2, 7, 1000):
        key = rng.integers(0, 50, m)
        order, keys = stable_argsort(key, bits_for(49))
        assert order.tolist() == np.argsort(key, kind="stable").tolist()
        assert keys.tolist() == np.sort(key).tolist()


def test_stable_argsort_refuses_keys_too_wide_for_the_row_positions() -> None:
    with pytest.raises(ValueError):
        stable_argsort(np.arange(10), 62)


@pytest.mark.parametrize("sort_first", [False, True])
def test_lex_order_is_lexsort(sort_first: bool) -> None:
    rng = np.random.default_rng(2)
    for _ in range(50):
        m = int(rng.integers(0, 300))
        keys = [
            rng.integers(0, 5, m),
            rng.integers(-(2**40), 2**40, m),  # wide: split over two passes
            rng.choice(np.array([NO_START, 19000, 19001, NO_END], np.int32), m),
            rng.integers(-3, 3, m).astype(np.int8),
        ]
        if sort_first:  # the already-ordered fast path
            order = np.lexsort(keys[::-1])
            keys = [k[order] for k in keys]
        assert lex_order(keys).tolist() == np.lexsort(keys[::-1]).tolist()


def test_order_key_orders_like_the_values() -> None:
    values = np.array([0.5, -0.0, np.nan, -2.5, 1e-9, np.inf, -np.inf, 0.25], np.float32)
    assert np.argsort(order_key(values), kind="stable").tolist() == [6, 3, 1, 4, 7, 0, 5, 2]
    dates = np.array([NO_END, 19000, NO_START, 18000, 19000], np.int32)
    key = order_key(dates)
    assert np.argsort(key, kind="stable").tolist() == [2, 3, 1, 4, 0]
    assert int(key.max() - key.min()) == 1002  # the sentinels sit next to the dates


def test_break_ties_orders_equal_keys_by_the_tie_breakers() -> None:
    rng = np.random.default_rng(3)
    m = 500
    src, dst = rng.integers(0, 10, m), rng.integers(0, 10, m)
    role = rng.integers(0, 4, m).astype(np.int8)
    share = rng.choice(np.array([0.1, 0.5, np.nan], np.float32), m)
    event_id = rng.choice(np.array([b"e1", b"e2", b"e3"], "S24"), m)
    order = lex_order([src, dst])
    for ties in ((role, share), (event_id,)):
        got = break_ties(order, [src[order], dst[order]], ties)
        expected = np.lexsort([*reversed(ties), dst, src])
        for column in (src, dst, *ties):
            np.testing.assert_array_equal(column[got], column[expected])  # NaN equals NaN


def test_indptr_of_sorted_groups() -> None:
    assert indptr_of(np.array([0, 0, 2, 2, 2]), 4).tolist() == [0, 2, 2, 5, 5]
