"""Strings as words, the sid index, string order and grouping agree with Arrow and Python."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest

import linkrisk.arrays.sid_index as sid_index
from linkrisk.arrays.sid_index import SidIndex, Strings, Words, hash_words, rows_equal
from linkrisk.arrays.string_sort import first_seen_groups, string_order

AWKWARD = ["", "a", "a\0", "ab", "P" + "f" * 32, "91320100MA1X2Y3Z4Q", "地址1号", "x" * 40, "b"]


def random_sids(rng: np.random.Generator, n: int) -> list[str]:
    persons = [f"P{rng.integers(0, 2**62):032x}" for _ in range(n // 2)]
    firms = [f"91{rng.integers(0, 10**16):016d}" for _ in range(n - n // 2)]
    return persons + firms


def decode(words: Words) -> list[bytes]:
    raw = words.words.view(np.uint8).reshape(len(words.lengths), -1)
    return [bytes(row[:length]) for row, length in zip(raw, words.lengths, strict=True)]


@pytest.mark.parametrize("kind", [pa.string(), pa.large_string(), pa.binary()])
def test_words_hold_each_string_zero_padded(kind: pa.DataType) -> None:
    values = [*AWKWARD, None, "end"]
    column = pa.array([v if v is None else v.encode() for v in values], kind)
    strings = Strings(column)
    words = strings.words()
    assert decode(words) == [b"" if v is None else v.encode() for v in values]
    assert strings.valid.tolist() == [v is not None for v in values]
    raw = words.words.view(np.uint8).reshape(len(values), -1)
    assert all(not row[length:].any() for row, length in zip(raw, words.lengths, strict=True))
    picked = strings.words(np.array([10, 0, 4]), width=1)  # cut to one word
    assert decode(picked) == [b"end", b"", b"P" + b"f" * 7]
    assert picked.lengths.tolist() == [3, 0, 33]


def test_words_of_a_sliced_chunk_and_fixed_width() -> None:
    column = pa.chunked_array([pa.array(["zz", "abc", "defghijkl"]).slice(1), pa.array(["q"])])
    words = Strings(column).words()
    assert decode(words) == [b"abc", b"defghijkl", b"q"]
    assert words.fixed(5).tolist() == [b"abc", b"defgh", b"q"]  # like astype("S5")
    assert Strings(pa.array([], pa.string())).words().fixed(24).shape == (0,)


def test_hash_ignores_padding_and_rows_equal_compares_rows() -> None:
    words = Strings(pa.array(["abc", "91320100MA1X2Y3Z4Q"])).words()
    wide = np.zeros((2, 5), np.uint64)
    wide[:, : words.words.shape[1]] = words.words
    assert (
        hash_words(words.words, words.lengths).tolist() == hash_words(wide, words.lengths).tolist()
    )
    a = np.arange(18, dtype=np.uint64).reshape(2, 9)
    b = a.copy()
    b[1, 8] += 1
    assert rows_equal(a, b).tolist() == [True, False]


def test_lookup_matches_index_in() -> None:
    rng = np.random.default_rng(4)
    sids = sorted(set(random_sids(rng, 3000)) | {s for s in AWKWARD if s})
    index = SidIndex(Strings(pa.array(sids)).words())
    queries = [*rng.choice(sids, 5000).tolist(), *random_sids(rng, 500), None, "", "a\0\0"]
    queries = sorted(queries[:3000], key=str) + queries[3000:]  # runs of repeats, then not
    column = pa.chunked_array([pa.array(queries[:1234]), pa.array(queries[1234:])])
    expected = pc.fill_null(pc.index_in(column, value_set=pa.array(sids)), -1)
    assert index.lookup(column).tolist() == expected.to_pylist()
    assert index.lookup(pa.array([], pa.string())).tolist() == []


def test_lookup_of_chunks_read_with_fewer_words() -> None:
    """A chunk of short strings after a chunk of long ones: the words the short ones do not
    have must not keep the long ones' bytes."""
    long = "P" + "0" * 31 + "1"
    short = long[:16]  # the first two words of ``long``
    index = SidIndex(Strings(pa.array([long, short])).words())
    column = pa.chunked_array([pa.array([long, long[:-1] + "2"]), pa.array([short, "zz"])])
    assert index.lookup(column).tolist() == [0, -1, 1, -1]


def test_lookup_survives_hash_collisions(monkeypatch: pytest.MonkeyPatch) -> None:
    """With every hash equal, buckets are scanned and only exact matches are taken; a sid held
    twice maps to its first node, like ``index_in``."""
    real = hash_words
    monkeypatch.setattr(sid_index, "hash_words", lambda w, n: real(w, n) & np.uint64(7))
    sids = ["x", "a", "ab", "a\0", "b", "a"]
    index = SidIndex(Strings(pa.array(sids)).words())
    queries = pa.array(["a", "a\0", "zz", "ab", None, "b", "x", "a\0\0"])
    assert index.lookup(queries).tolist() == [1, 3, -1, 2, -1, 4, 0, -1]


def test_string_order_is_byte_order_and_stable() -> None:
    rng = np.random.default_rng(5)
    values = [*random_sids(rng, 2000), *AWKWARD, *AWKWARD, "P", "P0", "91"]
    rng.shuffle(values)
    words = Strings(pa.array(values)).words()
    order = string_order(words)
    keys = [v.encode() for v in values]
    assert order.tolist() == sorted(range(len(values)), key=lambda i: keys[i])
    ordered = words.take(order)
    assert string_order(ordered).tolist() == list(range(len(values)))  # the sorted fast path


@pytest.mark.parametrize("collide", [False, True])
def test_first_seen_groups_is_dictionary_encode(
    collide: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    if collide:  # a few hash values only: runs of equal hashes hold different strings
        real = sid_index.hash_words
        monkeypatch.setattr(
            "linkrisk.arrays.string_sort.hash_words", lambda w, n: real(w, n) & np.uint64(3)
        )
    rng = np.random.default_rng(6)
    values = rng.choice(np.array(["025-1", "025-2", "地址1号", "", "a", "a\0", "x" * 30]), 500)
    words = Strings(pa.array(values.tolist())).words()
    expected = pc.dictionary_encode(pa.array(values.tolist())).indices.to_pylist()
    assert first_seen_groups(words).tolist() == expected
