"""Load source files into a graph store: read → map headers → validate → write, batch by batch.

Each batch of ``settings.batch_size`` rows is written with one ``store.write_batch`` call (one
transaction); rejected rows go to ``<input>.rejects.csv``; the load is recorded in the store's
load history. Loading the same file again yields the same canonical rows and ids, so the store's
upserts change nothing.
"""

from __future__ import annotations

import hashlib
import logging
import os
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

from linkrisk.config import Settings, get_settings
from linkrisk.errors import InputError, LinkriskError, SourceFileError
from linkrisk.graph.store import GraphStore, LoadRecord
from linkrisk.loaders.checks import Context
from linkrisk.loaders.columns import SourceKind
from linkrisk.loaders.dedupe import DuplicateTracker
from linkrisk.loaders.mapping import ColumnMapping, ExtraAliases, load_aliases, map_columns
from linkrisk.loaders.readers import FORMATS, RawBatch, Source, open_source, read_headers
from linkrisk.loaders.rejects import REJECT_SUFFIX, RejectWriter, mask_text
from linkrisk.loaders.validate import Prepared, prepare, settle

log = logging.getLogger(__name__)

#: files of a directory load in this order, so that subjects exist before what points at them
KIND_ORDER = (
    SourceKind.ORGS,
    SourceKind.HOLDINGS,
    SourceKind.OFFICERS,
    SourceKind.BRANCHES,
    SourceKind.INSPECTORS,
    SourceKind.EVENTS,
    SourceKind.INSPECTIONS,
)
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


def _aliases(
    column_map: Path | str | ExtraAliases | None, settings: Settings
) -> ExtraAliases | None:
    if column_map is None:
        column_map = settings.column_map  # LINKRISK_COLUMN_MAP
    if column_map is None:
        return None
    if isinstance(column_map, str | Path):
        return load_aliases(column_map)
    return column_map


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _prepare(path: Path, mapping: ColumnMapping, batch: RawBatch, context: Context) -> Prepared:
    try:
        return prepare(mapping.kind, mapping.extract(batch.columns), batch.rows, context)
    except (pa.ArrowException, ValueError) as exc:  # a bug, not bad data: say where, masked
        rows = f"{batch.rows[0]}–{batch.rows[-1]}" if batch.num_rows else "?"
        detail = mask_text(str(exc)[:300])
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


def load_file(
    path: Path | str,
    store: GraphStore,
    *,
    kind: SourceKind | str | None = None,
    encoding: str | None = None,
    column_map: Path | str | ExtraAliases | None = None,
    settings: Settings | None = None,
    progress: Progress | None = None,
    sheet: str | None = None,
    threads: int | None = None,
) -> LoadReport:
    """Load one source file; raises ``SourceFileError`` when the file cannot be read at all.

    ``threads`` (default: up to 2 CPUs) check and build batches in parallel; the batches are
    still settled, written and reported in file order.
    """
    settings = settings or get_settings()
    started = time.perf_counter()
    path = Path(path)
    source = open_source(path, encoding=encoding, sheet=sheet, batch_rows=settings.batch_size)
    try:
        aliases = _aliases(column_map, settings)
        mapping = map_columns(source.headers, kind=kind, extra_aliases=aliases, file=str(path))
        workers = threads if threads is not None else min(2, os.cpu_count() or 1)
        return _load(source, mapping, store, settings, progress, workers, started)
    finally:
        source.close()


