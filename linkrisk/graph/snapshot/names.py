"""The name search arrays of a snapshot: every named node's normalised name, full pinyin and
pinyin initials, built with the snapshot and stored beside its other arrays.

Built at API start-up instead, from the store's subjects, the index took ~20 s of the 24 s
start-up on the 2M-subject city (12 s of it converting names to pinyin in Python, the rest
matching sids against the snapshot); now the snapshot build makes them from the subjects table
it reads anyway, in node order, on a worker thread, and the API memory-maps them
(``queries.search.SearchIndex.of``). Being snapshot arrays, they are digested into the version
like every other array, so a changed byte is a different snapshot.

Layout (``search/``): ``node`` int32 (the node of each indexed row, ascending), ``person`` bool
(a person's name is personal data: searched only with the ``pii`` scope), and for each of
``name``, ``pinyin``, ``initials`` the Arrow large_string buffers ``<col>_offsets`` int64 and
``<col>_data`` uint8.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from linkrisk.arrays.utf8 import code_points, large_strings, string_buffers, translate
from linkrisk.errors import IntegrityError
from linkrisk.loaders.records import SubjectKind

Arrays = dict[str, np.ndarray]
COLUMNS = ("name", "pinyin", "initials")
MAX_PINYIN = 48  # long firm names: a pinyin prefix this long is already unambiguous
MAX_INITIALS = 24
CHUNK = 1 << 20  # names decoded at a time: keeps the per-character temporaries small
_STRIP = r"[\s\p{P}\p{S}]+"  # spaces, punctuation and symbols do not distinguish names
PERSON = SubjectKind.PERSON.value


def normalise(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    """NFKC (full-width → half-width), lower case, no spaces or punctuation."""
    text = pc.utf8_lower(pc.utf8_normalize(values, "NFKC"))
    out = pc.replace_substring_regex(text, _STRIP, "")
    return out.combine_chunks() if isinstance(out, pa.ChunkedArray) else out


@cache
def pinyin_of(code: int) -> str:
    """The reading of one character: its most common pinyin (Chinese), itself (ASCII letters and
    digits) or nothing (anything else)."""
    from pypinyin import Style, lazy_pinyin  # 2.6 s to import: not at the API's start-up

    ch = chr(code)
    reading = lazy_pinyin(ch, style=Style.NORMAL)[0]
    if reading != ch:
        return reading
    return ch if ch.isascii() and ch.isalnum() else ""


def initial_of(code: int) -> str:
    return pinyin_of(code)[:1]


def pinyin(names: pa.Array) -> tuple[pa.Array, pa.Array]:
    """Full pinyin (≤ MAX_PINYIN letters) and initials (≤ MAX_INITIALS) of normalised names."""
    full, first = [], []
    for start in range(0, len(names), CHUNK):
        points = code_points(names.slice(start, CHUNK))
        full.append(translate(points, pinyin_of, MAX_PINYIN))
        first.append(translate(points, initial_of, MAX_INITIALS))
    if not full:
        empty = pa.array([], pa.large_string())
        return empty, empty
    return pa.concat_arrays(full), pa.concat_arrays(first)


def search_arrays(names: pa.Array | pa.ChunkedArray, person: np.ndarray) -> Arrays:
    """The search arrays of nodes whose names are ``names`` (node i: row i; null: no name)."""
    if isinstance(names, pa.ChunkedArray):
        names = names.combine_chunks()
    named = np.asarray(pc.is_valid(names).to_numpy(zero_copy_only=False), bool)
    nodes = np.flatnonzero(named)
    norm = normalise(names.filter(pa.array(named))).cast(pa.large_string())
    full, first = pinyin(norm)
    arrays: Arrays = {"node": nodes.astype(np.int32), "person": np.asarray(person, bool)[nodes]}
    for column, values in zip(COLUMNS, (norm, full, first), strict=True):
        offsets, data = string_buffers(values)
        arrays[f"{column}_offsets"] = offsets - offsets[0] if len(offsets) else offsets
        arrays[f"{column}_data"] = data[offsets[0] : offsets[-1]] if len(offsets) else data
    return arrays


def search_columns(arrays: Arrays, n: int | None = None) -> dict[str, pa.Array]:
    """The name, pinyin and initials columns over stored search arrays, without copying.

    Arrow trusts a string array's offsets: a damaged file would make its kernels read outside
    the mapped buffer. So the offsets, the UTF-8 and the node numbers (< ``n``) are checked
    first (a full pass: ~0.1 s for the 2M-subject city), and ``IntegrityError`` names the array.
    """
    node = np.asarray(arrays["node"])
    rows = len(node)
    if len(arrays["person"]) != rows or (rows and (node[0] < 0 or (np.diff(node) <= 0).any())):
        raise IntegrityError("snapshot search arrays: node/person are not one ascending row each")
    if n is not None and rows and node[-1] >= n:
        raise IntegrityError(f"snapshot search arrays: node {node[-1]} beyond the {n} nodes")
    columns = {}
    for c in COLUMNS:
        offsets, data = np.asarray(arrays[f"{c}_offsets"]), np.asarray(arrays[f"{c}_data"])
        if (
            len(offsets) != rows + 1
            or offsets[0] != 0
            or offsets[-1] != len(data)
            or (np.diff(offsets) < 0).any()
        ):
            raise IntegrityError(f"snapshot search arrays: the offsets of {c} do not fit its data")
        columns[c] = large_strings(offsets, data)
        try:
            columns[c].validate(full=True)
        except pa.ArrowInvalid as exc:
            raise IntegrityError(f"snapshot search arrays: {c}: {exc}") from exc
    return columns


def node_search_arrays(subjects: pa.Table, rows: np.ndarray | None) -> Arrays:
    """The search arrays of a subjects table (columns name, kind); ``rows[i]`` is the table row
    of node i (None: row i)."""
    names, kinds = subjects["name"], subjects["kind"]
    if rows is not None:
        names, kinds = names.take(pa.array(rows)), kinds.take(pa.array(rows))
    person = pc.fill_null(pc.equal(kinds, PERSON), False)
    return search_arrays(names, np.asarray(person.to_numpy(zero_copy_only=False), bool))
