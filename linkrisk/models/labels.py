"""Training labels: did a subject get a new serious event within the horizon after the as-of date?

A *serious event* is a serious illegal and dishonest listing (严重违法失信名单), a serious (严重)
administrative penalty, or an abnormal inspection result (an ``inspection_abnormal`` event or an
abnormal row of the inspections table). Labels for features as of T are read from a snapshot
as of T + horizon: the events decided in (T, T + horizon]. Features never see that snapshot.
"""

from __future__ import annotations

from datetime import date

import numpy as np

from linkrisk.errors import InputError
from linkrisk.graph.relations import EVENT_CODES, RESULT_CODES, SEVERITY_CODES
from linkrisk.graph.snapshot.arrays import Snapshot
from linkrisk.loaders.records import ABNORMAL_RESULTS, EventType, Severity
from linkrisk.models.dates import day_number

HORIZON_MONTHS = 12

_SERIOUS_TYPES = [
    EVENT_CODES.index(EventType.SERIOUS_DISHONEST),
    EVENT_CODES.index(EventType.INSPECTION_ABNORMAL),
]
_PENALTY = EVENT_CODES.index(EventType.PENALTY)
_SERIOUS = SEVERITY_CODES.index(Severity.SERIOUS)
_ABNORMAL = [i for i, r in enumerate(RESULT_CODES) if r in ABNORMAL_RESULTS]


def serious_event_nodes(snapshot: Snapshot, start: date, end: date) -> np.ndarray:
    """Bool per node of ``snapshot``: a serious event decided in ``(start, end]``."""
    if end > snapshot.as_of:
        raise InputError(f"labels up to {end} need a snapshot as of then, not {snapshot.as_of}")
    lo, hi = day_number(start), day_number(end)
    ev, insp = snapshot.events, snapshot.inspections
    decided = (ev["decision"] > lo) & (ev["decision"] <= hi)
    serious = np.isin(ev["type"], _SERIOUS_TYPES) | (
        (ev["type"] == _PENALTY) & (ev["severity"] == _SERIOUS)
    )
    inspected = (insp["date"] > lo) & (insp["date"] <= hi) & np.isin(insp["result"], _ABNORMAL)
    hit = np.zeros(snapshot.n, bool)
    hit[ev["node"][decided & serious]] = True
    hit[insp["node"][inspected]] = True
    return hit


def labels_for(earlier: Snapshot, later: Snapshot, horizon_end: date) -> np.ndarray:
    """Labels aligned with ``earlier``'s nodes from events in ``(earlier.as_of, horizon_end]``."""
    hit = serious_event_nodes(later, earlier.as_of, horizon_end)
    later_sids = later.sids[np.flatnonzero(hit)]
    pos = np.searchsorted(earlier.sids, later_sids)
    pos = np.minimum(pos, max(earlier.n - 1, 0))
    found = earlier.n > 0 and later_sids.size > 0
    labels = np.zeros(earlier.n, bool)
    if found:
        match = earlier.sids[pos] == later_sids
        labels[pos[match]] = True
    return labels
