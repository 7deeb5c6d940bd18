"""``kept_heap``: large blocks from glibc's heap while a job runs, mapped again after it."""

from __future__ import annotations

import ctypes

import numpy as np
import pytest

from linkrisk import heap

BLOCK = 64 << 20  # bytes: well above glibc's largest mmap threshold (32 MiB)


class _MallInfo2(ctypes.Structure):
    _fields_ = [
        (name, ctypes.c_size_t)
        for name in (
            "arena",
            "ordblks",
            "smblks",
            "hblks",
            "hblkhd",
            "usmblks",
            "fsmblks",
            "uordblks",
            "fordblks",
            "keepcost",
        )
    ]


def _mallinfo() -> _MallInfo2:
    libc = heap._glibc()
    if libc is None or not hasattr(libc, "mallinfo2"):
        pytest.skip("needs glibc ≥ 2.33 (mallinfo2): elsewhere kept_heap does nothing")
    libc.mallinfo2.restype = _MallInfo2
    info: _MallInfo2 = libc.mallinfo2()
    return info


def _mapped_by(make: int) -> int:
    """Bytes of mmapped blocks a new array of ``make`` bytes added."""
    before = _mallinfo().hblkhd
    block = np.ones(make, np.uint8)
    added = _mallinfo().hblkhd - before
    del block
    return int(added)


def test_large_blocks_are_mapped_outside_and_kept_inside() -> None:
    assert _mapped_by(BLOCK) >= BLOCK  # glibc's default: its own mapping, unmapped when freed
    with heap.kept_heap():
        assert _mapped_by(BLOCK) == 0  # from the heap
        assert _mallinfo().fordblks >= BLOCK  # freed, and still the process's to reuse
    assert _mapped_by(BLOCK) >= BLOCK  # settings restored


def test_overlapping_blocks_keep_the_heap_until_the_last_ends() -> None:
    with heap.kept_heap():
        with heap.kept_heap():
            assert _mapped_by(BLOCK) == 0
        assert _mapped_by(BLOCK) == 0  # the inner block ended, the outer one still runs
    assert _mapped_by(BLOCK) >= BLOCK
