"""Issue 19's subject views on every backend: 受益所有人 through ``GraphQueries``, 周边风险's
scan grouping, and a snapshot built from the store keeping 认缴出资额 for the card."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from linkrisk.graph.queries import GraphQueries
from linkrisk.graph.queries.beneficial import beneficial_owners
from linkrisk.graph.queries.dossier import dossier
from linkrisk.graph.queries.scan import around_section
from linkrisk.graph.snapshot.arrays import load_current
from linkrisk.graph.snapshot.build import build_snapshot
from linkrisk.graph.store import GraphStore
from tests.factories import org, person, table

Make = Callable[..., GraphQueries]


def test_beneficial_owners_agree(queries: Make) -> None:
    q = queries(
        subjects=[person("P1"), person("P2"), person("M"), org("H"), org("X"), org("W")],
        holdings=[
            {"src": "P1", "dst": "X", "share": 0.3},
            {"src": "H", "dst": "X", "share": 0.7},
            {"src": "P2", "dst": "H", "share": 0.55},
            {"src": "P1", "dst": "W", "share": 0.2},
        ],
        officers=[{"person": "M", "org": "W", "role": "manager"}],
    )
    found = beneficial_owners(q, "X")
    assert [(o.sid, o.rules) for o in found.owners] == [
        ("P2", ("ownership", "control")),
        ("P1", ("ownership",)),
    ]
    fallback = beneficial_owners(q, "W")
    assert fallback.fallback and [(o.sid, o.role) for o in fallback.owners] == [("M", "manager")]


def test_scan_groups_neighbours_alike(queries: Make) -> None:
    q = queries(
        subjects=[org("X"), org("H"), org("Y")],
        holdings=[{"src": "H", "dst": "X", "share": 0.6}],
        branches=[{"parent": "X", "branch": "Y"}],
        events=[
            {"event_id": f"e{s}", "sid": s, "type": "penalty", "decision_date": dt.date(2024, 1, 1)}
            for s in ("H", "Y")
        ],
    )
    section = around_section(q.surrounding_risk("X", hops=1))
    assert [(g.key, [n.sid for n in g.neighbours]) for g in section.groups] == [
        ("1:HOLDS", ["H"]),
        ("1:BRANCH", ["Y"]),
    ]


def test_a_snapshot_from_the_store_keeps_subscribed_capital(
    store: GraphStore, tmp_path: Path
) -> None:
    store.write_batch(
        {
            "subjects": table("subjects", [person("P1"), org("X")]),
            "holdings": table(
                "holdings",
                [
                    {
                        "src": "P1",
                        "dst": "X",
                        "share": 0.4,
                        "subscribed": 1_234_567.89,
                        "start_date": dt.date(2020, 1, 2),
                    }
                ],
            ),
        }
    )
    build_snapshot(store, tmp_path / "snapshots", as_of=dt.date(2025, 1, 1))
    [stake] = dossier(load_current(tmp_path / "snapshots"), "X").shareholders
    assert (stake.sid, stake.subscribed, stake.since) == ("P1", 1_234_567.89, dt.date(2020, 1, 2))
