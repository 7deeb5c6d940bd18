"""The ``GraphStore`` protocol: what the embedded store and the Neo4j store both provide.

Writes arrive as columnar batches of the canonical tables (``linkrisk.loaders.records``); each
``write_batch`` call is one atomic transaction and an idempotent upsert on the tables' keys. (The
embedded store also offers ``bulk_session``, a ``FileTransaction`` outside this protocol: the
loader uses it to make a whole file one transaction.)
Whole-graph reads stream Arrow record batches so that a snapshot can be built without a Python
object per row. One contract test suite (``tests/graph/contract``) runs against every backend.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

import pyarrow as pa


@dataclass(slots=True)
class LoadRecord:
    """One line of the load history."""

    file: str
    sha256: str
    source_kind: str
    started: str  # ISO timestamp, UTC
    finished: str | None = None
    rows_ok: int = 0
    rows_rejected: int = 0
    status: str = "running"  # running | done | failed
    load_id: int | None = None
    counts: dict[str, int] = field(default_factory=dict)


@runtime_checkable
class GraphStore(Protocol):
    """A transactional store of subjects, relations, events and operational records."""

    backend: str

    def migrate(self) -> None:
        """Create or upgrade the schema (idempotent)."""

    def write_batch(self, tables: Mapping[str, pa.Table]) -> None:
        """Upsert canonical tables in one atomic transaction (all rows or none)."""

    def read_table(
        self, name: str, columns: Sequence[str] | None = None, batch_rows: int = 500_000
    ) -> Iterator[pa.RecordBatch]:
        """Stream a canonical table as Arrow batches (for snapshots and whole-table models)."""

    def counts(self) -> dict[str, int]:
        """Row count of every canonical table."""

    def get_subject(self, sid: str) -> dict[str, Any] | None:
        """One subject's attributes, or None."""

    def events_of(self, sids: Sequence[str]) -> pa.Table:
        """All events of the given subjects (canonical ``events`` columns)."""

    def start_load(self, record: LoadRecord) -> int:
        """Record the start of a load; returns its id."""

    def finish_load(self, record: LoadRecord) -> None:
        """Record the end of a load (status, counts)."""

    def load_history(self, limit: int = 100) -> list[LoadRecord]:
        """The most recent loads, newest first."""

    def write_scores(self, scores: pa.Table) -> None:
        """Write back risk scores: columns sid, score, tier, model_version, snapshot_id, as_of."""

    def close(self) -> None:
        """Release connections."""


class FileTransaction(Protocol):
    """A whole file's load as one transaction: batches staged, then merged at once with the
    load's record (the embedded store's ``bulk_session``); leaving without a commit drops them."""

    def __enter__(self) -> FileTransaction: ...

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None: ...

    def stage(self, tables: Mapping[str, pa.Table], distinct: Collection[str] = ()) -> None: ...

    def send_commit_load(self, record: LoadRecord) -> None: ...

    def wait_commit(self) -> object: ...
