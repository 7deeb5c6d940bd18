"""Dates as integer days since 1970-01-01, the month grid of the simulation, and date text."""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from numpy.typing import NDArray

NO_DAY = np.iinfo(np.int32).min  # "no date" inside day arrays (an open end, an unknown start)
_EPOCH = date(1970, 1, 1)

Days = NDArray[np.integer[Any]]


def day(d: date) -> int:
    return (d - _EPOCH).days


def to_date(days: int) -> date:
    return date.fromordinal(_EPOCH.toordinal() + int(days))


_T0 = -30 * 366  # the day lookup table covers 1940–2099
_DAYS = np.arange(_T0, 47_482, dtype=np.int64).astype("datetime64[D]")
_MONTHS = _DAYS.astype("datetime64[M]")
_Y = (_MONTHS.astype("datetime64[Y]").astype(np.int64) + 1970).astype(np.int16)
_M = (_MONTHS.astype(np.int64) % 12 + 1).astype(np.int8)
_D = ((_DAYS - _MONTHS.astype("datetime64[D]")).astype(np.int64) + 1).astype(np.int8)


def ymd(days: Days) -> tuple[Days, Days, Days]:
    """Year, month (1–12) and day of month of each day number (a table lookup)."""
    days = np.asarray(days, np.int64)
    if len(days) and (days.min() < _T0 or days.max() >= _T0 + len(_Y)):
        d64 = days.astype("datetime64[D]")
        months = d64.astype("datetime64[M]")
        year = months.astype("datetime64[Y]").astype(np.int64) + 1970
        return (
            year,
            months.astype(np.int64) % 12 + 1,
            (d64 - months.astype("datetime64[D]")).astype(np.int64) + 1,
        )
    i = days - _T0
    return _Y[i].astype(np.int64), _M[i].astype(np.int64), _D[i].astype(np.int64)


def month_index(days: Days, first_month: int) -> Days:
    """Months since ``first_month`` (itself months since 1970-01) of each day."""
    return (
        np.asarray(days, dtype="datetime64[D]").astype("datetime64[M]").astype(np.int64)
        - first_month
    )


def month_start(months: Days) -> Days:
    """First day of each month given as months since 1970-01."""
    return np.asarray(months, dtype="datetime64[M]").astype("datetime64[D]").astype(np.int64)


def add_years(days: Days, years: Days | int) -> Days:
    """The same calendar day ``years`` later (29 February becomes 28 February)."""
    y, m, d = ymd(days)
    months = (y + years - 1970) * 12 + m - 1
    first = month_start(months)
    last = month_start(months + 1) - 1
    return np.asarray(np.minimum(first + d - 1, last), np.int64)


def between(rng: np.random.Generator, lo: Days, hi: Days) -> Days:
    """A uniform day in ``[lo, hi]`` (``hi`` raised to ``lo`` where it is earlier)."""
    hi = np.maximum(hi, lo)
    return lo + np.floor(rng.random(len(lo)) * (hi - lo + 1)).astype(np.int64)


def iso(days: Days) -> pa.Array:
    """``2021-03-05`` text; NO_DAY becomes null."""
    days = np.asarray(days)
    return pc.cast(pa.array(days.astype(np.int32), pa.date32(), mask=days == NO_DAY), pa.string())


def chinese(days: Days) -> pa.Array:
    """``2021年3月5日`` text; NO_DAY becomes null."""
    days = np.asarray(days)
    none = days == NO_DAY
    y, m, d = ymd(np.where(none, 0, days))
    numbers = _number_text()
    parts = [numbers.take(pa.array(v, pa.int32(), mask=none)) for v in (y, m, d)]
    return pc.binary_join_element_wise(parts[0], "年", parts[1], "月", parts[2], "日", "")


@lru_cache(maxsize=1)
def _number_text() -> pa.Array:
    return pa.array([str(i) for i in range(2200)], pa.string())


def compact(days: Days) -> pa.Array:
    """``20210305`` text; NO_DAY becomes null."""
    return pc.replace_substring(iso(days), "-", "")


def mixed(days: Days, style: NDArray[np.int64]) -> pa.Array:
    """Per row: 0 → ISO, 1 → Chinese, 2 → compact (as users' spreadsheets mix them)."""
    forms = [iso(days), chinese(days), compact(days)]
    return pc.choose(pa.array(np.asarray(style, np.int8)), *forms)
