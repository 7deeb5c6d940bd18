"""Arrow strings as numpy arrays of Unicode code points, and a per-character translation of them
into ASCII (``str.translate`` for millions of strings without a Python object per string).

The search index turns every subject name into its pinyin and pinyin initials. Done with
``str.translate`` on Python strings it took ~12 s for the 6.5M names of the 2M-subject city;
here the names' UTF-8 bytes are decoded to code points with a few vectorised passes, each code
point is mapped through a lookup table to its reading (the table is filled once per distinct
character, a few thousand of them) and the readings' bytes are gathered into a new Arrow
buffer, cut at a maximum length per string as ``translate(...)[:limit]`` would cut it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc


@dataclass(frozen=True, slots=True)
class CodePoints:
    """The strings as one array of code points; string i is ``points[offsets[i]:offsets[i+1]]``."""

    points: np.ndarray  # uint32
    offsets: np.ndarray  # int64, len(strings) + 1

    def distinct(self) -> np.ndarray:
        """The distinct code points, ascending."""
        if not len(self.points):
            return np.zeros(0, np.uint32)
        return np.flatnonzero(np.bincount(self.points)).astype(np.uint32)


def string_buffers(array: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """(offsets as int64, data bytes) of a string or large_string array (nulls become empty)."""
    if array.null_count:
        array = pc.fill_null(array, "")
    kind = np.int64 if pa.types.is_large_string(array.type) else np.int32
    buffers = array.buffers()
    offsets = np.frombuffer(buffers[1], kind)[array.offset : array.offset + len(array) + 1]
    data = np.frombuffer(buffers[2], np.uint8) if buffers[2] is not None else np.zeros(0, np.uint8)
    return offsets.astype(np.int64), data


def large_strings(offsets: np.ndarray, data: np.ndarray) -> pa.Array:
    """An Arrow large_string array over these buffers, without copying them."""
    offsets = np.ascontiguousarray(offsets, np.int64)
    data = np.ascontiguousarray(data, np.uint8)
    buffers = [None, pa.py_buffer(offsets), pa.py_buffer(data)]
    return pa.Array.from_buffers(pa.large_string(), len(offsets) - 1, buffers)


def code_points(array: pa.Array) -> CodePoints:
    """Decode valid UTF-8 strings (Arrow guarantees it) into code points."""
    offsets, data = string_buffers(array)
    raw = data[offsets[0] : offsets[-1]] if len(offsets) else data[:0]
    starts = np.flatnonzero((raw & 0xC0) != 0x80)  # a character starts at every non-continuation
    padded = np.zeros(len(raw) + 3, np.uint32)
    padded[: len(raw)] = raw
    b0 = padded[starts]
    b1, b2, b3 = (padded[starts + k] & 0x3F for k in (1, 2, 3))
    points = np.where(
        b0 < 0x80,
        b0,
        np.where(
            b0 < 0xE0,
            ((b0 & 0x1F) << 6) | b1,
            np.where(
                b0 < 0xF0,
                ((b0 & 0x0F) << 12) | (b1 << 6) | b2,
                ((b0 & 0x07) << 18) | (b1 << 12) | (b2 << 6) | b3,
            ),
        ),
    ).astype(np.uint32)
    char_offsets = np.searchsorted(starts, offsets - offsets[0]) if len(offsets) else offsets
    return CodePoints(points, char_offsets.astype(np.int64))


def translate(text: CodePoints, replace: Callable[[int], str], limit: int) -> pa.Array:
    """Each string with every character replaced by ``replace(code point)`` (ASCII text, ""
    drops the character) and cut to ``limit`` characters, as a large_string array."""
    distinct = text.distinct()
    readings = [replace(int(c)).encode("ascii") for c in distinct]
    width = max((len(r) for r in readings), default=0) or 1
    table = np.zeros((len(readings) + 1, width), np.uint8)
    lengths = np.zeros(len(readings) + 1, np.int64)
    for i, reading in enumerate(readings):
        table[i, : len(reading)] = np.frombuffer(reading, np.uint8)
        lengths[i] = len(reading)
    lookup = np.zeros(int(distinct[-1]) + 1 if len(distinct) else 1, np.int32)
    lookup[distinct] = np.arange(len(distinct), dtype=np.int32)
    reading = lookup[text.points]
    length = lengths[reading]
    ends = np.cumsum(length)
    starts = ends - length
    row_start = np.append(starts, ends[-1] if len(ends) else 0)[text.offsets[:-1]]
    in_row = starts - np.repeat(row_start, np.diff(text.offsets))
    kept = np.clip(limit - in_row, 0, length)  # the part of each reading within the limit
    kept_ends = np.cumsum(kept)
    offsets = np.append(np.zeros(1, np.int64), kept_ends)[text.offsets]
    total = int(kept_ends[-1]) if len(kept_ends) else 0
    char = np.repeat(np.arange(len(kept)), kept)
    position = np.arange(total) - np.repeat(kept_ends - kept, kept)
    return large_strings(offsets, table[reading[char], position])
