"""One batch of source fields → canonical tables (``records``) and the rejected rows.

``validate_batch`` runs the kind's rules (``kinds``), drops the rejected rows, settles duplicate
keys against everything seen earlier in the file (``dedupe``), adds the subject rows that keep
edges from dangling (``mentions``: they only fill in what the registry does not say), and counts
warnings. All of it is array work; Python touches rows only to write the messages of rejected
rows (and to hash each distinct ID number, name or event once).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from linkrisk.loaders.checks import Built, Context, Fields, Problems
from linkrisk.loaders.columns import SourceKind
from linkrisk.loaders.dedupe import CONFLICT, EXACT, NEW, DuplicateTracker, row_hash
from linkrisk.loaders.identity import REGION_WARNING, unknown_regions
from linkrisk.loaders.kinds import BUILDERS
from linkrisk.loaders.records import MENTIONS, Table
from linkrisk.loaders.rejects import Reject
from linkrisk.loaders.textops import to_bool


@dataclass(slots=True)
class Validated:
    """The outcome of one batch."""

    tables: dict[str, pa.Table]
    rejects: list[Reject]
    warnings: Counter[str] = field(default_factory=Counter)
    rows_ok: int = 0
    rows_rejected: int = 0
    duplicates: int = 0


def _mentions(built: Built, keep: np.ndarray) -> pa.Table:
    """The subject rows the kept source rows mention, the first row of every sid winning."""
    n = len(keep)
    sids = pa.chunked_array([s.column("sid").combine_chunks() for s in built.subjects])
    usable = np.tile(keep, len(built.subjects)) & to_bool(pc.is_valid(sids))
    idx = np.flatnonzero(usable)
    encoded = pc.dictionary_encode(sids.take(pa.array(idx))).combine_chunks()
    _, first = np.unique(
        np.asarray(encoded.indices.to_numpy(zero_copy_only=False)), return_index=True
    )
    chosen = idx[np.sort(first)]
    parts = [
        table.take(pa.array(chosen[(chosen >= i * n) & (chosen < (i + 1) * n)] - i * n))
        for i, table in enumerate(built.subjects)
    ]
    return _final(MENTIONS, pa.concat_tables(parts))


def _final(table: Table, data: pa.Table) -> pa.Table:
    return data.select(table.column_names).cast(table.schema)


@dataclass(slots=True)
class Prepared:
    """A batch checked and built, before duplicate keys are settled (see ``settle``)."""

    built: Built
    rows: np.ndarray
    bad: np.ndarray
    rejects: list[Reject]
    primary: pa.Table  # canonical rows of the source rows without problems
    parent: np.ndarray  # source row index of each of those
    key_hash: np.ndarray
    content_hash: np.ndarray


def prepare(
    kind: SourceKind, data: Mapping[str, pa.StringArray], rows: np.ndarray, context: Context
) -> Prepared:
    """Check and build one batch; independent of other batches (may run in parallel)."""
    fields = Fields(data, len(rows))
    problems = Problems(fields, rows)
    built = BUILDERS[SourceKind(kind)](fields, problems, context)
    bad = problems.bad
    usable = ~bad[built.parent]
    primary = built.primary.filter(pa.array(usable))
    key = built.table.key
    rest = [c for c in built.table.column_names if c not in key]
    return Prepared(
        built, rows, bad, problems.rejects(), primary, built.parent[usable],
        row_hash(primary, key), row_hash(primary, rest),
    )  # fmt: skip


def settle(prepared: Prepared, tracker: DuplicateTracker) -> Validated:
    """Settle duplicate keys against the file so far and assemble the batch's tables.

    Batches of a file must be settled in order, with the file's one tracker.
    """
    built, rows, bad, parent = prepared.built, prepared.rows, prepared.bad, prepared.parent
    n = len(rows)
    status, ref = tracker.classify(prepared.key_hash, prepared.content_hash, rows[parent])
    clash = status == CONFLICT
    conflict = np.zeros(n, dtype=bool)
    conflict[parent[clash]] = True
    exact = np.zeros(n, dtype=bool)
    exact[parent[status == EXACT]] = True
    fresh = np.zeros(n, dtype=bool)
    fresh[parent[status == NEW]] = True
    duplicate = exact & ~fresh & ~conflict
    keep = ~bad & ~conflict & ~duplicate

    rejects = prepared.rejects + _duplicate_rejects(prepared, clash, ref)
    rejects.sort(key=lambda r: r.row)
    accepted = keep[parent] & (status == NEW)
    tracker.remember(
        prepared.key_hash[accepted], rows[parent][accepted], prepared.content_hash[accepted]
    )
    tables = {built.table.name: _final(built.table, prepared.primary.filter(pa.array(accepted)))}
    if built.subjects:
        tables[MENTIONS.name] = _mentions(built, keep)
    return Validated(
        tables={name: t for name, t in tables.items() if t.num_rows},
        rejects=rejects,
        warnings=_warnings(built, keep),
        rows_ok=int(keep.sum()),
        rows_rejected=int((bad | conflict).sum()),
        duplicates=int(duplicate.sum()),
    )


def _duplicate_rejects(prepared: Prepared, clash: np.ndarray, ref: np.ndarray) -> list[Reject]:
    """One reject per source row with a conflicting key (its first conflicting canonical row)."""
    key = prepared.built.table.key
    out: list[Reject] = []
    reported: set[int] = set()
    for at in np.flatnonzero(clash):
        row = int(prepared.rows[prepared.parent[at]])
        if row in reported:
            continue
        reported.add(row)
        values = prepared.primary.slice(int(at), 1).select(key).to_pylist()[0].values()
        text = "|".join("" if v is None else str(v) for v in values)
        out.append(Reject(row, "+".join(key), text, f"duplicate key of row {int(ref[at])}"))
    return out


def _warnings(built: Built, keep: np.ndarray) -> Counter[str]:
    warnings: Counter[str] = Counter()
    for reason, mask in built.warnings:
        count = int((mask & keep).sum())
        if count:
            warnings[reason] += count
    for codes, persons in built.id_numbers:
        unknown = unknown_regions(codes, np.flatnonzero(persons & keep))
        if unknown:
            warnings[REGION_WARNING] += unknown
    return warnings


def validate_batch(
    kind: SourceKind,
    data: Mapping[str, pa.StringArray],
    rows: np.ndarray,
    context: Context,
    tracker: DuplicateTracker | None = None,
) -> Validated:
    """Validate one batch of cleaned source fields (``ColumnMapping.extract``) of a file."""
    return settle(prepare(kind, data, rows, context), tracker or DuplicateTracker())
