"""Loading catalogues: the illustrative one validates; every kind of mistake is named."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from linkrisk.incentives.catalogue import SCENARIOS, load_catalogue, parse_catalogue
from linkrisk.incentives.rules import RuleError, parse_rule

GOOD = {
    "id": "m-1",
    "name": "测试措施",
    "scenario": "信易贷",
    "effect": "incentive",
    "applies_to": ["enterprise"],
    "authority": "示例机关",
    "basis": "示例依据",
    "effective_from": __import__("datetime").date(2024, 1, 1),
    "description": "示例",
    "rule": {"kind": "honour"},
}


def catalogue(**measure: Any) -> dict[str, Any]:
    return {"catalogue": "t", "version": "1", "measure": [{**GOOD, **measure}]}


def test_the_illustrative_catalogue_loads_and_says_so() -> None:
    cat = load_catalogue()
    assert cat.illustrative and cat.version
    assert set(SCENARIOS) <= {m.scenario for m in cat.measures}
    assert {m.effect for m in cat.measures} == {"incentive", "restriction"}
    assert len(cat.digest) == 64
    assert all(m.basis and m.authority.startswith("示例") for m in cat.measures)


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ({"kind": "tiers", "in": ["A"]}, "unknown rule kind 'tiers'"),
        ({"kind": "tier", "in": ["E"]}, "unknown in 'E'"),
        ({"kind": "listing", "types": ["penalty"]}, "unknown types 'penalty'"),
        ({"kind": "listing"}, "'types' is required"),
        ({"kind": "listing", "types": ["serious_dishonest"], "min": 2, "max": 1}, "can never hold"),
        ({"kind": "listing", "types": ["serious_dishonest"], "max": -1}, "max must be"),
        ({"kind": "events", "types": ["penalty"]}, "within_days must be"),
        (
            {"kind": "events", "types": ["penalty"], "within_days": 9, "severity": ["huge"]},
            "severity",
        ),
        ({"kind": "repair", "types": ["penalty"], "within_days": 0}, "within_days"),
        ({"kind": "commitments", "status": "late"}, "'status' must be one of"),
        ({"kind": "related", "relation": "cousin", "types": ["serious_dishonest"]}, "relation"),
        (
            {"kind": "related", "relation": "officer", "types": ["red_list"], "min_share": 0.5},
            "controller",
        ),
        ({"kind": "honour", "types": ["red_list"]}, "unknown key(s) types"),
        ({"all": []}, "non-empty list"),
        ({"all": [{"kind": "honour"}], "kind": "tier"}, "only key"),
        ("honour", "a rule is a table"),
    ],
)
def test_bad_rules_are_named(rule: Any, message: str) -> None:
    with pytest.raises(RuleError, match="measure 'm-1' rule") as caught:
        parse_catalogue(catalogue(rule=rule))
    assert message in str(caught.value)


def test_the_path_names_the_nested_rule() -> None:
    rule = {"all": [{"kind": "honour"}, {"any": [{"kind": "tier", "in": ["A"]}, {"kind": "x"}]}]}
    with pytest.raises(RuleError, match=r"rule\.all\[1\]\.any\[1\]: unknown rule kind 'x'"):
        parse_rule(rule)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"scenario": "信易购"}, "unknown scenario '信易购'"),
        ({"effect": "reward"}, "effect must be one of"),
        ({"applies_to": ["robot"]}, "applies_to"),
        ({"id": "Bad Id"}, "id must be"),
        ({"name": ""}, "'name'"),
        ({"effective_from": "2024-01-01"}, "TOML dates"),
        ({"surprise": 1}, "unknown key(s) surprise"),
    ],
)
def test_bad_measures_are_named(change: dict[str, Any], message: str) -> None:
    with pytest.raises(RuleError) as caught:
        parse_catalogue(catalogue(**change))
    assert message in str(caught.value)


def test_duplicates_and_declared_scenarios() -> None:
    raw = catalogue()
    raw["measure"].append(dict(GOOD))
    with pytest.raises(RuleError, match="'m-1' is defined twice"):
        parse_catalogue(raw)
    own = {**catalogue(scenario="信易购"), "scenarios": ["信易购"]}
    assert parse_catalogue(own).measures[0].scenario == "信易购"


def test_bad_files(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_bytes(b"\xff\xfe not toml")
    with pytest.raises(RuleError, match=r"bad\.toml: not a TOML catalogue"):
        load_catalogue(bad)
    bad.write_text('catalogue = "x"\nversion = "1"\n', encoding="utf-8")
    with pytest.raises(RuleError, match="no \\[\\[measure\\]\\] tables"):
        load_catalogue(bad)
