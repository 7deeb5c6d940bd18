"""Valid identifiers, vectorised: USCCs (GB 32100 with the GB 11714 code) and resident IDs.

The check characters are computed exactly as ``linkrisk.loaders.identifiers`` checks them
(``uscc_check_char``, ``org_code_check_digit``, ``ID_WEIGHTS``/``ID_CHECK``), but over whole
``(n, 18)`` byte matrices instead of one string at a time.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from linkrisk.demo.draws import I64, dedupe, unique_ints
from linkrisk.demo.timeline import ymd
from linkrisk.loaders.identifiers import (
    ID_CHECK,
    ID_WEIGHTS,
    ORG_CODE_WEIGHTS,
    USCC_ALPHABET,
    USCC_WEIGHTS,
)

Bytes = NDArray[np.uint8]

_USCC_CHARS = np.frombuffer(USCC_ALPHABET.encode(), np.uint8)
_ORG_CHARS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _value_table(alphabet: str) -> NDArray[np.int64]:
    table = np.zeros(256, np.int64)
    for i, ch in enumerate(alphabet):
        table[ord(ch)] = i
    return table


_USCC_VALUE = _value_table(USCC_ALPHABET)
_ORG_VALUE = _value_table(_ORG_CHARS)

# Body schemes of the 9-character organisation code part (positions 9–17 without the check):
# old numeric codes, "MA…" codes assigned to firms registered since the 2015 reform, "MJ…" codes
# of civil-affairs (民政) registrations, and "L…" codes of older individual businesses.
NUMERIC, MA, MJ, L_PREFIX = range(4)
_SCHEME_SPACE = {NUMERIC: 10**8, MA: 31**6, MJ: 31**6, L_PREFIX: 10**7}


def _digit_columns(value: I64, width: int, base: int = 10) -> list[I64]:
    """The ``width`` base-``base`` digits of each value, most significant first, one array each."""
    return [(value // base ** (width - 1 - k)) % base for k in range(width)]


def _bodies(rng: np.random.Generator, scheme: I64) -> Bytes:
    """Distinct 8-character bodies for each row's scheme."""
    out = np.zeros((len(scheme), 8), np.uint8)
    for s, space in _SCHEME_SPACE.items():
        idx = np.flatnonzero(scheme == s)
        if not len(idx):
            continue
        values = unique_ints(rng, len(idx), space)
        if s == NUMERIC:
            cols = [c + ord("0") for c in _digit_columns(values, 8)]
        elif s == L_PREFIX:
            cols = [np.full(len(idx), ord("L"))] + [c + ord("0") for c in _digit_columns(values, 7)]
        else:
            cols = [np.full(len(idx), ord("M")), np.full(len(idx), ord("A" if s == MA else "J"))]
            cols += [_USCC_CHARS[c] for c in _digit_columns(values, 6, 31)]
        for k, col in enumerate(cols):
            out[idx, k] = col
    return out


def org_check_chars(body: Bytes) -> Bytes:
    """GB 11714 check character of each 8-character organisation code body."""
    total = np.zeros(len(body), np.int64)
    for k, w in enumerate(ORG_CODE_WEIGHTS):  # column by column: no (n, 8) integer matrix
        total += _ORG_VALUE[body[:, k]] * int(w)
    value = 11 - total % 11
    return np.where(
        value == 10, ord("X"), np.where(value == 11, ord("0"), value + ord("0"))
    ).astype(np.uint8)


def uscc_check_chars(first17: Bytes) -> Bytes:
    """GB 32100 check character of each row of 17 characters."""
    total = np.zeros(len(first17), np.int64)
    for k, w in enumerate(USCC_WEIGHTS):
        total += _USCC_VALUE[first17[:, k]] * int(w)
    return np.asarray(_USCC_CHARS[(31 - total % 31) % 31], np.uint8)


def usccs(rng: np.random.Generator, prefix: I64, region: I64, scheme: I64) -> NDArray[np.bytes_]:
    """Distinct valid USCCs: ``prefix`` (e.g. 91) + region code + body + two check characters."""
    n = len(prefix)
    m = np.zeros((n, 18), np.uint8)
    for k, col in enumerate(_digit_columns(prefix, 2)):
        m[:, k] = col + ord("0")
    for k, col in enumerate(_digit_columns(region, 6)):
        m[:, 2 + k] = col + ord("0")
    m[:, 8:16] = _bodies(rng, scheme)
    m[:, 16] = org_check_chars(m[:, 8:16])
    m[:, 17] = uscc_check_chars(m[:, :17])
    return m.view("S18").ravel()


_FOUR_DIGITS = np.array([list(f"{i:04d}".encode()) for i in range(10_000)], np.uint8)


def _weighted_digits(col: int, width: int) -> NDArray[np.int64]:
    """Σ digit × ID weight of each ``width``-digit value placed at column ``col``."""
    digits = _FOUR_DIGITS[: 10**width, 4 - width :].astype(np.int64) - ord("0")
    return np.asarray(digits @ ID_WEIGHTS[col : col + width], np.int64)


def resident_ids(
    rng: np.random.Generator, region: I64, birth: I64, male: NDArray[np.bool_]
) -> tuple[NDArray[np.bytes_], I64]:
    """Distinct valid resident ID numbers: region, birth date, sequence (odd for men), check.

    Returns the numbers (``S18``) and their first 17 digits as integers (a cheap key).
    """
    n = len(birth)
    y, mo, d = ymd(birth)
    date8 = y * 10_000 + mo * 100 + d

    def seq(k: int, sex: NDArray[np.bool_]) -> I64:
        return rng.integers(0, 100, k) * 10 + rng.integers(0, 5, k) * 2 + sex

    number = seq(n, male)
    base = (region * 10**8 + date8) * 1000

    def redraw(idx: I64) -> I64:
        number[idx] = seq(len(idx), male[idx])
        return base[idx] + number[idx]

    key = dedupe(base + number, redraw)
    total = np.zeros(n, np.int64)
    m = np.empty((n, 18), np.uint8)
    # four digits at a time by table lookup: (value // 10^k) % 10^4 → 4 ASCII digits
    pieces = (
        (region // 100, 0, 4),
        (region % 100 * 100 + y // 100, 4, 4),
        (y % 100 * 100 + mo, 8, 4),
        (d * 100 + number // 10, 12, 4),
        (number % 10, 16, 1),
    )
    for value, col, width in pieces:
        chars = _FOUR_DIGITS[value] if width == 4 else (value + ord("0"))[:, None]
        m[:, col : col + width] = chars
        total += _weighted_digits(col, width)[value]
    m[:, 17] = np.frombuffer(ID_CHECK.encode(), np.uint8)[total % 11]
    return m.view("S18").ravel(), key
