"""调查报告: one subject's investigation report as a printable HTML page (then a PDF).

The report is assembled from the same answers the investigator's routes give (so it shows
exactly what the key may see: persons masked without ``pii``), in ``SECTIONS`` order: each
section is a function of the ``ReportData`` returning HTML, and a section another part of the
system adds (beneficial owners, 风险扫描) is one more entry in that list. Every text goes
through ``html.escape``; the graph picture is an SVG drawn here, so rendering needs no script.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape
from typing import Any

from linkrisk.vocabulary import capital, label

PAGE_CSS = """
@page { size: A4; margin: 16mm 14mm; }
body { font-family: "Noto Sans CJK SC", "Noto Sans SC", sans-serif; font-size: 10.5pt;
  color: #1f2933; }
h1 { font-size: 18pt; margin: 0 0 2mm; } h2 { font-size: 13pt; border-bottom: 1px solid #ccd;
  padding-bottom: 1mm; margin: 6mm 0 2mm; break-after: avoid; }
table { border-collapse: collapse; width: 100%; margin: 1mm 0 2mm; }
th, td { border: 1px solid #d5dbe3; padding: 1mm 1.5mm; text-align: left; vertical-align: top; }
th { background: #f1f4f8; font-weight: 600; } tr { break-inside: avoid; }
.meta { color: #52606d; font-size: 9pt; } .muted { color: #7b8794; }
.tier { display: inline-block; padding: 0 2mm; border-radius: 2mm; color: #fff; }
.tier-A { background: #2e7d32; } .tier-B { background: #1565c0; }
.tier-C { background: #ef6c00; } .tier-D { background: #c62828; }
svg text { font-family: "Noto Sans CJK SC", sans-serif; }
"""
TIER_COLOURS = {"A": "#2e7d32", "B": "#1565c0", "C": "#ef6c00", "D": "#c62828"}


@dataclass
class ReportData:
    """What a report is made of: the answers of the investigator's routes, as plain data."""

    card: dict[str, Any]
    owners: dict[str, Any]
    holdings: dict[str, Any]
    controllers: list[dict[str, Any]]
    risk: dict[str, Any]
    neighbourhood: dict[str, Any]
    produced_by: dict[str, str]  # key_id, org, role
    produced_at: str
    open_alerts: int
    extra: dict[str, Any] = field(default_factory=dict)  # what added sections need


Section = Callable[[ReportData], str]


def _e(value: object) -> str:
    return "—" if value is None or value == "" else escape(str(value))


def _pct(value: object) -> str:
    return "未知" if value is None else f"{float(str(value)) * 100:.2f}%"


def _table(headers: list[str], rows: list[list[str]]) -> str:
    if not rows:
        return '<p class="muted">无 · none</p>'
    head = "".join(f"<th>{h}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _path(path: dict[str, Any], names: dict[str, str]) -> str:
    sids = path["sids"]
    parts = [_e(names.get(sids[0], sids[0]))]
    for i, hop in enumerate(path["hops"]):
        what = label("relation", hop["rel"])
        if hop.get("share") is not None:
            what += f" {_pct(hop['share'])}"
        arrow = "→" if hop["direction"] == "forward" else "←"
        nxt = sids[i + 1] if i + 1 < len(sids) else ""
        parts.append(f"—{escape(what)}{arrow} {_e(names.get(nxt, nxt))}")
    return " ".join(parts)


def _names(data: ReportData) -> dict[str, str]:
    names = {n["sid"]: n.get("name") or n["sid"] for n in data.neighbourhood.get("nodes", [])}
    for entry in data.owners.get("entries", []) + data.holdings.get("entries", []):
        names[entry["sid"]] = entry.get("name") or entry["sid"]
    for item in data.controllers + data.risk.get("neighbours", []):
        names[item["sid"]] = item.get("name") or item["sid"]
    names[data.card["sid"]] = data.card.get("name") or data.card["sid"]
    return names


def header(data: ReportData) -> str:
    card, who = data.card, data.produced_by
    tier = card.get("tier")
    return (
        f"<h1>调查报告 · {_e(card.get('name') or card['sid'])}</h1>"
        f'<p class="meta">统一代码/主体标识 {_e(card["sid"])} · 快照 snapshot '
        f"{_e(card.get('snapshot'))}（截至 {_e(card.get('as_of'))}）· "
        f"生成 {_e(data.produced_at)} · 生成人 {_e(who.get('org'))} / {_e(who.get('role'))} / "
        f"密钥 {_e(who.get('key_id'))}</p>"
        f'<p>风险等级 <span class="tier tier-{_e(tier)}">{_e(tier)}</span> '
        f"{_e(card.get('tier_label'))} · 评分 {_e(card.get('score'))} · "
        f"未读预警 {data.open_alerts}</p>"
    )


def card_section(data: ReportData) -> str:
    c = data.card
    rows = [
        ["类型", _e(label("kind", c.get("kind")))],
        ["状态", _e(label("status", c.get("status")))],
        ["成立日期", _e(c.get("reg_date"))],
        ["行业", _e(c.get("industry"))],
        ["区划", _e(c.get("region"))],
        ["注册资本", _e(capital(c.get("capital")) if c.get("capital") is not None else None)],
        ["地址", _e(c.get("address"))],
        ["电话", _e(c.get("phone"))],
        ["原因", "；".join(_e(r.get("label") or r["code"]) for r in c.get("reasons", [])) or "—"],
    ]
    return "<h2>主体信息 Card</h2>" + _table(["项目", "内容"], rows)


def graph_section(data: ReportData) -> str:
    return "<h2>关联图 Graph (1 hop)</h2>" + graph_svg(data.neighbourhood, data.card["sid"])


def ownership_section(data: ReportData) -> str:
    names = _names(data)
    out = "<h2>股权穿透 Look-through</h2>"
    for title, answer in (("股东（向上）", data.owners), ("对外投资（向下）", data.holdings)):
        rows = [
            [
                _e(e.get("name") or e["sid"]),
                _e(e["sid"]),
                _pct(e["integrated_share"]),
                str(e["depth"]),
                "<br>".join(_path(p, names) for p in e["paths"][:3]),
            ]
            for e in answer.get("entries", [])[:40]
        ]
        out += f"<h3>{title}</h3>" + _table(["名称", "代码", "综合持股", "层级", "路径"], rows)
    return out


def controllers_section(data: ReportData) -> str:
    names = _names(data)
    rows = [
        [
            _e(c.get("name") or c["sid"]),
            _e(c["sid"]),
            _e(c["reason"]),
            _pct(c.get("integrated_share")),
            "<br>".join(_path(p, names) for p in c["paths"][:3]),
        ]
        for c in data.controllers
    ]
    return "<h2>实际控制人 Controllers</h2>" + _table(
        ["名称", "代码", "依据", "综合持股", "路径"], rows
    )


def risk_section(data: ReportData) -> str:
    names = _names(data)
    rows = [
        [
            _e(n.get("name") or n["sid"]),
            str(n["hops"]),
            _path(n["path"], names),
            "；".join(
                f"{_e(label('event_type', ev['type']))} {_e(ev['decision_date'])}"
                for ev in n["events"]
            ),
        ]
        for n in data.risk.get("neighbours", [])[:40]
    ]
    return "<h2>周边风险与路径 Paths to listed subjects</h2>" + _table(
        ["主体", "跳数", "路径", "记录"], rows
    )


def events_section(data: ReportData) -> str:
    rows = [
        [
            _e(label("event_type", e.get("type"))),
            _e(label("severity", e.get("severity"))),
            _e(e.get("decision_date")),
            _e(e.get("authority")),
            _e(e.get("decision_no")),
            "有效" if e.get("active") else "已失效",
        ]
        for e in data.card.get("events", [])
    ]
    return "<h2>记录 Events</h2>" + _table(
        ["类型", "程度", "决定日期", "机关", "文号", "状态"], rows
    )


def beneficial_section(data: ReportData) -> str:
    """受益所有人 (``extra["beneficial"]``: the beneficial-owners answer)."""
    found = data.extra.get("beneficial")
    if not found:
        return ""
    names = _names(data)
    rows = [
        [
            _e(o.get("name") or o["sid"]),
            "、".join(_e(r) for r in o.get("rule_labels", o.get("rules", []))),
            _pct(o.get("integrated_share")),
            "<br>".join(_path(p, names) for p in o.get("paths", [])[:3]),
        ]
        for o in found.get("owners", [])
    ]
    note = "（无人达到持股或控制标准，列高级管理人员）" if found.get("fallback") else ""
    return f"<h2>受益所有人 Beneficial owners{note}</h2>" + _table(
        ["姓名", "认定依据", "综合持股", "路径"], rows
    )


def scan_section(data: ReportData) -> str:
    """风险扫描 (``extra["scan"]``: own records, listed neighbours, open alerts by count)."""
    found = data.extra.get("scan")
    if not found:
        return ""
    rows = [
        [
            _e(section["title"]),
            str(section["total"]),
            "；".join(f"{_e(g['label'])} {g['count']}" for g in section["groups"]) or "无",
        ]
        for section in found.get("sections", [])
    ]
    return f"<h2>风险扫描 Risk scan（{_e(found.get('hops'))} 跳内）</h2>" + _table(
        ["部分", "合计", "分类计数"], rows
    )


#: The report's sections in order; a new section is appended (or inserted) here.
SECTIONS: list[Section] = [
    header,
    card_section,
    scan_section,
    graph_section,
    ownership_section,
    controllers_section,
    beneficial_section,
    risk_section,
    events_section,
]


def graph_svg(answer: dict[str, Any], focus: str, size: int = 640) -> str:
    """The 1-hop neighbourhood as an SVG: the subject in the middle, its related parties on a
    circle in key order (the same subject gives the same picture), names in full."""
    nodes = sorted(
        (n for n in answer.get("nodes", []) if n["sid"] != focus), key=lambda n: n["sid"]
    )
    nodes = nodes[:60]
    centre = size / 2
    radius = size / 2 - 90
    place = {focus: (centre, centre)}
    for i, node in enumerate(nodes):
        angle = 2 * math.pi * i / max(len(nodes), 1) - math.pi / 2
        place[node["sid"]] = (centre + radius * math.cos(angle), centre + radius * math.sin(angle))
    colours = {
        "HOLDS": "#455a64",
        "OFFICER": "#7b1fa2",
        "BRANCH": "#00838f",
        "SAME_CONTACT": "#ef6c00",
    }
    lines = [
        f'<line x1="{place[e["src_sid"]][0]:.1f}" y1="{place[e["src_sid"]][1]:.1f}" '
        f'x2="{place[e["dst_sid"]][0]:.1f}" y2="{place[e["dst_sid"]][1]:.1f}" '
        f'stroke="{colours.get(e["rel"], "#607d8b")}" stroke-width="1.2"/>'
        for e in answer.get("edges", [])
        if e["src_sid"] in place and e["dst_sid"] in place
    ]
    names = {n["sid"]: n.get("name") or n["sid"] for n in answer.get("nodes", [])}
    marks = []
    for sid, (x, y) in place.items():
        big = sid == focus
        r = 9 if big else 6
        anchor = "middle" if big or abs(x - centre) < 20 else ("start" if x > centre else "end")
        dx = 0 if anchor == "middle" else (10 if anchor == "start" else -10)
        fill = "#111827" if big else "#1565c0"
        marks.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r}" fill="{fill}"/>'
            f'<text x="{x + dx:.1f}" y="{y + (22 if big else 4):.1f}"'
            f' font-size="{11 if big else 8}" text-anchor="{anchor}">'
            f"{escape(names.get(sid, sid))}</text>"
        )
    more = len(answer.get("nodes", [])) - 1 - len(nodes)
    note = (
        f'<text x="8" y="{size - 8}" font-size="9">另有 {more} 个关联方未画出</text>'
        if more > 0
        else ""
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" '
        f'viewBox="0 0 {size} {size}">{"".join(lines)}{"".join(marks)}{note}</svg>'
    )


def report_html(data: ReportData, sections: list[Section] | None = None) -> str:
    body = "".join(section(data) for section in (sections or SECTIONS))
    title = escape(f"调查报告 {data.card.get('name') or data.card['sid']}")
    return (
        f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>{title}</title>'
        f"<style>{PAGE_CSS}</style></head><body>{body}</body></html>"
    )
