"""The 执法人员名录库: add, update, retire (never delete), import — engine and command line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import linkrisk.cli.inspectors  # noqa: F401  (registers the sub-app)
from linkrisk.cli import app
from linkrisk.config import Settings
from linkrisk.errors import Conflict, InputError, NotFound
from linkrisk.graph.embedded.store import EmbeddedStore
from linkrisk.graph.snapshot.arrays import Snapshot
from linkrisk.sampling import PlanBook, build_pool
from linkrisk.sampling.registry import (
    InspectorChange,
    add_inspector,
    get_inspector,
    retire_inspector,
    update_inspector,
)
from linkrisk.sampling.sources import read_inspectors
from tests.api.city import make_id_number
from tests.sampling.conftest import plan_params, run_to_assigned
from tests.sampling.world import build_world

World = tuple[EmbeddedStore, Snapshot]


def test_add_update_retire(world: World, settings: Settings) -> None:
    store = world[0]
    number = make_id_number(42)
    row = add_inspector(store, settings, "z9", "陈新", "SCJG", ["m01", "M02"], id_number=number)
    assert row["inspector_id"] == "Z9" and row["qualifications"] == "M01;M02"
    assert (
        row["person_sid"].startswith("P")
        and row["id_masked"] == number[:4] + "*" * 10 + number[-4:]
    )
    assert number not in json.dumps(read_inspectors(store).to_pylist(), default=str)
    with pytest.raises(Conflict):
        add_inspector(store, settings, "Z9", "陈新", "SCJG", ["M01"])
    with pytest.raises(InputError, match="ID number"):
        add_inspector(store, settings, "Z10", "x", "SCJG", ["M01"], id_number=number[:-1] + "0")
    moved = update_inspector(store, "Z9", InspectorChange(department="SW", qualifications=["M06"]))
    assert (moved["department"], moved["qualifications"]) == ("SW", "M06")
    assert moved["person_sid"] == row["person_sid"]  # the rest stays
    retired = retire_inspector(store, "Z9")
    assert retired["active"] is False and get_inspector(store, "Z9")["name"] == "陈新"
    with pytest.raises(Conflict, match="already retired"):
        retire_inspector(store, "Z9")
    with pytest.raises(NotFound):
        update_inspector(store, "NOBODY", InspectorChange(name="x"))


def test_a_retired_inspector_keeps_past_plans_and_leaves_later_pools(
    book: PlanBook, world: World
) -> None:
    store = world[0]
    plan = run_to_assigned(book, world)
    someone = next(t.inspectors[0] for t in book.teams(plan) if t.inspectors)
    before = {m.inspector_id: m for m in book.pool(plan)}[someone]
    retire_inspector(store, someone)
    after = {m.inspector_id: m for m in book.pool(plan)}[someone]
    assert after == before and after.eligible  # the past plan's record is unchanged
    later = {m.inspector_id: m for m in build_pool(read_inspectors(store), plan_params("T-9"))}
    assert not later[someone].eligible


def run(*args: str) -> Any:
    result = CliRunner().invoke(app, ["inspectors", *args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_the_command_line(settings: Settings, tmp_path: Path) -> None:
    store, _snap = build_world(settings.data_dir, settings.db_path, settings.snapshot_dir)
    store.close()  # the commands open the store the settings name
    added = run("add", "I20", "--name", "孙新", "--department", "SCJG", "--qualification", "M01")
    assert isinstance(added, dict) and added["active"] is True
    run("update", "I20", "--qualification", "M03")
    assert run("retire", "I20")["active"] is False
    active = run("list")
    assert isinstance(active, list) and "I20" not in {r["inspector_id"] for r in active}
    everyone = run("list", "--all")
    assert isinstance(everyone, list) and "I20" in {r["inspector_id"] for r in everyone}
    sheet = tmp_path / "inspectors.csv"
    sheet.write_text(
        "执法证号,姓名,所属部门,检查事项资格\nI21,周新,SCJG,M01;M02\n", encoding="utf-8"
    )
    report = run("import", str(sheet))
    assert isinstance(report, dict)
    assert "I21" in {r["inspector_id"] for r in run("list")}
