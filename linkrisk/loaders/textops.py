"""Low-level vectorised string operations on Arrow string arrays (no Python object per row).

``to_halfwidth`` rewrites the UTF-8 bytes directly with numpy, ``byte_matrix`` lays short
strings out as a fixed-width byte matrix for the identifier checks and hashing, ``clean`` is the
trim/blank/placeholder step every field goes through. Pure functions: arrays in, arrays out.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

#: values that mean "no value" in regulators' exports (compared after trimming and lower-casing)
PLACEHOLDERS = pa.array(
    [
        *("", "-", "--", "—", "/", "\\", "无", "暂无"),
        *("null", "NULL", "Null", "none", "None", "NONE"),
        *("nan", "NaN", "NAN", "n/a", "N/A", "#N/A"),
    ]
)


def as_string_array(values: pa.Array | pa.ChunkedArray) -> pa.StringArray:
    """One contiguous ``string`` array (chunks combined, large_string/binary cast)."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks() if values.num_chunks != 1 else values.chunk(0)
    if not pa.types.is_string(values.type):
        values = pc.cast(values, pa.string())
    assert isinstance(values, pa.StringArray)
    return values


def _buffers(values: pa.StringArray) -> tuple[pa.StringArray, np.ndarray, np.ndarray]:
    """The array re-based at offset 0, its offsets (int64, from 0) and its UTF-8 bytes."""
    offsets = np.frombuffer(values.buffers()[1], dtype=np.int32)[values.offset :][: len(values) + 1]
    if values.offset or offsets[0]:
        values = as_string_array(values.take(pa.array(np.arange(len(values)))))
        offsets = np.frombuffer(values.buffers()[1], dtype=np.int32)[: len(values) + 1]
    data_buf = values.buffers()[2]
    total = int(offsets[-1])
    data = (
        np.frombuffer(data_buf, dtype=np.uint8)[:total]
        if data_buf is not None
        else np.zeros(0, np.uint8)
    )
    return values, offsets.astype(np.int64), data


def to_halfwidth(values: pa.StringArray) -> pa.StringArray:
    """Full-width ASCII forms (U+FF01–U+FF5E) → ASCII, ideographic space U+3000 → " ".

    Works on the UTF-8 bytes: a full-width form is the 3 bytes EF BC/BD xx, U+3000 is E3 80 80;
    each becomes one byte and the offsets shift by the bytes removed before them.
    """
    if len(values) == 0:
        return values
    values, offsets, data = _buffers(values)
    lead = np.flatnonzero((data[:-2] == 0xEF) | (data[:-2] == 0xE3))
    if lead.size == 0:
        return values
    b1, b2 = data[lead + 1].astype(np.int32), data[lead + 2].astype(np.int32)
    code = ((data[lead].astype(np.int32) & 0x0F) << 12) | ((b1 & 0x3F) << 6) | (b2 & 0x3F)
    wide = (code >= 0xFF01) & (code <= 0xFF5E) & ((b1 & 0xC0) == 0x80) & ((b2 & 0xC0) == 0x80)
    hit_mask = wide | (code == 0x3000)
    hit = lead[hit_mask]
    if hit.size == 0:
        return values
    out = data.copy()
    out[hit] = np.where(wide[hit_mask], code[hit_mask] - 0xFEE0, 0x20).astype(np.uint8)
    # a character never straddles two strings: 2 bytes go for every hit before an offset
    new_offsets = (offsets - 2 * np.searchsorted(hit, offsets)).astype(np.int32)
    out = np.delete(out, np.concatenate((hit + 1, hit + 2)))
    return pa.StringArray.from_buffers(
        len(values),
        pa.py_buffer(new_offsets.tobytes()),
        pa.py_buffer(out.tobytes()),
        values.buffers()[0],
        values.null_count,
    )


def patch(values: pa.Array, rows: np.ndarray, replacement: pa.Array) -> pa.Array:
    """``values`` with the entries at ``rows`` (sorted indices) replaced by ``replacement``."""
    if rows.size == 0:
        return values
    mask = np.zeros(len(values), dtype=bool)
    mask[rows] = True
    return pc.replace_with_mask(values, pa.array(mask), replacement.cast(values.type))


