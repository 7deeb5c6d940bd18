"""Seeded random streams and the vectorised draws the generator is built from."""

from __future__ import annotations

import zlib
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

I64 = NDArray[np.integer[Any]]  # any integer width: big tables are kept in 32 bits
I32 = NDArray[np.int32]
F64 = NDArray[np.floating[Any]]
Bools = NDArray[np.bool_]


def stream(seed: int, name: str) -> np.random.Generator:
    """An independent generator per named stage, so that stages never shift each other's draws."""
    return np.random.default_rng(np.random.SeedSequence([seed, zlib.crc32(name.encode())]))


def unique_ints(rng: np.random.Generator, n: int, high: int) -> I64:
    """``n`` distinct integers from ``[0, high)`` in random order."""
    if n > high:
        raise ValueError(f"cannot draw {n} distinct values below {high}")
    if high <= 4 * n:
        return rng.permutation(high)[:n].astype(np.int64)
    out = np.empty(0, np.int64)
    while len(out) < n:
        need = n - len(out)
        cand = np.concatenate([out, rng.integers(0, high, size=need + need // 8 + 16)])
        _, first = np.unique(cand, return_index=True)
        first.sort()  # keep earlier values where they are: the result is order-stable
        out = cand[first][:n]
    return out


def distinct(values: I64) -> I64:
    """Sorted distinct values (a sort is faster than hashing for large integer arrays)."""
    v = np.sort(values)
    return v[np.r_[True, v[1:] != v[:-1]]] if len(v) else v


def repeats(keys: I64) -> Bools:
    """Positions whose key already occurred at another position (all but one per key)."""
    mask = np.zeros(len(keys), bool)
    if len(keys):
        order = np.argsort(keys)  # deterministic for the same input, which is all we need
        same = keys[order[1:]] == keys[order[:-1]]
        mask[order[1:][same]] = True
    return mask


def repeated_rows(*columns: I64) -> Bools:
    """Rows equal in every column to another row (all but one of each such set)."""
    mask = np.zeros(len(columns[0]), bool)
    if len(mask) > 1:
        order = np.lexsort(columns)
        same = np.ones(len(order) - 1, bool)
        for col in columns:
            same &= col[order[1:]] == col[order[:-1]]
        mask[order[1:][same]] = True
    return mask


def dedupe(keys: I64, redraw: Callable[[I64], I64], rounds: int = 100) -> I64:
    """Redraw the keys at repeated positions until all are distinct."""
    keys = keys.copy()
    again = np.flatnonzero(repeats(keys))
    if not len(again):
        return keys
    kept = np.ones(len(keys), bool)
    kept[again] = False
    taken = np.sort(keys[kept])
    for _ in range(rounds):
        keys[again] = redraw(again)
        new = keys[again]
        pos = np.minimum(np.searchsorted(taken, new), max(len(taken) - 1, 0))
        clash = (taken[pos] == new) if len(taken) else np.zeros(len(new), bool)
        clash |= repeats(new)
        taken = np.sort(np.r_[taken, new[~clash]])
        again = again[clash]
        if not len(again):
            return keys
    raise RuntimeError("could not make keys unique; the key space is too small")


def pareto_weights(rng: np.random.Generator, n: int, alpha: float, cap: float) -> F64:
    """Heavy-tailed activity weights (minimum 1), capped so no one dominates a large city."""
    return np.minimum(rng.pareto(alpha, n) + 1.0, cap)


def weighted(rng: np.random.Generator, weights: F64, n: int) -> I64:
    """``n`` indices drawn with replacement in proportion to ``weights``."""
    cum = np.cumsum(weights)
    pos = np.searchsorted(cum, rng.random(n) * cum[-1], side="right")
    return np.asarray(np.minimum(pos, len(cum) - 1), np.int64)


def categorical(rng: np.random.Generator, probs: Sequence[float] | F64, n: int) -> I64:
    """``n`` category indices with the given probabilities (normalised)."""
    p = np.asarray(probs, float)
    return weighted(rng, p / p.sum(), n)


def ranks(counts: I64) -> I64:
    """Position of each slot within its group, for groups laid out one after another."""
    starts = np.cumsum(counts) - counts
    return np.arange(int(counts.sum()), dtype=np.int64) - np.repeat(starts, counts)


def round_shares(weights: F64, groups: I64, unit: I64) -> I64:
    """Split 100% (10 000 basis points) within each group in proportion to ``weights``.

    Each share is a multiple of its group's ``unit`` (100 = whole percents, 1 = 0.01%); the
    group's largest share absorbs the rounding so every group sums to exactly 10 000 and no
    share falls to 0 (the first slot did, when it was small and the others were rounded up).
    """
    totals = np.bincount(groups, weights=weights)
    raw = weights / totals[groups] * 10_000
    u = unit[groups]
    bp = np.maximum(np.floor(raw / u) * u, u).astype(np.int64)
    gap = 10_000 - np.bincount(groups, weights=bp).astype(np.int64)
    order = np.lexsort((-raw, groups))  # within each group, the largest share first
    starts = np.flatnonzero(np.r_[True, groups[order][1:] != groups[order][:-1]])
    largest = order[starts]
    bp[largest] += gap[groups[largest]]
    return bp
