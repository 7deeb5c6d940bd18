"""部门联合抽查: every team of a joint plan has an inspector of each department, and the
per-department slots replay at both verification levels."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from linkrisk.errors import InputError, IntegrityError
from linkrisk.graph.embedded.store import EmbeddedStore
from linkrisk.graph.snapshot.arrays import Snapshot
from linkrisk.sampling import PlanBook, PlanParams, material_from_book, verify_plan, verify_public
from linkrisk.sampling.public_file import public_file
from linkrisk.sampling.verify import verify_teams
from tests.sampling.conftest import plan_params, run_to_assigned

World = tuple[EmbeddedStore, Snapshot]


def test_every_team_mixes_the_departments(book: PlanBook, world: World) -> None:
    plan = run_to_assigned(book, world, plan_params(departments=("SCJG", "SW"), joint=True))
    department = {m.inspector_id: m.department for m in book.pool(plan)}
    teams = [t for t in book.teams(plan) if t.inspectors]
    assert teams
    for team in teams:
        assert sorted(department[i] for i in team.inspectors) == ["SCJG", "SW"], team
    verify_plan(book, plan)
    data = json.loads(json.dumps(public_file(book, plan)))
    verify_public(data)
    # replayed as an ordinary (unmixed) draw, the recorded teams do not come out
    material = material_from_book(book, plan)
    unmixed = replace(PlanParams.from_json(material.params_json), joint=False)
    with pytest.raises(IntegrityError) as caught:
        verify_teams(material, unmixed)
    assert caught.value.extra["what"] == "assignment"


def test_without_joint_the_draw_is_unchanged(book: PlanBook, world: World) -> None:
    plan = run_to_assigned(book, world, plan_params(departments=("SCJG", "SW")))
    assert '"joint"' not in book.get(plan).params_json  # plans made before keep their digest
    verify_plan(book, plan)


def test_a_joint_plan_needs_two_departments_and_big_enough_teams() -> None:
    with pytest.raises(InputError, match="two departments"):
        plan_params(departments=("SCJG",), joint=True)
    with pytest.raises(InputError, match="teams of at least 3"):
        plan_params(departments=("SCJG", "SW", "JT"), joint=True)
