"""Publication (公示) of a plan: CSV and XLSX for people, a JSON file for verification.

Personal data is masked: inspectors appear by id and masked name (张*明), person subjects by
masked name only, and no ID number (not even a masked one) is written. Conflict-of-interest
skips appear only as a count, never with their reason. The JSON file carries the verification
material (``verify.to_bundle``) so that anyone can run ``linkrisk sampling verify --file``.
The due date is 20 working days after the inspection period ends. Names and plan texts come
from registrations and users: the CSV files are written with the spreadsheet-safe writer and
the XLSX cells as text (``loaders.spreadsheet``), so none of them runs as a formula.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from openpyxl import Workbook

from linkrisk.graph.embedded.store import EmbeddedStore
from linkrisk.graph.store import GraphStore
from linkrisk.loaders.records import SubjectKind
from linkrisk.loaders.spreadsheet import SafeCsvWriter, text_cells
from linkrisk.sampling.draw import RANDOM
from linkrisk.sampling.inspectors import ASSIGNED, CAPACITY
from linkrisk.sampling.mandatory import RESULT_LABELS
from linkrisk.sampling.params import TIERS
from linkrisk.sampling.plans import PlanBook, PlanRecord, PlanStatus, require
from linkrisk.sampling.verify import material_from_book, to_bundle, verify_material
from linkrisk.sampling.workdays import HolidayCalendar, due_date

RESULT_COLUMNS = (
    "序号",
    "主体标识",
    "主体名称",
    "风险分类",
    "抽取方式",
    "检查人员",
    "分配状态",
    "回避人数",
    "检查日期",
    "检查结果",
)


def mask_name(name: str) -> str:
    """A person's name for publication: first and last character kept, ``张*明``, ``李*``."""
    name = name.strip()
    if len(name) <= 1:
        return "*" if name else ""
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def subject_names(graph: GraphStore, sids: Sequence[str]) -> dict[str, tuple[str, str]]:
    """``sid → (name, kind)`` of the given subjects."""
    found: dict[str, tuple[str, str]] = {}
    if isinstance(graph, EmbeddedStore):
        for start in range(0, len(sids), 500):
            chunk = list(sids[start : start + 500])
            marks = ", ".join("?" for _ in chunk)
            for sid, name, kind in graph.execute(
                f"SELECT sid, name, kind FROM subjects WHERE sid IN ({marks})", chunk
            ):
                found[sid] = (name or "", kind or "")
        return found
    for sid in sids:
        row = graph.get_subject(sid)
        if row:
            found[sid] = (row.get("name") or "", row.get("kind") or "")
    return found


def plan_results(graph: GraphStore, plan_id: str) -> dict[str, tuple[date, str]]:
    """``sid → (inspection date, result)`` recorded for a plan (the worst result if several)."""
    rows: Iterable[tuple[Any, ...]]
    if isinstance(graph, EmbeddedStore):
        rows = graph.execute(
            "SELECT sid, inspect_date, result FROM inspections WHERE plan_id = ?", (plan_id,)
        )
        rows = [(s, date.fromisoformat(d), r) for s, d, r in rows]
    else:
        batches = list(
            graph.read_table("inspections", ["plan_id", "sid", "inspect_date", "result"])
        )
        if not batches:
            return {}
        table = pa.Table.from_batches(batches)
        table = table.filter(pc.equal(table["plan_id"], plan_id))
        rows = zip(*(table[c].to_pylist() for c in ("sid", "inspect_date", "result")), strict=True)
    order = list(RESULT_LABELS)  # later in the list = more serious
    found: dict[str, tuple[date, str]] = {}
    for sid, when, result in rows:
        seen = found.get(sid)
        if seen is None or order.index(result) > order.index(seen[1]):
            found[sid] = (when, result)
    return found


def _subject_display(sid: str, names: dict[str, tuple[str, str]]) -> tuple[str, str]:
    name, kind = names.get(sid, ("", ""))
    if kind == SubjectKind.PERSON.value or sid.startswith(("P", "W")):
        return "个人主体", mask_name(name)
    return sid, name


def _how(how: str, reason: str) -> str:
    if how == RANDOM:
        return "随机抽取"
    return "必检: 延伸检查" if reason.startswith("延伸检查") else "必检: 上次抽查结果异常"


