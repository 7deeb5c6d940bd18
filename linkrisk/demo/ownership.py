"""Ownership (HOLDS rows): small firms' founders, holding groups with deep chains and cycles,
shell clusters held by one controller or by nominees, co-located family firms, foreign holders.

Shares are integer basis points (10 000 = 100%) summing to exactly 100% per firm at any date;
a transferred stake appears twice: the old holder's row ends the day the new holder's starts.
"""

from __future__ import annotations

import numpy as np

from linkrisk.demo.draws import categorical, ranks, repeats, round_shares
from linkrisk.demo.groups import add_groups
from linkrisk.demo.orgs import GROUP, SHELL, SMALL, Orgs
from linkrisk.demo.people import PersonPool
from linkrisk.demo.stakes import (
    EXTERNAL,
    FOREIGN,
    ORG,
    PERSON,
    Holdings,
    Rows,
    Structure,
    new_externals,
)
from linkrisk.demo.timeline import between


def build_holdings(
    rng: np.random.Generator, orgs: Orgs, pool: PersonPool, as_of: int
) -> tuple[Holdings, Structure]:
    n = len(orgs)
    rows = Rows()
    st = Structure(
        primary=np.full(n, -1),
        second=np.full(n, -1),
        group=np.full(n, -1),
        group_parent=np.full(n, -1),
        group_depth=np.full(n, -1),
        group_top=np.zeros(0, np.int64),
        group_controller=np.zeros(0, np.int64),
        staff=np.zeros(0, np.int64),
        staff_group=np.zeros(0, np.int64),
        cluster_controller=np.zeros(0, np.int64),
        cluster_straws=np.zeros((0, 3), np.int64),
    )
    _small_firms(rng, orgs, pool, as_of, rows, st)
    _clusters(rng, orgs, pool, rows, st)
    add_groups(rng, orgs, pool, as_of, rows, st)
    holdings = rows.build()
    # a firm can only hold a stake once it exists itself
    org = holdings.src_kind == ORG
    later = np.maximum(holdings.start[org], orgs.reg_day[holdings.src[org]] + 30)
    holdings.start[org] = np.minimum(later, as_of - 1)
    return holdings, st


def _small_firms(
    rng: np.random.Generator, orgs: Orgs, pool: PersonPool, as_of: int, rows: Rows, st: Structure
) -> None:
    firms = np.flatnonzero(orgs.role == SMALL)
    f = len(firms)
    k = categorical(rng, [0.42, 0.36, 0.15, 0.05, 0.02], f) + 1
    slot_firm = np.repeat(firms, k)
    slot_group = np.repeat(np.arange(f), k)
    rank = ranks(k)
    person = pool.pick(len(slot_firm), 0.12)
    dup = repeats(slot_firm * (1 << 32) + person)
    person[dup] = pool.fresh(int(dup.sum()))
    w = rng.gamma(1.0, size=len(slot_firm))
    w = w[np.lexsort((-w, slot_group))]  # largest share first within each firm
    unit = np.where(rng.random(f) < 0.7, 100, 1)  # whole percents in most firms
    bp = round_shares(w, slot_group, unit)
    kind = np.full(len(slot_firm), PERSON)
    src = person.copy()
    # an organisation as one of the holders: the last one of some firms, the only one of a few
    org_slot = (
        (k[slot_group] >= 2) & (rank == k[slot_group] - 1) & (rng.random(len(rank)) < 0.07)
    ) | ((k[slot_group] == 1) & (rng.random(len(rank)) < 0.03))
    idx = np.flatnonzero(org_slot)
    u = rng.random(len(idx))
    in_city = u < 0.5
    candidates = np.flatnonzero(np.isin(orgs.role, (SMALL, GROUP)))
    target = candidates[rng.integers(0, len(candidates), len(idx))]
    target = np.where(target == slot_firm[idx], candidates[0], target)
    kind[idx] = np.where(in_city, ORG, EXTERNAL)
    src[idx] = np.where(in_city, target, -1)
    ext = idx[~in_city]
    src[ext] = new_externals(st, rng, len(ext), 0.4)
    kind[ext] = np.array(st.external_kind, np.int64)[src[ext]]
    start = orgs.reg_day[slot_firm].copy()
    # transfers: the founder's stake changed hands once in about a tenth of older firms
    firsts = np.flatnonzero(rank == 0)
    old = firsts[(orgs.reg_day[slot_firm[firsts]] < as_of - 400) & (rng.random(len(firsts)) < 0.10)]
    when = between(rng, orgs.reg_day[slot_firm[old]] + 180, np.full(len(old), as_of - 30))
    seller = pool.pick(len(old), 0.1)
    rows.add(slot_firm[old], seller, PERSON, bp[old], start[old], when)
    start[old] = when
    rows.add(slot_firm, src, kind, bp, start)
    is_person = kind == PERSON
    st.primary[slot_firm[firsts]] = np.where(is_person[firsts], src[firsts], -1)
    seconds = np.flatnonzero(rank == 1)
    st.second[slot_firm[seconds]] = np.where(is_person[seconds], src[seconds], -1)


def _clusters(
    rng: np.random.Generator, orgs: Orgs, pool: PersonPool, rows: Rows, st: Structure
) -> None:
    """Shells held by one controller or by 2–3 nominees; co-located firms by one family."""
    n_cl = int(orgs.cluster.max()) + 1
    shell_cl = np.zeros(n_cl, bool)
    shell_cl[orgs.cluster[orgs.role == SHELL]] = True
    st.cluster_controller = pool.pick(n_cl, 0.3)
    n_straw = rng.integers(2, 4, n_cl)
    straws = np.full((n_cl, 3), -1)
    fresh = pool.fresh(int(n_straw.sum()))
    straws[np.repeat(np.arange(n_cl), n_straw), ranks(n_straw)] = fresh
    st.cluster_straws = straws
    nominee = shell_cl & (rng.random(n_cl) < 0.5)
    members = np.flatnonzero(orgs.cluster >= 0)
    c = orgs.cluster[members]
    m = len(members)
    r1 = rng.integers(0, 3, m) % n_straw[c]
    r2 = (r1 + 1 + rng.integers(0, n_straw[c] - 1)) % n_straw[c]  # another nominee
    first = np.where(nominee[c] | ~shell_cl[c], straws[c, r1], st.cluster_controller[c])
    two = rng.random(m) < np.where(shell_cl[c], 0.4, 0.6)
    bp1 = np.where(two, rng.choice([5000, 6000, 7000, 8000, 9000], m), 10_000)
    start = orgs.reg_day[members]
    rows.add(members, first, PERSON, bp1, start)
    rows.add(members[two], straws[c, r2][two], PERSON, 10_000 - bp1[two], start[two])
    st.primary[members] = first
    st.second[members[two]] = straws[c, r2][two]


__all__ = ["EXTERNAL", "FOREIGN", "ORG", "PERSON", "Holdings", "Structure", "build_holdings"]
