"""Strings as padded 64-bit words, their hash, and a hash index from sid to node number.

Mapping sids to node numbers with ``pc.index_in(column, value_set=sids)`` rebuilt a hash table of
all 6.5M sids for each of the seven sid columns (~3 s each) and then looked up 33-byte strings
at random (~4 s per 6.3M rows): 24 s of the 35.6 s build on the 2M-subject city. Here strings
are copied straight from the Arrow buffers into zero-padded rows of uint64 words (no Python
object per row, as ``to_numpy`` on a string column would build), hashed with a few vectorised
integer operations, and looked up in one table built once: the node hashes sorted, bucketed by
their top bits, each entry beside its node's words, so that a lookup costs a couple of cache
misses. Every hit is confirmed by comparing the words and the length, so a hash collision can
never map a sid to the wrong node; entries with the same hash are simply scanned further.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from functools import cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from numpy.lib.stride_tricks import as_strided

from linkrisk.arrays.sorting import U64, bits_for, positions

_ALL_TRUE = U64(0x0101010101010101)  # eight numpy booleans, all True, read as a uint64
CHUNK = 1 << 16  # lookups run a chunk of rows at a time so that temporaries stay in cache


#: ``_MASKS[k]`` keeps the first k bytes of a little-endian word.
_MASKS = np.array([(1 << (8 * k)) - 1 for k in range(9)], dtype=U64)


@cache
def _word_masks(width: int) -> np.ndarray:
    """``_word_masks(w)[j][length]``: the mask of word j of a string of that many bytes."""
    keep = np.clip(np.arange(8 * width + 1)[None, :] - 8 * np.arange(width)[:, None], 0, 8)
    masks: np.ndarray = _MASKS[keep]
    return masks


_FMIX = (U64(0xFF51AFD7ED558CCD), U64(0xC4CEB9FE1A85EC53))  # MurmurHash3's finisher


@cache
def _multiplier(j: int) -> np.uint64:
    """An odd 64-bit constant per word position (j = -1: the length)."""
    return U64(((0x9E3779B97F4A7C15 * (j + 2)) ^ 0xD6E8FEB86659FD93) & (2**64 - 1) | 1)


def rows_equal(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Whether each row of ``a`` equals that of ``b``: the booleans of ``a == b`` are read
    eight at a time as uint64 (``.all(axis=1)`` is several times slower on short rows)."""
    equal = a == b
    if equal.shape[1] % 8:
        pad = np.ones((len(equal), 8 - equal.shape[1] % 8), bool)
        equal = np.concatenate([equal, pad], axis=1)
    groups = equal.view(U64)
    same: np.ndarray = groups[:, 0] == _ALL_TRUE
    for g in range(1, groups.shape[1]):
        same &= groups[:, g] == _ALL_TRUE
    return same


@dataclass(frozen=True, slots=True)
class Words:
    """Strings as rows of little-endian uint64 words, zero-padded, with their byte lengths."""

    words: np.ndarray  # (m, width) uint64
    lengths: np.ndarray  # int64; 0 for nulls

    def fixed(self, width: int) -> np.ndarray:
        """The strings as numpy ``S{width}`` (longer ones cut, like ``astype("S…")``)."""
        raw = self.words.view(np.uint8).reshape(len(self.lengths), 8 * self.words.shape[1])
        if raw.shape[1] >= width:
            return np.ascontiguousarray(raw[:, :width]).view(f"S{width}").ravel()
        out = np.zeros((len(self.lengths), width), np.uint8)
        out[:, : raw.shape[1]] = raw
        return out.view(f"S{width}").ravel()

    def take(self, rows: np.ndarray) -> Words:
        return Words(np.take(self.words, rows, axis=0), self.lengths[rows])


