"""A subject through its snapshots: state as of a date, the diff between two, the timeline."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from linkrisk.errors import NotFound
from linkrisk.graph.embedded.store import EmbeddedStore
from linkrisk.graph.queries.history import dated, diff, timeline, version_on
from linkrisk.graph.snapshot.build import build_snapshot
from tests.factories import org, person
from tests.graph.queries.conftest import holds, officer, tables

D1, D2, D3 = dt.date(2022, 12, 31), dt.date(2023, 12, 31), dt.date(2024, 12, 31)


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """Three yearly snapshots of one firm X: P1 sells to P3 in 2023, P2's share grows in 2024,
    the manager changes in 2024, and X's licence is revoked in 2024 (a later registration)."""
    store = EmbeddedStore(tmp_path / "store.db")
    store.migrate()
    store.write_batch(
        tables(
            subjects=[person("P1"), person("P2"), person("P3"), person("M1"), org("X")],
            holdings=[
                holds("P1", "X", 0.5, end_date=dt.date(2023, 6, 1)),
                holds("P3", "X", 0.5, start_date=dt.date(2023, 6, 1)),
                holds("P2", "X", 0.5, end_date=dt.date(2024, 3, 1)),
                holds("P2", "X", 0.6, start_date=dt.date(2024, 3, 1)),
            ],
            officers=[officer("M1", "X", "manager", end_date=dt.date(2024, 5, 1))],
        )
    )
    snapshots = tmp_path / "snapshots"
    build_snapshot(store, snapshots, as_of=D1, supernode_cap=10)
    build_snapshot(store, snapshots, as_of=D2, supernode_cap=10)
    store.write_batch(tables(subjects=[org("X", status="revoked")]))
    build_snapshot(store, snapshots, as_of=D3, supernode_cap=10)
    store.close()
    return snapshots


def test_versions_by_date_and_the_one_in_force(root: Path) -> None:
    assert [v.as_of for v in dated(root)] == [D1, D2, D3]
    assert version_on(root, dt.date(2024, 6, 1)).as_of == D2
    with pytest.raises(NotFound, match="no snapshot is as of"):
        version_on(root, dt.date(2020, 1, 1))


def test_diff_lists_who_entered_left_and_whose_share_changed(root: Path) -> None:
    d = diff(root, "X", D1, D3)
    found = [(c.section, c.change, c.sid, c.before, c.after) for c in d.changes]
    assert found == [
        ("status", "status_changed", None, "active", "revoked"),
        ("shareholder", "entered", "P3", None, 0.5),
        ("shareholder", "left", "P1", 0.5, None),
        ("shareholder", "share_changed", "P2", 0.5, pytest.approx(0.6)),
        ("officer", "left", "M1", None, None),
    ]
    assert d.changes[1].since == dt.date(2023, 6, 1)
    shares = {s.sid: s.share for s in d.before.shareholders}
    assert shares == {"P1": 0.5, "P2": 0.5}


def test_timeline_dates_each_change_between_two_snapshots(root: Path) -> None:
    states, diffs = timeline(root, "X")
    assert [s.as_of for s in states] == [D1, D2, D3]
    assert [(d.before.as_of, d.after.as_of) for d in diffs] == [(D1, D2), (D2, D3)]
    assert [(c.change, c.sid) for c in diffs[0].changes] == [("entered", "P3"), ("left", "P1")]


def test_an_unknown_subject_is_not_found(root: Path) -> None:
    with pytest.raises(NotFound):
        timeline(root, "NOBODY")
