"""Fast, stable orderings of integer keys for the snapshot build.

NumPy's ``np.sort`` of uint64 is vectorised (AVX-512 on the bench machine) and about ten times
faster than ``np.argsort``: on 6.5M random keys 0.10–0.16 s against 1.0–1.2 s (``argsort``) and
1.5–1.7 s (``argsort(kind="stable")``, timsort). So an ordering is computed by sorting *values*:
each key is shifted left and the row position packed into the low bits, ``np.sort`` runs once,
and the positions are read back from the low bits. Ties keep their original order (the position
is the last tie-break), so the result is a stable argsort. A key wider than the bits left over
(64 minus the position bits) is ordered in several passes, least significant first (an LSD
radix sort whose digits are whole keys), as ``np.lexsort`` would, but each pass is one
``np.sort``: ordering 6.3M edges by (source, target) takes two passes, ~0.5 s instead of ~3 s.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

U64 = np.uint64


def bits_for(value: int) -> int:
    """Bits needed to hold the non-negative integer ``value`` (at least 1)."""
    return max(1, int(value).bit_length())


_POSITIONS = np.arange(0, dtype=U64)


def positions(m: int) -> np.ndarray:
    """``np.arange(m, dtype=uint64)``, cut from one cached array (read-only, thread-safe)."""
    global _POSITIONS
    cached = _POSITIONS
    if len(cached) < m:
        cached = np.arange(max(m, 2 * len(cached)), dtype=U64)
        cached.flags.writeable = False
        _POSITIONS = cached
    return cached[:m]


def _digits(key: np.ndarray, low: int) -> np.ndarray:
    """``key - low`` as a new uint64 array (values are non-negative)."""
    digits = key.astype(np.int64)
    if low:
        digits -= low
    return digits.view(U64)


def sort_packed(packed: np.ndarray, key_bits: int) -> tuple[np.ndarray, np.ndarray]:
    """Stable argsort of the uint64 keys ``packed`` (< ``2**key_bits``; overwritten), and the
    sorted keys."""
    m = len(packed)
    pos_bits = bits_for(m - 1) if m > 1 else 1
    if key_bits + pos_bits > 64:
        raise ValueError(f"{key_bits}-bit keys and {m} rows do not fit one 64-bit word")
    packed <<= U64(pos_bits)
    packed |= positions(m)
    packed.sort()
    order = (packed & U64((1 << pos_bits) - 1)).view(np.int64)
    packed >>= U64(pos_bits)
    return order, packed


def stable_argsort(key: np.ndarray, key_bits: int) -> tuple[np.ndarray, np.ndarray]:
    """Stable argsort of non-negative integer keys below ``2**key_bits``, and the sorted keys."""
    return sort_packed(_digits(key, 0), key_bits)


def _in_order(keys: Sequence[np.ndarray]) -> bool:
    """Whether the rows are already ordered by ``keys``: a store read in key order gives the
    officers by (person, firm) and the holdings by (holder, firm); checking costs a few
    comparisons, sorting 6M edges two passes (~0.5 s)."""
    first = keys[0]
    if len(first) < 2 or (first[1:] < first[:-1]).any():
        return len(first) < 2
    ok = np.zeros(len(first) - 1, bool)
    tied = np.ones(len(first) - 1, bool)
    for key in keys:
        ok |= tied & (key[1:] > key[:-1])
        tied &= key[1:] == key[:-1]
    return bool((ok | tied).all())


def lex_order(keys: Sequence[np.ndarray]) -> np.ndarray:
    """Stable order of rows by integer ``keys`` (most significant first).

    Equivalent to ``np.lexsort(keys[::-1], kind="stable")``. Neighbouring keys share one sort
    pass when their value ranges (max − min) fit together beside the row position.
    """
    m = len(keys[0])
    if m == 0:
        return np.zeros(0, np.int64)
    if _in_order(keys):
        return np.arange(m, dtype=np.int64)
    budget = 64 - (bits_for(m - 1) if m > 1 else 1)
    parts: list[tuple[np.ndarray, int, int]] = []  # (key, minimum, bits), most significant first
    for key in keys:
        low, high = int(key.min()), int(key.max())
        bits = bits_for(high - low)
        if bits > budget:  # split a wide key into a high and a low digit
            low_bits = bits - budget
            shifted = _digits(key, low)
            parts.append((shifted >> U64(low_bits), 0, budget))
            parts.append((shifted & U64((1 << low_bits) - 1), 0, low_bits))
        else:
            parts.append((key, low, bits))
    order: np.ndarray | None = None
    end = len(parts)
    while end > 0:
        begin, width = end - 1, parts[end - 1][2]
        while begin > 0 and width + parts[begin - 1][2] <= budget:
            begin -= 1
            width += parts[begin][2]
        packed: np.ndarray | None = None
        for key, low, bits in parts[begin:end]:
            digits = _digits(key if order is None else key[order], low)
            if packed is None:
                packed = digits
            else:
                packed <<= U64(bits)
                packed |= digits
        assert packed is not None
        step, _ = sort_packed(packed, width)
        order = step if order is None else order[step]
        end = begin
    assert order is not None
    return order


def order_key(values: np.ndarray) -> np.ndarray:
    """Integers ordered like ``values``, spanning few bits: floats by their IEEE bits (NaN
    last), and the two extreme values of an integer column (the NO_START / NO_END date
    sentinels) pulled in next to the others."""
    values = np.asarray(values)
    if values.dtype.kind == "f":
        bits = values.astype(np.float64).view(np.int64)
        return np.where(bits < 0, -(2**63) - bits - 1, bits)
    key = values.astype(np.int64)
    if key.size > 2:
        low, high = key.min(), key.max()
        inner = key[(key > low) & (key < high)]
        if inner.size:
            key = np.clip(key, inner.min() - 1, inner.max() + 1)
    return key


def break_ties(
    order: np.ndarray, sorted_keys: Sequence[np.ndarray], tie_breaks: Sequence[np.ndarray]
) -> np.ndarray:
    """Reorder runs of rows whose ``sorted_keys`` (already in ``order``) are equal by
    ``tie_breaks`` (arrays indexed like the rows, most significant first).

    Ties are few (two roles of one person in one firm, two events of a subject on one day), so
    only the tied rows are sorted again: by (run, tie-breaks) with ``lex_order`` when the
    tie-breaks are numbers, else with ``np.lexsort``."""
    m = len(order)
    if m < 2 or not tie_breaks:
        return order
    same = np.ones(m - 1, bool)
    for key in sorted_keys:
        same &= key[1:] == key[:-1]
    if not same.any():
        return order
    tied = np.zeros(m, bool)
    tied[:-1] |= same
    tied[1:] |= same
    positions = np.flatnonzero(tied)
    new_run = np.ones(len(positions), bool)
    inner = positions > 0
    new_run[inner] = ~same[positions[inner] - 1]
    run = np.cumsum(new_run)
    rows = order[positions]
    keys = [np.asarray(t)[rows] for t in tie_breaks]
    if all(k.dtype.kind in "biuf" for k in keys):
        local = lex_order([run, *(order_key(k) for k in keys)])
    else:
        local = np.lexsort([*reversed(keys), run])
    order = order.copy()
    order[positions] = rows[local]
    return order


def indptr_of(sorted_groups: np.ndarray, n: int) -> np.ndarray:
    """CSR row pointers of rows sorted by group id (``bincount`` on sorted ids is sequential)."""
    indptr = np.zeros(n + 1, np.int64)
    np.cumsum(np.bincount(sorted_groups, minlength=n), out=indptr[1:])
    return indptr
