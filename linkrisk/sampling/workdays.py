"""Working days in mainland China: weekends off, public holidays off, make-up days (调休) on.

The holiday table is data (``holidays.toml`` beside this module; its header documents the
format and the source), so a deployment adds next year's notice without touching code. Counting
into a year the table does not cover raises ``InputError`` rather than guessing.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

from linkrisk.errors import InputError

HOLIDAYS_FILE = Path(__file__).with_name("holidays.toml")
PUBLICATION_WORKDAYS = 20  # results are published (公示) within 20 working days


@dataclass(frozen=True, slots=True)
class HolidayCalendar:
    """Days off and make-up working days of the years covered."""

    off: frozenset[date]
    work: frozenset[date]
    years: frozenset[int]
    provisional: frozenset[int]

    def is_workday(self, day: date) -> bool:
        if day.year not in self.years:
            covered = f"{min(self.years)}–{max(self.years)}" if self.years else "none"
            raise InputError(
                f"the holiday table covers {covered}, not {day.year}:"
                f" add {day.year} to {HOLIDAYS_FILE.name}"
            )
        if day in self.work:
            return True
        return day.weekday() < 5 and day not in self.off

    def add_workdays(self, start: date, count: int) -> date:
        """The ``count``-th working day after ``start`` (``start`` itself not counted)."""
        if count < 1:
            raise InputError("count working days from 1")
        day, found = start, 0
        while found < count:
            day += timedelta(days=1)
            found += self.is_workday(day)
        return day


def parse_calendar(data: dict[str, Any], source: str = "holiday table") -> HolidayCalendar:
    """Build and check a calendar from the TOML structure (see ``holidays.toml``)."""
    off: set[date] = set()
    work: set[date] = set()
    years, provisional = set(), set()
    for key, table in data.get("years", {}).items():
        year = int(key)
        years.add(year)
        if table.get("provisional", False):
            provisional.add(year)
        for period in table.get("off", []):
            first, last = period["from"], period["to"]
            if not (isinstance(first, date) and isinstance(last, date)) or last < first:
                raise InputError(
                    f"{source}: {year} {period.get('name', '')}: from/to must be dates, from ≤ to"
                )
            day = first
            while day <= last:
                off.add(day)
                day += timedelta(days=1)
        for day in table.get("work", []):
            if not isinstance(day, date) or day.weekday() < 5:
                raise InputError(
                    f"{source}: {year}: make-up working day {day} must be a Saturday or Sunday"
                )
            work.add(day)
    both = off & work
    if both:
        raise InputError(
            f"{source}: {sorted(both)[0]} is listed both as a day off and a working day"
        )
    return HolidayCalendar(
        frozenset(off), frozenset(work), frozenset(years), frozenset(provisional)
    )


@lru_cache(maxsize=4)
def load_calendar(path: Path = HOLIDAYS_FILE) -> HolidayCalendar:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise InputError(f"cannot read the holiday table {path}: {exc}") from exc
    return parse_calendar(data, str(path.name))


def due_date(inspect_end: date, calendar: HolidayCalendar | None = None) -> date:
    """Last day to publish results: 20 working days after the inspection period ends."""
    return (calendar or load_calendar()).add_workdays(inspect_end, PUBLICATION_WORKDAYS)
