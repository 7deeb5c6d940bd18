"""Features: hand-computed values on a tiny graph, and no leakage from after the as-of date."""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from linkrisk.models.features import (
    ENTITY_FEATURES,
    FEATURE_NAMES,
    GRAPH_FEATURES,
    FeatureTable,
    feature_table,
)
from linkrisk.models.intrinsic import intrinsic_risk
from linkrisk.models.propagation import build_operator, propagate
from tests.factories import org, person
from tests.models.graphs import add, event, inspection, snapshot_of, store_of

T = date(2025, 6, 30)

BASE = {
    "subjects": [
        person("P1"),
        org("H"),
        org("C"),
        org("A", phone="555", reg_date=date(2015, 6, 30), capital=1e6),
        org("B"),
        org("D"),
        org("E", phone="555"),
    ],
    "holdings": [
        {"src": "P1", "dst": "H", "share": 1.0},
        {"src": "H", "dst": "A", "share": 0.6},
        {"src": "C", "dst": "A", "share": 0.4},
        {"src": "H", "dst": "B", "share": 0.4},
        {"src": "A", "dst": "D", "share": 1.0},
    ],
    "officers": [
        {"person": "P1", "org": "A", "role": "legal_representative"},
        {"person": "P1", "org": "B", "role": "legal_representative"},
    ],
    "events": [
        event("e1", "A", "serious_dishonest", date(2025, 1, 10)),
        event("e2", "A", "penalty", date(2023, 1, 10), severity="minor"),
    ],
    "inspections": [
        inspection("B", date(2024, 6, 30), "violation", plan="p1"),
        inspection("B", date(2023, 6, 30), "normal", plan="p0"),
    ],
}


def _features(
    snapshot_path: Path, db: Path, extra: dict | None = None, as_of: date = T
) -> FeatureTable:
    store = store_of(db, **BASE)
    if extra:
        add(store, **extra)
    snap = snapshot_of(store, snapshot_path, as_of)
    intrinsic = intrinsic_risk(snap)
    return feature_table(snap, intrinsic, propagate(build_operator(snap), intrinsic.risk))


@pytest.fixture
def table(tmp_path: Path) -> FeatureTable:
    return _features(tmp_path / "snaps", tmp_path / "s.db")


def _at(table: FeatureTable, name: str, sids: list[str], all_sids: list[str]) -> list[float]:
    column = table.column(name)
    return [float(column[all_sids.index(s)]) for s in sids]


SIDS = sorted(["P1", "H", "C", "A", "B", "D", "E"])


def test_feature_groups_partition_the_names(table: FeatureTable) -> None:
    assert set(ENTITY_FEATURES).isdisjoint(GRAPH_FEATURES)
    assert table.names == FEATURE_NAMES and table.values.shape == (7, len(FEATURE_NAMES))


def test_own_events_and_inspections(table: FeatureTable) -> None:
    assert _at(table, "events_serious_dishonest_12m", ["A", "B"], SIDS) == [1, 0]
    assert _at(table, "events_penalty_12m", ["A"], SIDS) == [0]
    assert _at(table, "events_penalty_36m", ["A"], SIDS) == [1]
    assert _at(table, "active_events", ["A"], SIDS) == [1]  # the 2023 minor penalty has expired
    assert _at(table, "inspections", ["B"], SIDS) == [2]
    assert _at(table, "inspections_abnormal", ["B"], SIDS) == [1]
    assert _at(table, "days_since_abnormal", ["B"], SIDS) == [365]
    assert math.isnan(_at(table, "days_since_abnormal", ["A"], SIDS)[0])


def test_attributes(table: FeatureTable) -> None:
    assert _at(table, "age_years", ["A"], SIDS)[0] == pytest.approx(3653 / 365.25, rel=1e-6)
    assert _at(table, "log_capital", ["A"], SIDS)[0] == pytest.approx(math.log1p(1e6), rel=1e-6)
    assert math.isnan(_at(table, "age_years", ["B"], SIDS)[0])


def test_sanctioned_neighbours(table: FeatureTable) -> None:
    assert _at(table, "sanctioned_owners", ["D", "A"], SIDS) == [1, 0]
    assert _at(table, "sanctioned_held", ["H", "C", "P1"], SIDS) == [1, 1, 0]
    assert _at(table, "sanctioned_officers", ["P1", "B"], SIDS) == [1, 0]
    assert _at(table, "sanctioned_contacts", ["E", "A"], SIDS) == [1, 0]
    # B – P1 – A: one two-hop walk through a shared legal representative; A's own walk back is not
    assert _at(table, "sanctioned_2hop_officer", ["B", "A"], SIDS) == [1, 0]
    # B – H – A within HOLDS; P1 – H – A as well
    assert _at(table, "sanctioned_2hop_holds", ["B", "P1", "A"], SIDS) == [1, 1, 0]


def test_ownership_depth_and_concentration(table: FeatureTable) -> None:
    assert _at(table, "ownership_depth", ["A", "H", "P1", "D"], SIDS) == [2, 1, 0, 3]
    assert _at(table, "owners", ["A"], SIDS) == [2]
    assert _at(table, "owner_max_share", ["A"], SIDS)[0] == pytest.approx(0.6)
    assert _at(table, "owner_hhi", ["A"], SIDS)[0] == pytest.approx(0.36 + 0.16)
    assert math.isnan(_at(table, "owner_max_share", ["C"], SIDS)[0])


def test_controller_overlap(table: FeatureTable) -> None:
    # B's legal representative P1 also represents the sanctioned A; H holds only 40 % of B
    assert _at(table, "controller_overlap", ["B", "A"], SIDS) == [1, 0]
    assert _at(table, "controllers_sanctioned", ["D", "B"], SIDS) == [1, 0]  # A controls D


def test_shared_contacts_and_propagated_risk(table: FeatureTable) -> None:
    assert _at(table, "phone_shared", ["A", "E", "B"], SIDS) == [1, 1, 0]
    related = dict(zip(SIDS, table.column("related_risk").tolist(), strict=True))
    assert related["D"] > related["E"] > 0  # a 100 % owner weighs more than a shared phone


def test_no_leakage_from_after_the_as_of_date(tmp_path: Path) -> None:
    later = {
        "subjects": [org("LATE", reg_date=date(2025, 9, 1), phone="555")],
        "holdings": [
            {"src": "E", "dst": "B", "share": 0.9, "start_date": date(2025, 8, 1)},
            {"src": "LATE", "dst": "E", "share": 1.0},
        ],
        "officers": [
            {"person": "P1", "org": "E", "role": "chair", "start_date": date(2025, 7, 1)},
        ],
        "events": [
            event("e9", "E", "serious_dishonest", date(2025, 7, 1)),
            event("e10", "B", "penalty", date(2026, 1, 1), severity="serious"),
        ],
        "inspections": [inspection("A", date(2025, 12, 1), "unreachable", plan="p9")],
    }
    clean = _features(tmp_path / "a", tmp_path / "a.db")
    leaky = _features(tmp_path / "b", tmp_path / "b.db", later)
    assert clean.snapshot_version == leaky.snapshot_version
    np.testing.assert_array_equal(clean.values, leaky.values)  # nan == nan here
    # the extra rows are real: as of a later date they change the table
    after = date(2026, 6, 30)
    clean = _features(tmp_path / "c", tmp_path / "c.db", as_of=after)
    leaky = _features(tmp_path / "d", tmp_path / "d.db", later, as_of=after)
    assert clean.values.shape != leaky.values.shape or not np.array_equal(
        clean.values, leaky.values
    )
