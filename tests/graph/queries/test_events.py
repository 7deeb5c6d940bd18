"""Which events make a subject sanctioned or listed on a date."""

from __future__ import annotations

import datetime as dt

import numpy as np

from linkrisk.graph.queries.events import active_mask, date_of, day_of, risky_nodes
from linkrisk.graph.relations import EVENT_CODES, NO_END
from linkrisk.loaders.records import EventType


def _events(**cols: list[int]) -> dict[str, np.ndarray]:
    return {k: np.asarray(v, np.int32) for k, v in cols.items()}


def test_rules_on_a_date() -> None:
    day = day_of(dt.date(2024, 6, 1))
    penalty, red = EVENT_CODES.index(EventType.PENALTY), EVENT_CODES.index(EventType.RED_LIST)
    events = _events(
        node=[0, 1, 2, 3, 4, 5],
        type=[penalty, penalty, penalty, red, penalty, penalty],
        decision=[day - 10, day - 10, day - 10, day - 10, day + 1, day],
        repair=[NO_END, day, NO_END, NO_END, NO_END, NO_END],
        disclosure_end=[NO_END, NO_END, day, NO_END, NO_END, day + 1],
    )
    # active · repaired today · disclosure ended today · red list · decided tomorrow · decided today
    assert active_mask(events, day).tolist() == [True, False, False, False, False, True]
    assert risky_nodes(events, 7, day).tolist() == [True, False, False, False, False, True, False]


def test_day_round_trip_and_markers() -> None:
    assert date_of(day_of(dt.date(2023, 2, 28))) == dt.date(2023, 2, 28)
    assert date_of(NO_END) is None and date_of(-(2**31)) is None