def rows_with_bytes(values: pa.StringArray, hit: np.ndarray) -> np.ndarray:
    """Sorted unique row indices of the strings that contain the byte positions ``hit``."""
    _v, offsets, _d = _buffers(values)
    return np.unique(np.searchsorted(offsets, hit, side="right") - 1)


def collapse_whitespace(values: pa.StringArray, replacement: str = " ") -> pa.StringArray:
    """Runs of whitespace (tabs, newlines, NBSP, double spaces) → ``replacement``.

    Only the strings that need it go through the (slow) regex kernel.
    """
    values, _offsets, data = _buffers(values)
    if data.size == 0:
        return values
    if replacement == " ":
        odd = (data[:-1] < 0x20) | ((data[:-1] == 0x20) & (data[1:] == 0x20))
        odd |= (data[:-1] == 0xC2) & (data[1:] == 0xA0)
        hit = np.flatnonzero(np.append(odd, data[-1] < 0x20))
    else:
        hit = np.flatnonzero((data <= 0x20) | (data == 0xC2))
    rows = rows_with_bytes(values, hit)
    if rows.size == 0:
        return values
    subset = pc.replace_substring_regex(values.take(pa.array(rows)), r"[\s\x{00A0}]+", replacement)
    return as_string_array(patch(values, rows, subset))


def clean(values: pa.Array | pa.ChunkedArray) -> pa.StringArray:
    """Half-width, whitespace collapsed and trimmed; blanks and placeholders ("无", "-") → null."""
    if values.null_count == len(values):
        return as_string_array(values)
    arr = as_string_array(values)
    if not pc.all(pc.string_is_ascii(arr)).as_py():
        arr = to_halfwidth(arr)
    arr = pc.utf8_trim_whitespace(collapse_whitespace(arr))
    placeholder = pc.is_in(arr, value_set=PLACEHOLDERS)
    return as_string_array(pc.if_else(placeholder, pa.scalar(None, pa.string()), arr))


def byte_matrix(values: pa.StringArray, width: int) -> tuple[np.ndarray, np.ndarray]:
    """The first ``width`` bytes of every string as an (n, width) uint8 matrix, and byte lengths.

    Shorter strings are padded with 0; nulls have length 0.
    """
    values, offsets, data = _buffers(values)
    n = len(values)
    lengths = np.diff(offsets)
    full = lengths == width
    if n and ((lengths == 0) | full).all():
        # every string is empty or exactly ``width`` long (codes): the bytes are the full rows
        matrix = np.zeros((n, width), dtype=np.uint8)
        matrix[full] = data.reshape(-1, width)
        if values.null_count:
            matrix[~present(values)] = 0
    else:
        padded = pc.utf8_rpad(pc.fill_null(values, ""), width, padding="\0").cast(pa.binary())
        fixed = pc.binary_slice(padded, 0, width).cast(pa.binary(width))
        matrix = np.frombuffer(fixed.buffers()[1], dtype=np.uint8)[: n * width].reshape(n, width)
    if values.null_count:
        lengths[~present(values)] = 0
    return matrix, lengths


def may_contain(values: pa.StringArray, needle: bytes) -> bool:
    """Whether any string may contain ``needle``: a scan of the data buffer (several GB/s;
    ``match_substring`` runs at a tenth of that), true also for bytes outside a sliced array."""
    data = values.buffers()[2]
    return data is not None and memoryview(data).tobytes().find(needle) >= 0


def longest(values: pa.StringArray) -> int:
    """The largest byte length of the strings (an upper bound of their length in characters)."""
    found = pc.max(pc.binary_length(values)).as_py()
    return int(found or 0)


def all_null(values: pa.Array) -> bool:
    return bool(values.null_count == len(values))


def present(values: pa.Array) -> np.ndarray:
    """Boolean numpy mask of non-null values."""
    return np.asarray(pc.is_valid(values).to_numpy(zero_copy_only=False), dtype=bool)


def to_bool(mask: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """An Arrow boolean array as numpy, nulls as False."""
    return np.asarray(pc.fill_null(mask, False).to_numpy(zero_copy_only=False), dtype=bool)
