"""``generate_city``: write a synthetic city's source files, ground truth and manifest.

The same (subjects, seed, as_of, dirty_rate) always gives byte-identical files.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from linkrisk.demo import dirty, offshore, render, render_events
from linkrisk.demo.assemble import MONTHS, build_city
from linkrisk.demo.commitments import write_commitments
from linkrisk.demo.draws import stream
from linkrisk.demo.ground import ground_truth
from linkrisk.demo.model import City
from linkrisk.demo.timeline import day
from linkrisk.demo.writers import sha256, write_csv, write_lines, write_parquet, write_xlsx
from linkrisk.errors import InputError

Progress = Callable[[str, int, int], None]
CHUNK = 100_000  # rows rendered and written at a time: bounds the memory of text columns
FILES = (
    "orgs.csv",
    "holdings.parquet",
    "offshore_holdings.csv",
    "officers.csv",
    "branches.jsonl",
    "events.csv",
    "inspections.csv",
    "inspectors.xlsx",
    "ground_truth.json",
)
STAGES = ("structure", "people", "names and codes", "events", "inspections", *FILES)
FORMATS = {
    "orgs.csv": ("csv", "utf-8-sig"),
    "holdings.parquet": ("parquet", "utf-8"),
    "offshore_holdings.csv": ("csv", "utf-8"),
    "officers.csv": ("csv", "gb18030"),
    "branches.jsonl": ("jsonl", "utf-8"),
    "events.csv": ("csv", "utf-8"),
    "inspections.csv": ("csv", "utf-8"),
    "inspectors.xlsx": ("xlsx", "utf-8"),
    "ground_truth.json": ("json", "utf-8"),
}


@dataclass(frozen=True, slots=True)
class FileEntry:
    name: str
    rows: int
    bytes: int
    sha256: str
    format: str
    encoding: str


@dataclass(frozen=True, slots=True)
class CityManifest:
    """What ``generate_city`` wrote: files with row counts and hashes, and the parameters.

    ``rows`` counts data rows (without the header); for ground_truth.json it counts the rings.
    ``dirty`` has, per spoiled file, the number of bad rows and how many of each defect.
    """

    out_dir: Path
    subjects: int
    seed: int
    as_of: date
    dirty_rate: float
    files: tuple[FileEntry, ...]
    counts: dict[str, int] = field(default_factory=dict)
    dirty: dict[str, dict[str, int]] = field(default_factory=dict)

    def file(self, name: str) -> FileEntry:
        return next(f for f in self.files if f.name == name)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready; the output directory is left out so that the manifest is reproducible."""
        return {
            "generator": "linkrisk.demo",
            "version": 1,
            "subjects": self.subjects,
            "seed": self.seed,
            "as_of": self.as_of.isoformat(),
            "dirty_rate": self.dirty_rate,
            "files": [asdict(f) for f in self.files],
            "counts": self.counts,
            "dirty": self.dirty,
        }


def _chunks(
    n: int,
    make: Callable[[int, int], pa.Table],
    name: str,
    dp: dirty.DirtyPlan,
    is_id: Callable[[int, int], np.ndarray] | None = None,
) -> Iterator[pa.Table]:
    for lo in range(0, max(n, 1), CHUNK):
        hi = min(n, lo + CHUNK)
        yield dirty.apply(dp, name, make(lo, hi), lo, None if is_id is None else is_id(lo, hi))


