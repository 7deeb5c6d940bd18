"""双随机 plans of earlier years: which firms each plan drew and what the inspectors found.

Each department runs one or two plans a year; a plan draws its eligible firms at random with a
fixed rate, and the market regulator's plans also take in firms whose earlier result was abnormal
(纳入下次双随机检查名录). Results depend on the firm's hazard: risky firms are more often
unreachable at their registered address, or refuse to co-operate.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from linkrisk.demo.draws import F64, I64
from linkrisk.demo.orgs import ENT, IB, INDUSTRY_CODES, Orgs
from linkrisk.demo.vocab import (
    CORRECTED,
    DEPARTMENTS,
    INDUSTRY_INDEX,
    NO_ACTIVITY,
    NORMAL,
    UNCOOPERATIVE,
    UNREACHABLE,
)

# (department code, calendar months, share of eligible firms drawn per plan)
PLAN_SCHEDULE = (
    ("SCJG", (4, 5, 6), 0.016),
    ("SCJG", (9, 10, 11), 0.016),
    ("SW", (5, 6, 7), 0.006),
    ("JT", (6, 7, 8), 0.08),
    ("HJ", (4, 5, 6, 7, 8, 9, 10), 0.04),
    ("YJ", (3, 4, 5, 6, 7, 8, 9, 10, 11), 0.04),
)
MANDATORY_FOLLOW_UP = 0.9  # share of earlier abnormal results put on the next market plan


@dataclass(frozen=True, slots=True)
class Plan:
    plan_id: str
    dept: int  # index into DEPARTMENTS
    year: int
    months: tuple[int, ...]  # simulation months
    rate: float


def plans(first_month: int, months: int) -> list[Plan]:
    """The plans whose months fall in the simulated window (months since 1970-01)."""
    out: list[Plan] = []
    first_year = 1970 + first_month // 12
    last_year = 1970 + (first_month + months - 1) // 12
    dept_index = {d.code: i for i, d in enumerate(DEPARTMENTS)}
    for year in range(first_year, last_year + 1):
        seq: dict[str, int] = {}
        for code, cal, rate in PLAN_SCHEDULE:
            sim = tuple(
                m
                for m in ((year - 1970) * 12 + c - 1 - first_month for c in cal)
                if 0 <= m < months
            )
            if not sim:
                continue
            seq[code] = seq.get(code, 0) + 1
            out.append(Plan(f"LC-{code}-{year}-{seq[code]:02d}", dept_index[code], year, sim, rate))
    return out


def eligible(orgs: Orgs, dept: int) -> np.ndarray:
    """Firms a department inspects: by kind, and by industry section where it is specialised."""
    sections = DEPARTMENTS[dept].sections
    kinds = np.isin(orgs.kind, (ENT, IB)) if DEPARTMENTS[dept].code != "SW" else orgs.kind == ENT
    if not sections:
        return kinds
    in_sections = np.array([c[0] in sections for c in INDUSTRY_CODES])
    return np.asarray(kinds & in_sections[orgs.industry])


def draw(rng: np.random.Generator, plan: Plan, pool: np.ndarray, follow_up: I64) -> tuple[I64, I64]:
    """Firms a plan inspects and the simulation month of each inspection."""
    drawn = pool & (rng.random(len(pool)) < plan.rate)
    if DEPARTMENTS[plan.dept].code == "SCJG":
        drawn[follow_up[rng.random(len(follow_up)) < MANDATORY_FOLLOW_UP]] = True
        drawn &= pool
    firms = np.flatnonzero(drawn)
    return firms, np.array(plan.months)[rng.integers(0, len(plan.months), len(firms))]


def outcomes(rng: np.random.Generator, risk: F64, market: bool) -> I64:
    """A result per inspection given each firm's current relative risk (1 = ordinary)."""
    unreach = np.minimum(0.45, 0.02 * risk) * (1.0 if market else 0.4)
    uncoop = np.minimum(0.10, 0.004 * risk)
    no_act = np.minimum(0.25, 0.04 * np.sqrt(risk))
    corrected = np.minimum(0.25, 0.06 * np.sqrt(risk))
    cum = np.cumsum(np.stack([unreach, uncoop, no_act, corrected]), axis=0)
    u = rng.random(len(risk))
    codes = np.array([UNREACHABLE, UNCOOPERATIVE, NO_ACTIVITY, CORRECTED, NORMAL])
    return np.asarray(codes[(u[None, :] >= cum).sum(axis=0)], np.int64)


def matters(rng: np.random.Generator, dept: I64, industry: I64) -> I64:
    """检查事项 per inspection (index into the department's matters): food and product checks
    only where the trade has food or products."""
    out = np.zeros(len(dept), np.int64)
    food = np.isin(
        industry, [INDUSTRY_INDEX[c] for c in ("H6210", "H6291", "F5121", "F5212", "C1431")]
    )
    made = np.array([c.startswith("C") for c in INDUSTRY_CODES])[industry]
    for d, dep in enumerate(DEPARTMENTS):
        idx = np.flatnonzero(dept == d)
        k = len(dep.matters)
        pick = rng.integers(0, k, len(idx))
        if dep.code == "SCJG":  # M01/M02 for anybody, M03 food, M04 products, M05 advertising
            pick = rng.choice([0, 1, 4], len(idx), p=[0.45, 0.45, 0.1])
            pick = np.where(food[idx] & (rng.random(len(idx)) < 0.6), 2, pick)
            pick = np.where(made[idx] & (rng.random(len(idx)) < 0.5), 3, pick)
        out[idx] = pick
    return out
