"""Evaluating rules: over many nodes at once (masks), or for one node with the facts used.

A fact as the window sees it is a plain dict: the leaf's kind, its path in the catalogue, the
value found, the condition wanted, whether it held, and a sentence in Chinese saying so
(``有效的严重违法失信名单记录 0 条，要求 ≤ 0``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from linkrisk.graph.relations import KIND_CODES, STATUS_CODES
from linkrisk.incentives.facts import SubjectFacts
from linkrisk.incentives.rules import TIER_CHOICES, Leaf, Rule
from linkrisk.loaders.records import Status
from linkrisk.vocabulary import label

_RELATION_WORDS = {
    "controller": "控制人(持股≥{share:.0%})",
    "legal_representative": "法定代表人",
    "officer": "董事、监事、高级管理人员",
    "shareholder": "股东",
}
_STATE_WORDS = {"open": "在期", "kept": "履约", "broken": "违诺"}


def leaf_holds(leaf: Leaf, values: np.ndarray) -> np.ndarray:
    """Where ``values`` (a leaf's facts) satisfy the leaf."""
    if leaf.kind == "tier":
        return np.isin(values, [TIER_CHOICES.index(c) for c in leaf.choices])
    if leaf.kind == "status":
        return np.isin(values, [STATUS_CODES.index(Status(c)) for c in leaf.choices])
    ok = np.ones(values.shape, bool)
    if leaf.low is not None:
        ok &= values >= leaf.low
    if leaf.high is not None:
        ok &= values <= leaf.high
    return ok


def rule_mask(rule: Rule, facts: SubjectFacts, nodes: np.ndarray) -> np.ndarray:
    """Where ``rule`` holds, for each of ``nodes`` (valid node indices)."""
    if isinstance(rule, Leaf):
        return leaf_holds(rule, facts.value(rule)[nodes])
    masks = [rule_mask(part, facts, nodes) for part in rule.parts]
    if rule.op == "not":
        return ~masks[0]
    combine = np.logical_and if rule.op == "all" else np.logical_or
    return combine.reduce(masks) if len(masks) > 1 else masks[0]


def explain(
    rule: Rule, facts: SubjectFacts, node: int, negated: bool = False
) -> tuple[bool, list[dict[str, Any]]]:
    """Whether ``rule`` holds for ``node`` and every leaf fact it read (all leaves, so the
    window sees the whole picture, not only the deciding one). A fact under an odd number of
    ``not`` is marked ``negated``: it counts for the measure when it does *not* hold."""
    if isinstance(rule, Leaf):
        value = facts.value(rule)[node]
        ok = bool(leaf_holds(rule, np.asarray([value]))[0])
        return ok, [{**fact(rule, facts, node, int(value), ok), "negated": negated}]
    inner = not negated if rule.op == "not" else negated
    results = [explain(part, facts, node, inner) for part in rule.parts]
    found = [f for _, part in results for f in part]
    oks = [ok for ok, _ in results]
    if rule.op == "not":
        return not oks[0], found
    return (all(oks) if rule.op == "all" else any(oks)), found


def fact(leaf: Leaf, facts: SubjectFacts, node: int, value: int, ok: bool) -> dict[str, Any]:
    shown: Any = value
    if leaf.kind == "tier":
        shown = TIER_CHOICES[value]
    elif leaf.kind == "status":
        shown = STATUS_CODES[value].value if 0 <= value < len(STATUS_CODES) else "unknown"
    out = {
        "kind": leaf.kind,
        "rule": leaf.path,
        "value": shown,
        "wanted": leaf.wanted(),
        "held": ok,
        "text": sentence(leaf, shown),
    }
    if leaf.kind == "related" and value:
        parties = facts.related_parties(leaf, node)
        out["parties"] = [party_label(facts, p) for p in parties]
    return out


def party_label(facts: SubjectFacts, node: int) -> str:
    """A related party as the window may see it: an organisation's USCC, never a person's key."""
    code = int(facts.snapshot.nodes["kind"][node])
    if 0 <= code < len(KIND_CODES) and KIND_CODES[code].value == "person":
        return "自然人"
    return facts.snapshot.sid(node)


def _types(leaf: Leaf) -> str:
    return "、".join(label("event_type", t) for t in leaf.types)


def sentence(leaf: Leaf, shown: Any) -> str:
    """The fact and the condition in Chinese."""
    want = leaf.wanted().replace("in ", "须为 ").replace(", ", "、")
    want = want if want.startswith("须为") else f"要求 {want}"
    if leaf.kind == "tier":
        now = "无等级" if shown == "none" else f"{shown}({label('tier', shown)})"
        return f"信用风险等级 {now}，{want}"
    if leaf.kind == "status":
        return f"登记状态 {label('status', shown)}，{want}"
    if leaf.kind in ("listing", "honour"):
        return f"有效的{_types(leaf)}记录 {shown} 条，{want}"
    if leaf.kind == "events":
        severity = "、".join(label("severity", s) for s in leaf.severity)
        what = _types(leaf) + (f"({severity})" if severity else "")
        return f"近 {leaf.within_days} 天内{what} {shown} 条，{want}"
    if leaf.kind == "repair":
        return f"近 {leaf.within_days} 天内完成信用修复的{_types(leaf)} {shown} 条，{want}"
    if leaf.kind == "commitments":
        window = f"近 {leaf.within_days} 天内" if leaf.within_days else ""
        return f"{window}信用承诺({_STATE_WORDS[leaf.status]}) {shown} 项，{want}"
    who = _RELATION_WORDS[leaf.relation].format(share=leaf.min_share)
    return f"{who}中有效列入{_types(leaf)}的 {shown} 个，{want}"
