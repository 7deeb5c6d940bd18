"""Which events make a subject *sanctioned or listed* on a date, vectorised over a snapshot.

An event counts on day ``t`` when it was decided on or before ``t``, has not been repaired
(信用修复 / 移出) on or before ``t``, its disclosure period has not ended on or before ``t``,
and it is not a red-list entry (守信激励 lowers risk; it never makes a neighbour risky).
A pending objection (异议) freezes an event as it is, so it still counts. Dates in the snapshot
are int32 days since 1970-01-01 with ``NO_END`` for "never"; the snapshot already hides repairs
after its as-of date.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

import numpy as np

from linkrisk.graph.queries.results import RiskEvent
from linkrisk.graph.relations import EVENT_CODES, NO_END, SEVERITY_CODES
from linkrisk.loaders.records import EventType

EPOCH = date(1970, 1, 1)
RED_LIST_CODE = EVENT_CODES.index(EventType.RED_LIST)


def day_of(when: date) -> int:
    """Days since 1970-01-01 (the snapshot's date encoding)."""
    return (when - EPOCH).days


def date_of(day: int) -> date | None:
    """The date of a snapshot day, or None for the ``NO_END`` / ``NO_START`` markers."""
    if day >= NO_END or day <= -(2**31):
        return None
    return EPOCH + timedelta(days=int(day))


def active_mask(events: Mapping[str, np.ndarray], day: int) -> np.ndarray:
    """Boolean mask over event rows: the events that make their subject sanctioned or listed.

    Parameters
    ----------
    events
        Event columns as in ``Snapshot.events`` (``type``, ``decision``, ``repair``,
        ``disclosure_end``; one row per event).
    day
        The query date as days since 1970-01-01.
    """
    mask: np.ndarray = (
        (events["decision"] <= day)
        & (events["repair"] > day)
        & (events["disclosure_end"] > day)
        & (events["type"] != RED_LIST_CODE)
        & (events["type"] >= 0)
    )
    return mask


def risky_nodes(events: Mapping[str, np.ndarray], n: int, day: int) -> np.ndarray:
    """Boolean mask over the ``n`` nodes: subjects with at least one active event on ``day``."""
    mask = np.zeros(n, bool)
    if events["node"].shape[0]:
        mask[events["node"][active_mask(events, day)]] = True
    return mask


def active_events_of(events: Mapping[str, np.ndarray], node: int, day: int) -> list[RiskEvent]:
    """The active events of one node, newest decision first, then by event id."""
    ptr = events["indptr"]
    lo, hi = int(ptr[node]), int(ptr[node + 1])
    rows = {k: v[lo:hi] for k, v in events.items() if k != "indptr"}
    found = []
    for i in np.flatnonzero(active_mask(rows, day)):
        severity = int(rows["severity"][i])
        decided = date_of(int(rows["decision"][i]))
        assert decided is not None  # events without a decision date are never loaded
        found.append(
            RiskEvent(
                event_id=bytes(rows["event_id"][i]).decode(),
                type=EVENT_CODES[int(rows["type"][i])].value,
                severity=SEVERITY_CODES[severity].value if severity >= 0 else None,
                decision_date=decided,
                disclosure_end=date_of(int(rows["disclosure_end"][i])),
            )
        )
    return sort_events(found)


def sort_events(events: list[RiskEvent]) -> list[RiskEvent]:
    """Newest decision first, then by event id (the order every backend reports)."""
    return sorted(events, key=lambda e: (-e.decision_date.toordinal(), e.event_id))


def event_state(row: Mapping[str, date | None], as_of: date) -> str | None:
    """An event record's state on ``as_of``: ``in_force`` (有效), ``repaired`` (已修复, credit
    repair ended it), ``expired`` (its disclosure period is over), None if decided later."""
    decided, repaired, ends = (
        row.get("decision_date"),
        row.get("repair_date"),
        row.get("disclosure_end"),
    )
    if decided is None or decided > as_of:
        return None
    if repaired is not None and repaired <= as_of:
        return "repaired"
    if ends is not None and ends <= as_of:
        return "expired"
    return "in_force"
