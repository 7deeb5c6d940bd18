"""UTF-8 strings as code points and their per-character translation, against plain Python."""

from __future__ import annotations

import pyarrow as pa
from hypothesis import given
from hypothesis import strategies as st

from linkrisk.arrays.utf8 import code_points, large_strings, string_buffers, translate

# every code point Arrow can hold (no lone surrogates): 1- to 4-byte UTF-8
TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=12)


def reading(code: int) -> str:
    """A stand-in reading: letters to themselves, CJK to a two-letter word, others dropped."""
    ch = chr(code)
    if ch.isascii() and ch.isalnum():
        return ch
    return "xy" if 0x4E00 <= code <= 0x9FFF else ""


@given(st.lists(st.one_of(TEXT, st.none()), max_size=20), st.integers(0, 8))
def test_code_points_and_translation_match_python(values: list[str | None], offset: int) -> None:
    array = pa.array(["pad"] * offset + values, pa.string()).slice(offset)  # a sliced array too
    points = code_points(array)
    texts = [v or "" for v in values]
    assert points.points.tolist() == [ord(c) for t in texts for c in t]
    got = [
        points.points[a:b].tolist()
        for a, b in zip(points.offsets[:-1], points.offsets[1:], strict=True)
    ]
    assert got == [[ord(c) for c in t] for t in texts]
    for limit in (0, 3, 48):
        out = translate(points, reading, limit)
        assert out.to_pylist() == ["".join(reading(ord(c)) for c in t)[:limit] for t in texts]


def test_buffers_round_trip_without_copying() -> None:
    array = pa.array(["张三", "", "abc"], pa.large_string())
    offsets, data = string_buffers(array)
    again = large_strings(offsets, data)
    assert again.equals(array)
    assert again.buffers()[2].address == array.buffers()[2].address


def test_cjk_and_four_byte_characters_decode() -> None:
    points = code_points(pa.array(["澜城", "a😀é"]))
    assert points.points.tolist() == [0x6F9C, 0x57CE, 0x61, 0x1F600, 0xE9]
    assert points.offsets.tolist() == [0, 2, 5]
