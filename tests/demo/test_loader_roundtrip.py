"""The real loaders read a generated city: a clean one without a single reject, a dirty one
with exactly the rejects the manifest promises."""

from __future__ import annotations

from pathlib import Path

import pytest

from linkrisk.config import Settings
from linkrisk.demo import generate_city
from linkrisk.graph.open import open_store
from linkrisk.loaders.pipeline import load_directory

DATA_FILES = {
    "orgs.csv",
    "holdings.parquet",
    "officers.csv",
    "branches.jsonl",
    "events.csv",
    "inspections.csv",
    "inspectors.xlsx",
}


@pytest.mark.parametrize("dirty_rate", [0.0, 0.04])
def test_loaders_read_the_city(tmp_path: Path, settings: Settings, dirty_rate: float) -> None:
    manifest = generate_city(tmp_path / "city", subjects=1500, seed=4, dirty_rate=dirty_rate)
    reports = {
        Path(r.file).name: r
        for r in load_directory(tmp_path / "city", open_store(settings), settings=settings)
    }
    assert reports.keys() >= DATA_FILES
    for name in DATA_FILES:
        report = reports[name]
        assert report.status == "done", (name, report.error)
        assert report.rows_read == manifest.file(name).rows
        expected = manifest.dirty.get(name, {}).get("rows", 0)
        assert report.rows_rejected == expected, (name, report.rows_rejected, expected)
        assert report.duplicates == 0
