"""Calendar months on day numbers."""

from __future__ import annotations

from datetime import date

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from linkrisk.graph.relations import NO_END, NO_START
from linkrisk.models.dates import add_months, add_months_days, day_number


def _calendar(when: date, months: int) -> date:
    """Slow but obvious: walk the months, clip the day."""
    import calendar

    total = when.year * 12 + when.month - 1 + months
    year, month = divmod(total, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(when.day, last))


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2040, 12, 31)), st.integers(-120, 120))
def test_add_months_matches_the_calendar(when: date, months: int) -> None:
    assert add_months(when, months) == _calendar(when, months)


def test_month_ends_are_clipped() -> None:
    assert add_months(date(2023, 8, 31), 6) == date(2024, 2, 29)
    assert add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)


def test_sentinels_pass_through() -> None:
    days = np.array([NO_START, NO_END, day_number(date(2020, 1, 31))])
    out = add_months_days(days, np.array([3, 3, 1]))
    assert out.tolist() == [NO_START, NO_END, day_number(date(2020, 2, 29))]
