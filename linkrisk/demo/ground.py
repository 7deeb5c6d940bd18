"""``ground_truth.json``: the planted rings and the hazard model, for evaluating models.

It lists every ring (kind, members, uplift, activation month), the shell and co-located
clusters, ownership cycles, supernode sizes, the inspectors with graph links, and per-year counts
of the target events a model should predict: serious-dishonest listings, 严重 penalties and
abnormal inspection results.
"""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

import numpy as np

from linkrisk.demo import hazard, simulate
from linkrisk.demo.assemble import MONTHS
from linkrisk.demo.model import City
from linkrisk.demo.orgs import ENT, IB, SHELL
from linkrisk.demo.ownership import PERSON
from linkrisk.demo.timeline import ymd
from linkrisk.demo.vocab import (
    DEPARTMENTS,
    EVENT_LABELS,
    MATTERS,
    PENALTY,
    SERIOUS_DISHONEST,
    UNCOOPERATIVE,
    UNREACHABLE,
)
from linkrisk.loaders.identifiers import mask_id

DESCRIPTION = (
    "Monthly hazard of firm i for event type t: base_t * kind_t * young * exp(gamma_t * (x_i + "
    "ring_i(m))) * (1 + beta * min(e_i(m), exposure_cap))^kappa_t. x_i: industry offset, "
    "registered capital, shell role and a hidden frailty N(0, frailty_sd^2). ring_i(m): the "
    "ring's log uplift times its phase: pre_activation_share before the ring activates, 1 at "
    "activation, settling to settled_share over crisis_months. "
    "Ring controllers' own debtor hazard rises with the crisis (up to 40x). "
    "e_i(m) = W S_org + B S_person: decayed sanction intensity of related firms "
    "(ownership, shared people, shared cluster contacts, branches) and of the firm's people. "
    "Abnormal listings unresolved for 36 months become serious-dishonest listings; unreachable "
    "firms found by market inspections are listed abnormal; a debtor firm's legal representative "
    "is restricted. Graph features (neighbours' past sanctions, cluster and ring membership via "
    "shared people and contacts) carry signal that entity-only features do not."
)


def _months(city: City, month: int) -> str:
    total = city.first_month + month
    return f"{1970 + total // 12:04d}-{total % 12 + 1:02d}"


def _texts(codes: np.ndarray, idx: Any) -> list[str]:
    """Some of a fixed-width byte-string array as text (decoding only those)."""
    return [c.decode() for c in np.atleast_1d(codes[idx])]


def _department_of(matter: str) -> str:
    return next(d.name for d in DEPARTMENTS if matter in d.matters)


def _firms_of(city: City, person: int) -> list[str]:
    """The firms a person holds or serves."""
    h, o = city.holdings, city.officers
    held = h.dst[(h.src == person) & (h.src_kind == PERSON)]
    return sorted(set(_texts(city.uscc, np.r_[o.org[o.person == person], held])))


