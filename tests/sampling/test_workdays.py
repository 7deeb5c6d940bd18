"""Working days: weekends, public holidays and make-up working days (调休) from the table."""

from __future__ import annotations

import datetime as dt

import pytest

from linkrisk.errors import InputError
from linkrisk.sampling.workdays import due_date, load_calendar, parse_calendar

D = dt.date


def test_due_date_across_national_day_and_a_make_up_saturday() -> None:
    # end Tue 2025-09-30; 10-01..10-08 off; Sat 10-11 is a make-up working day.
    # working days: 10-09, 10-10, 10-11, 10-13..17 (8), 10-20..24 (13), 10-27..31 (18), 11-03, 11-04
    assert due_date(D(2025, 9, 30)) == D(2025, 11, 4)


def test_a_sunday_make_up_day_counts_and_the_spring_festival_does_not() -> None:
    cal = load_calendar()
    # 2024: Fri 02-09 worked; 02-10..02-17 off; Sun 02-18 is a make-up working day
    assert cal.add_workdays(D(2024, 2, 9), 1) == D(2024, 2, 18)
    assert not cal.is_workday(D(2024, 2, 12)) and cal.is_workday(D(2024, 2, 4))


def test_plain_weeks_count_weekdays_only() -> None:
    # Fri 2025-03-07 + 20 working days = 4 weeks later: Fri 2025-04-04 is 清明 (off), so Mon 04-07
    assert due_date(D(2025, 3, 7)) == D(2025, 4, 7)


def test_every_year_2024_to_2027_is_covered() -> None:
    cal = load_calendar()
    assert {2024, 2025, 2026, 2027} <= cal.years and 2027 in cal.provisional
    with pytest.raises(InputError, match="add 2028"):
        cal.is_workday(D(2028, 1, 3))


def test_the_table_is_checked() -> None:
    with pytest.raises(InputError, match="Saturday or Sunday"):
        parse_calendar({"years": {"2030": {"work": [D(2030, 1, 7)]}}})
    with pytest.raises(InputError, match="both"):
        parse_calendar(
            {
                "years": {
                    "2030": {
                        "off": [{"from": D(2030, 1, 5), "to": D(2030, 1, 6)}],
                        "work": [D(2030, 1, 5)],
                    }
                }
            }
        )
