"""Two-level verification: the public files prove what they can without a single tier, the
sealed frame file re-derives the whole draw; tampering with either is named."""

from __future__ import annotations

import copy
import csv
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from linkrisk.errors import IntegrityError
from linkrisk.graph.embedded.store import EmbeddedStore
from linkrisk.graph.snapshot.arrays import Snapshot
from linkrisk.loaders.records import InspectionResult
from linkrisk.sampling import (
    PlanBook,
    ResultEntry,
    announce,
    material_from_book,
    publish_plan,
    read_public,
    record_results,
    verify_material,
    verify_public,
)
from linkrisk.sampling.public_file import public_file
from tests.sampling.conftest import plan_params, run_to_assigned

World = tuple[EmbeddedStore, Snapshot]
#: keys no public JSON may carry, at any depth
INTERNAL_KEYS = {
    "tier",
    "tiers",
    "frame",
    "frame_key",
    "frame_digest",
    "mandatory_digest",
    "plan_digest",
    "model_version",
    "snapshot_id",
    "reason",
    "score",
}


def _published(book: PlanBook, world: World, tmp_path: Path) -> tuple[str, dict[str, str]]:
    from decimal import Decimal

    store, _snap = world
    params = plan_params(
        abnormal_from=("PLAN-2024",),
        extended_hops=2,
        ratios=(Decimal("0.5"), Decimal("0.5"), Decimal("0.5"), Decimal(1)),
    )
    plan = run_to_assigned(book, world, params)
    entries = [
        ResultEntry(t.sid, InspectionResult.NORMAL, dt.date(2025, 8, 1))
        for t in book.teams(plan)
        if t.inspectors
    ]
    record_results(book, store, plan, entries)
    paths = publish_plan(book, store, plan, tmp_path / "pub", partial="测试")
    return plan, paths


@pytest.fixture
def published(book: PlanBook, world: World, tmp_path: Path) -> tuple[str, dict[str, Any]]:
    plan, paths = _published(book, world, tmp_path)
    return plan, read_public(Path(paths["verify_json"]))


def _what(data: dict[str, Any], announced: str | None = None) -> str:
    with pytest.raises(IntegrityError) as caught:
        verify_public(data, announced)
    return str(caught.value.extra["what"])


def test_the_public_file_verifies(book: PlanBook, published: tuple[str, dict[str, Any]]) -> None:
    plan, data = published
    report = verify_public(data, book.get(plan).public_digest)
    assert report.selected == len(book.selection(plan)) and report.teams == report.selected
    assert any("inclusion proofs" in c for c in report.checks)


def test_a_different_announcement_digest_is_refused(published: tuple[str, dict[str, Any]]) -> None:
    assert _what(published[1], "0" * 64) == "announcement"


def _random_rows(data: dict[str, Any]) -> list[int]:
    return [i for i, row in enumerate(data["selection"]) if row[2] == "random"]


def test_public_tampering_is_named(
    book: PlanBook, world: World, published: tuple[str, dict[str, Any]]
) -> None:
    plan, data = published
    announced = book.get(plan).public_digest
    cases: list[tuple[str, Any]] = []

    def change(what: str, edit: Any) -> None:
        cases.append((what, edit))

    def seed(d: dict[str, Any]) -> None:
        d["seed"] = "a more convenient seed"

    def outsider(d: dict[str, Any]) -> None:  # a subject outside the frame put in the sample
        i = _random_rows(d)[0]
        d["selection"][i][1] = "ORGDEAD"
        d["inclusions"][0][0] = "ORGDEAD"

    def blind(d: dict[str, Any]) -> None:
        d["inclusions"][0][2] = "00" * 32

    def dropped_proof(d: dict[str, Any]) -> None:
        d["inclusions"].pop()

    def strata(d: dict[str, Any]) -> None:  # fewer D subjects (drawn 100%) than claimed
        d["announcement"]["strata"]["D"] += 1
        d["announcement"]["strata"]["A"] -= 1
        d["announcement"]["public_digest"] = announce.digest(d["announcement"])

    def drawn(d: dict[str, Any]) -> None:
        d["drawn"]["B"] += 1

    def params(d: dict[str, Any]) -> None:
        d["announcement"]["params"] = d["announcement"]["params"].replace("测试计划", "另一个")

    def mandatory(d: dict[str, Any]) -> None:
        d["announcement"]["mandatory"].append(["ORG99", announce.ABNORMAL])
        d["announcement"]["public_digest"] = announce.digest(d["announcement"])

    def team(d: dict[str, Any]) -> None:
        row = next(t for t in d["teams"] if t[3])
        row[3] = ["I9", *row[3][1:]]

    def order(d: dict[str, Any]) -> None:
        d["selection"][0][0], d["selection"][1][0] = 2, 1

    change("seed", seed)
    change("inclusion", outsider)
    change("inclusion", blind)
    change("inclusion", dropped_proof)
    change("announcement", strata)  # a recomputed digest is not the one announced
    change("result", drawn)
    change("announcement", params)
    change("announcement", mandatory)
    change("assignment", team)
    change("result", order)
    for what, edit in cases:
        tampered = copy.deepcopy(data)
        edit(tampered)
        assert _what(tampered, announced) == what, edit.__name__


