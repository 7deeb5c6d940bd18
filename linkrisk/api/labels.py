"""Words shown to callers: tier labels (from the risk models) and reason categories.

Reason codes come from ``Scores.reason_codes(node)``; lenders see them with these plain
labels, never a person's name, an ID number or a piece of the graph.
"""

from __future__ import annotations

from collections.abc import Mapping

#: the design's labels, used only if the risk models do not export their own
DEFAULT_TIER_LABELS = {
    "A": "信用风险低",
    "B": "信用风险一般",
    "C": "信用风险较高",
    "D": "信用风险高",
}

REASON_LABELS = {
    "own_events": "自身失信/处罚记录 own sanctions and list entries",
    "related_party": "关联方风险 related-party risk",
    "related_party_risk": "关联方风险 related-party risk",
    "inspection_history": "抽查检查记录 inspection history",
    "registration_status": "登记状态 registration status",
    "red_list": "守信激励/红名单 red list",
}


def tier_labels() -> dict[str, str]:
    """Tier letter → label, from ``linkrisk.models.scores`` (``TIERS``, ``TIER_LABELS``)."""
    try:
        from linkrisk.models.scores import TIER_LABELS, TIERS
    except ImportError:
        return dict(DEFAULT_TIER_LABELS)
    labels: object = TIER_LABELS
    if isinstance(labels, Mapping):
        return {str(k): str(v) for k, v in labels.items()}
    return {str(t): str(label) for t, label in zip(TIERS, labels, strict=True)}  # type: ignore[call-overload]


def reason_label(code: str) -> str:
    return REASON_LABELS.get(code, code.replace("_", " "))
