"""无事不扰 and once-per-year-per-matter exclusions over the world's inspections."""

from __future__ import annotations

from typing import Any

from linkrisk.graph.embedded.store import EmbeddedStore
from linkrisk.graph.snapshot.arrays import Snapshot
from linkrisk.sampling.exclusions import exclusions
from linkrisk.sampling.sources import read_inspections
from tests.sampling.conftest import plan_params

World = tuple[EmbeddedStore, Snapshot]
# world inspections: ORG09 2024-11-05 (M01), ORG10 2025-03-01 (M01), ORG11 2025-05-20 (M02)


def _excluded(world: World, **changes: Any) -> tuple[set[str], set[str]]:
    store, snap = world
    found = exclusions(read_inspections(store), snap, plan_params(**changes))
    recent = set(snap.sid_list(found.recent.nonzero()[0]))
    same_year = set(snap.sid_list(found.same_year_matter.nonzero()[0]))
    return recent, same_year


def test_recently_inspected_subjects_are_left_out(world: World) -> None:
    # start 2025-07-01; 120 days back is 2025-03-03: ORG11 (05-20) in, ORG10 (03-01) just out
    recent, _ = _excluded(world, recent_days=120, once_per_year=False)
    assert recent == {"ORG11"}
    recent, _ = _excluded(world, recent_days=122, once_per_year=False)
    assert recent == {"ORG10", "ORG11"}
    recent, _ = _excluded(world, recent_days=None, once_per_year=False)
    assert recent == set()


def test_once_per_year_per_matter(world: World) -> None:
    _, same_year = _excluded(world)  # matter M01 in 2025: ORG10 only (ORG11 was M02, ORG09 in 2024)
    assert same_year == {"ORG10"}
    _, same_year = _excluded(world, matters=("M01", "M02"))
    assert same_year == {"ORG10", "ORG11"}
    _, same_year = _excluded(world, once_per_year=False)
    assert same_year == set()
