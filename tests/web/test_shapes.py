"""``static/shapes.js`` (API answers → the page's graph model), run in Node on hand-made answers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from linkrisk.web.routes import STATIC_DIR
from tests.web.harness import NodeModules


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Any:
    modules = NodeModules(tmp_path_factory.mktemp("modules"))
    return lambda name, *args: modules.call("shapes", name, *args)


def _edges(graph: dict[str, Any]) -> set[tuple[str, str, str]]:
    return {(e["source"], e["target"], e["rel"]) for e in graph["edges"]}


def _labels(graph: dict[str, Any]) -> dict[str, str]:
    return {n["id"]: n["label"] for n in graph["nodes"]}


def test_a_backward_hop_is_drawn_as_the_stored_edge(run: Any) -> None:
    # A holds X; the person B is X's chair: the path A → X ← B walks the OFFICER edge backwards.
    answer = {
        "a": "A",
        "b": "B",
        "paths": [
            {
                "hops": [
                    {"src_sid": "A", "dst_sid": "X", "rel": "HOLDS", "direction": "forward",
                     "share": 0.6},
                    {"src_sid": "X", "dst_sid": "B", "rel": "OFFICER", "direction": "backward",
                     "role": "chair"},
                ],
                "sids": ["A", "X", "B"],
            }
        ],
        "skipped_supernodes": ["H"],
        "truncated": False,
    }  # fmt: skip
    graph = run("fromPaths", answer)
    assert _edges(graph) == {("A", "X", "HOLDS"), ("B", "X", "OFFICER")}
    assert graph["paths"] == [["A", "X", "B"]]
    assert graph["skipped"] == ["H"]
    holds = next(e for e in graph["edges"] if e["rel"] == "HOLDS")
    assert holds["share"] == 0.6


def test_a_subgraph_keeps_names_and_adds_the_centre(run: Any) -> None:
    answer = {
        "centre": "C",
        "nodes": [{"sid": "N1", "kind": "enterprise", "name": "甲公司", "hop": 1}],
        "edges": [{"src_sid": "N1", "dst_sid": "C", "rel": "BRANCH"}],
        "skipped_supernodes": [],
        "truncated": True,
    }
    graph = run("fromSubgraph", answer)
    assert _labels(graph) == {"C": "C", "N1": "甲公司"}  # an unnamed subject shows its key
    assert graph["truncated"] is True
    assert _edges(graph) == {("N1", "C", "BRANCH")}


def test_a_later_mention_without_a_name_does_not_erase_it(run: Any) -> None:
    # Owners name their entries; the same subject met again inside a path carries no name.
    owners = {
        "sid": "T",
        "direction": "up",
        "entries": [
            {"sid": "P", "kind": "person", "name": "张*", "integrated_share": 0.5, "depth": 2,
             "paths": [{"hops": [
                 {"src_sid": "P", "dst_sid": "M", "rel": "HOLDS", "direction": "forward",
                  "share": 1.0},
                 {"src_sid": "M", "dst_sid": "T", "rel": "HOLDS", "direction": "forward",
                  "share": 0.5},
             ]}]},
        ],
        "paths_truncated": False,
    }  # fmt: skip
    holdings = {"sid": "T", "direction": "down", "entries": [], "paths_truncated": True}
    graph = run("fromOwnership", "T", owners, holdings)
    assert _labels(graph) == {"T": "T", "P": "张*", "M": "M"}
    person = next(n for n in graph["nodes"] if n["id"] == "P")
    assert person["integratedShare"] == 0.5 and person["kind"] == "person"
    assert _edges(graph) == {("P", "M", "HOLDS"), ("M", "T", "HOLDS")}
    assert graph["truncated"] is True


def test_a_shared_supernode_value_links_nobody(run: Any) -> None:
    answer = {
        "sid": "S",
        "contacts": [
            {"kind": "phone", "n_subjects": 3, "sids": ["U", "V"], "supernode": False},
            {"kind": "address", "n_subjects": 240, "sids": [], "supernode": True},
        ],
    }
    graph = run("fromSharedContacts", answer)
    assert _edges(graph) == {("S", "U", "SAME_CONTACT"), ("S", "V", "SAME_CONTACT")}
    assert {e["contact"] for e in graph["edges"]} == {"phone"}
    assert [s["n_subjects"] for s in graph["supernodes"]] == [240]


def test_surrounding_risk_flags_the_risky_neighbours_only(run: Any) -> None:
    answer = {
        "sid": "S",
        "neighbours": [
            {"sid": "R", "kind": "enterprise", "name": "乙公司", "hops": 2, "events": [],
             "path": {"hops": [
                 {"src_sid": "S", "dst_sid": "Q", "rel": "SAME_CONTACT", "direction": "forward",
                  "contact": "email"},
                 {"src_sid": "Q", "dst_sid": "R", "rel": "HOLDS", "direction": "backward"},
             ]}},
        ],
        "skipped_supernodes": [],
        "truncated": False,
    }  # fmt: skip
    graph = run("fromSurroundingRisk", answer)
    flagged = {n["id"] for n in graph["nodes"] if n["sanctioned"]}
    assert flagged == {"R"}
    assert _edges(graph) == {("S", "Q", "SAME_CONTACT"), ("R", "Q", "HOLDS")}


def test_explanation_steps_against_the_stored_edge_are_flipped(run: Any) -> None:
    explanation = {
        "paths": [
            {"source": "Z", "steps": [
                {"src": "Z", "dst": "Y", "relation": "HOLDS", "direction": "reverse"},
                {"src": "Y", "dst": "T", "relation": "BRANCH", "direction": "forward"},
            ]},
        ],
        "truncated": False,
    }  # fmt: skip
    graph = run("fromExplanation", "T", explanation)
    assert _edges(graph) == {("Y", "Z", "HOLDS"), ("Y", "T", "BRANCH")}
    assert graph["paths"] == [["Z", "Y", "T"]]
    assert {n["id"] for n in graph["nodes"] if n["sanctioned"]} == {"Z"}


def test_controllers_are_drawn_with_their_control_paths(run: Any) -> None:
    controllers = [
        {"sid": "P", "kind": "person", "name": "李*", "reason": "legal representative",
         "integrated_share": None,
         "paths": [{"hops": [{"src_sid": "P", "dst_sid": "T", "rel": "OFFICER",
                              "direction": "forward", "role": "legal_representative"}]}]},
    ]  # fmt: skip
    graph = run("fromControllers", "T", controllers)
    assert _labels(graph) == {"T": "T", "P": "李*"}
    assert next(n for n in graph["nodes"] if n["id"] == "P")["controller"] == "legal representative"
    assert _edges(graph) == {("P", "T", "OFFICER")}


def test_shapes_module_has_no_imports(run: Any) -> None:
    """It must stay pure (no DOM, no fetch) for this test to load it outside a browser."""
    text = Path(STATIC_DIR / "shapes.js").read_text(encoding="utf-8")
    assert "import " not in text and "window" not in text and "fetch(" not in text