def test_recomputed_strata_without_the_announced_digest_still_fail(
    published: tuple[str, dict[str, Any]],
) -> None:
    """Claimed strata that add up but give other quotas: the drawn counts no longer match."""
    data = copy.deepcopy(published[1])
    data["announcement"]["strata"]["B"] -= 2
    data["announcement"]["strata"]["D"] += 2
    data["announcement"]["public_digest"] = announce.digest(data["announcement"])
    assert _what(data) == "result"


def test_no_internal_field_in_any_public_file(book: PlanBook, world: World, tmp_path: Path) -> None:
    plan, paths = _published(book, world, tmp_path)
    record = book.get(plan)
    selected = {p.sid for p in book.selection(plan)}
    frame_only = [
        line.split(",")[0]
        for line in book.frame_text(plan).decode().splitlines()
        if line.split(",")[0] not in selected
    ]
    assert frame_only, "the world must leave some frame subjects undrawn"
    secrets = [
        record.frame_key,
        record.frame_digest,
        record.plan_digest,
        record.mandatory_digest,
        *(f"{sid},{tier}" for sid, tier, _r in book.mandatory(plan)),
    ]
    public = sorted(Path(paths["verify_json"]).parent.iterdir())
    assert {p.suffix for p in public} == {".csv", ".xlsx", ".json"}
    for path in public:
        if path.suffix == ".json":
            data = json.loads(path.read_text(encoding="utf-8"))
            assert not _keys(data) & INTERNAL_KEYS, path.name
            text = json.dumps(data, ensure_ascii=False)
        elif path.suffix == ".csv":
            text = path.read_text(encoding="utf-8-sig")
            header = next(csv.reader(text.splitlines()))
            assert not {"风险分类", "tier", "风险等级", "信用风险分类"} & set(header)
        else:
            text = "\n".join(
                str(cell)
                for sheet in load_workbook(path, read_only=True).worksheets
                for row in sheet.iter_rows(values_only=True)
                for cell in row
                if cell is not None
            )
        for word in ("风险分类", "风险模型", "快照", record.model_version, record.snapshot_id):
            assert word not in text.replace(record.params_json, ""), (path.name, word)
        for secret in secrets:
            assert secret is not None and secret not in text, (path.name, secret)
        for sid in frame_only:  # the rest of the frame is not disclosed
            assert f'"{sid}"' not in text and f",{sid}," not in text, (path.name, sid)


def _keys(value: Any) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in _keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in _keys(v)}
    return set()


def test_formula_like_names_stay_text(book: PlanBook, world: World, tmp_path: Path) -> None:
    store = world[0]
    plan, _paths = _published(book, world, tmp_path)
    sid = next(p.sid for p in book.selection(plan) if p.sid.startswith("ORG"))
    store.execute("UPDATE subjects SET name = ? WHERE sid = ?", ('=HYPERLINK("x")', sid))
    paths = publish_plan(book, store, plan, tmp_path / "again", partial="测试")
    rows = list(csv.reader(Path(paths["results_csv"]).read_text("utf-8-sig").splitlines()))
    assert '\'=HYPERLINK("x")' in {cell for row in rows for cell in row}
    sheet = load_workbook(paths["xlsx"])["抽查结果"]
    cells = [c for row in sheet.iter_rows() for c in row if c.value == '=HYPERLINK("x")']
    assert cells and all(c.data_type == "s" for c in cells)


def test_the_sealed_level_checks_the_public_announcement(
    book: PlanBook, published: tuple[str, dict[str, Any]]
) -> None:
    plan, data = published
    material = material_from_book(book, plan)
    assert material.announcement == data["announcement"]
    material.announcement = {**data["announcement"], "name": "另一个名称"}
    with pytest.raises(IntegrityError) as caught:
        verify_material(material)
    assert caught.value.extra["what"] == "announcement"


def test_before_the_draw_the_public_file_has_no_seed(book: PlanBook, world: World) -> None:
    from linkrisk.sampling import create_plan
    from linkrisk.sampling.sources import read_inspections
    from tests.sampling.world import tiers_for

    store, snap = world
    create_plan(book, plan_params("T-2"), snap, tiers_for(snap, {}), "m1", read_inspections(store))
    data = public_file(book, "T-2")
    assert data["seed"] is None and verify_public(data).checks[-1] == "not drawn yet"
