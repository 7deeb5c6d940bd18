"""Rows of events.csv and inspections.csv, and the inspector workbook, from the city's arrays."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from linkrisk.demo.decisions import AUTHORITIES
from linkrisk.demo.draws import I64
from linkrisk.demo.model import City
from linkrisk.demo.names import pick, vocab
from linkrisk.demo.render import text_or_null
from linkrisk.demo.timeline import iso
from linkrisk.demo.vocab import (
    DEPARTMENTS,
    EVENT_LABELS,
    INSPECTION_RESULTS,
    MATTERS,
    PENALTY,
    REASONS,
    SEVERITIES,
)

EVENT_HEADERS = (
    "统一社会信用代码",
    "当事人名称",
    "类别",
    "处罚严重程度",
    "决定机关",
    "处罚决定书文号",
    "决定日期",
    "公示截止日期",
    "信用修复日期",
    "异议",
    "事由",
)
INSPECTION_HEADERS = (
    "抽查计划编号",
    "统一社会信用代码",
    "检查日期",
    "检查事项",
    "检查结果",
    "执法人员",
    "检查部门",
)
INSPECTOR_HEADERS = (
    "执法证号",
    "姓名",
    "身份证号码",
    "所属部门",
    "行政区划代码",
    "检查事项资格",
    "在岗",
)


def events_table(city: City, lo: int, hi: int) -> pa.Table:
    e, d = city.events, city.decisions
    s = slice(lo, hi)
    person = e.person[s]
    subj = e.subject[s]
    ids = np.where(
        person,
        city.persons.id_number[np.where(person, subj, 0)],
        city.uscc[np.where(person, 0, subj)],
    )
    names = pc.if_else(
        pa.array(person),
        pc.take(city.persons.names, pa.array(np.where(person, subj, 0))),
        city.names.take(pa.array(np.where(person, 0, subj))),
    )
    reasons = [r for t in range(len(EVENT_LABELS)) for r in REASONS[t]]
    offsets = np.cumsum([0] + [len(REASONS[t]) for t in range(len(EVENT_LABELS))])[:-1]
    sev = np.where(e.type[s] == PENALTY, e.severity[s], -1)
    cols = [
        text_or_null(ids.astype("S18")),
        names,
        pick(vocab(EVENT_LABELS), e.type[s]),
        pick(vocab(SEVERITIES), sev),
        pick(vocab(tuple(AUTHORITIES)), d.authority[s]),
        d.number.slice(lo, hi - lo),
        iso(d.day[s]),
        iso(d.disclosure_end[s]),
        iso(d.repair[s]),
        pick(vocab(("否", "是")), np.where(d.objection[s] == 2, -1, d.objection[s])),
        pick(vocab(tuple(reasons)), offsets[e.type[s]] + e.reason[s]),
    ]
    return pa.table(cols, names=list(EVENT_HEADERS))


def inspections_table(city: City, lo: int, hi: int, days: I64) -> pa.Table:
    i = city.inspections
    s = slice(lo, hi)
    dept = np.array([p.dept for p in city.plans])[i.plan[s]]
    codes = [m for d in DEPARTMENTS for m in d.matters]
    offsets = np.cumsum([0] + [len(d.matters) for d in DEPARTMENTS])[:-1]
    dates = pc.replace_substring(iso(days[s]), "-", "/")  # this department exports 2024/05/17
    cols = [
        pick(vocab(tuple(p.plan_id for p in city.plans)), i.plan[s]),
        text_or_null(city.uscc[i.org[s]]),
        dates,
        pick(vocab(tuple(codes)), offsets[dept] + city.matter[s]),
        pick(vocab(INSPECTION_RESULTS), i.result[s]),
        city.inspection_staff.slice(lo, hi - lo),
        pick(vocab(tuple(d.name for d in DEPARTMENTS)), dept),
    ]
    return pa.table(cols, names=list(INSPECTION_HEADERS))


def inspector_rows(city: City) -> list[list[str | None]]:
    r = city.inspectors
    rows: list[list[str | None]] = []
    for k, iid in enumerate(r.inspector_id):
        quals = ";".join(code for j, code in enumerate(MATTERS) if r.qualified[k, j])
        number = r.id_number[k].decode() or None
        rows.append(
            [
                iid,
                r.names[k].as_py(),
                number,
                DEPARTMENTS[int(r.dept[k])].name,
                r.region[k],
                quals,
                "是" if r.active[k] else "否",
            ]
        )
    return rows
