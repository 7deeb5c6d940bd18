"""Intrinsic risk: weights, decay, disclosure, repair and objection by date and rule version."""

from __future__ import annotations

import math
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from linkrisk.errors import InputError
from linkrisk.graph.relations import EVENT_CODES, NO_END, SEVERITY_CODES
from linkrisk.loaders.records import EventType, Severity
from linkrisk.models.dates import add_months, day_number
from linkrisk.models.intrinsic import IntrinsicRisk, intrinsic_risk, score_events
from linkrisk.models.rules import load_rules
from tests.factories import org
from tests.models.graphs import build, event, inspection

T = date(2026, 10, 31)


def _risk(
    tmp_path: Path, events: list[dict], as_of: date = T, **tables: list[dict]
) -> IntrinsicRisk:
    snap = build(
        tmp_path, as_of, subjects=[org("A"), org("B", status="revoked")], events=events, **tables
    )
    return intrinsic_risk(snap, as_of=as_of)


def test_weight_times_half_life_decay(tmp_path: Path) -> None:
    # 2026 rules: major penalty weight 0.35, half-life 730 days; decided 365 days before T
    decided = T - timedelta(days=365)
    risk = _risk(tmp_path, [event("e1", "A", "penalty", decided, severity="major")])
    expected = 0.35 * 2 ** (-365 / 730)
    assert risk.events[0] == pytest.approx(expected)
    assert risk.risk[0] == pytest.approx(1 - math.exp(-expected))
    assert risk.rule_version == "2026"


def test_minor_penalty_disclosure_depends_on_the_rule_version(tmp_path: Path) -> None:
    # decided 2025-06-01: 2023 rules disclose 12 months (to 2026-06-01), 2026 rules 6 (2025-12-01)
    snap = build(
        tmp_path,
        date(2026, 1, 1),
        subjects=[org("A")],
        events=[event("e1", "A", "penalty", date(2025, 6, 1), severity="minor")],
    )
    under_2023 = intrinsic_risk(snap, as_of=date(2025, 12, 31))
    under_2026 = intrinsic_risk(snap, as_of=date(2026, 1, 1))
    assert under_2023.rule_version == "2023" and under_2023.event_active.tolist() == [True]
    assert under_2026.rule_version == "2026" and under_2026.event_active.tolist() == [False]
    assert under_2026.risk[0] == 0


def test_abnormal_operation_ends_after_two_years_under_2026_rules(tmp_path: Path) -> None:
    events = [event("e1", "A", "abnormal_operation", date(2024, 3, 1))]
    assert _risk(tmp_path, events, date(2026, 2, 28)).event_active.tolist() == [True]
    assert _risk(tmp_path, events, date(2026, 3, 1)).event_active.tolist() == [False]
    assert _risk(tmp_path, events, date(2025, 12, 31)).event_active.tolist() == [
        True
    ]  # 2023: 3 years


def test_recorded_disclosure_end_is_respected(tmp_path: Path) -> None:
    events = [event("e1", "A", "key_attention", date(2026, 1, 1), disclosure_end=date(2026, 5, 1))]
    assert _risk(tmp_path, events, date(2026, 4, 30)).event_active.tolist() == [True]
    assert _risk(tmp_path, events, date(2026, 5, 1)).event_active.tolist() == [False]


def test_repair_stops_counting_from_the_repair_date(tmp_path: Path) -> None:
    events = [
        event("e1", "A", "abnormal_operation", date(2025, 9, 1), repair_date=date(2026, 6, 1))
    ]
    assert _risk(tmp_path, events, date(2026, 5, 31)).event_active.tolist() == [True]
    assert _risk(tmp_path, events, date(2026, 6, 1)).event_active.tolist() == [False]


def test_repair_takes_effect_no_earlier_than_the_shortest_disclosure(tmp_path: Path) -> None:
    # 2026 rules: a serious penalty can be repaired 12 months after the decision at the earliest
    events = [
        event(
            "e1",
            "A",
            "penalty",
            date(2026, 1, 10),
            severity="serious",
            repair_date=date(2026, 3, 1),
        )
    ]
    assert _risk(tmp_path, events, date(2026, 10, 31)).event_active.tolist() == [True]


def test_an_event_under_objection_is_frozen(tmp_path: Path) -> None:
    events = [event("e1", "A", "serious_dishonest", date(2026, 1, 1), objection=True)]
    risk = _risk(tmp_path, events)
    assert risk.event_active.tolist() == [False] and risk.risk[0] == 0


