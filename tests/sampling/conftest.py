"""Fixtures: the tiny hand-made city of ``world.py`` and a plan book over its store."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from linkrisk.graph.embedded.store import EmbeddedStore
from linkrisk.graph.snapshot.arrays import Snapshot
from linkrisk.sampling import PlanBook, PlanParams
from tests.sampling.world import build_world


@pytest.fixture
def world(tmp_path: Path) -> Iterator[tuple[EmbeddedStore, Snapshot]]:
    store, snapshot = build_world(tmp_path)
    yield store, snapshot
    store.close()


@pytest.fixture
def book(world: tuple[EmbeddedStore, Snapshot]) -> PlanBook:
    return PlanBook(world[0])


def plan_params(plan_id: str = "T-1", **changes: Any) -> PlanParams:
    """A plan over the world: department SCJG, matter M01, July–September 2025, every tier 100%."""
    values: dict[str, object] = {
        "plan_id": plan_id,
        "name": "测试计划",
        "departments": ("SCJG",),
        "matters": ("M01",),
        "inspect_start": dt.date(2025, 7, 1),
        "inspect_end": dt.date(2025, 9, 30),
        "ratios": (Decimal(1),) * 4,
    }
    values.update(changes)
    return PlanParams(**values)  # type: ignore[arg-type]


def run_to_assigned(
    book: PlanBook, world: tuple[EmbeddedStore, Snapshot], params: PlanParams | None = None
) -> str:
    """Create, draw and assign a plan on the world; returns its id."""
    from linkrisk.sampling import AssignInputs, assign_plan, create_plan, draw_plan
    from linkrisk.sampling.sources import read_inspections, read_inspectors
    from tests.sampling.world import tiers_for

    store, snap = world
    params = params or plan_params(
        abnormal_from=("PLAN-2024",), extended_hops=2, ratios=(Decimal("0.5"),) * 4
    )
    tiers = tiers_for(snap, {"ORG05": "D", "ORG01": "A"})
    create_plan(book, params, snap, tiers, "m1", read_inspections(store))
    draw_plan(book, params.plan_id)
    assign_plan(
        book, params.plan_id, AssignInputs(read_inspectors(store), snap, read_inspections(store))
    )
    return params.plan_id
