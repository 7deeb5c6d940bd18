"""Inspector teams: pool eligibility, 回避 skips, capacity, balance, unassigned subjects."""

from __future__ import annotations

from collections import Counter

import pyarrow as pa
import pytest

from linkrisk.graph.embedded.store import EmbeddedStore
from linkrisk.graph.snapshot.arrays import Snapshot
from linkrisk.sampling.inspectors import (
    ASSIGNED,
    CAPACITY,
    PoolMember,
    assign_teams,
    build_pool,
)
from linkrisk.sampling.sources import read_inspectors
from tests.sampling.conftest import plan_params

World = tuple[EmbeddedStore, Snapshot]


def pool_of(n: int) -> list[PoolMember]:
    return [PoolMember(f"I{i:02d}", f"检查员{i}", "", "SCJG", True, "") for i in range(n)]


def test_pool_eligibility_with_reasons(world: World) -> None:
    store, _snap = world
    pool = build_pool(read_inspectors(store), plan_params())
    reasons = {m.inspector_id: m.reason for m in pool}
    assert reasons == {
        "I1": "",
        "I2": "",
        "I3": "",
        "I4": "",
        "I5": "",
        "I6": "",
        "I7": "inactive",
        "I8": "not in the plan's departments",
        "I9": "not qualified for the plan's matters",
    }
    joint = build_pool(
        read_inspectors(store), plan_params(departments=("SCJG", "SW"), matters=("M01", "M06"))
    )
    assert [m.inspector_id for m in joint if m.eligible] == [
        "I1",
        "I2",
        "I3",
        "I4",
        "I5",
        "I6",
        "I8",
        "I9",
    ]


def test_conflicts_are_skipped_and_reported() -> None:
    pool = pool_of(4)
    conflicts = {
        "S1": {0: "shareholder of the subject", 1: "inspected this subject in the previous round"}
    }
    teams = assign_teams(["S1"], pool, conflicts, plan_id="P", seed="s", team_size=2)
    assert teams[0].status == ASSIGNED and set(teams[0].inspectors) == {"I02", "I03"}
    assert teams[0].skips == (
        ("I00", "shareholder of the subject"),
        ("I01", "inspected this subject in the previous round"),
    )


def test_no_team_means_unassigned_not_a_bent_rule() -> None:
    pool = pool_of(3)
    conflicts = {"S1": {0: "officer of the subject", 1: "related in 2 hops via X"}}
    teams = assign_teams(["S1", "S2"], pool, conflicts, plan_id="P", seed="s", team_size=2)
    assert teams[0].inspectors == () and teams[0].status.startswith(
        "unassigned: needs 2 inspectors, only 1"
    )
    assert teams[1].status == ASSIGNED  # the failed subject used nobody's capacity


def test_capacity_limit() -> None:
    teams = assign_teams(
        ["S1", "S2", "S3"], pool_of(4), {}, plan_id="P", seed="s", team_size=2, max_per_inspector=1
    )
    assert [t.status == ASSIGNED for t in teams] == [True, True, False]
    assert len({i for t in teams[:2] for i in t.inspectors}) == 4
    assert (CAPACITY, "capacity: 4 inspector(s) at the limit of 1 subjects") in teams[2].skips
    assert "4 at capacity" in teams[2].status


def test_workload_is_balanced() -> None:
    teams = assign_teams(
        [f"S{i}" for i in range(30)], pool_of(6), {}, plan_id="P", seed="s", team_size=2
    )
    loads = Counter(i for t in teams for i in t.inspectors)
    assert set(loads.values()) == {10}
    assert all(len(set(t.inspectors)) == 2 for t in teams)


def test_balance_holds_with_conflicts() -> None:
    conflicts = {f"S{i}": {i % 5: "officer of the subject"} for i in range(25)}
    teams = assign_teams(
        [f"S{i}" for i in range(25)], pool_of(5), conflicts, plan_id="P", seed="q", team_size=2
    )
    loads = Counter(i for t in teams for i in t.inspectors)
    assert max(loads.values()) - min(loads.values()) <= 1
    for i, team in enumerate(teams):
        assert f"I{i % 5:02d}" not in team.inspectors


def test_teams_are_deterministic_and_depend_on_the_seed() -> None:
    subjects = [f"S{i}" for i in range(20)]
    a = assign_teams(subjects, pool_of(10), {}, plan_id="P", seed="s1", team_size=3)
    assert a == assign_teams(subjects, pool_of(10), {}, plan_id="P", seed="s1", team_size=3)
    assert a != assign_teams(subjects, pool_of(10), {}, plan_id="P", seed="s2", team_size=3)


@pytest.mark.parametrize("active", [False, None])
def test_inactive_flag(active: bool | None) -> None:
    registry = pa.Table.from_pylist(
        [{"inspector_id": "X", "department": "SCJG", "qualifications": "M01", "active": active}]
    )
    [member] = build_pool(registry, plan_params())
    assert member.eligible is (active is None)  # unknown counts as active, False does not
