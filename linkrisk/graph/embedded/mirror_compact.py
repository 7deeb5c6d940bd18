"""Compaction of the columnar mirror: a base plus the segments written after it → the table
SQLite holds, without asking SQLite.

What SQLite's upserts give: for ``subjects`` the last known (non-null) value of each column (a
NULL never overwrites), except that mentions (``records.MENTIONS``) only fill in unknown values;
for every other table the last row written per key. Key parts SQLite stores as '' (a missing
string key part) group with NULLs; a NaN is stored as NULL; a read returns '' as NULL.

For subjects, the rows are sorted by sid and each column takes, in each sid's run, the valid
row of highest rank: registered rows (and the base's) rank by their row number, above every
mention, and mentions rank in reverse, so the first known one is taken. For other tables,
groups are found by dictionary-encoding the key columns and combining the codes, and each keeps
its last row. A segment the loader marked as having distinct keys (a file's own table, whose
duplicate keys the loader settled) needs no grouping at all. Results come out in key order, as
SQLite reads them.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from linkrisk.arrays.sid_index import Strings, rows_equal
from linkrisk.arrays.sorting import U64
from linkrisk.loaders.records import SUBJECTS, Table

#: combined key codes are re-densified before they could pass this (int64 stays exact)
_CODE_LIMIT = 1 << 62


@dataclass(frozen=True, slots=True)
class Segment:
    """The rows of one write, whether their keys are distinct (the writer vouches), and whether
    they are subjects mentioned in passing (only filling in unknown values)."""

    rows: pa.Table
    distinct: bool = False
    mentions: bool = False


def compact(table: Table, base: pa.Table | None, segments: list[Segment]) -> pa.Table:
    """Apply ``segments`` (in write order) to ``base`` as SQLite's upserts do; the rows come
    out in the order of the first key column, as SQLite reads them.

    Rows of the base whose key no segment touches pass through untouched, so a small daily load
    costs a hash lookup over the base, not a regrouping of it. A single distinct segment already
    in key order, onto no base, comes back as the very same table object (nothing to do).
    """
    schema = table.schema
    segments = [s for s in segments if s.rows.num_rows]
    parts = [_cast(s.rows, schema) for s in segments]
    distinct = len(parts) == 1 and segments[0].distinct
    joined = parts[0] if len(parts) == 1 else pa.concat_tables(parts or [schema.empty_table()])
    new = _as_stored(table, joined)
    mentions = np.repeat([s.mentions for s in segments], [s.rows.num_rows for s in segments])
    if base is None or base.num_rows == 0:
        merged = new if distinct else _merge(table, new, mentions)
        return _as_read(table, in_key_order(table, merged))
    base = base.cast(schema)
    if new.num_rows == 0:
        return base
    touched = _key_in(base, new, list(table.key))
    if table is SUBJECTS:  # known values of the base's touched rows still count
        earlier = base.filter(touched)
        mentions = np.concatenate([np.zeros(earlier.num_rows, bool), mentions])
        merged = _merge(table, pa.concat_tables([earlier, new]), mentions)
    else:  # the last rows written replace the base's
        merged = new if distinct else _merge(table, new, mentions)
    merged = in_key_order(table, _as_read(table, merged))
    if _sorted(base[table.key[0]]):  # a base compaction wrote: put the rows in their places
        return _placed(table, base, touched, merged)
    untouched = base.filter(pc.invert(touched))
    return in_key_order(table, pa.concat_tables([untouched, merged]))


def _placed(table: Table, base: pa.Table, touched: pa.ChunkedArray, rows: pa.Table) -> pa.Table:
    """``base`` (in key order) without its ``touched`` rows, with ``rows`` (in key order) each
    put before the first base row of a greater or equal first key: one pass over the base,
    where sorting the whole table again took seconds for a delta of a few thousand rows."""
    n = base.num_rows
    kept = np.flatnonzero(~touched.to_numpy(zero_copy_only=False))
    at = _insertion_points(base[table.key[0]], rows[table.key[0]])
    order = np.insert(kept, np.searchsorted(kept, at), n + np.arange(rows.num_rows))
    return pa.concat_tables([base, rows]).take(pa.array(order))


def _insertion_points(ordered: pa.ChunkedArray, keys: pa.ChunkedArray) -> np.ndarray:
    """Per key, the first position in ``ordered`` whose value is not less (a binary search
    for all keys at once: each step takes one value per key; NULL counts as '')."""
    ordered, keys = pc.fill_null(ordered, ""), pc.fill_null(keys, "")
    low = np.zeros(len(keys), np.int64)
    high = np.full(len(keys), len(ordered), np.int64)
    while (open_ := np.flatnonzero(low < high)).size:
        mid = (low[open_] + high[open_]) // 2
        less = pc.less(ordered.take(pa.array(mid)), keys.take(pa.array(open_)))
        less = less.to_numpy(zero_copy_only=False)
        low[open_] = np.where(less, mid + 1, low[open_])
        high[open_] = np.where(less, high[open_], mid)
    return low


def _sorted(column: pa.ChunkedArray) -> bool:
    n = len(column)
    return n < 2 or not pc.any(pc.less(column.slice(1), column.slice(0, n - 1))).as_py()


def in_key_order(table: Table, data: pa.Table) -> pa.Table:
    """``data`` in the order of its first key column (stable): the snapshot build reads runs of
    one sid and sorted sids far faster (a 2M-subject city's rebuild took 14.4 s from rows in
    write order, 10.0 s from rows in key order), and rows already in order cost one pass."""
    column = data[table.key[0]]
    if _sorted(column):
        return data  # e.g. a segment the bulk writer wrote, sorted for its merge
    return data.take(pa.array(np.argsort(_fixed_keys(column), kind="stable")))


def _fixed_keys(column: pa.ChunkedArray) -> np.ndarray:
    """The strings as zero-padded numpy bytes, which numpy sorts in byte order. Its stable sort
    of them is a timsort, so rows made of a few sorted runs (the base's untouched rows and a
    load's, the bulk writer's segments) are merged rather than sorted. Keys are codes, ids and
    hex digests, never holding a NUL byte, so the padding cannot make two keys equal."""
    words = Strings(column).words()
    return words.fixed(8 * words.words.shape[1])


def _cast(data: pa.Table, schema: pa.Schema) -> pa.Table:
    return data if data.schema.equals(schema) else data.cast(schema)


def _as_stored(table: Table, data: pa.Table) -> pa.Table:
    """Values as SQLite keeps them: a NaN is stored as NULL (so it never overwrites). (An empty
    text outside the key is stored as NULL too; segments are written so: ``blanks_as_null``.)"""
    for i, field in enumerate(table.schema):
        column = data.column(i)
        if pa.types.is_floating(field.type) and pc.any(pc.is_nan(column)).as_py():
            nan = pc.is_nan(column)
            data = data.set_column(i, field, pc.if_else(nan, pa.scalar(None, field.type), column))
    return data


def _as_read(table: Table, data: pa.Table) -> pa.Table:
    """Values as a read from SQLite returns them: '' (how a missing key part is stored) is NULL."""
    for i, field in enumerate(table.schema):
        column = data.column(i)
        if pa.types.is_string(field.type):
            empty = pc.equal(column, "")
            if pc.any(empty).as_py():
                none = pa.scalar(None, pa.string())
                data = data.set_column(i, field, pc.if_else(empty, none, column))
    return data


def _key_table(data: pa.Table, keys: list[str]) -> pa.Table:
    """Key columns with NULL as '' (SQLite stores a missing key part as ''), as strings."""
    return pa.table({k: pc.fill_null(pc.cast(data[k], pa.string()), "") for k in keys})


def _key_in(base: pa.Table, new: pa.Table, keys: list[str]) -> pa.ChunkedArray:
    if len(keys) == 1:
        return pc.is_in(_key_table(base, keys)[keys[0]], value_set=_key_table(new, keys)[keys[0]])
    joined = _joined_key(_key_table(base, keys))
    return pc.is_in(joined, value_set=_joined_key(_key_table(new, keys)))


def _joined_key(keys: pa.Table) -> pa.ChunkedArray:
    return pc.binary_join_element_wise(*keys.columns, "\x1f")


def group_codes(data: pa.Table, keys: list[str]) -> tuple[np.ndarray, int]:
    """(a group number per row, the number of groups): rows with equal keys — NULL and '' as
    one — share a number."""
    codes = np.zeros(data.num_rows, np.int64)
    groups = 1
    for name in keys:
        column = data[name].combine_chunks()
        if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
            column = pc.fill_null(column, "")
        encoded = pc.dictionary_encode(column, null_encoding="encode")
        part = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64)
        size = max(len(encoded.dictionary), 1)
        if groups * size >= _CODE_LIMIT:
            unique, codes = np.unique(codes, return_inverse=True)
            groups = len(unique)
        codes = codes * size + part
        groups *= size
    if groups > data.num_rows:  # dense numbers: the arrays indexed by group stay small
        unique, codes = np.unique(codes, return_inverse=True)
        groups = len(unique)
    return codes, groups


def _last_rows(codes: np.ndarray, groups: int) -> np.ndarray:
    """Per group, its largest row number (-1 for a number no row has)."""
    last = np.full(groups, -1, np.int64)
    np.maximum.at(last, codes, np.arange(len(codes), dtype=np.int64))
    return last


def _merge(table: Table, rows: pa.Table, mentions: np.ndarray) -> pa.Table:
    """One row per key: the last row written, or for subjects each column's value as SQLite's
    upserts give it (``mentions``: the rows that only fill in unknown values)."""
    if rows.num_rows == 0:
        return rows
    if table is SUBJECTS:
        return _merge_subjects(rows, mentions)
    codes, groups = group_codes(rows, list(table.key))
    last = _last_rows(codes, groups)
    return rows.take(pa.array(np.sort(last[last >= 0])))


def _merge_subjects(rows: pa.Table, mentions: np.ndarray) -> pa.Table:
    """Each sid's known value of every column, in sid order: the last known one, unless only
    mentions know it (then the first they gave).

    The rows are sorted by sid, stably (a sid's rows stay in write order), merging the sorted
    runs the bulk writer's segments are (``_fixed_keys``; on the 2M-subject city's 12.9M segment
    rows, 1 s, where hashing them with ``pc.dictionary_encode`` took 4–5 s). Runs of one sid are
    found by comparing the sorted sids as rows of words (numpy's ``!=`` of fixed-width bytes
    took 0.9 s of that city's compaction, this 0.2 s). A column's value in a run is that of
    its valid row of highest rank (``np.maximum.at``): a registered row ranks by its row
    number, above every mention; a mention ranks by its row number reversed. The columns are
    merged on two threads (Arrow's ``take`` releases the GIL), the other core being idle while
    a snapshot build waits for its subjects."""
    n = rows.num_rows
    keys = _fixed_keys(rows["sid"])
    order = np.argsort(keys, kind="stable")
    words = keys.view(U64).reshape(n, -1)  # the same bytes as rows of words
    ordered = np.take(words, order, axis=0)
    new = np.empty(n, bool)
    new[0] = True
    new[1:] = ~rows_equal(ordered[1:], ordered[:-1])
    del ordered, words, keys
    group = np.empty(n, np.int64)  # each row's sid, numbered in sid order
    group[order] = np.cumsum(new) - 1
    groups = int(group[order[-1]]) + 1
    row = np.arange(n, dtype=np.int64)
    rank = np.where(mentions, n - 1 - row, n + row) if mentions.any() else row

    def of_rank(chosen: np.ndarray) -> pa.Array:
        """The rows the best ranks are of (-1: none, masked)."""
        missing = chosen < 0
        if mentions.any():
            chosen = np.where(chosen >= n, chosen - n, n - 1 - chosen)
        return pa.array(chosen, mask=missing)

    best = np.full(groups, -1, np.int64)
    np.maximum.at(best, group, rank)
    best_rows = of_rank(best)

    def merged(name: str) -> pa.ChunkedArray:
        column = rows[name]
        if column.null_count == 0:
            return column.take(best_rows)
        valid = np.flatnonzero(pc.is_valid(column).to_numpy(zero_copy_only=False))
        chosen = np.full(groups, -1, np.int64)
        np.maximum.at(chosen, group[valid], rank[valid])
        return column.take(of_rank(chosen))

    with ThreadPoolExecutor(2, thread_name_prefix="linkrisk-compact") as pool:
        columns = list(pool.map(merged, SUBJECTS.column_names))
    return pa.Table.from_arrays(columns, schema=SUBJECTS.schema)
