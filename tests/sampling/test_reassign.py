"""Assignment refusal, the create-time warning, and reassignments that keep the first record."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from linkrisk.errors import Conflict, InputError, IntegrityError
from linkrisk.graph.embedded.store import EmbeddedStore
from linkrisk.graph.snapshot.arrays import Snapshot
from linkrisk.loaders.records import InspectionResult
from linkrisk.sampling import (
    AssignInputs,
    PlanBook,
    PlanStatus,
    ResultEntry,
    assign_plan,
    create_plan,
    draw_plan,
    material_from_book,
    record_results,
    verify_material,
    verify_plan,
    verify_public,
)
from linkrisk.sampling.public_file import public_file
from linkrisk.sampling.reassign import reassign_plan, reassignments
from linkrisk.sampling.sources import read_inspections, read_inspectors
from tests.sampling.conftest import plan_params, run_to_assigned
from tests.sampling.world import tiers_for

World = tuple[EmbeddedStore, Snapshot]


def _inputs(world: World) -> AssignInputs:
    store, snap = world
    return AssignInputs(read_inspectors(store), snap, read_inspections(store))


def test_an_assignment_leaving_subjects_without_a_team_is_refused(
    book: PlanBook, world: World
) -> None:
    store, snap = world
    params = plan_params(departments=("NO-SUCH-DEPARTMENT",))
    record = create_plan(
        book, params, snap, tiers_for(snap, {}), "m1", read_inspections(store),
        registry=read_inspectors(store),
    )  # fmt: skip
    assert record.stats["warnings"] and "执法人员名录库" in record.stats["warnings"][0]
    draw_plan(book, params.plan_id)
    with pytest.raises(Conflict, match="accept") as caught:
        assign_plan(book, params.plan_id, _inputs(world))
    assert caught.value.extra["eligible_inspectors"] == 0
    assert book.get(params.plan_id).status is PlanStatus.DRAWN  # nothing recorded: redo it
    record, _pool, teams = assign_plan(book, params.plan_id, _inputs(world), accept_unassigned=True)
    assert record.status is PlanStatus.ASSIGNED and record.stats["unassigned"] == len(teams)


def test_a_plan_with_enough_inspectors_has_no_warning(book: PlanBook, world: World) -> None:
    store, snap = world
    record = create_plan(
        book, plan_params(), snap, tiers_for(snap, {}), "m1", read_inspections(store),
        registry=read_inspectors(store),
    )  # fmt: skip
    assert record.stats["warnings"] == []


def test_reassigning_every_team_keeps_the_first_record(
    book: PlanBook, world: World, tmp_path: Path
) -> None:
    plan = run_to_assigned(book, world)
    first = book.teams(plan)
    done = reassign_plan(book, world[0], plan, _inputs(world), "新增执法人员后重新分派")
    assert done.seq == 1 and done.scope == "*" and len(done.teams) == len(first)
    assert book.first_teams(plan) == first  # the first draw stays on record
    now = {t.sid: t for t in book.teams(plan)}
    assert [t.rank for t in book.teams(plan)] == [t.rank for t in first]
    assert all(now[t.sid].inspectors == t.inspectors for t in done.teams)
    report = verify_plan(book, plan)
    assert report.checks[-1].startswith("reassignment 1 replayed")
    data = json.loads(json.dumps(public_file(book, plan)))
    assert data["reassignments"][0][2] == "新增执法人员后重新分派"
    assert verify_public(data).checks[-1].startswith("reassignment 1 replayed")
    row = next(t for t in data["reassignments"][0][5] if t[3])
    row[3] = [*row[3][:-1], "I9"]
    with pytest.raises(IntegrityError) as caught:
        verify_public(data)
    assert caught.value.extra["what"] == "assignment"


def test_one_team_reassigned_and_subjects_with_results_left_alone(
    book: PlanBook, world: World
) -> None:
    store = world[0]
    plan = run_to_assigned(book, world)
    teams = [t for t in book.teams(plan) if t.inspectors]
    record_results(book, store, plan, [ResultEntry(teams[0].sid, InspectionResult.NORMAL,
                                                   dt.date(2025, 8, 1))])  # fmt: skip
    with pytest.raises(Conflict, match="already has a result"):
        reassign_plan(book, store, plan, _inputs(world), "生病", teams[0].sid)
    with pytest.raises(InputError, match="reason"):
        reassign_plan(book, store, plan, _inputs(world), "  ", teams[1].sid)
    one = reassign_plan(book, store, plan, _inputs(world), "检查人员生病", teams[1].sid)
    assert one.scope == teams[1].sid and [t.sid for t in one.teams] == [teams[1].sid]
    every = reassign_plan(book, store, plan, _inputs(world), "名录库更新")
    assert teams[0].sid not in {t.sid for t in every.teams}  # it has a result
    assert [r.seq for r in reassignments(book, plan)] == [1, 2]
    verify_plan(book, plan)
    material = material_from_book(book, plan)
    material.reassignments[0] = material.reassignments[1]  # replayed out of sequence
    with pytest.raises(IntegrityError):
        verify_material(material)
