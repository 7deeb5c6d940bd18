"""The inspector roster (执法检查人员名录库) and who inspected what.

About one inspector per 500 organisations (at least 40), spread over the departments, each
qualified for some of the department's matters so that every matter has at least two. A few
inspectors are also shareholders or officers of firms in the city (the same ID number): the cases
that conflict-of-interest (回避) rules must catch.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from linkrisk.demo.codes import resident_ids
from linkrisk.demo.draws import I64
from linkrisk.demo.names import join, person_names, pick, render_person_names
from linkrisk.demo.people import Persons
from linkrisk.demo.region import CITY_CODE, PREFECTURE, counties, draw_birth_codes
from linkrisk.demo.timeline import day, ymd
from linkrisk.demo.vocab import DEPARTMENTS

PER_SUBJECTS = 500
MINIMUM = 40
WITH_ID = 0.9


@dataclass(slots=True)
class Inspectors:
    inspector_id: list[str]
    dept: I64
    names: pa.Array
    id_number: np.ndarray  # S18, b"" where none was given
    region: list[str]
    qualified: np.ndarray  # (n, 13) bool over the matter codes M01…M13
    active: np.ndarray
    conflicts: dict[str, int] = field(default_factory=dict)  # inspector id → person id


def matter_column(dept: int, k: int) -> int:
    """Column of the department's k-th matter in ``qualified``."""
    return int(DEPARTMENTS[dept].matters[k][1:]) - 1


def build_inspectors(
    rng: np.random.Generator,
    n_orgs: int,
    linked_people: I64,
    people: Persons,
) -> Inspectors:
    n = max(MINIMUM, n_orgs // PER_SUBJECTS)
    shares = np.array([d.share for d in DEPARTMENTS])
    counts = np.maximum(3, np.floor(shares * n).astype(np.int64))
    counts[0] += n - counts.sum()
    dept = np.repeat(np.arange(len(DEPARTMENTS)), counts)
    seq = np.concatenate([np.arange(c) for c in counts])
    ids = [f"{PREFECTURE}{d + 1:02d}{s + 1:05d}" for d, s in zip(dept, seq, strict=True)]
    qualified = np.zeros((n, 13), bool)
    for i, (d, s) in enumerate(zip(dept, seq, strict=True)):
        k = len(DEPARTMENTS[d].matters)
        for j in range(k):
            if j == s % k or rng.random() < 0.4:
                qualified[i, matter_column(int(d), j)] = True
    male = rng.random(n) < 0.7
    birth = rng.integers(day(date(1965, 1, 1)), day(date(1998, 12, 31)), n)
    region = draw_birth_codes(rng, ymd(birth)[0], rng.random(n) < 0.9)
    numbers, keys = resident_ids(rng, region, birth, male)
    taken = np.sort(people.id_key)
    clash = taken[np.minimum(np.searchsorted(taken, keys), len(taken) - 1)] == keys
    numbers[clash] = resident_ids(rng, region[clash], birth[clash] + 1, male[clash])[0]
    numbers[rng.random(n) >= WITH_ID] = b""
    names = render_person_names(*person_names(rng, male))
    # conflicts: market inspectors who hold or run firms in the city
    k = max(3, n // 50)
    chosen = rng.choice(linked_people, min(k, len(linked_people)), replace=False)
    market = np.flatnonzero(dept == 0)
    slots = market[rng.choice(len(market), len(chosen), replace=False)]
    numbers[slots] = people.id_number[chosen]
    name_list = names.to_pylist()
    for slot, p in zip(slots, chosen, strict=True):
        name_list[slot] = people.names[int(p)].as_py()
    conflicts = {ids[s]: int(p) for s, p in zip(slots, chosen, strict=True)}
    regions = [
        CITY_CODE if rng.random() < 0.2 else counties()[int(rng.integers(0, len(counties())))].code
        for _ in range(n)
    ]
    active = rng.random(n) < 0.92
    active[slots] = True
    return Inspectors(
        ids, dept, pa.array(name_list, pa.string()), numbers, regions, qualified, active, conflicts
    )


def assign(rng: np.random.Generator, roster: Inspectors, dept: I64, matter: I64) -> pa.Array:
    """Two (sometimes three) distinct qualified inspectors per inspection, ";"-joined."""
    first = np.zeros(len(dept), np.int64)
    second = np.zeros(len(dept), np.int64)
    third = np.full(len(dept), -1)
    for d in range(len(DEPARTMENTS)):
        for j in range(len(DEPARTMENTS[d].matters)):
            idx = np.flatnonzero((dept == d) & (matter == j))
            pool = np.flatnonzero((roster.dept == d) & roster.qualified[:, matter_column(d, j)])
            k = len(pool)
            a = rng.integers(0, k, len(idx))
            b = (a + 1 + rng.integers(0, k - 1, len(idx))) % k
            c = rng.integers(0, max(k - 2, 1), len(idx))
            lo, hi = np.minimum(a, b), np.maximum(a, b)
            c = c + (c >= lo)
            c = c + (c >= hi)
            first[idx], second[idx] = pool[a], pool[b]
            three = (k >= 3) & (rng.random(len(idx)) < 0.1)
            third[idx[three]] = pool[c[three]]
    ids = pa.array(roster.inspector_id, pa.string())
    tail = join(";", pick(ids, third))
    tail = pc.if_else(pa.array(third >= 0), tail, pa.nulls(len(third), pa.string()))
    return join(pick(ids, first), ";", pick(ids, second), tail)
