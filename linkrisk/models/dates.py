"""Calendar arithmetic on the snapshot's day numbers (int32 days since 1970-01-01).

Disclosure periods and feature windows are counted in calendar months ("12 months after the
decision"), so they go through numpy's ``datetime64[M]`` rather than a 30-day approximation.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np

from linkrisk.graph.relations import NO_END, NO_START

EPOCH = date(1970, 1, 1)


def day_number(when: date) -> int:
    """Days since 1970-01-01."""
    return (when - EPOCH).days


def from_day_number(days: int) -> date:
    return EPOCH + timedelta(days=int(days))


def add_months(when: date, months: int) -> date:
    """The same day of the month ``months`` later (clipped to the month's last day).

    >>> add_months(date(2024, 1, 31), 1)
    datetime.date(2024, 2, 29)
    >>> add_months(date(2026, 10, 31), -12)
    datetime.date(2025, 10, 31)
    """
    return from_day_number(
        int(add_months_days(np.array([day_number(when)]), np.array([months]))[0])
    )


def add_months_days(days: np.ndarray, months: np.ndarray | int) -> np.ndarray:
    """Vectorised ``add_months`` over day numbers; ``NO_START``/``NO_END`` pass through."""
    days = np.asarray(days, np.int64)
    sentinel = (days == NO_START) | (days == NO_END)
    safe = np.where(sentinel, 0, days).astype("datetime64[D]")
    month = safe.astype("datetime64[M]")
    day_in_month = (safe - month.astype("datetime64[D]")).astype(np.int64)
    target = month + np.asarray(months, np.int64)
    first = target.astype("datetime64[D]").astype(np.int64)
    length = (target + 1).astype("datetime64[D]").astype(np.int64) - first
    return np.where(sentinel, days, first + np.minimum(day_in_month, length - 1))
