"""Intrinsic risk: what a subject's own records say, as of a date.

For every event in the snapshot the rule table in force on the as-of date gives a weight (by type
and severity) and a half-life; the event counts while it is

- decided on or before the as-of date,
- not under objection (异议 pending: frozen until decided),
- not yet repaired (信用修复; the repair takes effect no earlier than the rule's shortest
  disclosure period after the decision),
- still within its disclosure period (公示期): the earlier of the recorded end and the end the
  rule in force allows (so a rule that shortens disclosure applies to ongoing disclosures).

A counting event adds ``weight × 2^(−age / half_life)``; red-list events have negative weights
and lower the total. Abnormal results of earlier inspections (within the rule's window) and the
registration status add their own weights. The raw sum maps to ``risk = 1 − exp(−max(sum, 0))``
in [0, 1): additive for small sums, saturating for subjects with many records.

Everything is vectorised over the snapshot's event arrays (``np.bincount`` per node); there is no
Python loop per event or per node.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from linkrisk.errors import InputError
from linkrisk.graph.relations import EVENT_CODES, NO_END
from linkrisk.graph.snapshot.arrays import Snapshot
from linkrisk.loaders.records import EventType
from linkrisk.models.dates import add_months_days, day_number
from linkrisk.models.rules import RuleBook, RuleTable, load_rules

INSPECTION_EVENT = EVENT_CODES.index(EventType.INSPECTION_ABNORMAL)
RED_LIST = EVENT_CODES.index(EventType.RED_LIST)


@dataclass(frozen=True, slots=True)
class IntrinsicRisk:
    """Intrinsic risk of every snapshot node, with its parts (raw sums before squashing)."""

    as_of: date
    rule_version: str
    risk: np.ndarray  # float64 per node, in [0, 1)
    events: np.ndarray  # raw contribution of adverse events (≥ 0)
    red_list: np.ndarray  # raw contribution of red-list events (≤ 0)
    inspections: np.ndarray  # raw contribution of abnormal inspection results (≥ 0)
    status: np.ndarray  # raw contribution of the registration status (≥ 0)
    event_contribution: np.ndarray  # per snapshot event row (0 when not counting)
    event_active: np.ndarray  # bool per snapshot event row

    def has_active(self, snapshot: Snapshot, event_type: EventType) -> np.ndarray:
        """Bool per node: at least one counting event of ``event_type``."""
        ev = snapshot.events
        rows = self.event_active & (ev["type"] == EVENT_CODES.index(event_type))
        return np.bincount(ev["node"][rows], minlength=snapshot.n) > 0


def score_events(
    events: dict[str, np.ndarray], day: int, table: RuleTable
) -> tuple[np.ndarray, np.ndarray]:
    """Per-event (contribution, counting) on ``day`` under ``table``; pure array code."""
    arrays = table.event_arrays()
    code = events["type"].astype(np.intp)
    known = code >= 0
    t = np.where(known, code, 0)
    s = events["severity"].astype(np.intp) + 1  # -1 (unknown) → column 0
    decision = events["decision"].astype(np.int64)
    months = arrays["disclosure_months"][t, s].astype(np.int64)
    rule_end = np.where(months > 0, add_months_days(decision, months), NO_END)
    end = np.minimum(events["disclosure_end"].astype(np.int64), rule_end)
    repair = events["repair"].astype(np.int64)
    earliest_repair = add_months_days(decision, arrays["repair_min_months"][t, s].astype(np.int64))
    repair = np.where(repair == NO_END, NO_END, np.maximum(repair, earliest_repair))
    counting = known & (decision <= day) & ~events["objection"] & (day < repair) & (day < end)
    age = np.maximum(day - decision, 0)
    decay = np.exp2(-age / arrays["half_life_days"][t, s])
    return np.where(counting, arrays["weight"][t, s] * decay, 0.0), counting


def score_inspections(
    inspections: dict[str, np.ndarray], events: dict[str, np.ndarray], day: int, table: RuleTable
) -> np.ndarray:
    """Per-inspection-row contribution of abnormal results within the rule's window."""
    when = inspections["date"].astype(np.int64)
    result = inspections["result"].astype(np.intp)
    weights = np.append(table.inspection_weight_array(), 0.0)  # code -1 → trailing 0
    in_window = (when <= day) & (day < add_months_days(when, table.inspection_window_months))
    # an inspection_abnormal event for the same subject and day is the same finding: count once
    recorded = (events["type"] == INSPECTION_EVENT) & (events["decision"] <= day)
    event_keys = _node_day_key(events["node"][recorded], events["decision"][recorded])
    seen = np.isin(_node_day_key(inspections["node"], when), event_keys)
    decay = np.exp2(-np.maximum(day - when, 0) / table.inspection_half_life_days)
    return np.where(in_window & ~seen, weights[result] * decay, 0.0)


def _node_day_key(node: np.ndarray, day: np.ndarray) -> np.ndarray:
    return (node.astype(np.int64) << 32) | (day.astype(np.int64) & 0xFFFFFFFF)


def squash(raw: np.ndarray) -> np.ndarray:
    """Raw additive risk → [0, 1): ``1 − exp(−max(raw, 0))``."""
    return np.asarray(-np.expm1(-np.maximum(raw, 0.0)), np.float64)


def intrinsic_risk(
    snapshot: Snapshot, *, rules: RuleBook | None = None, as_of: date | None = None
) -> IntrinsicRisk:
    """Intrinsic risk of every node of ``snapshot`` as of ``as_of`` (default: the snapshot's date).

    Parameters
    ----------
    snapshot : Snapshot
        A point-in-time snapshot; ``as_of`` may not be later than its date (it cannot know more).
    rules : RuleBook, optional
        Versioned rule tables (default: the package's); the one in force on ``as_of`` applies.
    as_of : date, optional

    Returns
    -------
    IntrinsicRisk
    """
    as_of = as_of or snapshot.as_of
    if as_of > snapshot.as_of:
        raise InputError(f"as-of {as_of} is after the snapshot's date {snapshot.as_of}")
    table = (rules or load_rules()).in_force(as_of)
    day, n = day_number(as_of), snapshot.n
    ev = snapshot.events
    contribution, counting = score_events(ev, day, table)
    node = ev["node"]
    red = contribution < 0
    adverse = np.bincount(node, weights=np.where(red, 0.0, contribution), minlength=n)
    red_list = np.bincount(node, weights=np.where(red, contribution, 0.0), minlength=n)
    insp = snapshot.inspections
    inspections = np.bincount(
        insp["node"], weights=score_inspections(insp, ev, day, table), minlength=n
    )
    status = table.status_weight_array()[snapshot.nodes["status"].astype(np.intp)]
    return IntrinsicRisk(
        as_of=as_of,
        rule_version=table.version,
        risk=squash(adverse + red_list + inspections + status),
        events=adverse,
        red_list=red_list,
        inspections=inspections,
        status=status,
        event_contribution=contribution,
        event_active=counting,
    )
