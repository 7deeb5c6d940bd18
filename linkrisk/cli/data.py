"""Data commands: load source files, show what the store holds, build snapshots."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from linkrisk.cli import app
from linkrisk.cli.monitor import evaluate_after
from linkrisk.cli.output import (
    Bar,
    console,
    err_console,
    print_json,
    print_table,
    progress_bar,
)
from linkrisk.cli.params import DATE_HELP, JsonFlag, StoreOption, date_option
from linkrisk.cli.store_location import no_store_hint, store_location
from linkrisk.config import get_settings
from linkrisk.graph.open import open_store
from linkrisk.loaders.file_load import LoadReport


@app.command()
def status(json: JsonFlag = False, store: StoreOption = None) -> None:
    """What the store holds (and where it is): row counts, recent loads, the published snapshot."""
    settings = get_settings()
    backend = store or settings.store
    where = store_location(settings, backend)
    if backend == "embedded" and not settings.db_path.exists():
        # a status query creates nothing: say where we looked and where a store may be
        hint = no_store_hint(settings)
        if json:
            print_json({"store": backend, "location": where, "exists": False, "hint": hint})
            return
        console.print(f"no store at {where}", soft_wrap=True, markup=False, highlight=False)
        console.print(hint, soft_wrap=True, markup=False, highlight=False)
        return
    graph = open_store(settings, store)
    counts = graph.counts()
    loads = graph.load_history(10)
    pointer = settings.snapshot_dir / "CURRENT"
    snapshot = pointer.read_text().strip() if pointer.exists() else None
    if json:
        print_json(
            {
                "store": graph.backend,
                "location": where,
                "exists": True,
                "counts": counts,
                "snapshot": snapshot,
                "loads": [asdict(r) for r in loads],  # slotted: vars() has no __dict__
            }
        )
        return
    console.print(f"store: {where}", soft_wrap=True, markup=False, highlight=False)
    print_table(f"linkrisk store ({graph.backend})", ["table", "rows"], sorted(counts.items()))
    print_table(
        "recent loads",
        ["file", "kind", "status", "ok", "rejected", "finished"],
        [(r.file, r.source_kind, r.status, r.rows_ok, r.rows_rejected, r.finished) for r in loads],
    )
    console.print(f"published snapshot: {snapshot or '(none: run `linkrisk snapshot`)'}")


@app.command()
def snapshot(
    as_of: Annotated[
        date | None, date_option("--as-of", help=f"{DATE_HELP} (default: today)")
    ] = None,
    json: JsonFlag = False,
    store: StoreOption = None,
) -> None:
    """Build and publish a snapshot (CSR arrays) of the store as of a date."""
    from linkrisk.graph.snapshot.arrays import load_snapshot
    from linkrisk.graph.snapshot.build import STEPS as SNAPSHOT_STEPS
    from linkrisk.graph.snapshot.build import build_snapshot

    settings = get_settings()
    graph = open_store(settings, store)
    with progress_bar("snapshot", total=len(SNAPSHOT_STEPS)) as bar:

        def step(name: str) -> None:
            bar.describe(f"snapshot: {name}")
            bar(1)

        path = build_snapshot(
            graph,
            settings.snapshot_dir,
            as_of=as_of,
            supernode_cap=settings.supernode_cap,
            progress=step,
        )
    meta = load_snapshot(path).meta
    evaluate_after(settings)  # monitoring: alerts from what changed since the last snapshot
    if json:
        print_json(meta)
        return
    stats = meta["stats"]
    console.print(f"snapshot [bold]{meta['version']}[/] as of {meta['as_of']} → {path}")
    print_table("contents", ["item", "count"], sorted(stats.items()))


@app.command()
def load(
    paths: Annotated[list[Path], typer.Argument(help="files or directories to load")],
    kind: Annotated[
        str | None, typer.Option(help="source kind (default: detected from headers)")
    ] = None,
    encoding: Annotated[str | None, typer.Option(help="force an encoding, e.g. gb18030")] = None,
    tolerate: Annotated[bool, typer.Option(help="exit 0 even when rows were rejected")] = False,
    json: JsonFlag = False,
    store: StoreOption = None,
) -> None:
    """Load source files (CSV UTF-8/GBK, XLSX, JSON Lines, Parquet); rejects go to *.rejects.csv."""
    from linkrisk.loaders.pipeline import load_directory, load_file

    settings = get_settings()
    graph = open_store(settings, store)
    if not json:
        err_console.print(
            f"loading into {store_location(settings, graph.backend)}",
            soft_wrap=True,
            markup=False,
            highlight=False,
        )
    reports = []
    with progress_bar("loading") as bar:
        progress = FileProgress(bar)
        for path in paths:
            if path.is_dir():
                reports += load_directory(
                    path, graph, settings=settings, encoding=encoding, progress=progress
                )
            else:
                reports.append(
                    load_file(
                        path,
                        graph,
                        kind=kind,
                        encoding=encoding,
                        settings=settings,
                        progress=progress,
                    )
                )
        progress.finish()
    rejected = sum(r.rows_rejected for r in reports)
    if json:
        print_json([r.to_dict() for r in reports])
    else:
        print_table(
            "load summary",
            ["file", "kind", "read", "loaded", "rejected", "rows/s", "rejects file"],
            [
                (
                    Path(r.file).name,
                    r.kind,
                    f"{r.rows_read:,}",
                    f"{r.rows_ok:,}",
                    f"{r.rows_rejected:,}",
                    f"{r.rows_per_second:,.0f}",
                    r.rejects_path or "",
                )
                for r in reports
            ],
        )
        _share_notes(reports)
    failed = [r for r in reports if r.status == "failed"]
    for report in failed:
        typer.secho(f"not loaded: {report.error}", err=True)
    if rejected and not tolerate:
        typer.secho(
            f"{rejected:,} rows rejected (see the rejects files; --tolerate to accept)", err=True
        )
    if failed or (rejected and not tolerate):
        raise typer.Exit(1)


def _share_notes(reports: list[LoadReport]) -> None:
    """How each holdings file's share column was read, and its firms over 100 %."""
    for r in reports:
        name = Path(r.file).name
        if r.share_scale:
            console.print(f"{name}: shares read as {r.share_scale}", markup=False, soft_wrap=True)
        for warning, count in r.warnings.items():
            if warning.startswith("share: a firm"):
                console.print(
                    f"[yellow]{name}: {count:,} firm(s) whose current holders add up to more"
                    f" than 100%:[/] {warning.partition('(')[2].rstrip(')')}",
                    soft_wrap=True,
                )


class FileProgress:
    """The loaders' per-batch callback: the bar names the file being read and counts its rows;
    each file read in full leaves a line above the bar."""

    def __init__(self, bar: Bar) -> None:
        self.bar = bar
        self.current: LoadReport | None = None

    def __call__(self, report: LoadReport) -> None:
        if report is not self.current:
            self.finish()
            self.current = report
        self.bar.describe(Path(report.file).name, completed=report.rows_read)

    def finish(self) -> None:
        if self.current is not None:
            name = Path(self.current.file).name
            self.bar.note(f"  read {name}: {self.current.rows_read:,} rows")
            self.current = None
