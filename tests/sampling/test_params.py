"""Plan parameters: validation, exact ratios, canonical form."""

from __future__ import annotations

import hashlib
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from linkrisk.errors import InputError
from linkrisk.sampling.draw import stratum_size
from linkrisk.sampling.params import PlanParams, parse_ratio
from tests.sampling.conftest import plan_params


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("0.03", Decimal("0.03")),
        ("3%", Decimal("0.03")),
        ("1/4", Decimal("0.25")),
        ("0", Decimal(0)),
        ("100%", Decimal(1)),
    ],
)
def test_ratios_parse_exactly(text: str, value: Decimal) -> None:
    assert parse_ratio(text) == value


@pytest.mark.parametrize("text", ["", "abc", "-1%", "1.5", "1/0", "nan"])
def test_bad_ratios_are_refused(text: str) -> None:
    with pytest.raises(InputError):
        parse_ratio(text)


@pytest.mark.parametrize(
    ("n", "ratio", "minimum", "expected"),
    [
        (100, "0.03", 0, 3),  # float arithmetic would give ceil(3.0000000000000004) = 4
        (101, "0.03", 0, 4),  # ⌈3.03⌉
        (7, "0.3", 0, 3),  # ⌈2.1⌉
        (10, "0.1", 0, 1),
        (5, "0", 0, 0),  # tier A "complaint-driven only"
        (5, "0", 2, 2),  # the minimum applies even at 0%
        (3, "0.1", 5, 3),  # never more than the stratum
        (0, "0.5", 2, 0),  # an empty stratum gives nothing
        (40, "1", 0, 40),
    ],
)
def test_stratum_sizes(n: int, ratio: str, minimum: int, expected: int) -> None:
    assert stratum_size(n, Decimal(ratio), minimum) == expected


@settings(deadline=None)  # the machine is shared: no timing in tests
@given(st.integers(0, 10_000), st.integers(0, 1000), st.integers(0, 50))
def test_stratum_size_is_exact_ceiling(n: int, permille: int, minimum: int) -> None:
    ratio = Decimal(permille) / 1000
    k = stratum_size(n, ratio, minimum)
    exact = -((-n * permille) // 1000)  # integer ceiling of n × permille / 1000
    assert k == min(n, max(minimum, exact))


def test_canonical_json_round_trips_and_digest_is_sha256_of_it() -> None:
    params = plan_params(
        abnormal_from=("P0",), extended_hops=2, recent_days=90, max_per_inspector=30
    )
    text = params.canonical_json()
    assert PlanParams.from_json(text) == params
    assert params.digest == hashlib.sha256(text.encode()).hexdigest()
    assert '"ratios":{"A":"1","B":"1","C":"1","D":"1"}' in text and " " not in text.replace(
        "测试计划", ""
    )


def test_a_changed_ratio_changes_the_digest() -> None:
    params = plan_params()
    assert params.with_ratio("B", Decimal("0.5")).digest != params.digest


@pytest.mark.parametrize(
    "changes",
    [
        {"plan_id": "A|B"},
        {"plan_id": ""},
        {"team_size": 1},
        {"departments": ()},
        {"matters": ()},
        {"extended_hops": 4},
        {"recent_days": -1},
        {"max_per_inspector": 0},
        {"minimums": (0, -1, 0, 0)},
        {"ratios": (Decimal(2), Decimal(1), Decimal(1), Decimal(1))},
    ],
)
def test_invalid_parameters_are_refused(changes: dict[str, Any]) -> None:
    with pytest.raises(InputError):
        plan_params(**changes)


def test_end_before_start_is_refused() -> None:
    import datetime as dt

    with pytest.raises(InputError, match="before its start"):
        plan_params(inspect_end=dt.date(2025, 6, 1))
