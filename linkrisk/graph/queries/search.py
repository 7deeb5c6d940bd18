"""Subject search (the API's ``/v1/search`` and ``linkrisk search``): by USCC prefix, by name
(prefix, substring, fuzzy) and by pinyin, so that "zhangsan" or "zs" finds 张三-like names.

The index is three Arrow string arrays (normalised name, full pinyin, pinyin initials) plus the
node index of each row: about 100 bytes per named subject, no Python object per row. A snapshot
carries them (``graph.snapshot.names``: built with it, memory-mapped here by ``SearchIndex.of``);
for a snapshot of an older release they are built from the store's ``subjects`` table instead
(``SearchIndex.build``). Pinyin comes from a per-character table (pypinyin on each distinct
character once); a character with several readings gets its most common one.
Queries scan the arrays with Arrow's vectorised string kernels and rank a bounded candidate set
with rapidfuzz.

A person's name is personal data: a caller without the ``pii`` scope sees it masked (张*), and
must not be able to confirm it either, by searching for the full name and getting the person
back as an exact match. So ``search(..., person_names=False)`` never matches a person on the
name, its pinyin or its initials (persons are still found by their subject key).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from rapidfuzz import fuzz, process

from linkrisk.graph.snapshot.arrays import Snapshot
from linkrisk.graph.snapshot.names import (
    MAX_INITIALS,
    MAX_PINYIN,
    normalise,
    search_arrays,
    search_columns,
)
from linkrisk.loaders.records import SubjectKind

__all__ = ["MAX_INITIALS", "MAX_PINYIN", "SearchHit", "SearchIndex", "normalise"]

PERSON_KIND = SubjectKind.PERSON.value
MAX_CANDIDATES = 5_000  # per match class: bounds the rapidfuzz work of one query
_USCC_LIKE = re.compile(r"[0-9A-HJ-NP-RT-UW-Y]{4,18}")
_ASCII_WORD = re.compile(r"[a-z]+")


@dataclass(frozen=True, slots=True)
class SearchHit:
    node: int
    score: float  # 0..100+, higher is better
    matched: str  # uscc | name | pinyin | initials | fuzzy
    length: int  # of the matched name: shorter (closer) names rank first among equal scores


Offer = Callable[[int, float, str, int], None]


class SearchIndex:
    """An in-memory name index over one snapshot's subjects."""

    def __init__(
        self,
        snapshot: Snapshot,
        nodes: np.ndarray,
        names: pa.Array,
        pinyin: pa.Array,
        initials: pa.Array,
        persons: np.ndarray | None = None,
    ) -> None:
        self.snapshot = snapshot
        self.nodes = nodes
        self.names, self.pinyin, self.initials = names, pinyin, initials
        #: per row: the subject is a person (its name is not searchable without ``pii``)
        self.persons = np.zeros(len(nodes), bool) if persons is None else persons

    @classmethod
    def of(cls, snapshot: Snapshot) -> SearchIndex | None:
        """The index stored in ``snapshot`` (memory-mapped, nothing built); None if the snapshot
        carries none (built by an older release)."""
        if not snapshot.search:
            return None
        columns = search_columns(snapshot.search, snapshot.n)
        return cls(
            snapshot,
            np.asarray(snapshot.search["node"]),
            columns["name"],
            columns["pinyin"],
            columns["initials"],
            np.asarray(snapshot.search["person"]),
        )

    @classmethod
    def of_snapshot_or(
        cls, snapshot: Snapshot, batches: Callable[[], Iterable[pa.RecordBatch]]
    ) -> SearchIndex:
        """The snapshot's stored index, else one built from ``batches()`` (see ``build``)."""
        return cls.of(snapshot) or cls.build(snapshot, batches())

    @classmethod
    def build(cls, snapshot: Snapshot, batches: Iterable[pa.RecordBatch]) -> SearchIndex:
        """Index the named subjects of ``batches`` (columns sid, name and kind) that the snapshot
        holds; without a kind column, a ``P…`` key is taken for a person."""
        read = list(batches)
        if not read:
            empty = pa.array([], pa.string())
            return cls(snapshot, np.zeros(0, np.int32), empty, empty, empty)
        table = pa.Table.from_batches(read)
        sid = table.column("sid").combine_chunks()
        node = snapshot.indices(sid.to_pylist())
        held = np.flatnonzero(node >= 0)
        # a node's row: the last row of its sid (a store holds one per sid)
        row_of = np.full(snapshot.n, -1, np.int64)
        row_of[node[held]] = held
        rows = np.where(row_of >= 0, row_of, len(table))
        padded = pa.concat_arrays([table.column("name").combine_chunks(), pa.nulls(1, pa.string())])
        names = padded.take(pa.array(rows))
        if "kind" in table.column_names:
            person = pc.equal(table.column("kind").combine_chunks(), PERSON_KIND)
        else:
            person = pc.starts_with(sid, "P")
        person = np.append(np.asarray(pc.fill_null(person, False).to_numpy(False), bool), False)
        arrays = search_arrays(names, person[rows])
        columns = search_columns(arrays)
        return cls(
            snapshot,
            arrays["node"],
            columns["name"],
            columns["pinyin"],
            columns["initials"],
            arrays["person"],
        )

    @property
    def size(self) -> int:
        return int(self.nodes.shape[0])

    @property
    def nbytes(self) -> int:
        return int(
            self.nodes.nbytes
            + self.names.nbytes
            + self.pinyin.nbytes
            + self.initials.nbytes
            + self.persons.nbytes
        )

    def _rows(self, mask: pa.Array, persons: bool = True) -> np.ndarray:
        hit = np.asarray(pc.fill_null(mask, False).to_numpy(zero_copy_only=False), bool)
        if not persons:
            hit &= ~self.persons
        return np.flatnonzero(hit)[:MAX_CANDIDATES]

    def _uscc_prefix(self, query: str, limit: int) -> list[int]:
        """The first ``limit`` nodes whose sid starts with ``query`` (binary search)."""
        sids = self.snapshot.sids
        key = query.encode()
        lo = int(np.searchsorted(sids, key, side="left"))
        hi = int(np.searchsorted(sids, key + b"\xff", side="left"))
        return list(range(lo, min(hi, lo + limit)))

    def search(self, query: str, limit: int = 20, *, person_names: bool = True) -> list[SearchHit]:
        """The best ``limit`` subjects for ``query`` (USCC, name, pinyin or initials); persons
        are matched on their names only with ``person_names`` (a key with the ``pii`` scope)."""
        hits: dict[int, SearchHit] = {}

        def offer(node: int, score: float, matched: str, length: int) -> None:
            if node not in hits or hits[node].score < score:
                hits[node] = SearchHit(node, round(float(score), 1), matched, length)

        raw = query.strip()
        if _USCC_LIKE.fullmatch(raw.upper()):
            for node in self._uscc_prefix(raw.upper(), limit):
                offer(node, 100.0 if len(raw) == 18 else 96.0, "uscc", 0)
        q = normalise(pa.array([raw])).to_pylist()[0] or ""
        if not q or self.size == 0:
            return self._ranked(hits, limit)
        classes: list[tuple[pa.Array, str, float, str]] = [(self.names, q, 90.0, "name")]
        if _ASCII_WORD.fullmatch(q):
            classes += [(self.pinyin, q, 85.0, "pinyin")]
            if len(q) >= 2:
                classes += [(self.initials, q, 80.0, "initials")]
        for column, needle, base, matched in classes:
            rows = self._rows(pc.starts_with(column, needle), person_names)
            if len(rows) < limit:
                rows = np.union1d(
                    rows, self._rows(pc.match_substring(column, needle), person_names)
                )
            for row in rows:
                value = column[int(row)].as_py()
                bonus = 10.0 if value == needle else 5.0 * fuzz.ratio(needle, value) / 100.0
                offer(int(self.nodes[row]), base + bonus, matched, len(value))
        if len(hits) < limit:
            self._fuzzy(q, offer, person_names)
        return self._ranked(hits, limit)

    def exact(self, name: str, *, person_names: bool = True) -> list[int]:
        """Nodes whose normalised name is exactly ``name``'s (same folding as ``search``);
        persons only with ``person_names``."""
        q = normalise(pa.array([name])).to_pylist()[0]
        if not q or self.size == 0:
            return []
        hit = np.asarray(pc.fill_null(pc.equal(self.names, q), False).to_numpy(False), bool)
        if not person_names:
            hit &= ~self.persons
        return sorted({int(self.nodes[r]) for r in np.flatnonzero(hit)})

    def _fuzzy(self, q: str, offer: Offer, persons: bool) -> None:
        """Typos and reordered words: rapidfuzz over names sharing a character bigram with ``q``."""
        column = self.pinyin if _ASCII_WORD.fullmatch(q) else self.names
        grams = {q[i : i + 2] for i in range(max(1, len(q) - 1))}
        pattern = "|".join(re.escape(g) for g in sorted(grams))
        rows = self._rows(pc.match_substring_regex(column, pattern), persons)
        if not len(rows):
            return
        choices = pc.take(column, pa.array(rows)).to_pylist()
        found = process.extract(q, choices, scorer=fuzz.WRatio, limit=50, score_cutoff=60)
        for value, score, i in found:
            offer(int(self.nodes[int(rows[i])]), 0.7 * score, "fuzzy", len(value))

    def _ranked(self, hits: dict[int, SearchHit], limit: int) -> list[SearchHit]:
        ordered = sorted(hits.values(), key=lambda h: (-h.score, h.length, h.node))
        return ordered[:limit]
