"""Mention rows a load need not write, because they could not change anything.

A mention (``records.MENTIONS``) only fills in what is unknown about a subject. So once the
store knows every value a mention row carries for its sid, writing the row is a no-op. On the
2M-subject city most mention rows are such no-ops: every firm a holdings, officers, branches,
events or inspections file names (as a USCC and a kind) is in the registry file loaded first;
the officers file alone gave 2.0M such rows of its 6.0M, and repeated its officers across
batches. Each was merged into SQLite and written to the columnar mirror, where the first
snapshot build compacted it again.

``MentionFilter`` remembers, per sid, which columns a load has given values to, and drops the
mention rows that bring nothing new. It only counts what it may count on:

- rows of the file being loaded (a bulk load writes all of a file or nothing, and a batch
  load has written every earlier batch); and
- rows of files whose load has finished (``confirm``). A file whose merge is still under way
  while the next one is read, or that failed, counts for nothing.

Sids are remembered as two independent 64-bit hashes (16 bytes a sid, plus 2 for the columns;
the 2M city's 6.5M subjects take ~120 MB). A row is dropped only when both hashes match, so a
different sid is taken for a known one with probability ~2⁻¹²⁸ per pair: never in practice.
A mismatch the other way only keeps a row that could have been dropped.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from linkrisk.arrays.sid_index import Strings, hash_words
from linkrisk.loaders.dedupe import words_hash
from linkrisk.loaders.records import MENTIONS

_VALUES = [c for c in MENTIONS.column_names if c not in MENTIONS.key]
_BITS = np.array([1 << i for i in range(len(_VALUES))], np.uint16)

Run = tuple[np.ndarray, np.ndarray, np.ndarray]  # (h1 sorted, h2, columns known)


def _known_columns(rows: pa.Table) -> np.ndarray:
    """Per row, a bit per value column that holds a value as the stores see it (an empty text
    or a NaN is stored as NULL)."""
    known = np.zeros(rows.num_rows, np.uint16)
    for bit, name in zip(_BITS, _VALUES, strict=True):
        column = rows[name]
        if column.null_count == len(column):
            continue
        given = pc.is_valid(column)
        if pa.types.is_string(column.type) and pc.min(pc.binary_length(column)).as_py() == 0:
            given = pc.and_(given, pc.greater(pc.binary_length(column), 0))
        elif pa.types.is_floating(column.type) and pc.any(pc.is_nan(column)).as_py():
            given = pc.and_(given, pc.invert(pc.is_nan(column)))
        given = pc.fill_null(given, False).to_numpy(zero_copy_only=False)
        known |= given.view(np.uint8).astype(np.uint16) * bit
    return known


def _hashes(rows: pa.Table) -> tuple[np.ndarray, np.ndarray]:
    """Two independent 64-bit hashes of each sid (the sid index's and the duplicate tracker's),
    each the same in every batch."""
    words = Strings(rows["sid"]).words()
    return hash_words(words.words, words.lengths), words_hash(words.words, words.lengths)


def _find(run: Run, h1: np.ndarray, h2: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(rows of ``h1``/``h2`` found in ``run``, their positions in it); ``h1`` sorted, which
    makes ``searchsorted`` walk the run in order (several times faster than at random)."""
    keys, seconds, _ = run
    at = np.minimum(np.searchsorted(keys, h1), len(keys) - 1)
    hit = np.flatnonzero((keys[at] == h1) & (seconds[at] == h2))
    return hit, at[hit]


def _merged(runs: list[Run]) -> Run:
    keys = np.concatenate([r[0] for r in runs])
    order = np.argsort(keys, kind="stable")
    seconds, columns = (np.concatenate([r[i] for r in runs])[order] for i in (1, 2))
    return keys[order], seconds, columns


class MentionFilter:
    """What one file is giving, over what the finished files of its load gave (``finished``,
    shared by the load's files: one run per file, appended by ``confirm``)."""

    def __init__(self, finished: list[Run] | None = None) -> None:
        self._finished = finished if finished is not None else []
        self._pending: list[Run] = []  # this file's, merged like a log-structured tree

    def known(self, rows: pa.Table) -> None:
        """Remember registry rows (``subjects``, distinct sids) this file gives."""
        self._given(rows, mentions=False)

    def new(self, rows: pa.Table) -> pa.Table:
        """The mention rows (distinct sids) that may bring something new; they are remembered
        as given by this file."""
        keep = self._given(rows, mentions=True)
        return rows if keep.all() else rows.filter(pa.array(keep))

    def _given(self, rows: pa.Table, mentions: bool) -> np.ndarray:
        """Remember what ``rows`` give; for mentions, which may bring something new."""
        if rows.num_rows == 0:
            return np.ones(0, bool)
        h1, h2 = _hashes(rows)
        order = np.argsort(h1)
        h1, h2, columns = h1[order], h2[order], _known_columns(rows)[order]
        known = np.zeros(len(h1), np.uint16)
        for run in self._finished if mentions else []:
            hit, at = _find(run, h1, h2)
            known[hit] |= run[2][at]
        # a file's registry rows have distinct sids: no need to look for them again
        found = [(run, *_find(run, h1, h2)) for run in self._pending] if mentions else []
        for run, hit, at in found:
            known[hit] |= run[2][at]
        keep = (columns & ~known) != 0 if mentions else np.ones(len(h1), bool)
        unseen = np.ones(len(h1), bool)  # the rows to add as entries of their own
        for run, hit, at in found:  # a sid this file gave before: add the new columns to it
            run[2][at] |= columns[hit]
            unseen[hit] = False
        if unseen.any():
            self._pending.append((h1[unseen], h2[unseen], columns[unseen]))
            runs = self._pending
            while len(runs) > 1 and 2 * len(runs[-1][0]) >= len(runs[-2][0]):
                runs[-2:] = [_merged(runs[-2:])]
        kept = np.empty(len(keep), bool)
        kept[order] = keep
        return kept

    def confirm(self) -> None:
        """This file is in the store: what it gave counts for the load's later files."""
        if self._pending:
            self._finished.append(_merged(self._pending))
        self._pending = []
