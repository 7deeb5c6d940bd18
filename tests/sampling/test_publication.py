"""Publication: masked names, no ID numbers, UTF-8 BOM CSV, XLSX, due date, verification file."""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from linkrisk.errors import Conflict
from linkrisk.graph.embedded.store import EmbeddedStore
from linkrisk.graph.snapshot.arrays import Snapshot
from linkrisk.loaders.records import InspectionResult
from linkrisk.sampling import (
    PlanBook,
    PlanStatus,
    ResultEntry,
    mask_name,
    publish_plan,
    record_results,
)
from linkrisk.sampling.params import Scope
from linkrisk.sampling.public import read_public, verify_public
from tests.sampling.conftest import plan_params, run_to_assigned

World = tuple[EmbeddedStore, Snapshot]
# a masked or raw resident ID number (not a run of digits inside a hex digest)
ID_LIKE = re.compile(r"\d{4}\*{4,}\d{3}[\dX]|(?<![0-9a-fA-F])\d{17}[\dX](?![0-9a-fA-F])")
RAW_PERSON_NAMES = ("王小明", "李四", "赵一二三", "钱大富", "孙五", "周六", "吴七")


@pytest.mark.parametrize(
    ("name", "masked"),
    [("张三明", "张*明"), ("李四", "李*"), ("欧阳小明", "欧**明"), ("王", "*"), ("", "")],
)
def test_mask_name(name: str, masked: str) -> None:
    assert mask_name(name) == masked


def _publish(book: PlanBook, world: World, tmp_path: Path, **changes: Any) -> dict[str, str]:
    store, _snap = world
    plan = run_to_assigned(book, world, plan_params(**changes))
    teams = [t for t in book.teams(plan) if t.inspectors]
    results = [InspectionResult.NORMAL, InspectionResult.UNREACHABLE] * len(teams)
    entries = [
        ResultEntry(t.sid, r, dt.date(2025, 8, 1)) for t, r in zip(teams, results, strict=False)
    ]
    record_results(book, store, plan, entries)
    missing = len(book.selection(plan)) - len(entries)
    partial = "部分主体无检查组" if missing else None
    return publish_plan(book, store, plan, tmp_path / "pub", partial=partial)


def _all_text(paths: dict[str, str]) -> str:
    texts = [
        Path(paths[k]).read_text(encoding="utf-8-sig")
        for k in ("plan_csv", "results_csv", "verify_json")
    ]
    workbook = load_workbook(paths["xlsx"], read_only=True)
    for sheet in workbook.worksheets:
        texts += [
            str(cell)
            for row in sheet.iter_rows(values_only=True)
            for cell in row
            if cell is not None
        ]
    return "\n".join(texts)


def test_organisation_plan_files(book: PlanBook, world: World, tmp_path: Path) -> None:
    paths = _publish(book, world, tmp_path)
    assert paths["due_date"] == "2025-11-04"
    assert Path(paths["results_csv"]).read_bytes().startswith(b"\xef\xbb\xbf")  # BOM for Excel
    with open(paths["results_csv"], encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 13 and {r["抽取方式"] for r in rows} == {"随机抽取"}
    assert {r["检查结果"] for r in rows} == {"正常", "通过登记的住所(经营场所)无法联系"}
    first = rows[0]
    assert re.fullmatch(r"I\d [^\W\d]\*+[^\W\d]?、I\d [^\W\d]\*+[^\W\d]?", first["检查人员"])
    text = _all_text(paths)
    assert not ID_LIKE.search(text)
    assert not any(name in text for name in RAW_PERSON_NAMES)
    facts = dict(load_workbook(paths["xlsx"], read_only=True)["计划"].iter_rows(values_only=True))
    assert facts["公示截止日期"] == "2025-11-04" and len(facts["名录承诺 (Merkle 根)"]) == 64
    assert facts["检查事项"] == "登记事项检查"  # by name from the 抽查事项清单, not "M01"
    assert verify_public(read_public(Path(paths["verify_json"]))).selected == 13
    assert json.loads(Path(paths["verify_json"]).read_text())["due_date"] == "2025-11-04"
    assert book.get("T-1").status is PlanStatus.PUBLISHED


def test_person_subjects_appear_masked(book: PlanBook, world: World, tmp_path: Path) -> None:
    paths = _publish(book, world, tmp_path, scope=Scope(kinds=("person",), statuses=()))
    with open(paths["results_csv"], encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert {r["主体标识"] for r in rows} == {"个人主体"}
    assert {r["主体名称"] for r in rows} == {"王*明", "李*", "赵**三", "钱*富"}
    text = _all_text(paths)
    assert not ID_LIKE.search(text) and not any(name in text for name in RAW_PERSON_NAMES)


def test_publication_needs_results(book: PlanBook, world: World, tmp_path: Path) -> None:
    store, _snap = world
    plan = run_to_assigned(book, world, plan_params())
    with pytest.raises(Conflict):
        publish_plan(book, store, plan, tmp_path)
