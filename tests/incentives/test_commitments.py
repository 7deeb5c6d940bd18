"""信用承诺: reading a commitments file, statuses, breach detection (penalty on the matter,
missed deadline), breach events, and the commitments as the rules read them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from linkrisk.incentives.commitments import (
    Commitment,
    breach_event_id,
    breach_events,
    find_breaches,
    read_commitments,
)
from tests.api.city import make_id_number, make_uscc

KEY = b"test-key"
FIRM = make_uscc(301)


def commitment(**change: object) -> Commitment:
    base = {
        "commitment_id": "C1",
        "subject": FIRM,
        "shown": FIRM,
        "matter": "食品经营许可",
        "content": "承诺符合食品经营许可条件",
        "committed": dt.date(2025, 1, 1),
        "deadline": dt.date(2025, 12, 31),
        "authority": "示例市场监管局",
    }
    return Commitment(**{**base, **change})  # type: ignore[arg-type]


def penalty(day: dt.date, authority: str = "示例市场监管局", reason: str = "") -> dict[str, object]:
    number = "示罚〔2025〕7号"
    return {"sid": FIRM, "type": "penalty", "authority": authority, "decision_no": number,
            "decision_date": day, "reason": reason}  # fmt: skip


def test_states_over_time() -> None:
    c = commitment()
    assert c.state(dt.date(2025, 6, 1)) == "open"
    assert c.state(dt.date(2026, 1, 1)) == "kept"  # a conduct promise kept through its period
    fulfil = commitment(requires_fulfilment=True)
    assert fulfil.state(dt.date(2026, 1, 1)) == "broken"  # missed deadline
    done = commitment(requires_fulfilment=True, fulfilled=dt.date(2025, 3, 1))
    assert done.state(dt.date(2025, 6, 1)) == "kept"
    broken = commitment(breach_date=dt.date(2025, 5, 1))
    assert (
        broken.state(dt.date(2025, 4, 30)) == "open"
        and broken.state(dt.date(2025, 5, 1)) == "broken"
    )


def test_a_penalty_on_the_matter_in_the_period_is_a_breach() -> None:
    day = dt.date(2025, 7, 1)
    same_authority = find_breaches([commitment()], [penalty(dt.date(2025, 5, 2))], day)
    assert len(same_authority) == 1 and same_authority[0].breach_date == dt.date(2025, 5, 2)
    assert "示罚〔2025〕7号" in (same_authority[0].breach_reason or "")
    other = penalty(dt.date(2025, 5, 2), authority="示例税务局")
    assert find_breaches([commitment()], [other], day) == []
    named = penalty(dt.date(2025, 5, 2), authority="示例税务局", reason="违反食品经营许可规定")
    assert len(find_breaches([commitment()], [named], day)) == 1
    before = penalty(dt.date(2024, 12, 1))
    after_today = penalty(dt.date(2025, 8, 1))
    assert find_breaches([commitment()], [before, after_today], day) == []
    # already broken: not found again
    assert (
        find_breaches(
            [commitment(breach_date=dt.date(2025, 5, 2))], [penalty(dt.date(2025, 6, 1))], day
        )
        == []
    )


def test_a_missed_deadline_is_a_breach_the_day_after() -> None:
    c = commitment(requires_fulfilment=True, deadline=dt.date(2025, 3, 31))
    found = find_breaches([c], [], dt.date(2025, 7, 1))
    assert found[0].breach_date == dt.date(2025, 4, 1) and "逾期未履行" in (
        found[0].breach_reason or ""
    )
    assert find_breaches([c], [], dt.date(2025, 3, 31)) == []


def test_breach_events_are_idempotent_loader_rows() -> None:
    found = find_breaches([commitment()], [penalty(dt.date(2025, 5, 2))], dt.date(2025, 7, 1))
    table = breach_events(found)
    row = table.to_pylist()[0]
    assert row["type"] == "commitment_breach" and row["decision_no"] == "C1"
    assert row["event_id"] == breach_event_id(found[0]) and len(row["event_id"]) == 24
    assert row["disclosure_end"] > row["decision_date"]


def test_reading_a_file(tmp_path: Path) -> None:
    number = make_id_number(41)
    path = tmp_path / "承诺.csv"
    path.write_text(
        "统一社会信用代码,承诺事项,承诺内容,承诺日期,履约期限,承诺受理机关,需补正\n"
        f"{FIRM},食品经营许可,符合条件,2025-01-01,2025年12月31日,示例市场监管局,否\n"
        f"{number},个体经营备案,补交材料,2025/02/01,2025-03-01,示例市场监管局,是\n"
        f"{number[:-1]}0,个体经营备案,补交材料,2025-02-01,2025-03-01,示例市场监管局,是\n"
        f"{FIRM},食品经营许可,,2025-05-01,2025-04-01,示例市场监管局,\n"
        f"{FIRM},,,2025-05-01,2025-06-01,示例市场监管局,\n",
        encoding="utf-8",
    )
    found, rejected = read_commitments(path, KEY)
    assert [c.shown for c in found] == [FIRM, number[:4] + "*" * 10 + number[-4:]]
    assert found[1].subject.startswith("P") and found[1].requires_fulfilment
    assert found[0].deadline == dt.date(2025, 12, 31)
    assert [(r.row, r.field) for r in rejected] == [(4, "subject"), (5, "deadline"), (6, "matter")]
    assert all(number not in r.reason and number[:-1] + "0" not in r.reason for r in rejected)


def test_a_file_without_the_columns_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("名称,日期\n甲,2025-01-01\n", encoding="utf-8")
    with pytest.raises(Exception, match="no column for subject"):
        read_commitments(path, KEY)
