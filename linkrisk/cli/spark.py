"""``linkrisk snapshot-export``: the published snapshot as Parquet tables (what Spark reads)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from linkrisk.cli import app
from linkrisk.cli.output import console, print_json
from linkrisk.cli.params import JsonFlag
from linkrisk.config import get_settings


@app.command("snapshot-export")
def snapshot_export(
    out: Annotated[
        Path | None,
        typer.Option(help="directory to write (default: <data dir>/parquet/<snapshot version>)"),
    ] = None,
    json: JsonFlag = False,
) -> None:
    """Export the published snapshot as Parquet (nodes, edges per relation, events, inspections)."""
    from linkrisk.graph.snapshot.arrays import load_current
    from linkrisk.graph.snapshot.parquet import export_parquet
    from linkrisk.models.spark.pipeline import export_dir

    settings = get_settings()
    snapshot = load_current(settings.snapshot_dir)
    path = export_parquet(snapshot, out or export_dir(settings, snapshot))
    files = sorted(p.relative_to(path).as_posix() for p in path.rglob("*.parquet"))
    if json:
        print_json({"snapshot_version": snapshot.version, "path": str(path), "tables": files})
        return
    console.print(f"snapshot {snapshot.version} → {path} ({len(files)} Parquet tables)")
