"""Result types: derived path facts, stored edges of hops, JSON form."""

from __future__ import annotations

import datetime as dt

from linkrisk.graph.queries.results import (
    Edge,
    Hop,
    Path,
    PathSet,
    RiskEvent,
    as_dict,
    edge_of_hop,
)
from linkrisk.graph.relations import RelType


def test_path_facts() -> None:
    path = Path((Hop("P", "A", RelType.HOLDS, share=0.5), Hop("A", "B", RelType.HOLDS, share=0.4)))
    assert (path.start, path.end, path.length, path.sids) == ("P", "B", 2, ("P", "A", "B"))
    assert path.share == 0.2
    assert Path((Hop("P", "A", RelType.OFFICER, role="chair"),)).share is None


def test_edge_of_hop_restores_stored_direction() -> None:
    assert edge_of_hop(Hop("B", "A", RelType.HOLDS, "backward", 0.3)) == Edge(
        "A", "B", RelType.HOLDS, 0.3
    )
    assert edge_of_hop(Hop("Z", "A", RelType.SAME_CONTACT, contact="phone")) == Edge(
        "A", "Z", RelType.SAME_CONTACT, contact="phone"
    )


def test_as_dict_is_plain_json() -> None:
    found = PathSet("P", "A", (Path((Hop("P", "A", RelType.HOLDS, share=0.5),)),))
    data = as_dict(found)
    assert data["shortest"] == 1 and data["paths"][0]["sids"] == ["P", "A"]
    assert data["paths"][0]["hops"][0]["rel"] == "HOLDS"
    event = RiskEvent("e1", "penalty", None, dt.date(2024, 1, 2))
    assert as_dict([event]) == [
        {
            "event_id": "e1",
            "type": "penalty",
            "severity": None,
            "decision_date": "2024-01-02",
            "disclosure_end": None,
        }
    ]
