"""A small generated city, loaded, snapshotted and scored: what the page is tested against."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from linkrisk.api.auth import create_key
from linkrisk.config import Settings
from linkrisk.demo.city import generate_city
from linkrisk.graph.open import open_embedded, open_store
from linkrisk.graph.snapshot.arrays import load_current
from linkrisk.graph.snapshot.build import build_snapshot
from linkrisk.loaders.pipeline import load_directory
from linkrisk.models.pipeline import score_city


@dataclass(frozen=True, slots=True)
class City:
    settings: Settings
    keys: dict[str, str]  # role → secret


def build_city(root: Path, *, subjects: int = 2000, seed: int = 7) -> City:
    """Generate, load, snapshot and score a city under ``root``; one API key per role."""
    settings = Settings(data_dir=root / "data", env="test", id_hash_key="web-test-key")
    manifest = generate_city(root / "city", subjects=subjects, seed=seed)
    store = open_store(settings)
    try:
        load_directory(root / "city", store, settings=settings)
        build_snapshot(
            store, settings.snapshot_dir, as_of=manifest.as_of, supernode_cap=settings.supernode_cap
        )
        score_city(store, settings, load_current(settings.snapshot_dir))
    finally:
        store.close()
    operational = open_embedded(settings)
    try:
        keys = {
            role: create_key(operational, role, org=f"web-test-{role}")[1]
            for role in ("investigator", "regulator", "admin", "lender", "window")
        }
    finally:
        operational.close()
    return City(settings, keys)