def generate_city(
    out_dir: Path,
    *,
    subjects: int,
    seed: int,
    as_of: date = date(2026, 10, 31),
    dirty_rate: float = 0.0,
    progress: Progress | None = None,
) -> CityManifest:
    """Generate a synthetic city of ``subjects`` organisations into ``out_dir``."""
    if subjects < 100:
        raise InputError(f"subjects must be at least 100, got {subjects}")
    if seed < 0:
        raise InputError(f"seed must be a non-negative integer, got {seed}")
    if not 0.0 <= dirty_rate < 1.0:
        raise InputError(f"dirty_rate must be in [0, 1), got {dirty_rate}")
    out_dir.mkdir(parents=True, exist_ok=True)
    done = 0

    def step(stage: str) -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(stage, done, len(STAGES))

    city = build_city(subjects, seed, day(as_of), step)
    rows = {
        "orgs.csv": subjects,
        "holdings.parquet": len(city.holdings.dst),
        "events.csv": len(city.events.type),
    }
    dp = dirty.plan(stream(seed, "dirty"), rows, dirty_rate)
    written = _write(city, out_dir, dp, as_of, step)
    write_commitments(city, out_dir, seed, as_of)  # 信用承诺: commitments/承诺.csv
    truth = ground_truth(city, subjects=subjects, seed=seed, as_of=as_of, dirty_rate=dirty_rate)
    path = out_dir / "ground_truth.json"
    path.write_text(
        json.dumps(truth, ensure_ascii=False, indent=1, sort_keys=False) + "\n", encoding="utf-8"
    )
    written["ground_truth.json"] = len(truth["rings"])
    step("ground_truth.json")
    files = tuple(
        FileEntry(
            name,
            written[name],
            (out_dir / name).stat().st_size,
            sha256(out_dir / name),
            *FORMATS[name],
        )
        for name in FILES
    )
    manifest = CityManifest(
        out_dir, subjects, seed, as_of, dirty_rate, files, _counts(city), dp.counts()
    )
    (out_dir / "manifest.json").write_text(
        json.dumps(manifest.to_dict(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    return manifest


def _write(
    city: City, out: Path, dp: dirty.DirtyPlan, as_of: date, step: Callable[[str], None]
) -> dict[str, int]:
    n = len(city.orgs)
    labels = render.org_labels(city)
    w: dict[str, int] = {}
    w["orgs.csv"] = write_csv(
        out / "orgs.csv",
        _chunks(n, lambda lo, hi: render.orgs_table(city, lo, hi, labels), "orgs.csv", dp),
        "utf-8-sig",
    )
    step("orgs.csv")
    w["holdings.parquet"] = write_parquet(
        out / "holdings.parquet",
        _chunks(
            len(city.holdings.dst),
            lambda lo, hi: render.holdings_table(city, lo, hi),
            "holdings.parquet",
            dp,
        ),
    )
    step("holdings.parquet")
    w["offshore_holdings.csv"] = write_csv(
        out / "offshore_holdings.csv", [offshore.offshore_table(city)], "utf-8"
    )
    step("offshore_holdings.csv")
    w["officers.csv"] = write_csv(
        out / "officers.csv",
        _chunks(
            len(city.officers.org),
            lambda lo, hi: render.officers_table(city, lo, hi),
            "officers.csv",
            dp,
        ),
        "gb18030",
    )
    step("officers.csv")
    w["branches.jsonl"] = write_lines(out / "branches.jsonl", [render.branch_lines(city)])
    step("branches.jsonl")
    w["events.csv"] = write_csv(
        out / "events.csv",
        _chunks(
            len(city.events.type),
            lambda lo, hi: render_events.events_table(city, lo, hi),
            "events.csv",
            dp,
            lambda lo, hi: city.events.person[lo:hi],
        ),
        "utf-8",
    )
    step("events.csv")
    w["inspections.csv"] = write_csv(
        out / "inspections.csv",
        _chunks(
            len(city.inspections.org),
            lambda lo, hi: render_events.inspections_table(city, lo, hi, city.inspection_days),
            "inspections.csv",
            dp,
        ),
        "utf-8",
    )
    step("inspections.csv")
    w["inspectors.xlsx"] = write_xlsx(
        out / "inspectors.xlsx",
        render_events.INSPECTOR_HEADERS,
        render_events.inspector_rows(city),
        datetime(as_of.year, as_of.month, as_of.day),
    )
    step("inspectors.xlsx")
    return w


def _counts(city: City) -> dict[str, int]:
    return {
        "organisations": len(city.orgs),
        "persons": len(city.persons),
        "external_holders": len(city.external_names),
        "holdings": len(city.holdings.dst),
        "officers": len(city.officers.org),
        "branches": int((city.orgs.parent >= 0).sum()),
        "events": len(city.events.type),
        "inspections": len(city.inspections.org),
        "inspectors": len(city.inspectors.inspector_id),
        "rings": len(city.rings.kind),
        "ring_members": int((city.rings.ring_of >= 0).sum()),
        "months": MONTHS,
    }
