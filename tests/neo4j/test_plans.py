"""The hot lookups use indexes: EXPLAIN on the live server shows index seeks, never a scan of
every node of a label (on a 2M-subject graph a label scan per lookup is seconds, not ms)."""

from __future__ import annotations

from typing import Any

import pytest

from linkrisk.graph.neo4j import cypher
from linkrisk.graph.neo4j.store import Neo4jStore

pytestmark = pytest.mark.neo4j

#: statement → parameters for EXPLAIN (values only shape the plan, nothing is read)
HOT = {
    "GET_SUBJECT": {"sid": "X"},
    "EVENTS_OF": {"sids": ["X"]},
    "SUBGRAPH_SUBJECTS": {"sids": ["X"], "as_of": None},
    "SUBGRAPH_EDGES": {
        "sids": ["X"],
        "as_of": None,
        "types": ["HOLDS"],
        "outgoing": True,
        "incoming": True,
        "limit": 10,
    },
    "CONTROL_EDGES": {"sids": ["X"], "as_of": None, "min_share": 0.5, "role": "r"},
    "CONTACT_GROUPS": {"sids": ["X"], "as_of": None, "limit": 10},
    "READ_SUBJECTS_PAGE": {"after": "", "limit": 10},
    "READ_HOLDINGS_PAGE": {"after": "", "limit": 10},
    "READ_EVENTS_PAGE": {"after": "", "limit": 10},
    "MERGE_ORGANISATIONS": {"rows": []},
    "MERGE_HOLDINGS": {"rows": []},
    "MERGE_EVENTS": {"rows": []},
}
SCANS = ("NodeByLabelScan", "AllNodesScan", "UnionNodeByLabelsScan", "IntersectionNodeByLabelsScan")


def operators(plan: Any) -> list[str]:
    """Every operator of a plan tree (the driver's ``Plan`` as a dict), root first."""
    found = [str(plan["operatorType"]).split("@")[0]]
    for child in plan.get("children", []):
        found += operators(child)
    return found


def explain(store: Neo4jStore, name: str, params: dict[str, Any]) -> list[str]:
    statement = cypher.statements()[name]
    with store._driver.session(database=store.database) as session:
        summary = session.run("EXPLAIN " + statement, params).consume()
    assert summary.plan is not None
    return operators(summary.plan)


@pytest.mark.parametrize("name", sorted(HOT))
def test_hot_lookups_seek_an_index(neo: Neo4jStore, name: str) -> None:
    ops = explain(neo, name, HOT[name])
    assert any("IndexSeek" in op for op in ops), (name, ops)
    assert not any(op in SCANS for op in ops), (name, ops)
