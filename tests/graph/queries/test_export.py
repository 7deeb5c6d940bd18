"""Exports: networkx graph attributes, GraphML that parses back, JSON nodes and edges."""

from __future__ import annotations

from pathlib import Path

import networkx as nx

from linkrisk.graph.queries.export import subgraph_of, to_graphml, to_json, to_networkx
from tests.factories import org, person
from tests.graph.queries.conftest import Build, holds, officer


def _q(build: Build):  # type: ignore[no-untyped-def]
    return build(
        subjects=[person("P"), org("A", phone="1"), org("B", phone="1")],
        holdings=[holds("P", "A", 0.6)],
        officers=[officer("P", "A", "legal_representative")],
    )


def test_networkx_keeps_parallel_edges_and_attributes(build: Build) -> None:
    graph = to_networkx(_q(build).neighbourhood("A"), names={"A": "甲公司"})
    assert isinstance(graph, nx.MultiDiGraph)
    assert graph.nodes["A"] == {"sid": "A", "kind": "enterprise", "hop": 0, "name": "甲公司"}
    assert graph.edges["P", "A", "HOLDS"] == {"rel": "HOLDS", "share": 0.6}
    assert graph.edges["P", "A", "OFFICER:legal_representative"]["role"] == "legal_representative"
    assert graph.number_of_edges() == 3


def test_graphml_round_trip(build: Build) -> None:
    text = to_graphml(_q(build).neighbourhood("A"))
    back = nx.parse_graphml(text, force_multigraph=True)
    assert set(back.nodes) == {"A", "B", "P"} and back.number_of_edges() == 3


def test_json_and_path_results(build: Build) -> None:
    q = _q(build)
    data = to_json(q.paths("P", "B"))
    assert [n["sid"] for n in data["nodes"]] == ["A", "B", "P"]
    assert {(e["src"], e["dst"], e["rel"]) for e in data["edges"]} == {
        ("P", "A", "HOLDS"),
        ("A", "B", "SAME_CONTACT"),
    }
    owners = subgraph_of(q.owners("A"))
    assert owners.centre == "A" and [n.sid for n in owners.nodes] == ["A", "P"]


def test_group_connections_and_controllers_export(build: Build) -> None:
    q = _q(build)
    group = to_json(q.group("A"))
    assert {n["sid"] for n in group["nodes"]} == {"A", "P"}
    assert [(e["src"], e["dst"], e["rel"]) for e in group["edges"]] == [
        ("P", "A", "HOLDS"),
        ("P", "A", "OFFICER"),
    ]
    connected = to_networkx(q.connections(["A", "B"]))
    assert connected.has_edge("A", "B", "SAME_CONTACT:phone")
    controllers = subgraph_of(q.controllers("A"))
    assert [n.sid for n in controllers.nodes] == ["A", "P"]


GRAPHML_SCHEMA = Path(__file__).with_name("graphml_structure.xsd")


def _validate(text: str) -> None:
    """GraphML structure schema (unique ids, edges and data pointing at what exists)."""
    from lxml import etree

    schema = etree.XMLSchema(etree.parse(str(GRAPHML_SCHEMA)))
    document = etree.fromstring(text.encode("utf-8"))
    assert schema.validate(document), schema.error_log


def test_graphml_edges_have_unique_ids_and_nodes_labels(build: Build) -> None:
    q = build(
        subjects=[person("P", name="张某"), org("A", name="甲公司"), org("B"), org("C")],
        holdings=[holds("P", "A", 0.6), holds("P", "B", 0.5), holds("A", "C", 0.3)],
        officers=[officer("P", "A", "legal_representative"), officer("P", "B", "director")],
    )
    text = to_graphml(q.neighbourhood("A", hops=2), names={"P": "张某", "A": "甲公司"})
    _validate(text)
    back = nx.parse_graphml(text, force_multigraph=True)
    ids = [key for _u, _v, key in back.edges(keys=True)]
    assert len(ids) == back.number_of_edges() == 5 and len(set(ids)) == 5
    assert back.nodes["A"]["label"] == "甲公司" and back.nodes["C"]["label"] == "C"
    labels = {d["label"] for u, v, d in back.edges(data=True) if (u, v) == ("P", "A")}
    assert labels == {"持股 60%", "任职 法定代表人"}
    assert "张某" in text  # names as text, not character references


def test_the_schema_check_can_fail() -> None:
    """The check above is not vacuous: duplicate edge ids and a dangling edge are refused."""
    from lxml import etree

    bad = (
        '<graphml xmlns="http://graphml.graphdrawing.org/xmlns"><graph edgedefault="directed">'
        '<node id="a"/><node id="b"/><edge id="HOLDS" source="a" target="b"/>'
        '<edge id="HOLDS" source="b" target="a"/></graph></graphml>'
    )
    dangling = bad.replace('source="b" target="a"/>', 'source="x" target="a"/>').replace(
        'id="HOLDS" source="x"', 'id="e2" source="x"'
    )
    schema = etree.XMLSchema(etree.parse(str(GRAPHML_SCHEMA)))
    assert not schema.validate(etree.fromstring(bad.encode()))
    assert not schema.validate(etree.fromstring(dangling.encode()))
