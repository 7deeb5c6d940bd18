"""Checks: outcomes per scenario over the illustrative catalogue, single and batch agreeing."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from linkrisk.errors import InputError
from linkrisk.incentives.catalogue import load_catalogue
from linkrisk.incentives.check import OUTCOMES, batch_outcomes, check_subject, scenarios_of
from tests.incentives.city import Town

TODAY = dt.date(2025, 7, 1)


def outcome(result: dict, scenario: str) -> str:
    return next(s["outcome"] for s in result["scenarios"] if s["scenario"] == scenario)


def test_outcomes_with_reasons_and_basis(town: Town) -> None:
    cat, facts = load_catalogue(), town.facts()
    a = check_subject(cat, facts, town.a, None, TODAY)
    assert a["illustrative"] and a["kind"] == "enterprise"
    assert outcome(a, "信易贷") == "eligible"
    assert outcome(a, "评优评先") == "eligible"  # red list
    assert outcome(a, "信易行") == "not_applicable"  # persons only: no measure applies
    xyd = next(s for s in a["scenarios"] if s["scenario"] == "信易贷")
    green = next(m for m in xyd["measures"] if m["id"] == "xyd-green-channel")
    assert green["applies"] and green["basis_number"] == "国发〔2016〕33号"
    assert [f["kind"] for f in green["facts"]] == ["tier", "listing", "related"]
    b = check_subject(cat, facts, town.b, "政府采购", TODAY)
    assert [s["scenario"] for s in b["scenarios"]] == ["政府采购"]
    assert outcome(b, "政府采购") == "restricted"
    # C: its 60% controller is on the serious-dishonest list
    c = check_subject(cat, facts, town.c, None, TODAY)
    assert outcome(c, "招投标") == "restricted"
    assert outcome(c, "信易贷") == "not_applicable"
    p1 = check_subject(cat, facts, town.p1, "高消费", TODAY)
    assert p1["kind"] == "person" and outcome(p1, "高消费") == "restricted"


def test_restrictions_win_over_incentives(town: Town) -> None:
    facts = town.facts(town.commitments([(town.a, dt.date(2025, 3, 1), "broken")]))
    a = check_subject(load_catalogue(), facts, town.a, "信易批", TODAY)
    assert outcome(a, "信易批") == "restricted"
    measures = {m["id"]: m["applies"] for m in a["scenarios"][0]["measures"]}
    assert measures == {"xyp-rongque": False, "xyp-no-commitment": True}


def test_measures_out_of_force_do_not_apply(town: Town) -> None:
    before = check_subject(load_catalogue(), town.facts(), town.b, "政府采购", dt.date(2023, 1, 1))
    assert (
        outcome(before, "政府采购") == "not_applicable" and before["scenarios"][0]["measures"] == []
    )


def test_unknown_subjects_and_scenarios(town: Town) -> None:
    cat = load_catalogue()
    missing = check_subject(cat, town.facts(), "91320102MA0000000X", "信易贷", TODAY)
    assert not missing["found"] and outcome(missing, "信易贷") == "not_found"
    with pytest.raises(InputError, match="unknown scenario '信易购'"):
        scenarios_of(cat, "信易购")


def test_batch_agrees_with_single_checks(town: Town) -> None:
    cat = load_catalogue()
    facts = town.facts(town.commitments([(town.d, dt.date(2025, 3, 1), "broken")]))
    sids = [town.a, town.b, town.c, town.d, town.e, town.p1]
    nodes = np.array([*(facts.snapshot.index(s) for s in sids), -1])
    batch = batch_outcomes(cat, facts, nodes, scenarios_of(cat, None), TODAY)
    for scenario, codes in batch.items():
        single = [outcome(check_subject(cat, facts, s, scenario, TODAY), scenario) for s in sids]
        assert [OUTCOMES[c] for c in codes] == [*single, "not_found"], scenario
