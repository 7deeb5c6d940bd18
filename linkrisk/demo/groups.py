"""Holding groups: a controller's top firm over subsidiaries two to six layers deep.

Each group is a tree built for all groups at once, one position at a time: the first ``depth``
firms form a chain (so the deep layers exist), the rest hang under a random shallower firm. A
parent usually holds all of a subsidiary or a majority; the rest belongs to the controller, a
group manager, a sister firm (cross-holdings) or an outsider. In some groups the deepest firm
buys back into an ancestor, closing an ownership cycle.
"""

from __future__ import annotations

import numpy as np

from linkrisk.demo.draws import I64, categorical
from linkrisk.demo.orgs import GROUP, Orgs, nice
from linkrisk.demo.people import PersonPool
from linkrisk.demo.stakes import FOREIGN, ORG, PERSON, Rows, Structure, new_externals
from linkrisk.demo.vocab import INDUSTRY_INDEX

MAX_SIZE = 60
DEPTHS = (2, 3, 4, 5, 6)
DEPTH_P = (0.3, 0.3, 0.2, 0.12, 0.08)
PARENT_BP = (10_000, 5100, 6000, 7000, 8000, 9000, -1)  # -1: a minority stake of 20–49%
PARENT_P = (0.45, 0.1, 0.1, 0.1, 0.1, 0.07, 0.08)
CYCLE_SHARE = 0.15  # of groups at least three layers deep


