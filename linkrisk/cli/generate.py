"""``linkrisk generate``: write a synthetic demo city (source files, ground truth, manifest)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer

from linkrisk.cli import app
from linkrisk.cli.output import console, print_json, print_table, progress_bar
from linkrisk.cli.params import DATE_HELP, date_option


@app.command()
def generate(
    out: Annotated[Path, typer.Option("--out", help="directory to write the city into")],
    subjects: Annotated[
        int, typer.Option("--subjects", help="organisations in the city (100–2,000,000+)")
    ] = 5000,
    seed: Annotated[int, typer.Option("--seed", help="random seed: same seed, same files")] = 1,
    as_of: Annotated[
        date, date_option("--as-of", help=f"{DATE_HELP}: events cover the five years before")
    ] = date(2026, 10, 31),
    dirty_rate: Annotated[
        float, typer.Option("--dirty-rate", help="share of deliberately bad rows (0–1)")
    ] = 0.0,
    json: Annotated[bool, typer.Option("--json", help="print the manifest as JSON")] = False,
) -> None:
    """Generate a synthetic city: orgs, holdings, officers, branches, events, inspections."""
    from linkrisk.demo import generate_city

    day = as_of
    with progress_bar("generating city") as advance:
        seen = 0

        def progress(stage: str, done: int, total: int) -> None:
            nonlocal seen
            advance(done - seen, total=total)
            seen = done

        manifest = generate_city(
            out, subjects=subjects, seed=seed, as_of=day, dirty_rate=dirty_rate, progress=progress
        )
    summary: dict[str, Any] = {"out": str(out), **manifest.to_dict()}
    if json:
        print_json(summary)
        return
    print_table(
        f"demo city: {subjects:,} organisations, seed {seed}, as of {day.isoformat()}",
        ["file", "rows", "size", "format", "encoding"],
        [(f.name, f"{f.rows:,}", _size(f.bytes), f.format, f.encoding) for f in manifest.files],
    )
    counts = manifest.counts
    console.print(
        f"{counts['persons']:,} people, {counts['holdings']:,} holdings, "
        f"{counts['officers']:,} officer roles, {counts['events']:,} events, "
        f"{counts['inspections']:,} inspections; {counts['rings']:,} planted risk rings "
        f"({counts['ring_members']:,} firms) in ground_truth.json"
    )
    for name, defects in manifest.dirty.items():
        detail = ", ".join(f"{k} {v}" for k, v in defects.items() if k != "rows")
        console.print(f"{name}: {defects['rows']:,} deliberately bad rows ({detail})")
    console.print(f"written to {out}")


def _size(n: int) -> str:
    size = float(n)
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{n} B"
