"""The vectorised random helpers the generator is built from."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
from hypothesis import example, given
from hypothesis import strategies as st

from linkrisk.demo.draws import dedupe, repeated_rows, repeats, round_shares, stream, unique_ints
from linkrisk.demo.timeline import NO_DAY, add_years, chinese, compact, day, iso, mixed, ymd


@given(st.integers(0, 5000), st.integers(1, 10**9), st.integers(0, 2**32))
def test_unique_ints_are_distinct_and_in_range(n: int, high: int, seed: int) -> None:
    n = min(n, high)
    values = unique_ints(np.random.default_rng(seed), n, high)
    assert len(values) == n == len(set(values.tolist()))
    assert ((values >= 0) & (values < high)).all()


@example(sizes=[5], seed=6321).via("the first share fell to 0 when it absorbed the rounding")
@given(st.lists(st.integers(1, 5), min_size=1, max_size=50), st.integers(0, 2**32))
def test_round_shares_sum_to_exactly_100_percent(sizes: list[int], seed: int) -> None:
    rng = np.random.default_rng(seed)
    groups = np.repeat(np.arange(len(sizes)), sizes)
    unit = rng.choice([1, 100], len(sizes))
    bp = round_shares(rng.gamma(1.0, size=len(groups)), groups, unit)
    assert (np.bincount(groups, weights=bp) == 10_000).all()
    assert (bp > 0).all()


def test_dedupe_and_repeats() -> None:
    rng = np.random.default_rng(0)
    keys = rng.integers(0, 50, 40)
    assert repeats(keys).sum() == len(keys) - len(set(keys.tolist()))
    out = dedupe(keys, lambda idx: rng.integers(0, 1000, len(idx)))
    assert len(set(out.tolist())) == len(out)
    a, b = np.array([1, 1, 2, 1]), np.array([5, 5, 5, 6])
    assert repeated_rows(a, b).tolist() == [False, True, False, False]


def test_streams_are_independent_and_reproducible() -> None:
    assert stream(1, "orgs").random() == stream(1, "orgs").random()
    assert stream(1, "orgs").random() != stream(1, "people").random()
    assert stream(1, "orgs").random() != stream(2, "orgs").random()


@given(st.dates(date(1941, 1, 1), date(2098, 12, 31)), st.integers(-30, 30))
def test_dates_match_the_calendar(d: date, years: int) -> None:
    n = np.array([day(d)])
    y, m, dd = ymd(n)
    assert (int(y[0]), int(m[0]), int(dd[0])) == (d.year, d.month, d.day)
    later = add_years(n, years)[0]
    try:
        expected = d.replace(year=d.year + years)
    except ValueError:  # 29 February in a year without one
        expected = date(d.year + years, 2, 28)
    assert date(1970, 1, 1) + timedelta(days=int(later)) == expected


def test_date_text_forms() -> None:
    days = np.array([day(date(2021, 3, 5)), NO_DAY])
    assert iso(days).to_pylist() == ["2021-03-05", None]
    assert chinese(days).to_pylist() == ["2021年3月5日", None]
    assert compact(days).to_pylist() == ["20210305", None]
    assert mixed(days[:1].repeat(3), np.array([0, 1, 2])).to_pylist() == [
        "2021-03-05",
        "2021年3月5日",
        "20210305",
    ]
