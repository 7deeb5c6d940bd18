"""Five years of events, month by month, from the hazard model (see ``hazard``).

Each month every live firm draws at most one spontaneous event from its hazards; July adds the
annual-report listings (经营异常名录 for firms that did not file); plans inspect their drawn firms.
Consequences follow on their own schedule: an abnormal listing left unresolved for three years
becomes a serious-dishonest listing, which may lead to revocation; an unreachable firm is listed
abnormal; a dishonest debtor's legal representative is restricted from high consumption.
Sanctions feed the contagion state that raises the hazards of related firms.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

import numpy as np

from linkrisk.demo import inspections as insp
from linkrisk.demo.draws import F64, I64
from linkrisk.demo.eventlog import EventLog, Events, Inspections
from linkrisk.demo.hazard import BETA, DECAY, EXPOSURE_CAP, Graph, Rings, ring_phase
from linkrisk.demo.orgs import ENT, IB, NEVER, REVOKED, S51, Orgs
from linkrisk.demo.timeline import month_index, month_start
from linkrisk.demo.vocab import (
    ABNORMAL,
    DEBTOR,
    DEPARTMENTS,
    KEY_ATTENTION,
    PENALTY,
    RED_LIST,
    RESTRICTION,
    SERIOUS_DISHONEST,
    UNCOOPERATIVE,
    UNREACHABLE,
)

# spontaneous monthly hazards of an ordinary enterprise, their risk sensitivity γ and contagion
# exponent κ; multipliers for individual businesses and non-profits
TYPES = (PENALTY, ABNORMAL, DEBTOR, SERIOUS_DISHONEST, KEY_ATTENTION, RED_LIST)
BASE = np.array([0.0010, 0.0006, 0.0003, 0.00004, 0.00012, 0.00025])
GAMMA = np.array([0.6, 0.9, 1.0, 1.2, 1.0, -0.8])
KAPPA = np.array([1.0, 1.0, 1.0, 1.0, 1.0, 0.0])
IB_FACTOR = np.array([0.6, 0.8, 0.2, 0.3, 0.3, 0.3])
NONPROFIT_FACTOR = 0.1
ANNUAL_REPORT = {ENT: 0.025, IB: 0.02}  # July listings for not filing the annual report
PERSON_DEBTOR = 0.00002  # monthly, any person with a role; up to ×40 for a ring's controllers
# how much each sanction adds to contagion: the serious ones carry it, the routine ones little
# (with heavy routine weights the self-exciting process would run away)
PENALTY_WEIGHT = np.array([0.05, 0.3, 1.0])  # by severity: 一般, 较重, 严重
SANCTION_WEIGHT: dict[int, float] = {
    ABNORMAL: 0.08,
    DEBTOR: 0.8,
    SERIOUS_DISHONEST: 1.0,
    RESTRICTION: 0.3,
    KEY_ATTENTION: 0.3,
    RED_LIST: 0.0,
}
INSPECTION_WEIGHT = 0.6
YOUNG = 1.3  # firms in their first two years: annual-report and licence trouble
LONG = 10**6  # "never" in month arithmetic
BURN_IN = 36  # months simulated before the window so that contagion and lists start settled


def simulate(
    rng: np.random.Generator,
    orgs: Orgs,
    x: F64,
    rings: Rings,
    graph: Graph,
    legal_of: I64,
    n_persons: int,
    first_month: int,
    months: int,
    plan_list: list[insp.Plan],
) -> tuple[Events, Inspections]:
    n = len(orgs)
    log = EventLog()
    ins: dict[str, list[I64]] = defaultdict(list)
    reg_m = month_index(orgs.reg_day, first_month)
    exit_m = np.where(
        orgs.exit_day >= NEVER, LONG, month_index(np.minimum(orgs.exit_day, NEVER), first_month)
    )
    kind_f = np.ones((len(TYPES), n), np.float32)
    kind_f[:, orgs.kind == IB] = IB_FACTOR[:, None]
    kind_f[:, orgs.kind >= S51] = NONPROFIT_FACTOR
    static = kind_f * np.exp(GAMMA[:, None] * x[None, :]).astype(np.float32)
    static *= BASE[:, None].astype(np.float32)
    del kind_f
    ring_up = np.where(rings.ring_of >= 0, rings.uplift[np.maximum(rings.ring_of, 0)], 0.0)
    ring_act = np.where(rings.ring_of >= 0, rings.active_month[np.maximum(rings.ring_of, 0)], LONG)
    # contagion exposure E = W·S_org + B·S_person, kept up to date incrementally: S decays and
    # grows by this month's sanctions (delta), so E(m+1) = DECAY·(E(m) + W·δ_org + B·δ_person)
    exposure = np.zeros(n, np.float32)
    delta_org = np.zeros(n, np.float32)
    delta_per = np.zeros(n_persons, np.float32)
    b_by_person = graph.b.T.tocsr()
    dept_pool = [insp.eligible(orgs, d) for d in range(len(DEPARTMENTS))]
    listed_until = np.full(n, -LONG)  # abnormal list: on it while month < listed_until
    last_abnormal = np.full(n, -LONG)
    pending: dict[int, list[tuple[int, I64, int, int]]] = defaultdict(list)  # follow-up events
    visits: dict[int, list[tuple[I64, int]]] = defaultdict(list)
    plans_by_start = defaultdict(list)
    for p_i, plan in enumerate(plan_list):
        plans_by_start[min(plan.months)].append(p_i)
    controllers = (
        np.unique(np.concatenate(rings.controllers)) if rings.controllers else np.zeros(0, np.int64)
    )
    ctrl_active = np.full(n_persons, LONG)
    for r, ps in enumerate(rings.controllers):
        ctrl_active[ps] = np.minimum(ctrl_active[ps], rings.active_month[r])
    ctrl_active = ctrl_active[controllers]
    next_case = 0

    def ring_term(idx: I64, m: int) -> F64:
        return ring_up[idx] * ring_phase(m - ring_act[idx])

    def sanction(idx: I64, weight: F64 | float, person: bool = False) -> None:
        np.add.at(delta_per if person else delta_org, idx, np.float32(1) * weight)

    def list_abnormal(idx: I64, m: int, reason: int) -> None:
        idx = idx[(listed_until[idx] <= m) & (exit_m[idx] > m)]
        risk = x[idx] + ring_term(idx, m)
        fixed = rng.random(len(idx)) < np.clip(0.9 * np.exp(-0.3 * risk), 0.3, 0.97)
        delay = np.where(fixed, 1 + rng.geometric(0.12, len(idx)), LONG)
        log.add(idx, type=ABNORMAL, month=m, reason=reason, removed=np.where(fixed, m + delay, -1))
        listed_until[idx] = m + delay
        stuck = idx[delay > 36]
        # many never-resolved firms are revoked (吊销: stopped trading) before three years pass
        gone = (orgs.kind[stuck] == ENT) & (rng.random(len(stuck)) < 0.6) & (exit_m[stuck] >= LONG)
        _revoke(
            rng, stuck[gone], m + rng.integers(12, 31, int(gone.sum())), orgs, exit_m, first_month
        )
        pending[m + 36].append((SERIOUS_DISHONEST, stuck[~gone], 0, -1))  # 届满3年
        sanction(idx, SANCTION_WEIGHT[ABNORMAL])

    # thinning: a firm's hazard never exceeds its bound, so only firms whose uniform falls below
    # the bound need their exact hazard (a few percent of them each month)
    peak = np.exp(np.maximum(GAMMA, 0)[:, None] * ring_up[None, :]).astype(np.float32)
    bound = (static * peak * np.where(KAPPA > 0, 1 + BETA * EXPOSURE_CAP, 1)[:, None]).sum(axis=0)
    bound *= YOUNG

    def alive_at(idx: I64, m: int) -> I64:
        return idx[(reg_m[idx] <= m) & (exit_m[idx] > m)]

    def contagion(idx: I64) -> F64:
        return 1 + BETA * np.minimum(exposure[idx], EXPOSURE_CAP)

    for m in range(-BURN_IN, months):
        # follow-ups scheduled for this month
        for etype, idx, reason, level in pending.pop(m, []):
            idx = alive_at(idx, m)
            if etype == ABNORMAL:
                list_abnormal(idx, m, reason)
            elif etype == SERIOUS_DISHONEST:
                if reason == 0:  # the three-year rule: only if still on the abnormal list
                    idx = idx[listed_until[idx] > m]
                _serious(rng, log, idx, m, reason, orgs, exit_m, first_month)
                sanction(idx, SANCTION_WEIGHT[SERIOUS_DISHONEST])
            elif etype == PENALTY:
                log.add(idx, type=PENALTY, month=m, severity=level)
                sanction(idx, float(PENALTY_WEIGHT[level]))
        # spontaneous events: one uniform per firm; hits pick their type in proportion
        u = rng.random(n, dtype=np.float32)
        cand = alive_at(np.flatnonzero(u < bound), m)
        probs = _type_probs(static, cand, ring_term(cand, m), contagion(cand))
        total = probs.sum(axis=0) * np.where(m - reg_m[cand] < 24, YOUNG, 1.0)
        hit = u[cand] < total
        hits, probs = cand[hit], probs[:, hit]
        cum = np.cumsum(probs, axis=0) / probs.sum(axis=0)
        chosen = np.array(TYPES)[
            (rng.random(len(hits))[None, :] >= cum).sum(axis=0).clip(0, len(TYPES) - 1)
        ]
        for etype in TYPES:
            idx = hits[chosen == etype]
            if etype == PENALTY:
                risk = np.exp(x[idx] + ring_term(idx, m)) * contagion(idx)
                serious = np.minimum(0.35, 0.03 * risk**0.6)
                u2 = rng.random(len(idx))
                sev = np.where(u2 < serious, 2, np.where(u2 < serious + 0.21, 1, 0))
                log.add(idx, type=PENALTY, month=m, severity=sev)
                sanction(idx, PENALTY_WEIGHT[sev])
                follow = idx[(sev == 2) & (rng.random(len(idx)) < 0.15) & (orgs.kind[idx] == ENT)]
                pending[m + int(rng.integers(1, 4))].append((SERIOUS_DISHONEST, follow, 2, -1))
            elif etype == ABNORMAL:
                list_abnormal(idx, m, int(rng.choice([1, 2, 3], p=[0.6, 0.2, 0.2])))
            elif etype == SERIOUS_DISHONEST:
                _serious(rng, log, idx, m, 1, orgs, exit_m, first_month)
                sanction(idx, SANCTION_WEIGHT[SERIOUS_DISHONEST])
            elif etype == DEBTOR:
                cases = next_case + np.arange(len(idx))
                next_case += len(idx)
                _debtor(rng, log, idx, cases, m, legal_of, sanction)
            else:
                log.add(
                    idx,
                    type=etype,
                    month=m,
                    reason=rng.integers(0, 2 if etype == KEY_ATTENTION else 3, len(idx)),
                )
                sanction(idx, SANCTION_WEIGHT[etype])
        # July: firms that did not file last year's annual report
        if (first_month + m) % 12 == 6:
            year_start = month_start(np.array([first_month + m - 6]))[0]
            for kind, base in ANNUAL_REPORT.items():
                cand = np.flatnonzero(
                    (reg_m <= m)
                    & (exit_m > m)
                    & (orgs.kind == kind)
                    & (orgs.reg_day < year_start)
                    & (orgs.parent < 0)
                    & (listed_until <= m)
                )
                risk = x[cand] + ring_term(cand, m)
                p = base * np.exp(0.8 * risk) * np.sqrt(contagion(cand))
                list_abnormal(cand[rng.random(len(cand)) < p], m, 0)
        # people: debts of their own, far likelier for the controllers of an active ring
        k = rng.binomial(n_persons, PERSON_DEBTOR)
        people = rng.integers(0, n_persons, k)
        crisis = np.where(m >= ctrl_active, ring_phase(m - ctrl_active), 0.0)
        hot = controllers[rng.random(len(controllers)) < PERSON_DEBTOR * 40 * crisis]
        people = np.unique(np.r_[people, hot])
        cases = next_case + np.arange(len(people))
        next_case += len(people)
        log.add(
            people,
            person=True,
            type=DEBTOR,
            month=m,
            reason=rng.integers(0, 3, len(people)),
            case=cases,
        )
        restricted = rng.random(len(people)) < 0.6
        log.add(people[restricted], person=True, type=RESTRICTION, month=m, case=cases[restricted])
        sanction(people, SANCTION_WEIGHT[DEBTOR], person=True)
        # inspections: plans draw at their first month; visits happen over the plan's months
        for p_i in plans_by_start.get(m, []):
            plan = plan_list[p_i]
            pool = (reg_m <= m) & (exit_m > m) & dept_pool[plan.dept]
            follow_up = np.flatnonzero(last_abnormal >= m - 12)
            firms, when = insp.draw(rng, plan, pool, follow_up)
            for mm in np.unique(when):
                visits[int(mm)].append((firms[when == mm], p_i))
        for firms, p_i in visits.pop(m, []):
            firms = alive_at(firms, m)
            risk = np.exp(x[firms] + ring_term(firms, m)) * contagion(firms)
            market = DEPARTMENTS[plan_list[p_i].dept].code == "SCJG"
            result = insp.outcomes(rng, risk, market)
            for key, v in (
                ("org", firms),
                ("plan", np.full(len(firms), p_i)),
                ("month", np.full(len(firms), m)),
                ("result", result),
            ):
                ins[key].append(v)
            bad = firms[(result == UNREACHABLE) | (result == UNCOOPERATIVE)]
            last_abnormal[bad] = m
            sanction(bad, INSPECTION_WEIGHT)
            if market:
                gone = firms[(result == UNREACHABLE) & (rng.random(len(firms)) < 0.85)]
                pending[m + 1].append((ABNORMAL, gone, 1, -1))
            refuse = firms[(result == UNCOOPERATIVE) & (rng.random(len(firms)) < 0.4)]
            pending[m + 1].append((PENALTY, refuse, 0, int(rng.integers(0, 2))))
        hot_org = np.flatnonzero(delta_org)
        hot_per = np.flatnonzero(delta_per)
        exposure += graph.w[hot_org].T @ delta_org[hot_org]
        exposure += b_by_person[hot_per].T @ delta_per[hot_per]
        exposure *= DECAY
        delta_org[hot_org] = 0
        delta_per[hot_per] = 0
    cols = {k: np.concatenate(v) if v else np.zeros(0, np.int64) for k, v in ins.items()}
    inspections = Inspections(
        *(cols.get(k, np.zeros(0, np.int64)) for k in ("org", "plan", "month", "result"))
    )
    return log.build(), inspections


def _type_probs(static: np.ndarray, idx: I64, ring: F64, contagion: F64) -> np.ndarray:
    """Per-type monthly probabilities (types × len(idx)) including ring uplift and contagion."""
    ring_f = np.exp(GAMMA[:, None] * ring[None, :])
    return static[:, idx] * ring_f * np.where(KAPPA[:, None] > 0, contagion[None, :], 1.0)


def _serious(
    rng: np.random.Generator,
    log: EventLog,
    idx: I64,
    m: int,
    reason: int,
    orgs: Orgs,
    exit_m: I64,
    first_month: int,
) -> None:
    """A serious-dishonest listing; a third of such enterprises are revoked within months."""
    log.add(idx, type=SERIOUS_DISHONEST, month=m, reason=reason)
    revoke = idx[(orgs.kind[idx] == ENT) & (rng.random(len(idx)) < 0.35) & (exit_m[idx] >= LONG)]
    _revoke(rng, revoke, m + rng.integers(1, 7, len(revoke)), orgs, exit_m, first_month)


def _revoke(
    rng: np.random.Generator, idx: I64, when: I64, orgs: Orgs, exit_m: I64, first_month: int
) -> None:
    """吊销营业执照 in the given months: the firm stops having events."""
    exit_m[idx] = when
    orgs.exit_day[idx] = month_start(first_month + when) + rng.integers(0, 28, len(idx))
    orgs.status[idx] = REVOKED


def _debtor(
    rng: np.random.Generator,
    log: EventLog,
    idx: I64,
    cases: I64,
    m: int,
    legal_of: I64,
    sanction: Callable[..., None],
) -> None:
    """A firm found a dishonest debtor; the firm and its legal representative restricted."""
    log.add(idx, type=DEBTOR, month=m, reason=rng.integers(0, 3, len(idx)), case=cases)
    firm_r = rng.random(len(idx)) < 0.6
    log.add(idx[firm_r], type=RESTRICTION, month=m, case=cases[firm_r])
    rep = legal_of[idx]
    rest = (rep >= 0) & (rng.random(len(idx)) < 0.7)
    log.add(rep[rest], person=True, type=RESTRICTION, month=m, case=cases[rest])
    sanction(idx, SANCTION_WEIGHT[DEBTOR])
    sanction(rep[rest], SANCTION_WEIGHT[RESTRICTION], True)