class Strings:
    """The buffers of an Arrow string column, read into ``Words`` a selection at a time."""

    def __init__(self, column: pa.Array | pa.ChunkedArray) -> None:
        if sys.byteorder != "little":  # pragma: no cover - the word layout assumes it
            raise NotImplementedError("reading strings as words needs a little-endian machine")
        if isinstance(column, pa.ChunkedArray):
            column = column.combine_chunks() if column.num_chunks != 1 else column.chunk(0)
        if not any(
            test(column.type)
            for test in (pa.types.is_string, pa.types.is_large_string, pa.types.is_binary)
        ) and not pa.types.is_large_binary(column.type):
            column = column.cast(pa.large_string())  # e.g. string_view from a columnar mirror
        self.array = column
        self.m = m = len(column)
        self.starts: np.ndarray
        self.lengths: np.ndarray
        self.valid: np.ndarray
        _, offset_buf, data_buf = column.buffers()[:3]
        if m == 0 or offset_buf is None:  # empty, or all null
            self.starts = np.zeros(m, np.int64)
            self.lengths = np.zeros(m, np.int64)
            self.valid = np.zeros(m, bool) if m else np.zeros(0, bool)
            self.data = np.zeros(0, np.uint8)
        else:
            wide = pa.types.is_large_string(column.type) or pa.types.is_large_binary(column.type)
            offsets = np.frombuffer(offset_buf, np.int64 if wide else np.int32)
            offsets = offsets[column.offset : column.offset + m + 1].astype(np.int64)
            self.starts, self.lengths = offsets[:-1], np.diff(offsets)
            self.valid = np.ones(m, bool)
            if column.null_count:
                self.valid = column.is_valid().to_numpy(zero_copy_only=False)
                self.lengths[~self.valid] = 0
            self.data = np.frombuffer(data_buf, np.uint8) if data_buf else np.zeros(0, np.uint8)
        self.longest = int(self.lengths.max()) if m else 0

    def words(self, rows: slice | np.ndarray = slice(None), width: int | None = None) -> Words:
        """The selected rows as ``width`` words each (default: enough for the longest string);
        bytes beyond ``8 * width`` are left out (compare ``lengths`` to notice)."""
        width = (self.longest + 7) // 8 if width is None else width
        starts, lengths = self.starts[rows], self.lengths[rows]
        nbytes, size = 8 * width, len(self.data)
        if nbytes and len(starts) and size >= nbytes:
            # Row k of ``every`` is the ``nbytes`` bytes from byte k: one gather copies a row.
            every = as_strided(self.data, (size - nbytes + 1, nbytes), (1, 1), writeable=False)
            out = every[np.minimum(starts, size - nbytes)]
        else:
            out = np.zeros((len(starts), nbytes), np.uint8)
        if nbytes and len(starts):
            base = max(0, size - nbytes)  # rows starting in the last bytes: from a padded copy
            late = np.flatnonzero(starts > base) if size >= nbytes else np.arange(len(starts))
            if late.size:
                tail = np.zeros(size - base + nbytes, np.uint8)
                tail[: size - base] = self.data[base:]
                every = as_strided(tail, (size - base + 1, nbytes), (1, 1), writeable=False)
                out[late] = every[starts[late] - base]
        words = out.view(U64)
        if len(lengths):  # zero the bytes past each string: only words some rows end in
            shortest, longest = int(lengths.min()), int(lengths.max())
            clipped = np.minimum(lengths, nbytes) if longest > nbytes else lengths
            for j in range(width):
                low, high = min(max(shortest - 8 * j, 0), 8), min(max(longest - 8 * j, 0), 8)
                if low == high:
                    if low < 8:
                        words[:, j] &= _MASKS[low]
                else:
                    words[:, j] &= _word_masks(width)[j][clipped]
        return Words(words, lengths)


@cache
def _multipliers(width: int) -> np.ndarray:
    """An odd 64-bit constant per word position."""
    return np.array([_multiplier(j) for j in range(width)], U64)