def test_red_list_lowers_risk_but_not_below_zero(tmp_path: Path) -> None:
    penalty = event("e1", "A", "penalty", T - timedelta(days=10), severity="serious")
    red = event("e2", "A", "red_list", T - timedelta(days=10))
    alone = _risk(tmp_path, [penalty]).risk[0]
    both = _risk(tmp_path, [penalty, red])
    assert 0 < both.risk[0] < alone and both.red_list[0] < 0
    red_only = [
        event("e3", "A", "red_list", T - timedelta(days=10)),
        event("e4", "B", "red_list", T),
    ]
    risk = _risk(tmp_path, red_only)
    assert risk.red_list[0] < 0 and risk.risk[0] == 0  # clipped at zero
    assert risk.risk[1] == pytest.approx(
        1 - math.exp(-(0.6 - 0.35))
    )  # revoked status less red list


def test_later_events_are_ignored_when_scoring_an_earlier_date(tmp_path: Path) -> None:
    events = [event("e1", "A", "serious_dishonest", date(2026, 9, 1))]
    assert _risk(tmp_path, events, date(2026, 10, 31)).risk[0] > 0
    snap = build(tmp_path, T, subjects=[org("A")], events=events)
    assert intrinsic_risk(snap, as_of=date(2026, 8, 31)).risk[0] == 0


def test_as_of_after_the_snapshot_is_refused(tmp_path: Path) -> None:
    snap = build(tmp_path, T, subjects=[org("A")])
    with pytest.raises(InputError, match="after the snapshot"):
        intrinsic_risk(snap, as_of=T + timedelta(days=1))


def test_abnormal_inspections_count_within_the_window(tmp_path: Path) -> None:
    rows = [
        inspection("A", T - timedelta(days=100), "unreachable", plan="p1"),
        inspection("A", T - timedelta(days=200), "normal", plan="p2"),
        inspection("A", date(2022, 1, 1), "violation", plan="p3"),  # outside the 36-month window
    ]
    risk = _risk(tmp_path, [], inspections=rows)
    assert risk.inspections[0] == pytest.approx(0.35 * 2 ** (-100 / 365))
    assert risk.events[0] == 0


def test_an_inspection_recorded_as_event_counts_once(tmp_path: Path) -> None:
    when = T - timedelta(days=30)
    rows = [inspection("A", when, "violation")]
    risk = _risk(tmp_path, [event("e1", "A", "inspection_abnormal", when)], inspections=rows)
    assert risk.inspections[0] == 0
    assert risk.events[0] == pytest.approx(0.4 * 2 ** (-30 / 365))


def test_registration_status_counts(tmp_path: Path) -> None:
    risk = _risk(tmp_path, [])
    assert risk.status.tolist() == [0.0, 0.6]  # A active, B revoked


# --- the vectorised scorer against a per-event loop over datetime objects -------------------


def _one(
    type_code: int,
    sev_code: int,
    decided: date,
    end: date | None,
    repair: date | None,
    objection: bool,
    as_of: date,
) -> float:
    table = load_rules().in_force(as_of)
    rule = table.rule(EVENT_CODES[type_code], SEVERITY_CODES[sev_code] if sev_code >= 0 else None)
    last = add_months(decided, rule.disclosure_months) if rule.disclosure_months else None
    if end is not None:
        last = end if last is None else min(last, end)
    if repair is not None:
        repair = max(repair, add_months(decided, rule.repair_min_months))
    if decided > as_of or objection or (repair and as_of >= repair) or (last and as_of >= last):
        return 0.0
    return rule.weight * 2 ** (-(as_of - decided).days / rule.half_life_days)


events_strategy = st.lists(
    st.tuples(
        st.integers(0, len(EVENT_CODES) - 1),
        st.integers(-1, len(SEVERITY_CODES) - 1),
        st.dates(date(2018, 1, 1), date(2026, 12, 31)),
        st.none() | st.dates(date(2018, 1, 1), date(2030, 1, 1)),
        st.none() | st.dates(date(2018, 1, 1), date(2030, 1, 1)),
        st.booleans(),
    ),
    min_size=1,
    max_size=30,
)


@settings(max_examples=60, deadline=None)
@given(events_strategy, st.dates(date(2020, 1, 1), date(2026, 12, 31)))
def test_vectorised_scoring_matches_a_loop(rows: list, as_of: date) -> None:
    arrays = {
        "node": np.zeros(len(rows), np.int32),
        "type": np.array([r[0] for r in rows], np.int8),
        "severity": np.array([r[1] for r in rows], np.int8),
        "decision": np.array([day_number(r[2]) for r in rows], np.int32),
        "disclosure_end": np.array([day_number(r[3]) if r[3] else NO_END for r in rows], np.int32),
        "repair": np.array([day_number(r[4]) if r[4] else NO_END for r in rows], np.int32),
        "objection": np.array([r[5] for r in rows], bool),
    }
    table = load_rules().in_force(as_of)
    got, _ = score_events(arrays, day_number(as_of), table)
    expected = [_one(*r, as_of) for r in rows]
    assert got.tolist() == pytest.approx(expected)


def test_event_types_in_the_snapshot_are_all_covered() -> None:
    assert {t.value for t in EVENT_CODES} == {t.value for t in EventType}
    assert Severity.SERIOUS in SEVERITY_CODES
