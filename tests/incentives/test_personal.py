"""The personal credit score: base plus point rules, line by line; caps; the rules validated."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from linkrisk.incentives.commitments import Commitment
from linkrisk.incentives.personal import load_point_rules, personal_score
from linkrisk.incentives.rules import RuleError
from tests.incentives.city import Town


def promise(sid: str, state_day: dt.date | None, *, breach: bool = False) -> Commitment:
    return Commitment(
        commitment_id=f"C-{state_day}",
        subject=sid,
        shown="",
        matter="个体经营备案",
        content="",
        committed=dt.date(2024, 1, 1),
        deadline=dt.date(2024, 12, 31),
        authority="示例市场监管局",
        breach_date=dt.date(2024, 6, 1) if breach else None,
    )


def test_a_person_s_score_and_its_lines(town: Town) -> None:
    rules = load_point_rules()
    node = town.snapshot.index(town.p1)
    result = personal_score(rules, town.snapshot, node, [])
    assert result["illustrative"] and result["base"] == 100
    assert result["score"] == 70  # 限制高消费, active: −30
    (line,) = result["lines"]
    assert line["rule"] == "consumption-restriction" and line["points"] == -30
    assert line["date"] == "2025-02-01" and line["record"] and line["what"] == "限制高消费"


def test_commitments_and_caps(town: Town) -> None:
    rules = load_point_rules()
    node = town.snapshot.index(town.d)  # D: its listing was repaired, nothing counts
    kept = [promise(town.d, dt.date(2024, 1, i)) for i in range(1, 7)]
    result = personal_score(rules, town.snapshot, node, kept)
    assert result["score"] == 120  # +5 each, capped at +20
    assert [x["points"] for x in result["lines"]] == [5, 5, 5, 5]
    broken = personal_score(rules, town.snapshot, node, [promise(town.d, None, breach=True)])
    assert broken["score"] == 80 and broken["lines"][0]["rule"] == "commitment-broken"


def test_the_score_stays_within_floor_and_ceiling(town: Town) -> None:
    rules = load_point_rules()
    b = personal_score(rules, town.snapshot, town.snapshot.index(town.b), [])
    assert b["score"] == 100 - 50 - 30 and len(b["lines"]) == 2


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('version="1"\nbase=100\nfloor=0\nceiling=50\n', "floor ≤ base ≤ ceiling"),
        ('version="1"\nbase=1\nfloor=0\nceiling=5\n[[rule]]\nid="x"\nlabel="x"\nkind="event"\n'
         'types=["penalty"]\npoints=0\nactive=true\n', "points must be"),
        ('version="1"\nbase=1\nfloor=0\nceiling=5\n[[rule]]\nid="x"\nlabel="x"\nkind="event"\n'
         'types=["penalty"]\npoints=1\n', "exactly one of active"),
        ('version="1"\nbase=1\nfloor=0\nceiling=5\n[[rule]]\nid="x"\nlabel="x"\n'
         'kind="commitment"\nstatus="late"\npoints=1\n', "status must be"),
    ],
)  # fmt: skip
def test_bad_point_rules_are_named(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "points.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RuleError) as caught:
        load_point_rules(path)
    assert message in str(caught.value)
