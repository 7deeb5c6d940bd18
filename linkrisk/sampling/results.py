"""Inspection results of a plan: parsed, checked against the plan, written where risk reads them.

Each result becomes one canonical ``inspections`` row per matter inspected (so the next plan's
exclusions and mandatory list see it). An abnormal result (``records.ABNORMAL_RESULTS``) also
becomes an ``inspection_abnormal`` event, whose id follows the loaders' rule
``sha256("sid|type|decision_no|decision_date")[:24]`` with the plan id as decision number, so
recording the same result twice changes nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import pyarrow as pa

from linkrisk.errors import InputError
from linkrisk.graph.store import GraphStore
from linkrisk.loaders.enums import INSPECTION_RESULT
from linkrisk.loaders.records import (
    ABNORMAL_RESULTS,
    EVENTS,
    INSPECTIONS,
    EventType,
    InspectionResult,
)
from linkrisk.sampling.inspectors import ASSIGNED
from linkrisk.sampling.mandatory import RESULT_LABELS
from linkrisk.sampling.plans import PlanBook, PlanRecord, PlanStatus, require


@dataclass(frozen=True, slots=True)
class ResultEntry:
    """One subject's result: ``matter`` None means every matter of the plan."""

    sid: str
    result: InspectionResult
    inspect_date: date
    matter: str | None = None


def parse_result(text: str) -> InspectionResult:
    """``"正常"``, ``"不配合检查"``, ``"unreachable"`` … → the canonical result."""
    value = text.strip()
    if value in {r.value for r in InspectionResult}:
        return InspectionResult(value)
    found = INSPECTION_RESULT.lookup(value) if value else None
    if found is None:
        accepted = "; ".join(RESULT_LABELS.values())
        raise InputError(f"unknown inspection result {text!r}; accepted: {accepted}")
    return InspectionResult(found)


def event_id(sid: str, plan_id: str, when: date) -> str:
    text = f"{sid}|{EventType.INSPECTION_ABNORMAL.value}|{plan_id}|{when.isoformat()}"
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def result_tables(
    record: PlanRecord, teams: dict[str, tuple[str, ...]], entries: Sequence[ResultEntry]
) -> dict[str, pa.Table]:
    """The ``inspections`` and ``events`` rows of a batch of results (pure; checks each entry).

    Parameters
    ----------
    record
        The plan (matters, period, departments).
    teams
        ``sid → inspector ids`` of the subjects that have a team; others cannot have results.
    entries
        The results; the first bad one raises ``InputError`` naming its position and field.
    """
    params = record.params
    inspections: list[dict[str, object]] = []
    events: list[dict[str, object]] = []
    department = params.departments[0]
    for number, e in enumerate(entries, start=1):
        where = f"result {number} ({e.sid})"
        if e.sid not in teams:
            raise InputError(
                f"{where}: subject is not an assigned subject of plan {record.plan_id}"
            )
        if not params.inspect_start <= e.inspect_date <= params.inspect_end:
            raise InputError(
                f"{where}: inspect_date {e.inspect_date} is outside the plan's period"
                f" {params.inspect_start}–{params.inspect_end}"
            )
        if e.matter is not None and e.matter not in params.matters:
            raise InputError(
                f"{where}: matter {e.matter!r} is not one of the plan's {list(params.matters)}"
            )
        for matter in (e.matter,) if e.matter else params.matters:
            inspections.append(
                {
                    "plan_id": record.plan_id,
                    "sid": e.sid,
                    "inspect_date": e.inspect_date,
                    "matter": matter,
                    "result": e.result.value,
                    "inspectors": ";".join(teams[e.sid]),
                    "department": department,
                }
            )
        if e.result in ABNORMAL_RESULTS:
            events.append(
                {
                    "event_id": event_id(e.sid, record.plan_id, e.inspect_date),
                    "sid": e.sid,
                    "type": EventType.INSPECTION_ABNORMAL.value,
                    "authority": department,
                    "decision_no": record.plan_id,
                    "decision_date": e.inspect_date,
                    "reason": RESULT_LABELS[e.result.value],
                }
            )
    tables = {"inspections": _table(INSPECTIONS.schema, inspections)}
    if events:
        tables["events"] = _table(EVENTS.schema, events)
    return tables


def _table(schema: pa.Schema, rows: list[dict[str, object]]) -> pa.Table:
    return pa.Table.from_pylist(
        [{f.name: r.get(f.name) for f in schema} for r in rows], schema=schema
    )


def record_results(
    book: PlanBook, graph: GraphStore, plan_id: str, entries: Sequence[ResultEntry]
) -> dict[str, int]:
    """Write a batch of results (one atomic batch) and move the plan to ``results``."""
    record = book.get(plan_id)
    require(record, PlanStatus.ASSIGNED, PlanStatus.RESULTS)
    if not entries:
        raise InputError("no results given")
    teams = {t.sid: t.inspectors for t in book.teams(plan_id) if t.status == ASSIGNED}
    tables = result_tables(record, teams, entries)
    graph.write_batch(tables)
    if record.status is not PlanStatus.RESULTS:
        book.set_status(record, PlanStatus.RESULTS, "results_at")
    from linkrisk.sampling.publication import plan_results  # (publication imports the book)

    record.stats["recorded"] = len(plan_results(graph, plan_id))  # the page's progress
    book.save_stats(record)
    abnormal = tables["events"].num_rows if "events" in tables else 0
    return {
        "results": len(entries),
        "inspection_rows": tables["inspections"].num_rows,
        "abnormal": abnormal,
    }