def ground_truth(
    city: City, *, subjects: int, seed: int, as_of: date, dirty_rate: float
) -> dict[str, Any]:
    uscc = city.uscc
    rings = city.rings
    ev, ins = city.events, city.inspections
    year = ymd(city.decisions.day)[0]
    target = (~ev.person) & (
        (ev.type == SERIOUS_DISHONEST) | ((ev.type == PENALTY) & (ev.severity == 2))
    )
    bad = (ins.result == UNREACHABLE) | (ins.result == UNCOOPERATIVE)
    i_year = ymd(city.inspection_days)[0]
    years = sorted(set(year.tolist()) | set(i_year.tolist()))
    counts = {
        str(y): {
            "serious_dishonest": int(((year == y) & target & (ev.type == SERIOUS_DISHONEST)).sum()),
            "serious_penalty": int(((year == y) & target & (ev.type == PENALTY)).sum()),
            "abnormal_inspection": int(((i_year == y) & bad).sum()),
            "firms_with_target_event": len(
                np.union1d(ev.subject[target & (year == y)], ins.org[bad & (i_year == y)])
            ),
        }
        for y in years
    }
    ids = city.persons.id_number
    clusters = []
    o = city.orgs
    order = np.argsort(o.cluster, kind="stable")
    order = order[o.cluster[order] >= 0]
    bounds = np.r_[0, np.flatnonzero(np.diff(o.cluster[order])) + 1, len(order)]
    for a, b in itertools.pairwise(bounds):
        members = order[a:b]
        clusters.append(
            {
                "cluster_id": int(o.cluster[members[0]]),
                "kind": "shell" if o.role[members[0]] == SHELL else "co_located",
                "members": _texts(uscc, members),
            }
        )
    agent = city.contacts.agent
    call = city.contacts.call_centre
    return {
        "generator": "linkrisk.demo",
        "version": 1,
        "seed": seed,
        "subjects": subjects,
        "as_of": as_of.isoformat(),
        "dirty_rate": dirty_rate,
        "window": {"first_month": _months(city, 0), "last_month": _months(city, MONTHS - 1)},
        "hazard_model": {
            "description": DESCRIPTION,
            "event_types": [EVENT_LABELS[t] for t in simulate.TYPES],
            "base_monthly": simulate.BASE.tolist(),
            "gamma": simulate.GAMMA.tolist(),
            "kappa": simulate.KAPPA.tolist(),
            "individual_business_factor": simulate.IB_FACTOR.tolist(),
            "nonprofit_factor": simulate.NONPROFIT_FACTOR,
            "annual_report_july": {
                "enterprise": simulate.ANNUAL_REPORT[ENT],
                "individual_business": simulate.ANNUAL_REPORT[IB],
            },
            "person_debtor_monthly": simulate.PERSON_DEBTOR,
            "burn_in_months": simulate.BURN_IN,
            "young_firm_factor": simulate.YOUNG,
            "beta": hazard.BETA,
            "exposure_cap": hazard.EXPOSURE_CAP,
            "monthly_decay": hazard.DECAY,
            "pre_activation_share": hazard.PRE_ACTIVATION,
            "settled_share": hazard.SETTLED,
            "crisis_months": hazard.CRISIS_MONTHS,
            "contagion_weights": {
                "ownership": "0.5 + share",
                "shared_person": 0.6,
                "cluster_contact": 0.8,
                "branch": 0.5,
                "person_to_firm": "1.0 controller/legal rep, 0.4 other roles",
            },
            "sanction_weights": {EVENT_LABELS[k]: v for k, v in simulate.SANCTION_WEIGHT.items()}
            | {
                "行政处罚(一般/较重/严重)": simulate.PENALTY_WEIGHT.tolist(),
                "abnormal_inspection": simulate.INSPECTION_WEIGHT,
            },
            "frailty_sd": hazard.FRAILTY_SD,
            "ring_share": hazard.RING_SHARE,
            "shell_log_risk": hazard.SHELL_RISK,
        },
        "target": {
            "definition": (
                "a firm's serious event in the next 12 months: 严重违法失信名单 listing, "
                "行政处罚 with 处罚严重程度 严重, or a 双随机 result of "
                "通过登记的住所(经营场所)无法联系 or 不配合检查"
            ),
            "counts_by_year": counts,
        },
        "rings": [
            {
                "ring_id": f"R{r + 1:05d}",
                "kind": rings.kind[r],
                "log_uplift": round(float(rings.uplift[r]), 4),
                "active_from": _months(city, int(rings.active_month[r])),
                "members": _texts(uscc, rings.members[r]),
                "controllers": [mask_id(c) for c in _texts(ids, rings.controllers[r])],
            }
            for r in range(len(rings.kind))
        ],
        "clusters": clusters,
        "departments": {d.code: d.name for d in DEPARTMENTS},
        "matters": {
            code: {"name": name, "department": _department_of(code)}
            for code, name in MATTERS.items()
        },
        "plans": [
            {"plan_id": p.plan_id, "department": DEPARTMENTS[p.dept].name, "year": p.year}
            for p in city.plans
        ],
        "ownership_cycles": [_texts(uscc, [a, b]) for a, b in city.structure.cycles],
        "supernodes": {
            "agent_address_sizes": np.bincount(agent[agent >= 0]).tolist(),
            "call_centre_phone_sizes": np.bincount(call[call >= 0]).tolist(),
        },
        "inspector_conflicts": [
            {
                "inspector_id": iid,
                "person": mask_id(_texts(ids, p)[0]),
                "firms": _firms_of(city, p),
            }
            for iid, p in city.inspectors.conflicts.items()
        ],
    }
