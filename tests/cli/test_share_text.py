"""Shares in the command line's tables: unknown is said, never printed as 0.00 %."""

from __future__ import annotations

from linkrisk.cli.graph_common import relation_text, share_text
from linkrisk.cli.words import use


def test_unknown_and_partial_shares() -> None:
    use("zh")
    assert share_text(None) == "比例未知"
    assert share_text(0.0) == "0.00%"
    assert share_text(0.3, partial=True) == "≥ 30.00%"
    assert relation_text("HOLDS", None, None, None) == "持股 比例未知"
    assert relation_text("HOLDS", None, None, 0.6) == "持股 60.00%"
    use("en")
    assert share_text(None) == "share unknown"
    use("zh")
