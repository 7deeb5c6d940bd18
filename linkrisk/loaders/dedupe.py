"""Duplicate keys within one file, across all its batches, without keeping the rows.

Each canonical row is reduced to a 64-bit hash of its key and one of the rest of its values.
The first row with a key wins; a later row with the same key and the same values is an exact
duplicate (loaded once, counted); with other values it is rejected as "duplicate key of row N".
Seen keys are kept in sorted numpy arrays (24 bytes per row): a million rows cost 24 MB.
With 64-bit hashes two different keys among a million collide with probability ~3e-8.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from linkrisk.loaders.textops import as_string_array, byte_matrix

NEW, EXACT, CONFLICT, REPEAT = 0, 1, 2, 3  # REPEAT: the same source row gave this row twice
_P = np.uint64(0x100000001B3)
_NULL = np.uint64(0x9E3779B97F4A7C15)


def _mix(h: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser (wrapping uint64 arithmetic)."""
    with np.errstate(over="ignore"):
        h = h ^ (h >> np.uint64(30))
        h = h * np.uint64(0xBF58476D1CE4E5B9)
        h = h ^ (h >> np.uint64(27))
        h = h * np.uint64(0x94D049BB133111EB)
        return np.asarray(h ^ (h >> np.uint64(31)), dtype=np.uint64)


SHORT_TEXT = 64  # bytes: shorter strings (ids, codes, dates) are hashed with numpy words


def _text_hash(values: pa.Array) -> np.ndarray:
    """64 bits per text, the same whatever else the batch holds (a file's batches are hashed
    one by one and compared): a text of at most ``SHORT_TEXT`` bytes by its bytes, mixing only
    the words it spans (not the padding that the batch's longest text decides); a longer one
    by Python's string hash (stable within the process that tracks the file)."""
    strings = as_string_array(values)
    lengths = np.asarray(
        pc.fill_null(pc.binary_length(strings), 0).to_numpy(zero_copy_only=False), np.int64
    )
    h = lengths.astype(np.uint64)
    long = lengths > SHORT_TEXT
    if long.any():
        texts = strings.filter(pa.array(long)).to_pylist()
        h[long] = np.fromiter(map(hash, texts), dtype=np.int64, count=len(texts)).view(np.uint64)
    short = np.flatnonzero(~long)
    if short.size:
        longest = int(lengths[short].max())
        part = strings if short.size == len(strings) else strings.take(pa.array(short))
        matrix, _ = byte_matrix(part, max(8, -(-longest // 8) * 8))
        h[short] = words_hash(np.ascontiguousarray(matrix).view(np.uint64), lengths[short])
    return h


def words_hash(words: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """64 bits per text held as rows of zero-padded little-endian words, mixing only the words
    its ``lengths`` (bytes) span: the same however many words pad it."""
    if words.shape[1] == 0:
        words = np.zeros((len(lengths), 1), np.uint64)
    h = lengths.astype(np.uint64)
    with np.errstate(over="ignore"):
        for j in range(words.shape[1]):
            mixed = _mix(h * _P + words[:, j])
            h = np.where(8 * j < lengths, mixed, h) if j else mixed
    return h


def column_hash(values: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """64 bits per value: numbers, dates and booleans by value, text by its bytes."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    type_ = values.type
    if pa.types.is_floating(type_):
        raw = np.asarray(pc.fill_null(values, np.nan).to_numpy(zero_copy_only=False), np.float64)
        out = raw.view(np.uint64).copy()
    elif pa.types.is_date32(type_) or pa.types.is_integer(type_) or pa.types.is_boolean(type_):
        ints = pc.cast(values.view(pa.int32()) if pa.types.is_date32(type_) else values, pa.int64())
        out = np.asarray(pc.fill_null(ints, 0).to_numpy(zero_copy_only=False)).view(np.uint64)
    else:
        out = _text_hash(pc.cast(values, pa.string()))
    nulls = np.asarray(pc.is_null(values).to_numpy(zero_copy_only=False), dtype=bool)
    return _mix(np.where(nulls, _NULL, out))


def row_hash(table: pa.Table, columns: Sequence[str]) -> np.ndarray:
    """Combine the column hashes of ``columns`` row by row."""
    h = np.zeros(table.num_rows, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for name in columns:
            h = _mix(h * _P + column_hash(table.column(name)))
    return h


class DuplicateTracker:
    """Remembers every accepted key of a file (see the module docstring).

    Keys live in sorted runs merged like a log-structured tree (a run is merged into the one
    before it once it is at least half as long), so remembering a million keys costs
    O(n log n) in total instead of re-sorting everything for every batch.
    """

    def __init__(self) -> None:
        self._runs: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []

    def _lookup(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """For sorted ``keys``: (seen before, its first row, its content hash)."""
        found = np.zeros(len(keys), dtype=bool)
        rows = np.zeros(len(keys), dtype=np.int64)
        content = np.zeros(len(keys), dtype=np.uint64)
        for run_keys, run_rows, run_content in self._runs:
            pos = np.minimum(np.searchsorted(run_keys, keys), len(run_keys) - 1)
            hit = ~found & (run_keys[pos] == keys)
            found |= hit
            rows[hit] = run_rows[pos[hit]]
            content[hit] = run_content[pos[hit]]
        return found, rows, content

    def classify(
        self, keys: np.ndarray, content: np.ndarray, rows: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """(NEW/EXACT/CONFLICT/REPEAT per row, the row number of the first row with its key).

        ``rows`` are source row numbers (ascending; a source row may give several canonical
        rows, e.g. "执行董事兼总经理"). Nothing is remembered until ``remember``.
        """
        n = len(keys)
        status = np.full(n, NEW, dtype=np.int8)
        if n == 0:
            return status, rows.copy()
        order = np.argsort(keys, kind="stable")
        sorted_keys = keys[order]
        seen, ref_rows, ref_content = np.zeros(n, bool), rows.copy(), content.copy()
        found, found_rows, found_content = self._lookup(sorted_keys)  # sorted: cache-friendly
        seen[order], ref_rows[order[found]], ref_content[order[found]] = (
            found,
            found_rows[found],
            found_content[found],
        )

        starts = np.concatenate(([True], sorted_keys[1:] != sorted_keys[:-1]))
        first = np.empty(n, dtype=np.int64)
        first[order] = order[starts][np.cumsum(starts) - 1]  # first index with the same key
        later = ~seen & (first != np.arange(n))
        ref_rows[later] = rows[first[later]]
        ref_content[later] = content[first[later]]

        repeated = seen | later
        same = ref_content == content
        status[repeated & same] = EXACT
        status[repeated & ~same] = CONFLICT
        status[repeated & (ref_rows == rows)] = REPEAT
        return status, ref_rows

    def remember(self, keys: np.ndarray, rows: np.ndarray, content: np.ndarray) -> None:
        """Add the accepted NEW rows of a batch (after the caller dropped rejected source rows)."""
        if keys.size == 0:
            return
        order = np.argsort(keys, kind="stable")
        self._runs.append((keys[order], rows[order], content[order]))
        while len(self._runs) > 1 and 2 * len(self._runs[-1][0]) >= len(self._runs[-2][0]):
            (k2, r2, c2), (k1, r1, c1) = self._runs.pop(), self._runs.pop()
            merged_keys = np.concatenate((k1, k2))
            order = np.argsort(merged_keys, kind="stable")
            merged = (
                merged_keys[order],
                np.concatenate((r1, r2))[order],
                np.concatenate((c1, c2))[order],
            )
            self._runs.append(merged)
