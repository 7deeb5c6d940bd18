"""Keep freed memory in the process while a whole-graph job runs (glibc's malloc).

glibc gives every allocation above 32 MiB its own ``mmap`` and hands it back to the kernel when
it is freed, so a job that makes and drops many large numpy arrays has the kernel zero fresh
pages for each of them. On the virtual machines this runs on, that zeroing was a third of a
2M-subject snapshot build's CPU time (``clear_page_erms`` in ``perf``), and how long it takes
depends on what the host did with the pages meanwhile (a build took 4.4–9.6 s from the same
store). Inside ``kept_heap()`` large blocks come from the heap instead and freed ones stay there
to be reused: the same build faulted in 5.8 GB of fresh pages instead of 12.7 GB. On leaving
the block the settings go back and ``malloc_trim`` returns what is free to the kernel.

Anywhere but glibc (musl, macOS, Windows) this does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache

#: ``mallopt`` parameters (malloc.h)
M_TRIM_THRESHOLD, M_MMAP_THRESHOLD, M_MMAP_MAX = -1, -3, -4
#: what the settings go back to: glibc's mmap ceiling (its dynamic threshold's maximum on
#: 64-bit), its default trim threshold and its default count of mmapped blocks
MMAP_THRESHOLD, TRIM_THRESHOLD, MMAP_MAX = 32 << 20, 128 << 10, 65536
#: freed memory at the top of the heap below this stays in the process while a job runs
KEPT_TRIM_THRESHOLD = (1 << 31) - 1  # mallopt takes an int

_lock = threading.Lock()
_jobs = 0


@cache
def _glibc() -> ctypes.CDLL | None:
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        libc = ctypes.CDLL(name)
        libc.gnu_get_libc_version  # noqa: B018  (only glibc has it)
    except (OSError, AttributeError):
        return None
    libc.mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    libc.malloc_trim.argtypes = [ctypes.c_size_t]
    return libc


def _keep(libc: ctypes.CDLL, keep: bool) -> None:
    libc.mallopt(M_MMAP_MAX, 0 if keep else MMAP_MAX)
    libc.mallopt(M_TRIM_THRESHOLD, KEPT_TRIM_THRESHOLD if keep else TRIM_THRESHOLD)
    if not keep:
        libc.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD)
        libc.malloc_trim(0)


@contextmanager
def kept_heap() -> Iterator[None]:
    """Large blocks from the heap, and freed memory kept for reuse, until the last of any
    overlapping ``kept_heap`` blocks (in any thread) ends."""
    global _jobs
    libc = _glibc()
    if libc is None:
        yield
        return
    with _lock:
        _jobs += 1
        if _jobs == 1:
            _keep(libc, True)
    try:
        yield
    finally:
        with _lock:
            _jobs -= 1
            if _jobs == 0:
                _keep(libc, False)