def hash_words(words: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """64-bit hash of each row: the length and the words, each times an odd constant, summed
    (one integer matrix product), then MurmurHash3's ``fmix64`` spreads every bit into the top
    bits that pick the bucket. Zero words add nothing, so a string hashes alike however many
    words pad it (a column of 18-byte USCCs is read as 3 words and still finds the nodes held
    as 5); rows differing in one word never collide."""
    h: np.ndarray = (
        words @ _multipliers(words.shape[1]) if words.shape[1] else np.zeros(len(words), U64)
    )
    h += lengths.astype(U64) * _multiplier(-1)
    for k in _FMIX:
        h ^= h >> U64(33)
        h *= k
    h ^= h >> U64(33)
    return h


class SidIndex:
    """Node number of a sid: the rows of ``words`` (the sids in node order) are the nodes.

    The table holds one 64-byte row (a cache line) per node, in hash order: the hash's high
    bits, the words, the length, zero padding and the node number. A query chunk is laid out
    the same way (node 0), so one elementwise ``==`` of the fetched rows against the query rows
    compares hash, words and length at once; its booleans, read 8 to a uint64, are checked with
    one comparison per row. Buckets (the top bits of the hash) start where ``_starts`` says.
    """

    def __init__(self, words: Words) -> None:
        self.words = words
        self.n = n = len(words.lengths)
        self.width = k = words.words.shape[1]
        self.longest = int(words.lengths.max()) if n else 0
        self._pos_bits = pos_bits = bits_for(n)
        self._cols = cols = -(-(k + 3) // 8) * 8  # hash, k words, length, padding, node
        hashed = hash_words(words.words, words.lengths) >> U64(pos_bits)
        rows = np.zeros((n, cols), U64)  # the table in node order, written sequentially
        rows[:, 0] = hashed
        rows[:, 1 : 1 + k] = words.words
        rows[:, k + 1] = words.lengths
        rows[:, -1] = positions(n)
        hashed <<= U64(pos_bits)
        hashed |= positions(n)
        hashed.sort()  # by hash, then node
        node = (hashed & U64((1 << pos_bits) - 1)).view(np.int64)
        raw = np.empty((n + 1) * cols + 8, U64)  # + a sentinel row; aligned to a cache line
        skip = (-raw.ctypes.data % 64) // 8
        self._table = table = raw[skip : skip + (n + 1) * cols].reshape(n + 1, cols)
        # One gather of whole rows (cache lines); "clip" spares the copy "raise" makes of out.
        np.take(rows, node, axis=0, out=table[:n], mode="clip")
        del rows
        table[n] = 0
        table[n, 0], table[n, k + 1] = ~U64(0), ~U64(0)  # matches nothing
        self._bucket_bits = min(pos_bits, 26)  # ~1 entry a bucket; int32 starts: ≤ 32 MB
        bucket = (hashed >> U64(64 - self._bucket_bits)).astype(np.int64)
        counts = np.bincount(bucket, minlength=1 << self._bucket_bits)
        self._starts = np.zeros(len(counts) + 1, np.int32 if n < 2**31 else np.int64)
        np.cumsum(counts, out=self._starts[1:])
        # Booleans of ``rows == query`` read 8 at a time: all equal but the node column
        self._expect = np.full(cols // 8, _ALL_TRUE, U64)
        self._expect[-1] = 0x0001010101010101
        self._mask = np.full(cols // 8, ~U64(0), U64)
        self._mask[-1] = 0x00FFFFFFFFFFFFFF

    def lookup(self, column: pa.Array | pa.ChunkedArray) -> np.ndarray:
        """Node numbers of the sids in ``column`` (int64; -1 for nulls and unknown sids).

        A store read in key order repeats a sid on consecutive rows (officers: 6.3M rows,
        3.8M runs of persons, 4.2M of firms); Arrow finds the repeats (~0.1 s) and each run
        is looked up once."""
        found = np.full(len(column), -1, np.int64)
        if not self.n:
            return found
        pieces = column.chunks if isinstance(column, pa.ChunkedArray) else [column]
        query = np.zeros((min(CHUNK, len(column)), self._cols), U64)  # reused by every chunk
        at = 0
        for piece in pieces:  # Arrow chunks are read in place, not concatenated
            strings = Strings(piece)
            m, width = strings.m, min(self.width, (strings.longest + 7) // 8)
            heads = np.arange(m)
            if m > 1:
                repeat = pc.equal(strings.array.slice(1), strings.array.slice(0, m - 1))
                first = np.ones(m, bool)
                first[1:] = ~pc.fill_null(repeat, False).to_numpy(zero_copy_only=False)
                heads = np.flatnonzero(first)
            result = np.empty(len(heads), np.int64)
            for lo in range(0, len(heads), CHUNK):
                rows = heads[lo : lo + CHUNK]
                q = strings.words(rows, width)
                result[lo : lo + CHUNK] = self._find(q, strings.valid[rows], query)
            if len(heads) < m:
                result = np.repeat(result, np.diff(np.append(heads, m)))
            found[at : at + m] = result
            at += m
        return found

    def _find(self, q: Words, valid: np.ndarray, buffer: np.ndarray) -> np.ndarray:
        """Lookup of one chunk of query strings held as ``width`` ≤ ``self.width`` words: with
        equal lengths the node's further words are zero, so the comparison stays exact.
        ``buffer`` has a row for each string; its columns past the words are zero."""
        width, rows = q.words.shape[1], len(q.lengths)
        h = hash_words(q.words, q.lengths)
        query = buffer[:rows]
        query[:, 0] = h >> U64(self._pos_bits)
        query[:, 1 : 1 + width] = q.words
        query[:, 1 + width : 1 + self.width] = 0  # a narrower chunk than the last one
        query[:, self.width + 1] = q.lengths
        act = np.flatnonzero(valid & (q.lengths <= self.longest))
        found = np.full(rows, -1, np.int64)
        if act.size < rows:
            h, query = h[act], np.take(query, act, axis=0)
        bucket = (h >> U64(64 - self._bucket_bits)).astype(np.int64)
        pos = self._starts[bucket].astype(np.int64)
        end = self._starts[bucket + 1].astype(np.int64)
        while act.size:  # scan each bucket (hashes ascending) until the hash is passed
            entry = np.take(self._table, pos, axis=0)
            equal = (entry == query).view(U64)
            same = (equal[:, -1] & self._mask[-1]) == self._expect[-1]
            for g in range(equal.shape[1] - 1):
                same &= equal[:, g] == self._expect[g]
            found[act[same]] = entry[:, -1][same].view(np.int64)
            # go on past smaller hashes, and equal ones of other strings (collisions)
            go_on = (entry[:, 0] <= query[:, 0]) & ~same & (pos + 1 < end)
            pick = np.flatnonzero(go_on)
            act, pos, end = act[pick], pos[pick] + 1, end[pick]
            query = np.take(query, pick, axis=0)
        return found
