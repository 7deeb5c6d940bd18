"""One file's way into a graph store: read, check, write or stage, commit, record.

``FileLoad`` is what ``linkrisk.loaders.pipeline`` runs for each file; it is split in steps so
that a directory load can parse the next file while the embedded store's writer process merges
the previous one (see ``FileLoad``).
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections import Counter, deque
from collections.abc import Callable, Generator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import closing
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa

from linkrisk.config import Settings
from linkrisk.errors import InputError, LinkriskError, SourceFileError, StoreUnavailable
from linkrisk.graph.store import FileTransaction, GraphStore, LoadRecord
from linkrisk.loaders.checks import Context
from linkrisk.loaders.dedupe import DuplicateTracker
from linkrisk.loaders.mapping import ColumnMapping
from linkrisk.loaders.mentions import MentionFilter, Run
from linkrisk.loaders.readers import RawBatch, Source
from linkrisk.loaders.records import HOLDINGS, MENTIONS, SUBJECTS
from linkrisk.loaders.rejects import RejectWriter
from linkrisk.loaders.scrub import shorten
from linkrisk.loaders.shares import ShareScale, ShareTotals
from linkrisk.loaders.validate import Prepared, Validated, prepare, settle

log = logging.getLogger(__name__)

#: source fields that may hold a resident ID number: masked in the reject file
ID_FIELDS = frozenset({"holder_id", "person_id", "subject_id", "id_number"})

Progress = Callable[["LoadReport"], None]


@dataclass(slots=True)
class LoadReport:
    """What a load did (``to_dict`` for JSON)."""

    file: str
    kind: str
    encoding: str | None = None
    rows_read: int = 0
    rows_ok: int = 0
    rows_rejected: int = 0
    duplicates: int = 0
    warnings: dict[str, int] = field(default_factory=dict)
    table_counts: dict[str, int] = field(default_factory=dict)
    rejects_path: str | None = None
    share_scale: str | None = None  # holdings: how plain share numbers were read, and why
    seconds: float = 0.0
    rows_per_second: float = 0.0
    status: str = "running"  # running | done | failed
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    try:
        with path.open("rb") as fh:
            while chunk := fh.read(1 << 20):
                digest.update(chunk)
    except OSError as exc:
        raise SourceFileError(f"{path}: the file cannot be read ({exc.strerror})") from None
    return digest.hexdigest()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _prepare(path: Path, mapping: ColumnMapping, batch: RawBatch, context: Context) -> Prepared:
    try:
        return prepare(mapping.kind, mapping.extract(batch.columns), batch.rows, context)
    except (pa.ArrowException, ValueError) as exc:  # a bug, not bad data: say where, masked
        rows = f"{batch.rows[0]}–{batch.rows[-1]}" if batch.num_rows else "?"
        detail = shorten(str(exc), 300)
        raise InputError(f"{path}: rows {rows} could not be validated ({detail})") from None


def _prepared(
    path: Path, source: Source, mapping: ColumnMapping, context: Context, threads: int
) -> Generator[tuple[RawBatch, Prepared], None, None]:
    """Batches checked and built in file order, ``threads`` at a time.

    Arrow and numpy kernels release the GIL, so a second thread overlaps one batch's kernels
    with another's per-value hashing; settling duplicates stays in order in the caller.
    """
    if threads <= 1:
        for batch in source.batches:
            yield batch, _prepare(path, mapping, batch, context)
        return
    with ThreadPoolExecutor(threads, thread_name_prefix="linkrisk-load") as pool:
        pending: deque[tuple[RawBatch, Future[Prepared]]] = deque()
        for batch in source.batches:
            pending.append((batch, pool.submit(_prepare, path, mapping, batch, context)))
            if len(pending) > threads:
                done, future = pending.popleft()
                yield done, future.result()
        while pending:
            done, future = pending.popleft()
            yield done, future.result()


class FileLoad:
    """One file on its way into the store, in three steps: ``stage`` reads, checks and writes
    (batch by batch) or stages (bulk) its rows; ``commit`` sends the bulk merge and returns at
    once; ``finish`` waits for it and records the load. ``load_directory`` reads the next file
    between ``commit`` and ``finish``, so that the writer process merges one file while this
    process parses the next (the merge takes one core; parsing takes the other).
    """

    def __init__(
        self,
        source: Source,
        mapping: ColumnMapping,
        store: GraphStore,
        settings: Settings,
        started: float,
        finished_mentions: list[Run] | None = None,
        share_scale: ShareScale | None = None,
    ) -> None:
        """``finished_mentions``: what the finished files of the load gave (``mentions``);
        ``share_scale``: how the file's share column reads (``shares.decide_scale``)."""
        self.source, self.mapping, self.store, self.started = source, mapping, store, started
        self.mentions = MentionFilter(finished_mentions)
        key = settings.id_hash_key.get_secret_value().encode()
        percent = None if share_scale is None else share_scale.percent
        self.context = Context(key, mapping.units, share_percent=percent)
        self.report = LoadReport(str(source.path), mapping.kind.value, source.encoding)
        self.report.share_scale = None if share_scale is None else share_scale.describe()
        self.share_totals = ShareTotals()
        self.record = LoadRecord(str(source.path), "", mapping.kind.value, _now())
        # the file's digest is computed beside the first batches (hashlib releases the GIL)
        hasher = ThreadPoolExecutor(1, thread_name_prefix="linkrisk-sha256")
        self.digest = hasher.submit(file_sha256, source.path)
        hasher.shutdown(wait=False)
        ids = [i for name, idx in mapping.columns.items() if name in ID_FIELDS for i in idx]
        self.rejects = RejectWriter(source.path, source.headers, ids)
        self.warnings: Counter[str] = Counter()
        self.tables: Counter[str] = Counter()
        bulk_session = getattr(store, "bulk_session", None)  # a whole-file transaction
        self.session: FileTransaction | None = bulk_session() if bulk_session else None
        self.failure: BaseException | None = None
        if self.session is not None:
            self.session.__enter__()  # starts the writer process while the first batch parses

    def started_load(self) -> None:
        """Record the load before anything is written (a bulk load writes at its commit)."""
        if self.record.load_id is None:
            self.record.sha256 = self.digest.result()
            self.record.load_id = self.store.start_load(self.record)

    def stage(self, workers: int, progress: Progress | None) -> None:
        source, report = self.source, self.report
        tracker = DuplicateTracker()
        batches = _prepared(source.path, source, self.mapping, self.context, workers)
        with closing(batches):
            for batch, prepared in batches:
                result = settle(prepared, tracker)
                self._drop_known_mentions(result)
                malformed, source.malformed[:] = list(source.malformed), []
                self.rejects.write(malformed)
                self.rejects.write(result.rejects, batch.rows, batch.columns)
                if result.tables and self.session is not None:
                    # the file's own table: settle() let no key through twice
                    self.session.stage(result.tables, distinct=(prepared.built.table.name,))
                elif result.tables:
                    self.started_load()
                    self.store.write_batch(result.tables)
                self.tables.update({name: t.num_rows for name, t in result.tables.items()})
                self.warnings.update(result.warnings)
                if HOLDINGS.name in result.tables:
                    self.share_totals.add(result.tables[HOLDINGS.name])
                report.rows_ok += result.rows_ok
                report.duplicates += result.duplicates
                report.rows_rejected += result.rows_rejected + len(malformed)
                report.rows_read = report.rows_ok + report.rows_rejected + report.duplicates
                if progress is not None:
                    progress(report)
        self.rejects.write(source.malformed)
        if over := self.share_totals.warning():
            self.warnings[over[0]] += over[1]
        report.rows_rejected += len(source.malformed)
        report.rows_read = report.rows_ok + report.rows_rejected + report.duplicates

    def _drop_known_mentions(self, result: Validated) -> None:
        tables = result.tables
        if SUBJECTS.name in tables:
            self.mentions.known(tables[SUBJECTS.name])
        if MENTIONS.name in tables:
            tables[MENTIONS.name] = self.mentions.new(tables[MENTIONS.name])
            if not tables[MENTIONS.name].num_rows:
                del tables[MENTIONS.name]

    def commit(self) -> None:
        if self.session is not None and self.tables and self.failure is None:
            self.started_load()
            self._fill_record("done")  # recorded by the merge itself, then again by finish()
            self.session.send_commit_load(self.record)

    def finish(self) -> LoadReport:
        """Wait for the merge, close the reject file and record the load; raises what failed."""
        report, record, error = self.report, self.record, self.failure
        if self.session is not None:
            try:
                if error is None and self.tables:
                    self.session.wait_commit()
            except BaseException as exc:
                error = exc
            # leaves the child: after a commit it stops, otherwise its staged rows are dropped
            self.session.__exit__(None if error is None else type(error), error, None)
        try:
            if error is not None:
                raise error
            report.status = "done"
            self.mentions.confirm()
        except LinkriskError as exc:
            report.status, report.error = "failed", exc.detail
            raise
        finally:
            path_written = self.rejects.close()
            report.rejects_path = str(path_written) if path_written else None
            report.warnings, report.table_counts = dict(self.warnings), dict(self.tables)
            report.seconds = round(time.perf_counter() - self.started, 3)
            report.rows_per_second = (
                round(report.rows_read / report.seconds, 1) if report.seconds else 0.0
            )
            if report.status != "done" and self.session is not None:
                report.rows_ok = 0  # a bulk load writes all of a file or nothing
            if not isinstance(error, StoreUnavailable):  # a store that is down records nothing
                self.started_load()
                self._fill_record("done" if report.status == "done" else "failed")
                self.store.finish_load(record)
        log.info(
            "loaded %s (%s): %d ok, %d rejected, %d duplicates in %.1f s",
            self.source.path.name,
            report.kind,
            report.rows_ok,
            report.rows_rejected,
            report.duplicates,
            report.seconds,
        )
        return report

    def _fill_record(self, status: str) -> None:
        report, record = self.report, self.record
        record.finished, record.status = _now(), status
        record.rows_ok, record.rows_rejected = report.rows_ok, report.rows_rejected
        record.counts = {**self.tables, "duplicates": report.duplicates}