def _load(
    source: Source,
    mapping: ColumnMapping,
    store: GraphStore,
    settings: Settings,
    progress: Progress | None,
    workers: int,
    started: float,
) -> LoadReport:
    path = source.path
    context = Context(settings.id_hash_key.get_secret_value().encode(), mapping.units)
    report = LoadReport(str(path), mapping.kind.value, source.encoding)
    record = LoadRecord(str(path), "", mapping.kind.value, _now())
    # the file's digest is computed beside the first batches (hashlib releases the GIL); the
    # load is recorded before anything is written
    hasher = ThreadPoolExecutor(1, thread_name_prefix="linkrisk-sha256")
    digest = hasher.submit(file_sha256, path)
    hasher.shutdown(wait=False)

    def started_load() -> None:
        if record.load_id is None:
            record.sha256 = digest.result()
            record.load_id = store.start_load(record)

    id_columns = [i for name, idx in mapping.columns.items() if name in ID_FIELDS for i in idx]
    rejects = RejectWriter(path, source.headers, id_columns)
    tracker = DuplicateTracker()
    warnings: Counter[str] = Counter()
    tables: Counter[str] = Counter()
    try:
        with closing(_prepared(path, source, mapping, context, workers)) as batches:
            for batch, prepared in batches:
                result = settle(prepared, tracker)
                malformed, source.malformed[:] = list(source.malformed), []
                rejects.write(malformed)
                rejects.write(result.rejects, batch.rows, batch.columns)
                if result.tables:
                    started_load()
                    store.write_batch(result.tables)
                tables.update({name: t.num_rows for name, t in result.tables.items()})
                warnings.update(result.warnings)
                report.rows_ok += result.rows_ok
                report.duplicates += result.duplicates
                report.rows_rejected += result.rows_rejected + len(malformed)
                report.rows_read = report.rows_ok + report.rows_rejected + report.duplicates
                if progress is not None:
                    progress(report)
        rejects.write(source.malformed)
        report.rows_rejected += len(source.malformed)
        report.rows_read = report.rows_ok + report.rows_rejected + report.duplicates
        report.status = "done"
    except LinkriskError as exc:
        report.status, report.error = "failed", exc.detail
        raise
    finally:
        path_written = rejects.close()
        report.rejects_path = str(path_written) if path_written else None
        report.warnings, report.table_counts = dict(warnings), dict(tables)
        report.seconds = round(time.perf_counter() - started, 3)
        report.rows_per_second = (
            round(report.rows_read / report.seconds, 1) if report.seconds else 0.0
        )
        started_load()
        record.finished, record.status = _now(), "done" if report.status == "done" else "failed"
        record.rows_ok, record.rows_rejected = report.rows_ok, report.rows_rejected
        record.counts = {**report.table_counts, "duplicates": report.duplicates}
        store.finish_load(record)
    log.info(
        "loaded %s (%s): %d ok, %d rejected, %d duplicates in %.1f s",
        path.name,
        report.kind,
        report.rows_ok,
        report.rows_rejected,
        report.duplicates,
        report.seconds,
    )
    return report


def data_files(directory: Path) -> list[Path]:
    """The loadable files of a directory (not reject files, hidden files or other types)."""
    return sorted(
        p
        for p in directory.iterdir()
        if p.is_file()
        and not p.name.startswith((".", "~$"))
        and not p.name.endswith(REJECT_SUFFIX)
        and p.suffix.lower() in FORMATS
    )


def load_directory(
    directory: Path | str,
    store: GraphStore,
    *,
    encoding: str | None = None,
    column_map: Path | str | ExtraAliases | None = None,
    settings: Settings | None = None,
    progress: Progress | None = None,
) -> list[LoadReport]:
    """Load every data file of a directory in dependency order (orgs first, inspections last).

    A file that cannot be read does not stop the others: its report has status "failed".
    """
    directory = Path(directory)
    if not directory.is_dir():
        raise SourceFileError(f"{directory}: not a directory")
    settings = settings or get_settings()
    aliases = _aliases(column_map, settings)
    planned: list[tuple[int, Path, SourceKind]] = []
    reports: list[LoadReport] = []
    for path in data_files(directory):
        try:
            headers = read_headers(path, encoding=encoding)
            kind = map_columns(headers, extra_aliases=aliases, file=str(path)).kind
        except LinkriskError as exc:
            reports.append(LoadReport(str(path), "unknown", status="failed", error=exc.detail))
            continue
        planned.append((KIND_ORDER.index(kind), path, kind))
    for _, path, kind in sorted(planned):
        try:
            reports.append(
                load_file(
                    path,
                    store,
                    kind=kind,
                    encoding=encoding,
                    column_map=aliases,
                    settings=settings,
                    progress=progress,
                )
            )
        except LinkriskError as exc:
            reports.append(LoadReport(str(path), kind.value, status="failed", error=exc.detail))
    return reports
