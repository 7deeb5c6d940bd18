"""The embedded store's bulk session: a ``BulkSession`` that also fills the columnar mirror.

The child writer writes each table's merged rows, in its key order, to a pending segment the
parent names in the commit frame; after the commit the parent publishes each segment under the
generation the merge gave its table (``mirror.BUMP_SQL``, run first in the merge). A segment
the child could not write is left out, and that table is read from SQLite once.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa

from linkrisk.graph.embedded.bulk import BulkResult, BulkSession
from linkrisk.graph.embedded.mirror import BUMP_SQL, Mirror, PendingSegment
from linkrisk.loaders.records import MENTIONS, stored_in


class _MirroredSession(BulkSession):
    """A bulk session that also leaves the merged rows in the store's columnar mirror: the child
    writes each table's rows, in its key order, to a pending segment beside its merge, and the
    segment becomes that of the generation the merge gives the table (``mirror.BUMP_SQL``, run
    first in the merge)."""

    def __init__(self, db: Path, mirror: Mirror | None) -> None:
        super().__init__(db, on_commit=lambda names: [(BUMP_SQL, [stored_in(n)]) for n in names])
        self.mirror = mirror
        self._distinct: dict[str, bool] = {}
        self._segments: dict[str, PendingSegment | None] = {}
        self._committing: list[str] = []

    def stage(self, tables: Mapping[str, pa.Table], distinct: Collection[str] = ()) -> None:
        super().stage(tables)
        for name, data in tables.items():
            if data.num_rows:
                self._distinct[name] = self._distinct.get(name, True) and name in distinct

    def send_commit(self, statements: Sequence[tuple[str, Sequence[Any]]] = ()) -> None:
        self._committing = sorted(self._tables)  # the order of the generation bumps
        if self.mirror is not None:
            self._segments = {
                name: self.mirror.pending(
                    stored_in(name), self._distinct.get(name, False), name == MENTIONS.name
                )
                for name in self._committing
            }
        self._distinct.clear()
        super().send_commit(statements)

    def _commit_header(self) -> dict[str, Any]:
        return {
            "mirror": {n: str(s.path) for n, s in self._segments.items() if s is not None},
        }

    def wait_commit(self) -> BulkResult:
        try:
            result = super().wait_commit()
        except BaseException:
            self._discard()
            raise
        for name, rows in zip(self._committing, result.results, strict=False):
            segment = self._segments.pop(name, None)
            if segment is not None and rows and name in result.mirrored:
                segment.written_elsewhere()
                segment.publish(int(rows[0][0]))
        result.results = result.results[len(self._committing) :]
        self._discard()
        return result

    def abort(self) -> None:
        self._discard()
        self._distinct.clear()
        super().abort()

    def _discard(self) -> None:
        for segment in self._segments.values():
            if segment is not None:
                segment.discard()
        self._segments.clear()


def mirrored_session(db: Path, mirror: Mirror | None) -> BulkSession:
    """The embedded store's bulk session (``mirror=None``: generations only, no segments)."""
    return _MirroredSession(db, mirror)
