"""Load source files into a graph store: read → map headers → validate → write, batch by batch.

A file is read, checked and built in batches of ``settings.batch_size`` rows. A store with a bulk
path (the embedded store's ``bulk_session``) stages every batch and merges the whole file in one
transaction at its end, so a file is atomic as a whole: a load that fails or is killed part-way
leaves nothing of that file (and it is several times faster than upserting batch by batch).
Other stores (Neo4j) get one ``store.write_batch`` call per batch, each its own transaction. A
directory is loaded file after file, but while the writer process merges one file this process
already reads the next (files are still merged and recorded in order). Rejected rows go to
``<input>.rejects.csv``; the load is recorded in the store's load history. Loading the same file
again yields the same canonical rows and ids, so the store's upserts change nothing.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

from linkrisk.config import Settings, get_settings
from linkrisk.errors import LinkriskError, SourceFileError, StoreUnavailable
from linkrisk.graph.store import GraphStore
from linkrisk.loaders.columns import SourceKind
from linkrisk.loaders.file_load import ID_FIELDS, FileLoad, LoadReport, Progress, file_sha256
from linkrisk.loaders.limits import Limits
from linkrisk.loaders.mapping import ColumnMapping, ExtraAliases, load_aliases, map_columns
from linkrisk.loaders.mentions import Run
from linkrisk.loaders.normalise import PERCENT_UNITS
from linkrisk.loaders.readers import FORMATS, Source, open_source, read_headers
from linkrisk.loaders.rejects import REJECT_SUFFIX
from linkrisk.loaders.shares import ShareScale, decide_scale

__all__ = [
    "ID_FIELDS",
    "KIND_ORDER",
    "LoadReport",
    "Progress",
    "data_files",
    "file_sha256",
    "load_directory",
    "load_file",
]

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
    load = _stage(path, store, kind, encoding, column_map, settings, progress, sheet, threads)
    load.commit()
    return load.finish()


def _stage(
    path: Path | str,
    store: GraphStore,
    kind: SourceKind | str | None,
    encoding: str | None,
    column_map: Path | str | ExtraAliases | None,
    settings: Settings,
    progress: Progress | None,
    sheet: str | None,
    threads: int | None,
    finished_mentions: list[Run] | None = None,
) -> FileLoad:
    """Open, read, check and write (or stage) a file: everything but the commit.
    ``finished_mentions``: what the load's finished files gave (``mentions``)."""
    started = time.perf_counter()
    path = Path(path)

    def opened() -> Source:
        return open_source(
            path,
            encoding=encoding,
            sheet=sheet,
            batch_rows=settings.batch_size,
            limits=Limits.from_settings(settings),
        )

    source = opened()
    try:
        aliases = _aliases(column_map, settings)
        mapping = map_columns(source.headers, kind=kind, extra_aliases=aliases, file=str(path))
        workers = threads if threads is not None else min(2, os.cpu_count() or 1)
        scale = _share_scale(mapping, opened)
        load = FileLoad(source, mapping, store, settings, started, finished_mentions, scale)
        try:
            load.stage(workers, progress)
        except BaseException as exc:  # raised by ``finish``, after any earlier file's merge
            load.failure = exc
        return load
    finally:
        source.close()


def _share_scale(mapping: ColumnMapping, opened: Callable[[], Source]) -> ShareScale | None:
    """A holdings file's share scale, decided over the whole column before any row is parsed
    (a second read of the file, which stops at the first value above 1)."""
    if mapping.kind is not SourceKind.HOLDINGS or "share" not in mapping.columns:
        return None
    unit = mapping.units.get("share")
    if unit in PERCENT_UNITS:
        return decide_scale((), unit)
    scan = opened()
    try:
        return decide_scale(mapping.field_values(b.columns, "share") for b in scan.batches)
    finally:
        scan.close()


#: what ``linkrisk generate`` writes beside a city's data files: its description, not data
GENERATOR_METADATA = frozenset({"manifest.json", "ground_truth.json"})


def data_files(directory: Path) -> list[Path]:
    """The loadable files of a directory (not reject files, hidden files, other types or a
    generated city's metadata)."""
    return sorted(
        p
        for p in directory.iterdir()
        if p.is_file()
        and not p.name.startswith((".", "~$"))
        and not p.name.endswith(REJECT_SUFFIX)
        and p.name not in GENERATOR_METADATA
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

    A file that cannot be read does not stop the others: its report has status "failed". A
    store that cannot be reached stops the load (``StoreUnavailable``): every later file
    would fail the same way, each after the driver's retries.
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
            headers = read_headers(path, encoding=encoding, limits=Limits.from_settings(settings))
            kind = map_columns(headers, extra_aliases=aliases, file=str(path)).kind
        except LinkriskError as exc:
            reports.append(LoadReport(str(path), "unknown", status="failed", error=exc.detail))
            continue
        planned.append((KIND_ORDER.index(kind), path, kind))
    merging: tuple[FileLoad, Path, SourceKind] | None = None  # committing while the next parses
    finished: list[Run] = []  # what the finished files gave: their mentions of it are dropped
    try:
        for _, path, kind in sorted(planned):
            try:
                load = _stage(
                    path, store, kind, encoding, aliases, settings, progress, None, None,
                    finished_mentions=finished,
                )  # fmt: skip
            except StoreUnavailable:
                raise
            except LinkriskError as exc:  # cannot be opened: nothing was recorded
                reports.append(LoadReport(str(path), kind.value, status="failed", error=exc.detail))
                continue
            if merging is not None:  # files are merged and recorded in order
                reports.append(_finished(*merging))
                merging = None
            load.commit()
            if load.session is None or load.failure is not None:
                reports.append(_finished(load, path, kind))
            else:
                merging = (load, path, kind)
    finally:
        if merging is not None:
            reports.append(_finished(*merging))
    return reports


def _finished(load: FileLoad, path: Path, kind: SourceKind) -> LoadReport:
    try:
        return load.finish()
    except StoreUnavailable:
        raise
    except LinkriskError as exc:
        return LoadReport(str(path), kind.value, status="failed", error=exc.detail)
