"""Create → draw → assign on the world: frame, mandatory list, seeds, 回避 from the real graph."""

from __future__ import annotations

import pytest

from linkrisk.errors import Conflict, InputError, IntegrityError
from linkrisk.graph.embedded.store import EmbeddedStore
from linkrisk.graph.snapshot.arrays import Snapshot
from linkrisk.sampling import (
    AssignInputs,
    PlanBook,
    PlanStatus,
    SeedSource,
    assign_plan,
    commitment,
    create_plan,
    draw_plan,
)
from linkrisk.sampling.sources import read_inspections, read_inspectors
from tests.sampling.conftest import plan_params
from tests.sampling.world import tiers_for

World = tuple[EmbeddedStore, Snapshot]


def _create(book: PlanBook, world: World, plan_id: str = "T-1", **kwargs: object):  # type: ignore[no-untyped-def]
    store, snap = world
    params = kwargs.pop("params", None) or plan_params(
        plan_id, abnormal_from=("PLAN-2024",), extended_hops=2
    )
    tiers = tiers_for(snap, {"ORG05": "D", "ORG01": "A"})
    return create_plan(book, params, snap, tiers, "m1", read_inspections(store), **kwargs)  # type: ignore[arg-type]


def test_create_records_frame_mandatory_and_commitment(book: PlanBook, world: World) -> None:
    record = _create(book, world)
    assert record.status is PlanStatus.CREATED and record.seed_source is SeedSource.SEALED
    assert (
        record.revealed_seed is None
        and record.seed
        and commitment(record.seed) == record.seed_commitment
    )
    assert record.frame_size == 13  # 14 active orgs minus ORG10 (M01 already inspected in 2025)
    assert record.stats["strata"] == {"A": 1, "B": 11, "C": 0, "D": 1}
    assert [sid for sid, _t, _r in book.mandatory("T-1")] == ["ORG06", "ORG07", "ORG08", "ORG09"]
    assert record.summary()["seed"] is None


def test_draw_then_assign_respects_every_conflict(book: PlanBook, world: World) -> None:
    store, snap = world
    _create(book, world)
    record, picks = draw_plan(book, "T-1")
    assert record.status is PlanStatus.DRAWN and record.revealed_seed == record.seed
    assert {p.sid for p in picks} == {f"ORG{i:02d}" for i in range(1, 13)} - {"ORG10"} | {
        "ORGFAR",
        "ORGSHOP",
    }
    record, pool, teams = assign_plan(
        book, "T-1", AssignInputs(read_inspectors(store), snap, read_inspections(store))
    )
    assert record.status is PlanStatus.ASSIGNED and record.stats["unassigned"] == 0
    team = {t.sid: t for t in teams}
    assert (
        "I1" not in team["ORG01"].inspectors
        and ("I1", "shareholder of the subject") in team["ORG01"].skips
    )
    assert (
        "I2" not in team["ORG02"].inspectors
        and ("I2", "officer of the subject") in team["ORG02"].skips
    )
    assert (
        "I3" not in team["ORG04"].inspectors
        and ("I3", "related in 2 hops via ORG03") in team["ORG04"].skips
    )
    assert not {"I4", "I5"} & set(
        team["ORG09"].inspectors
    )  # they inspected ORG09 in the previous round
    eligible = {m.inspector_id for m in pool if m.eligible}
    assert eligible == {"I1", "I2", "I3", "I4", "I5", "I6"}
    assert all(set(t.inspectors) <= eligible and len(t.inspectors) == 2 for t in teams)


def test_steps_run_in_order_only(book: PlanBook, world: World) -> None:
    store, snap = world
    _create(book, world)
    inputs = AssignInputs(read_inspectors(store), snap, read_inspections(store))
    with pytest.raises(Conflict, match="needs it drawn"):
        assign_plan(book, "T-1", inputs)
    draw_plan(book, "T-1")
    with pytest.raises(Conflict, match="needs it created"):
        draw_plan(book, "T-1")
    with pytest.raises(Conflict, match="already exists"):
        _create(book, world)


def test_external_seed_is_checked_against_its_commitment(book: PlanBook, world: World) -> None:
    seed = "2025-06-30 福利彩票 07 12 19 23 28 31 + 05"
    record = _create(book, world, seed_commitment=commitment(seed))
    assert record.seed_source is SeedSource.EXTERNAL and record.seed is None
    with pytest.raises(InputError, match="external seed"):
        draw_plan(book, "T-1")
    with pytest.raises(IntegrityError) as caught:
        draw_plan(book, "T-1", seed="another seed")
    assert caught.value.extra["what"] == "seed"
    record, _picks = draw_plan(book, "T-1", seed=seed)
    assert record.seed == seed


def test_public_seed_is_shown_from_the_start(book: PlanBook, world: World) -> None:
    record = _create(book, world, seed="announced-2025-06-28", public_seed=True)
    assert (
        record.seed_source is SeedSource.PUBLIC
        and record.summary()["seed"] == "announced-2025-06-28"
    )


def test_assign_refuses_another_snapshot(book: PlanBook, world: World, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt

    from linkrisk.graph.snapshot.arrays import load_current
    from linkrisk.graph.snapshot.build import build_snapshot

    store, _snap = world
    _create(book, world)
    draw_plan(book, "T-1")
    build_snapshot(store, tmp_path / "later", as_of=dt.date(2025, 12, 31))
    later = load_current(tmp_path / "later")
    with pytest.raises(Conflict, match="was created on snapshot"):
        assign_plan(
            book, "T-1", AssignInputs(read_inspectors(store), later, read_inspections(store))
        )


def test_an_empty_frame_is_a_valid_empty_plan(book: PlanBook, world: World) -> None:
    from linkrisk.sampling import verify_plan
    from linkrisk.sampling.params import Scope

    store, snap = world
    params = plan_params("EMPTY", scope=Scope(region_prefix="99"))
    record = _create(book, world, params=params)
    assert record.frame_size == 0
    _record, picks = draw_plan(book, "EMPTY")
    inputs = AssignInputs(read_inspectors(store), snap, read_inspections(store))
    _record, _pool, teams = assign_plan(book, "EMPTY", inputs)
    assert picks == [] and teams == [] and verify_plan(book, "EMPTY").selected == 0