def publication_rows(book: PlanBook, graph: GraphStore, record: PlanRecord) -> list[list[Any]]:
    """One row per selected subject, masked."""
    picks = book.selection(record.plan_id)
    teams = {t.sid: t for t in book.teams(record.plan_id)}
    inspectors = {m.inspector_id: m.name for m in book.pool(record.plan_id)}
    names = subject_names(graph, [p.sid for p in picks])
    results = plan_results(graph, record.plan_id)
    rows = []
    for p in picks:
        team = teams.get(p.sid)
        key, name = _subject_display(p.sid, names)
        members = (
            "、".join(f"{i} {mask_name(inspectors.get(i, ''))}".strip() for i in team.inspectors)
            if team
            else ""
        )
        status = (
            ""
            if team is None
            else (
                "已分配" if team.status == ASSIGNED else "未分配: " + team.status.split(": ", 1)[-1]
            )
        )
        conflicts = sum(1 for i, _r in team.skips if i != CAPACITY) if team else 0
        when, result = results.get(p.sid, (None, ""))
        rows.append(
            [
                p.rank,
                key,
                name,
                p.tier,
                _how(p.how, p.reason),
                members,
                status,
                conflicts,
                when.isoformat() if when else "",
                RESULT_LABELS.get(result, result),
            ]
        )
    return rows


def plan_sheet(record: PlanRecord, due: date) -> list[tuple[str, str]]:
    """The plan's facts and verification material, as (label, value) pairs."""
    p = record.params
    ratios = "; ".join(
        f"{t} {float(r):.0%}" + (f" (至少 {m})" if m else "")
        for t, r, m in zip(TIERS, p.ratios, p.minimums, strict=True)
    )
    return [
        ("计划编号", record.plan_id),
        ("计划名称", record.name),
        ("检查部门", "、".join(p.departments)),
        ("检查事项", "、".join(p.matters)),
        ("检查期间", f"{p.inspect_start} 至 {p.inspect_end}"),
        ("公示截止日期", due.isoformat()),
        ("名录库主体数", str(record.frame_size)),
        ("抽取比例", ratios),
        ("每户检查人员数", str(p.team_size)),
        ("快照版本", record.snapshot_id),
        ("风险模型版本", record.model_version),
        ("参数摘要 SHA-256", record.params_digest),
        ("名录摘要 SHA-256", record.frame_digest),
        ("必检名单摘要 SHA-256", record.mandatory_digest),
        ("随机种子承诺 SHA-256", record.seed_commitment),
        ("随机种子", record.seed or ""),
        ("计划摘要 SHA-256", record.plan_digest),
        ("抽取结果摘要 SHA-256", record.result_digest or ""),
        ("人员分配摘要 SHA-256", record.assignment_digest or ""),
        ("参数", record.params_json),
        ("核验方法", f"linkrisk sampling verify --file {record.plan_id}.verify.json"),
    ]


def publish_plan(
    book: PlanBook,
    graph: GraphStore,
    plan_id: str,
    out_dir: Path,
    calendar: HolidayCalendar | None = None,
) -> dict[str, str]:
    """Verify, then write ``<plan>.plan.csv``, ``<plan>.results.csv``, ``<plan>.xlsx`` and
    ``<plan>.verify.json``; mark the plan published. Returns the paths and the due date."""
    record = book.get(plan_id)
    require(record, PlanStatus.RESULTS, PlanStatus.PUBLISHED)
    material = material_from_book(book, plan_id)
    verify_material(material)  # never publish a draw that does not verify
    due = due_date(record.params.inspect_end, calendar)
    facts = plan_sheet(record, due)
    rows = publication_rows(book, graph, record)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {
        "plan_csv": out_dir / f"{plan_id}.plan.csv",
        "results_csv": out_dir / f"{plan_id}.results.csv",
        "xlsx": out_dir / f"{plan_id}.xlsx",
        "verify_json": out_dir / f"{plan_id}.verify.json",
    }
    _write_csv(paths["plan_csv"], ("项目", "内容"), facts)
    _write_csv(paths["results_csv"], RESULT_COLUMNS, rows)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("计划")
    for fact in facts:
        sheet.append(text_cells(sheet, fact))
    sheet = workbook.create_sheet("抽查结果")
    sheet.append(text_cells(sheet, RESULT_COLUMNS))
    for row in rows:
        sheet.append(text_cells(sheet, row))
    workbook.save(paths["xlsx"])
    bundle = to_bundle(material, {"due_date": due.isoformat(), "name": record.name})
    paths["verify_json"].write_text(json.dumps(bundle, ensure_ascii=False), encoding="utf-8")
    if record.status is not PlanStatus.PUBLISHED:
        book.set_status(record, PlanStatus.PUBLISHED, "published_at")
    return {**{k: str(v) for k, v in paths.items()}, "due_date": due.isoformat()}


def _write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    # UTF-8 with BOM: Excel on Chinese Windows opens it without garbling
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = SafeCsvWriter(handle)
        writer.writerow(header)
        writer.writerows(rows)
