"""Publication (公示) of a plan: CSV and XLSX for people, JSON files for verification.

Nothing internal is published: no risk tier (企业信用风险分类 results steer the regulator's
own sampling and are not made public), no snapshot or model version, no digest that could be
tested against guessed tiers. Personal data is masked: inspectors appear by id and masked name
(张*明), person subjects by masked name only, and no ID number (not even a masked one) is
written. Conflict-of-interest skips appear only as a count, never with their reason. Matters
appear by name from the 抽查事项清单 (``matters.py``). The JSON files are the announcement and
the public verification file (``public_file.py``) so that anyone can run
``linkrisk sampling verify --file``; the auditor's sealed frame file is written separately.

A plan is published with a result for every selected subject, or with ``partial`` giving the
reason, which the plan sheet and the verification file then state. The due date is 20 working
days after the inspection period ends. Names and plan texts come from registrations and users:
the CSV files are written with the spreadsheet-safe writer and the XLSX cells as text
(``loaders.spreadsheet``), so none of them runs as a formula.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from openpyxl import Workbook

from linkrisk.errors import Conflict
from linkrisk.graph.embedded.store import EmbeddedStore
from linkrisk.graph.store import GraphStore
from linkrisk.loaders.records import SubjectKind
from linkrisk.loaders.spreadsheet import SafeCsvWriter, text_cells
from linkrisk.sampling.commitment import sealed_digest
from linkrisk.sampling.draw import RANDOM
from linkrisk.sampling.inspectors import ASSIGNED, CAPACITY
from linkrisk.sampling.mandatory import RESULT_LABELS
from linkrisk.sampling.matters import Catalogue, load_catalogue
from linkrisk.sampling.params import TIERS
from linkrisk.sampling.plans import PlanBook, PlanRecord, PlanStatus, require
from linkrisk.sampling.public import drawn_per_tier
from linkrisk.sampling.public_file import public_file, write_announcement, write_json
from linkrisk.sampling.verify import material_from_book, verify_material
from linkrisk.sampling.workdays import HolidayCalendar, due_date

RESULT_COLUMNS = (
    "序号",
    "主体标识",
    "主体名称",
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
                _how(p.how, p.reason),
                members,
                status,
                conflicts,
                when.isoformat() if when else "",
                RESULT_LABELS.get(result, result),
            ]
        )
    return rows


def plan_sheet(
    record: PlanRecord,
    due: date,
    catalogue: Catalogue,
    partial: str | None,
    missing: int,
    selected: int,
) -> list[tuple[str, str]]:
    """The plan's facts and public verification material, as (label, value) pairs."""
    p = record.params
    strata = record.stats.get("strata", {})
    drawn = drawn_per_tier(p, strata) if strata else {}
    ratios = "; ".join(
        f"{float(r):.0%}" + (f" (至少 {m})" if m else "")
        for r, m in zip(p.ratios, p.minimums, strict=True)
    )
    facts = [
        ("计划编号", record.plan_id),
        ("计划名称", record.name),
        ("检查部门", "、".join(p.departments)),
        ("检查事项", catalogue.names(p.matters)),
        ("检查期间", f"{p.inspect_start} 至 {p.inspect_end}"),
        ("公示截止日期", due.isoformat()),
        ("名录库主体数", str(record.frame_size)),
        ("各层主体数", "; ".join(f"第{i + 1}层 {strata.get(t, 0)}" for i, t in enumerate(TIERS))),
        ("各层抽取比例", ratios),
        (
            "各层随机抽取数",
            "; ".join(f"第{i + 1}层 {drawn.get(t, 0)}" for i, t in enumerate(TIERS)),
        ),
        ("抽取主体数", str(selected)),
        ("每户检查人员数", str(p.team_size)),
        (
            "公示完整性",
            f"部分公示: {missing} 户尚无检查结果。原因: {partial}" if partial else "完整",
        ),
        ("名录承诺 (Merkle 根)", record.frame_root or ""),
        ("封存名录摘要", announce_digest_of(record)),
        ("计划公告摘要 SHA-256", record.public_digest or ""),
        ("参数摘要 SHA-256", record.params_digest),
        ("随机种子承诺 SHA-256", record.seed_commitment),
        ("随机种子", record.seed or ""),
        ("抽取结果摘要 SHA-256", record.result_digest or ""),
        ("人员分配摘要 SHA-256", record.assignment_digest or ""),
        ("参数", record.params_json),
        ("核验方法", f"linkrisk sampling verify --file {record.plan_id}.verify.json"),
    ]
    return facts


def announce_digest_of(record: PlanRecord) -> str:
    return sealed_digest(record.frame_key, record.plan_digest) if record.frame_key else ""


def missing_results(book: PlanBook, graph: GraphStore, plan_id: str) -> int:
    """Selected subjects with no recorded result."""
    results = plan_results(graph, plan_id)
    return sum(1 for p in book.selection(plan_id) if p.sid not in results)


def publish_plan(
    book: PlanBook,
    graph: GraphStore,
    plan_id: str,
    out_dir: Path,
    calendar: HolidayCalendar | None = None,
    *,
    partial: str | None = None,
    catalogue: Catalogue | None = None,
) -> dict[str, str]:
    """Verify, then write ``<plan>.plan.csv``, ``<plan>.results.csv``, ``<plan>.xlsx``,
    ``<plan>.announce.json`` and ``<plan>.verify.json`` into ``out_dir``; mark the plan
    published. Refuses while a selected subject has no result, unless ``partial`` says why.
    Returns the paths and the due date."""
    record = book.get(plan_id)
    require(record, PlanStatus.RESULTS, PlanStatus.PUBLISHED)
    if not record.frame_key:
        raise Conflict(
            f"plan {plan_id} was created before public verification existed: publishing it would"
            " disclose its frame with the tiers; create the plan again"
        )
    partial = (partial or "").strip() or None
    missing = missing_results(book, graph, plan_id)
    selected = len(book.selection(plan_id))
    if missing and partial is None:
        raise Conflict(
            f"plan {plan_id} has results for {selected - missing:,} of {selected:,} selected"
            f" subjects: record the others, or publish with --partial REASON (printed in the"
            f" publication)",
            missing=missing,
            selected=selected,
        )
    verify_material(material_from_book(book, plan_id))  # never publish a draw that does not verify
    due = due_date(record.params.inspect_end, calendar)
    catalogue = catalogue or load_catalogue()
    facts = plan_sheet(record, due, catalogue, partial if missing else None, missing, selected)
    rows = publication_rows(book, graph, record)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {
        "plan_csv": out_dir / f"{plan_id}.plan.csv",
        "results_csv": out_dir / f"{plan_id}.results.csv",
        "xlsx": out_dir / f"{plan_id}.xlsx",
        "announce_json": out_dir / f"{plan_id}.announce.json",
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
    write_announcement(book, plan_id, out_dir)
    extra = {
        "due_date": due.isoformat(),
        "name": record.name,
        "matters": {c: catalogue.name(c) for c in record.params.matters},
        "partial": {"reason": partial, "missing": missing, "selected": selected}
        if missing
        else None,
    }
    write_json(paths["verify_json"], public_file(book, plan_id, extra))
    if record.status is not PlanStatus.PUBLISHED:
        book.set_status(record, PlanStatus.PUBLISHED, "published_at")
    return {**{k: str(v) for k, v in paths.items()}, "due_date": due.isoformat()}


def _write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    # UTF-8 with BOM: Excel on Chinese Windows opens it without garbling
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = SafeCsvWriter(handle)
        writer.writerow(header)
        writer.writerows(rows)
