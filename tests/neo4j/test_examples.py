"""The Browser and Bloom examples of docs/neo4j.md answer what they promise, on the live server.

linkrisk itself never sends them; an analyst pastes them into Neo4j Browser. Each runs here on a
small hand-made graph whose answer is known.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pyarrow as pa
import pytest

from linkrisk.graph.neo4j import cypher
from linkrisk.graph.neo4j.store import Neo4jStore
from tests.factories import org, person, table

pytestmark = pytest.mark.neo4j


@pytest.fixture
def graph(neo: Neo4jStore) -> Neo4jStore:
    """P holds 60 % of A, A holds 50 % of X; Q is an officer of X and of Y; Y has an open
    listing; Z shares X's phone; X and Y are scored (tier D, region 6101…)."""
    neo.write_batch(
        {
            "subjects": table(
                "subjects",
                [
                    person("P"),
                    person("Q"),
                    org("A"),
                    org("X", phone="029-1234", region="610102"),
                    org("Y", region="610103"),
                    org("Z", phone="029-1234"),
                ],
            ),
            "holdings": table(
                "holdings",
                [{"src": "P", "dst": "A", "share": 0.6}, {"src": "A", "dst": "X", "share": 0.5}],
            ),
            "officers": table(
                "officers",
                [
                    {"person": "Q", "org": "X", "role": "supervisor"},
                    {"person": "Q", "org": "Y", "role": "legal_representative"},
                ],
            ),
            "events": table(
                "events",
                [
                    {
                        "event_id": "E1",
                        "sid": "Y",
                        "type": "abnormal_operation",
                        "decision_date": dt.date(2024, 3, 1),
                    },
                    {
                        "event_id": "E2",
                        "sid": "Y",
                        "type": "penalty",
                        "decision_date": dt.date(2020, 3, 1),
                        "repair_date": dt.date(2021, 1, 1),
                    },
                ],
            ),
        }
    )
    scores = pa.table(
        {
            "sid": ["X", "Y"],
            "score": [0.9, 0.7],
            "tier": ["D", "D"],
            "model_version": ["m1", "m1"],
            "snapshot_id": ["s1", "s1"],
            "as_of": [dt.date(2026, 10, 31)] * 2,
        }
    )
    neo.write_scores(scores)
    return neo


def run(store: Neo4jStore, name: str, **params: Any) -> list[dict[str, Any]]:
    with store._driver.session(database=store.database) as session:
        return [r.data() for r in session.run(cypher.EXAMPLES[name], params)]


def test_ownership_chain(graph: Neo4jStore) -> None:
    rows = run(graph, "EXAMPLE_OWNERSHIP_CHAIN", sid="X")
    chains = sorted(tuple(n["sid"] for n in r["p"][::2]) for r in rows)
    assert chains == [("A", "X"), ("P", "A", "X")]


def test_shortest_paths(graph: Neo4jStore) -> None:
    rows = run(graph, "EXAMPLE_SHORTEST_PATHS", a="P", b="Y")
    assert len(rows) == 1
    assert [n["sid"] for n in rows[0]["p"][::2]] == ["P", "A", "X", "Q", "Y"]


def test_risky_neighbours(graph: Neo4jStore) -> None:
    rows = run(graph, "EXAMPLE_RISKY_NEIGHBOURS", sid="X", types=["abnormal_operation", "penalty"])
    assert rows == [{"sid": "Y", "name": None, "events": ["abnormal_operation"]}]


def test_high_risk_firms(graph: Neo4jStore) -> None:
    rows = run(graph, "EXAMPLE_HIGH_RISK_FIRMS", tier="D", region="6101")
    assert [(r["sid"], r["score"], r["model"]) for r in rows] == [
        ("X", 0.9, "m1"),
        ("Y", 0.7, "m1"),
    ]


def test_shared_phone(graph: Neo4jStore) -> None:
    assert run(graph, "EXAMPLE_SHARED_PHONE", sid="X") == [{"sid": "Z", "name": None}]
