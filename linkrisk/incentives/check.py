"""Checks at the window: a subject and a scenario → eligible, restricted or not applicable.

Per scenario, the measures in force on the check's date that apply to the subject's kind are
evaluated. A restriction measure (失信惩戒) whose rule holds makes the outcome ``restricted``
(whatever incentives also hold: restrictions come first); otherwise an incentive (守信激励)
whose rule holds makes it ``eligible``; otherwise nothing applies: ``not_applicable`` (ordinary
treatment). A subject the snapshot does not hold is ``not_found``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import numpy as np

from linkrisk.errors import InputError
from linkrisk.graph.relations import KIND_CODES
from linkrisk.incentives.catalogue import Catalogue, Measure
from linkrisk.incentives.evaluate import explain, rule_mask
from linkrisk.incentives.facts import SubjectFacts

OUTCOMES = ("not_applicable", "eligible", "restricted", "not_found")
NOT_APPLICABLE, ELIGIBLE, RESTRICTED, NOT_FOUND = range(4)
OUTCOME_WORDS = {
    "not_applicable": "不适用(按一般程序办理)",
    "eligible": "可享受守信激励",
    "restricted": "依法依规限制",
    "not_found": "未查到该主体的信用记录",
}
EFFECT_WORDS = {"incentive": "守信激励", "restriction": "失信惩戒"}


def scenarios_of(catalogue: Catalogue, scenario: str | None) -> list[str]:
    """The scenarios to check: one (validated) or every scenario with measures."""
    used = list(dict.fromkeys(m.scenario for m in catalogue.measures))
    if scenario is None:
        return used
    if scenario not in catalogue.scenarios:
        raise InputError(
            f"unknown scenario {scenario!r}; the catalogue has {', '.join(used)}", field="scenario"
        )
    return [scenario]


def check_subject(
    catalogue: Catalogue,
    facts: SubjectFacts,
    sid: str,
    scenario: str | None,
    on: date,
) -> dict[str, Any]:
    """One subject against one scenario (or all): the outcome, every applicable measure with
    the facts its rule used, and its legal basis."""
    node = facts.snapshot.try_index(sid)
    names = scenarios_of(catalogue, scenario)
    base: dict[str, Any] = {
        "subject": sid,
        "found": node is not None,
        "as_of": facts.as_of.isoformat(),
        "checked_on": on.isoformat(),
        "snapshot": facts.snapshot.version,
        "catalogue": catalogue.name,
        "catalogue_version": catalogue.version,
        "illustrative": catalogue.illustrative,
    }
    if node is None:
        base["kind"] = None
        base["scenarios"] = [_scenario(name, "not_found", []) for name in names]
        return base
    kind = facts.kind_name(node)
    base["kind"] = kind
    base["scenarios"] = []
    for name in names:
        measures = []
        for m in catalogue.of_scenario(name):
            if kind not in m.applies_to or not m.in_force(on):
                continue
            held, used = explain(m.rule, facts, node)
            measures.append(
                {
                    **m.public(),
                    "effect_label": EFFECT_WORDS[m.effect],
                    "applies": held,
                    "facts": used,
                }
            )
        base["scenarios"].append(_scenario(name, _outcome(measures), measures))
    return base


def _outcome(measures: Sequence[dict[str, Any]]) -> str:
    effects = {m["effect"] for m in measures if m["applies"]}
    if "restriction" in effects:
        return "restricted"
    return "eligible" if "incentive" in effects else "not_applicable"


def _scenario(name: str, outcome: str, measures: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "scenario": name,
        "outcome": outcome,
        "outcome_label": OUTCOME_WORDS[outcome],
        "measures": measures,
    }


def batch_outcomes(
    catalogue: Catalogue, facts: SubjectFacts, nodes: np.ndarray, scenarios: Sequence[str], on: date
) -> dict[str, np.ndarray]:
    """Outcome codes (``OUTCOMES`` positions) of many nodes (-1 = not found) per scenario,
    computed as whole-array masks: the batch path."""
    nodes = np.asarray(nodes, np.int64)
    found = nodes >= 0
    where = nodes[found]
    kinds = facts.kind_codes()[where]
    out: dict[str, np.ndarray] = {}
    for name in scenarios:
        restricted = np.zeros(where.shape, bool)
        eligible = np.zeros(where.shape, bool)
        for m in catalogue.of_scenario(name):
            if not m.in_force(on):
                continue
            mask = _applies_to(m, kinds) & rule_mask(m.rule, facts, where)
            if m.effect == "restriction":
                restricted |= mask
            else:
                eligible |= mask
        codes = np.full(nodes.shape, NOT_FOUND, np.int8)
        codes[found] = np.where(
            restricted, RESTRICTED, np.where(eligible, ELIGIBLE, NOT_APPLICABLE)
        )
        out[name] = codes
    return out


def _applies_to(measure: Measure, kinds: np.ndarray) -> np.ndarray:
    codes = [i for i, k in enumerate(KIND_CODES) if k.value in measure.applies_to]
    return np.isin(kinds, codes)
