"""Words shown to callers: tier labels and reason categories, from ``linkrisk.vocabulary``
(the same tables the command line and the web page read).

Reason codes come from ``Scores.reason_codes(node)``; lenders see them with these plain
labels, never a person's name, an ID number or a piece of the graph.
"""

from __future__ import annotations

from linkrisk.vocabulary import TABLES, both


def tier_labels() -> dict[str, str]:
    """Tier letter → ``信用风险较高 (elevated risk)``."""
    return {tier: both("tier", tier) for tier in TABLES["tier"]}


def reason_label(code: str) -> str:
    """``关联方风险 (risk of related parties …)``; an unknown code as itself, spaced."""
    return both("reason", code) if code in TABLES["reason"] else code.replace("_", " ")
