"""Same parameters, same bytes; a different seed, a different city."""

from __future__ import annotations

from pathlib import Path

import pytest

from linkrisk.demo import generate_city
from linkrisk.errors import InputError


def _hashes(out: Path, seed: int, dirty: float = 0.0) -> dict[str, str]:
    manifest = generate_city(out, subjects=1000, seed=seed, dirty_rate=dirty)
    hashes = {f.name: f.sha256 for f in manifest.files}
    hashes["manifest.json"] = (out / "manifest.json").read_text()
    return hashes


def test_same_seed_gives_identical_files(tmp_path: Path) -> None:
    assert _hashes(tmp_path / "a", 7) == _hashes(tmp_path / "b", 7)


def test_another_seed_changes_every_file(tmp_path: Path) -> None:
    a, b = _hashes(tmp_path / "a", 7), _hashes(tmp_path / "b", 8)
    assert all(a[name] != b[name] for name in a)


def test_dirt_spoils_rows_but_leaves_the_clean_files_alone(tmp_path: Path) -> None:
    clean, dirty = _hashes(tmp_path / "a", 7), _hashes(tmp_path / "b", 7, 0.05)
    for name in ("orgs.csv", "holdings.parquet", "events.csv"):
        assert clean[name] != dirty[name]
    for name in ("officers.csv", "branches.jsonl", "inspections.csv", "inspectors.xlsx"):
        assert clean[name] == dirty[name]


@pytest.mark.parametrize(
    ("subjects", "seed", "rate"), [(10, 1, 0.0), (1000, -1, 0.0), (1000, 1, 1.5)]
)
def test_bad_parameters_are_refused(tmp_path: Path, subjects: int, seed: int, rate: float) -> None:
    with pytest.raises(InputError):
        generate_city(tmp_path, subjects=subjects, seed=seed, dirty_rate=rate)
