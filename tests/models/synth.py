"""A small synthetic city with contagious risk, written through the real store (for pipeline tests).

Each organisation has a latent propensity; every month it may get an event, with the hazard
tripled while its owner or a firm sharing its legal representative had an event in the last
year. Serious events (serious-dishonest listings, serious penalties, abnormal inspections) are
a share of all events, so the labels depend on both the firm and its neighbourhood.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from linkrisk.graph.embedded.store import EmbeddedStore
from linkrisk.models.dates import from_day_number
from tests.factories import org, person
from tests.models.graphs import store_of

START = date(2019, 1, 1)
MONTHS = 94  # to 2026-10


def synthetic_city(path: Path, orgs: int = 1500, seed: int = 0) -> EmbeddedStore:
    rng = np.random.default_rng(seed)
    people = orgs // 2
    oid = [f"O{i:05d}" for i in range(orgs)]
    pid = [f"P{i:05d}" for i in range(people)]
    owner_org = np.where(rng.random(orgs) < 0.5, rng.integers(0, orgs // 10, orgs), -1)
    owner_org[: orgs // 10] = -1  # the holding firms themselves are held by persons
    owner_person = rng.integers(0, people, orgs)
    rep = rng.integers(0, people, orgs)
    propensity = rng.lognormal(-5.0, 1.0, orgs)
    status = np.where(rng.random(orgs) < 0.02, "revoked", "active")

    events: list[dict[str, Any]] = []
    inspections: list[dict[str, Any]] = []
    last_event = np.full(orgs, -100)
    first_day = (START - date(1970, 1, 1)).days
    for month in range(MONTHS):
        recent = (month - last_event) < 12
        rep_recent = np.bincount(rep[recent], minlength=people) > 0
        tainted = (owner_org >= 0) & recent[np.maximum(owner_org, 0)]
        tainted |= rep_recent[rep] & ~recent
        hazard = np.minimum(propensity * np.where(tainted, 6.0, 1.0), 0.5)
        hit = np.flatnonzero(rng.random(orgs) < hazard)
        last_event[hit] = month
        for i in hit.tolist():
            when = from_day_number(first_day + int(month * 30.4) + int(rng.integers(0, 28)))
            kind = rng.choice(
                ["penalty", "abnormal_operation", "serious_dishonest", "inspection"],
                p=[0.5, 0.25, 0.1, 0.15],
            )
            if kind == "inspection":
                inspections.append(
                    {
                        "plan_id": f"p{month}",
                        "sid": oid[i],
                        "inspect_date": when,
                        "result": "violation",
                        "matter": "m",
                    }
                )
                continue
            severity = (
                rng.choice(["minor", "major", "serious"], p=[0.5, 0.3, 0.2])
                if kind == "penalty"
                else None
            )
            events.append(
                {
                    "event_id": f"e{len(events)}",
                    "sid": oid[i],
                    "type": str(kind),
                    "severity": severity,
                    "decision_date": when,
                }
            )
    return store_of(
        path,
        subjects=[
            org(
                oid[i],
                status=str(status[i]),
                reg_date=date(2005 + i % 15, 1 + i % 12, 1),
                capital=float(10 ** (4 + i % 4)),
            )
            for i in range(orgs)
        ]
        + [person(p) for p in pid],
        holdings=[
            {"src": oid[owner_org[i]], "dst": oid[i], "share": 0.6}
            for i in range(orgs)
            if owner_org[i] >= 0
        ]
        + [{"src": pid[owner_person[i]], "dst": oid[i], "share": 0.4} for i in range(orgs)],
        officers=[
            {"person": pid[rep[i]], "org": oid[i], "role": "legal_representative"}
            for i in range(orgs)
        ],
        events=events,
        inspections=inspections,
    )