def _sizes(rng: np.random.Generator, total: int) -> I64:
    draws = 3 + np.minimum(rng.pareto(1.3, total // 3 + 2) * 4, MAX_SIZE - 3).astype(np.int64)
    draws[0] = max(draws[0], min(total, 6))  # the first group is deep enough to show a chain
    ends = np.cumsum(draws)
    k = int(np.searchsorted(ends, total))
    sizes = draws[: k + 1].copy()
    sizes[-1] -= ends[k] - total
    if len(sizes) > 1 and sizes[-1] < 3:  # fold a short tail into the previous group
        sizes[-2] += sizes[-1]
        sizes = sizes[:-1]
    return sizes


def add_groups(
    rng: np.random.Generator, orgs: Orgs, pool: PersonPool, as_of: int, rows: Rows, st: Structure
) -> None:
    members = np.flatnonzero(orgs.role == GROUP)
    if not len(members):
        return
    size = _sizes(rng, len(members))
    n_g = len(size)
    first = np.cumsum(size) - size
    gid = np.repeat(np.arange(n_g), size)
    depth_max = np.minimum(size - 1, np.array(DEPTHS)[categorical(rng, DEPTH_P, n_g)])
    depth_max[0] = max(depth_max[0], min(4, size[0] - 1))
    parent = np.full(len(members), -1)  # position (into members) of the parent
    depth = np.zeros(len(members), np.int64)
    reg = orgs.reg_day[members].copy()
    reg[first] = as_of - rng.integers(6 * 365, 24 * 365, n_g)
    for j in range(1, int(size.max())):
        g = np.flatnonzero(size > j)
        pos = first[g] + j
        chain = j <= depth_max[g]
        other = first[g] + rng.integers(0, j, len(g))
        other = np.where(depth[other] >= depth_max[g], parent[other], other)  # keep within depth
        parent[pos] = np.where(chain, pos - 1, other)
        depth[pos] = depth[parent[pos]] + 1
        reg[pos] = np.minimum(as_of - 30, reg[parent[pos]] + rng.integers(60, 2000, len(g)))
    top = first
    orgs.reg_day[members] = reg
    holdco = np.array([INDUSTRY_INDEX["L7211"], INDUSTRY_INDEX["L7212"]])
    has_child = np.zeros(len(members), bool)
    has_child[parent[parent >= 0]] = True
    orgs.industry[members[top]] = holdco[rng.integers(0, 2, n_g)]
    mid = np.flatnonzero(has_child & (parent >= 0) & (rng.random(len(members)) < 0.5))
    orgs.industry[members[mid]] = holdco[1]
    cap = np.exp(rng.normal(np.log(1000), 1.0, len(members)))
    cap[top] = np.exp(rng.normal(np.log(10_000), 0.8, n_g))
    orgs.capital[members] = nice(cap, rng, 0.9)

    controller = pool.pick(n_g, 0.25)
    n_staff = np.maximum(2, size // 3)
    staff = pool.pick(int(n_staff.sum()), 0.15)
    staff_first = np.cumsum(n_staff) - n_staff
    # the top firm: the controller, sometimes with a partner or a foreign investor
    c_bp = np.array([10_000, 9000, 8000, 7000, 6000])[rng.integers(0, 5, n_g)]
    shared = np.flatnonzero(c_bp < 10_000)
    foreign = rng.random(len(shared)) < 0.1
    partner = pool.pick(len(shared), 0.1)
    same = partner == controller[shared]
    partner[same] = pool.fresh(int(same.sum()))
    partner[foreign] = new_externals(st, rng, int(foreign.sum()), 1.0)
    # subsidiaries: the parent's stake, and who holds the rest
    sub = np.flatnonzero(parent >= 0)
    p_bp = np.array(PARENT_BP)[categorical(rng, PARENT_P, len(sub))]
    p_bp = np.where(p_bp < 0, rng.integers(2000, 4900, len(sub)), p_bp)
    bp = np.zeros(len(members), np.int64)
    bp[sub] = p_bp
    rest = sub[p_bp < 10_000]
    g = gid[rest]
    u = rng.random(len(rest))
    j_local, p_local = rest - first[g], parent[rest] - first[g]
    lo, hi = np.minimum(j_local, p_local), np.maximum(j_local, p_local)
    sister = rng.integers(0, 1 << 30, len(rest)) % (size[g] - 2)
    sister = sister + (sister >= lo)
    sister = sister + (sister >= hi)
    holder = np.select(
        [u < 0.4, u < 0.75, u < 0.9],
        [
            controller[g],
            staff[staff_first[g] + rng.integers(0, 1 << 30, len(rest)) % n_staff[g]],
            members[first[g] + sister],
        ],
        pool.fresh(len(rest)),
    )
    kind = np.where((u >= 0.75) & (u < 0.9), ORG, PERSON)
    dst = np.r_[members[sub], members[rest]]
    src = np.r_[members[parent[sub]], holder]
    kinds = np.r_[np.full(len(sub), ORG), kind]
    shares = np.r_[p_bp, 10_000 - bp[rest]]
    starts = np.r_[reg[sub], reg[rest]]
    # cycles: the deepest firm of some groups takes a stake in one of its ancestors
    deepest = np.lexsort((depth, gid))[np.cumsum(size) - 1]
    pick = (depth_max >= 3) & (rng.random(n_g) < CYCLE_SHARE)
    pick[0] = depth_max[0] >= 3
    low = deepest[pick]
    anc = low.copy()
    climb = rng.integers(2, depth[low] + 1)
    for step in range(int(climb.max(initial=0))):
        anc = np.where(step < climb, parent[anc], anc)
    stake = rng.integers(500, 1500, len(low))
    scale = np.zeros(orgs.kind.shape[0], np.int64)
    scale[members[anc]] = stake
    all_dst = np.r_[members[top], members[top[shared]], dst]
    all_src = np.r_[controller, partner, src]
    all_kind = np.r_[np.full(n_g, PERSON), np.where(foreign, FOREIGN, PERSON), kinds]
    all_bp = np.r_[c_bp, 10_000 - c_bp[shared], shares]
    all_start = np.r_[reg[top], reg[top[shared]], starts]
    hit = scale[all_dst] > 0
    all_bp[hit] = all_bp[hit] * (10_000 - scale[all_dst[hit]]) // 10_000
    owed = np.bincount(all_dst[hit], weights=all_bp[hit], minlength=len(scale)).astype(np.int64)
    _, first_row = np.unique(all_dst[hit], return_index=True)
    fix = np.flatnonzero(hit)[first_row]
    all_bp[fix] += 10_000 - scale[all_dst[fix]] - owed[all_dst[fix]]
    rows.add(
        np.r_[all_dst, members[anc]],
        np.r_[all_src, members[low]],
        np.r_[all_kind, np.full(len(low), ORG)],
        np.r_[all_bp, stake],
        np.r_[all_start, np.minimum(as_of - 1, reg[low] + 200)],
    )
    st.cycles.extend(zip(members[low].tolist(), members[anc].tolist(), strict=True))
    st.group[members] = gid
    st.group_depth[members] = depth
    st.group_parent[members[sub]] = members[parent[sub]]
    st.group_top, st.group_controller = members[top], controller
    st.staff, st.staff_group = staff, np.repeat(np.arange(n_g), n_staff)
    st.primary[members[top]] = controller
