"""Organisations: kinds, roles in the city's structure, registration, industry, capital, exits."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from linkrisk.demo.draws import F64, I64, weighted
from linkrisk.demo.region import county_weights
from linkrisk.demo.timeline import add_years, between
from linkrisk.demo.vocab import INDUSTRIES, NONPROFIT_KINDS, SHELL_INDUSTRIES

# kinds: enterprise, individual business, then the NONPROFIT_KINDS in order (51, 52, 53, 12)
ENT, IB, S51, S52, S53, INST = range(6)
PREFIXES = ("91", "92", *(k[0] for k in NONPROFIT_KINDS))
KIND_SHARES = (0.0, 0.30, 0.004, 0.006, 0.001, 0.005)  # of all organisations; ENT takes the rest
# an enterprise's place in the structure
SMALL, GROUP, SHELL, COLOC, BRANCH, OTHER = range(6)
ROLE_SHARES = {GROUP: 0.05, SHELL: 0.025, COLOC: 0.008}  # of non-branch enterprises
BRANCH_SHARE = 0.03  # of all organisations
ACTIVE, REVOKED, CANCELLED, MOVED_OUT = range(4)
NEVER = 10**7  # an exit day that never comes
INDUSTRY_CODES = tuple(i.code for i in INDUSTRIES) + tuple(k[1] for k in NONPROFIT_KINDS)


@dataclass(slots=True)
class Orgs:
    kind: I64
    role: I64
    county: I64  # index into region.counties()
    reg_day: I64
    industry: I64  # index into INDUSTRY_CODES
    capital: F64  # 万元; NaN for branches
    cluster: I64  # shell / co-located cluster id, or -1
    parent: I64  # the parent of a branch, or -1
    exit_day: I64  # day the firm left the register (NEVER if it did not)
    status: I64

    def __len__(self) -> int:
        return len(self.kind)


def nice(values: F64, rng: np.random.Generator, share: float) -> F64:
    """Round a ``share`` of values to 1/2/3/5 × 10^k, as registered capital usually is."""
    k = np.floor(np.log10(np.maximum(values, 1e-3)))
    mant = values / 10**k
    steps = np.array([1.0, 2.0, 3.0, 5.0, 10.0])
    rounded = steps[np.abs(mant[:, None] - steps).argmin(axis=1)] * 10**k
    return np.where(rng.random(len(values)) < share, rounded, np.round(values, 2))


def _reg_days(rng: np.random.Generator, n: int, as_of: int, growth: float) -> I64:
    """Registration days over 25 years, more of them recent (the register keeps growing)."""
    u = rng.random(n)
    years = np.log1p(u * np.expm1(25 * growth)) / growth  # inverse CDF of e^{growth·t} on [0, 25]
    return np.asarray(as_of - (25 - years) * 365.25, np.int64)


def _industry(rng: np.random.Generator, n: int, column: str, allowed: tuple[str, ...] = ()) -> I64:
    weights = np.array([getattr(i, column) for i in INDUSTRIES], float)
    if allowed:
        weights = np.array([1.0 if i.code in allowed else 0.0 for i in INDUSTRIES])
    return weighted(rng, weights, n)


def _clusters(rng: np.random.Generator, members: I64, lo: int, hi: int, first_id: int) -> I64:
    """Split ``members`` into consecutive clusters of ``lo``–``hi`` firms; their cluster ids."""
    sizes = rng.integers(lo, hi + 1, len(members) // lo + 1)
    ids = np.repeat(np.arange(len(sizes)), sizes)[: len(members)]
    if len(ids) and np.sum(ids == ids[-1]) < lo and ids[-1] > 0:
        ids[ids == ids[-1]] = ids[-1] - 1  # fold a short tail into the previous cluster
    return ids + first_id


def generate_orgs(rng: np.random.Generator, n: int, as_of: int) -> Orgs:
    shares = np.array(KIND_SHARES)
    counts = np.round(shares * n).astype(np.int64)
    counts[ENT] = n - counts.sum()
    kind = rng.permutation(np.repeat(np.arange(6), counts))
    role = np.full(n, OTHER)
    ent = rng.permutation(np.flatnonzero(kind == ENT))
    n_branch = round(BRANCH_SHARE * n)
    role[ent] = SMALL
    role[ent[:n_branch]] = BRANCH
    rest = ent[n_branch:]
    start = 0
    for r, share in ROLE_SHARES.items():
        k = max(12 if r == GROUP else 3, round(share * len(rest)))
        role[rest[start : start + k]] = r
        start += k

    county = weighted(rng, county_weights(), n)
    reg_day = np.where(kind == IB, _reg_days(rng, n, as_of, 0.14), _reg_days(rng, n, as_of, 0.09))
    industry = np.where(kind == IB, _industry(rng, n, "ib"), _industry(rng, n, "ent"))
    nonprofit = kind >= S51
    industry[nonprofit] = len(INDUSTRIES) + kind[nonprofit] - S51
    capital = nice(np.exp(rng.normal(np.log(100), 1.2, n)), rng, 0.75)
    capital = np.where(kind == IB, nice(np.exp(rng.normal(np.log(5), 1.0, n)), rng, 0.9), capital)
    np_caps = {S51: (3, 10), S52: (10, 200), S53: (200, 2000), INST: (10, 5000)}
    for k, (lo, hi) in np_caps.items():
        idx = np.flatnonzero(kind == k)
        capital[idx] = nice(np.exp(rng.uniform(np.log(lo), np.log(hi), len(idx))), rng, 0.9)
    capital[role == BRANCH] = np.nan

    cluster = np.full(n, -1)
    shells = np.flatnonzero(role == SHELL)
    cluster[shells] = _clusters(rng, shells, 3, 8, 0)
    coloc = np.flatnonzero(role == COLOC)
    cluster[coloc] = _clusters(rng, coloc, 2, 4, int(cluster.max()) + 1)
    # shells: registered in a burst, small or grandly "subscribed" capital, paper trades
    n_cl = int(cluster.max()) + 1
    burst = as_of - rng.integers(60, 6 * 365, n_cl)
    reg_day[shells] = burst[cluster[shells]] + rng.integers(0, 60, len(shells))
    capital[shells] = nice(
        np.where(
            rng.random(len(shells)) < 0.5,
            rng.uniform(10, 100, len(shells)),
            rng.uniform(1000, 10000, len(shells)),
        ),
        rng,
        1.0,
    )
    industry[shells] = _industry(rng, len(shells), "ent", SHELL_INDUSTRIES)

    # small integer types: a city of millions keeps these columns for its whole life
    orgs = Orgs(
        kind.astype(np.int8),
        role.astype(np.int8),
        county.astype(np.int16),
        np.minimum(reg_day, as_of - 1).astype(np.int32),
        industry.astype(np.int16),
        capital,
        cluster.astype(np.int32),
        np.full(n, -1, np.int32),
        np.full(n, NEVER, np.int32),
        np.full(n, ACTIVE, np.int8),
    )
    _branch_parents(rng, orgs)
    return orgs


def _branch_parents(rng: np.random.Generator, orgs: Orgs) -> None:
    """Branches belong to established enterprises; a few chains own many of them."""
    branches = np.flatnonzero(orgs.role == BRANCH)
    eligible = np.flatnonzero(np.isin(orgs.role, (SMALL, GROUP)) & (orgs.capital >= 50))
    weights = np.minimum(rng.pareto(1.1, len(eligible)) + 1, 200) * (
        rng.random(len(eligible)) < 0.3
    )
    parent = eligible[weighted(rng, weights + 1e-9, len(branches))]
    orgs.parent[branches] = parent
    orgs.industry[branches] = orgs.industry[parent]


def date_branches(rng: np.random.Generator, orgs: Orgs, as_of: int) -> None:
    """A branch opens after its parent (call once the parents' dates are final)."""
    branches = np.flatnonzero(orgs.parent >= 0)
    lo = np.minimum(orgs.reg_day[orgs.parent[branches]] + 30, as_of - 1)
    orgs.reg_day[branches] = between(rng, lo, np.full(len(branches), as_of - 1))


def assign_exits(rng: np.random.Generator, orgs: Orgs, as_of: int) -> None:
    """Cancellations (older firms more often), old revocations and moves out of the city.

    Call once registration dates are final: an exit comes at least half a year after it.
    """
    n = len(orgs)
    age = (as_of - orgs.reg_day) / 365.25
    u = rng.random(n)
    cancel = (u < 0.004 * age) & (orgs.role != SHELL)
    revoked_old = (u > 0.99) & (age > 8)  # 吊销 long ago: zombies on the register
    moved = (u > 0.985) & (u <= 0.99) & (orgs.kind == ENT)
    when = between(rng, orgs.reg_day + 180, np.full(n, as_of - 1))
    orgs.exit_day[cancel] = when[cancel]
    orgs.status[cancel] = CANCELLED
    orgs.exit_day[moved] = when[moved]
    orgs.status[moved] = MOVED_OUT
    old = add_years(np.full(n, as_of), -6)
    orgs.exit_day[revoked_old] = between(rng, orgs.reg_day + 365, old)[revoked_old]
    orgs.status[revoked_old] = REVOKED
