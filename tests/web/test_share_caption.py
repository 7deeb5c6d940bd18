"""An unknown share is captioned as unknown on the page, never as 0.0 %."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.web.harness import NodeModules


@pytest.fixture(scope="module")
def modules(tmp_path_factory: pytest.TempPathFactory) -> NodeModules:
    return NodeModules(tmp_path_factory.mktemp("modules"))


def test_a_holding_without_a_share_says_unknown(modules: NodeModules) -> None:
    assert modules.call("labels", "holdingCaption", None) == "持股 比例未知"
    assert modules.call("labels", "holdingCaption", 0.35) == "持股 35.0%"
    assert modules.call("labels", "holdingCaption", 0) == "持股 0.0%"  # a recorded 0 is 0


def test_the_graph_captions_holdings_through_it() -> None:
    from linkrisk.web.routes import STATIC_DIR

    graph = (Path(STATIC_DIR) / "graph.js").read_text("utf-8")
    assert 'if (edge.rel === "HOLDS") return holdingCaption(edge.share);' in graph
