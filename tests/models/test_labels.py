"""Labels: serious events in the year after the as-of date, read from the later snapshot."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from linkrisk.errors import InputError
from linkrisk.models.labels import labels_for
from tests.factories import org
from tests.models.graphs import event, inspection, snapshot_of, store_of

T = date(2025, 10, 31)
LATER = date(2026, 10, 31)


def test_serious_events_within_the_horizon(tmp_path: Path) -> None:
    store = store_of(
        tmp_path / "s.db",
        subjects=[org(s) for s in "ABCDEFG"] + [org("NEW", reg_date=date(2026, 1, 1))],
        events=[
            event("e1", "A", "serious_dishonest", date(2026, 2, 1)),
            event("e2", "B", "penalty", date(2026, 2, 1), severity="serious"),
            event("e3", "C", "penalty", date(2026, 2, 1), severity="minor"),  # not serious
            event("e4", "D", "serious_dishonest", date(2025, 10, 1)),  # before T
            event("e5", "E", "serious_dishonest", date(2026, 11, 1)),  # after the horizon
            event("e6", "NEW", "serious_dishonest", date(2026, 2, 1)),  # not a subject at T
        ],
        inspections=[
            inspection("F", date(2026, 5, 1), "uncooperative"),
            inspection("G", date(2026, 5, 1), "normal"),
        ],
    )
    earlier = snapshot_of(store, tmp_path / "a", T)
    later = snapshot_of(store, tmp_path / "b", LATER)
    labels = labels_for(earlier, later, LATER)
    assert dict(zip(earlier.sid_list(range(earlier.n)), labels.tolist(), strict=True)) == {
        "A": True,
        "B": True,
        "C": False,
        "D": False,
        "E": False,
        "F": True,
        "G": False,
    }
    with pytest.raises(InputError):
        labels_for(earlier, earlier, LATER)  # a snapshot as of T cannot label T's future
