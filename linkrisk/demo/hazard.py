"""The hazard model: who is risky, which firms are planted risk rings, and how risk spreads.

Monthly event hazard of firm i for event type t (see ``simulate``)::

    h_it(m) = base_t · kind_t · young · exp(γ_t · (x_i + ring_i(m))) · (1 + β · min(e_i(m), 2))^κ_t

- ``x_i``: static log risk: industry, registered capital, shell role and an unobserved frailty;
- ``ring_i(m)``: the planted ring's uplift times ``ring_phase``: 15% of it before the ring
  "activates" (its controller's crisis), all of it at activation, settling to 15% again over the
  next years; crises start at a steady rate (rings are groups of related firms: shell clusters,
  holding groups, the firms of a serial controller);
- ``e_i(m)``: contagion exposure ``W·S_org + B·S_person`` where ``S`` decays by 10% a month
  and grows with each sanction (weighted: serious ones most), ``W`` links firms through
  ownership, shared people, cluster contacts and branches, ``B`` links firms to the people who
  hold or run them;
- ``young``: 1.3 in a firm's first two years.

Only entity-level pieces (industry, capital, age, own events) are visible to a model without the
graph; frailty is hidden; ring membership and contagion are visible only through the graph.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from linkrisk.demo.draws import F64, I64
from linkrisk.demo.officers import Officers
from linkrisk.demo.orgs import IB, S51, SHELL, Orgs
from linkrisk.demo.ownership import ORG, PERSON, Holdings, Structure
from linkrisk.demo.vocab import CHAIR, EXEC_DIRECTOR, INDUSTRIES, LEGAL

FRAILTY_SD = 0.75  # unobserved heterogeneity: keeps the problem from being trivially separable
BETA = 8.0  # contagion strength
DECAY = 0.9  # monthly decay of sanction intensity (half-life about six and a half months)
EXPOSURE_CAP = 2.0  # contagion saturates: at most 1 + BETA·2 times the hazard
PRE_ACTIVATION = 0.15  # share of a ring's uplift before it activates
SETTLED = 0.15  # share of the uplift long after activation: a crisis peaks, then settles
CRISIS_MONTHS = 18.0  # e-folding time of the crisis peak
RING_SHARE = {"shell_cluster": 0.7, "holding_group": 0.3, "serial_controller": 0.3}
SHELL_RISK = 0.5


@dataclass(slots=True)
class Rings:
    kind: list[str]
    uplift: F64  # log hazard uplift per ring
    active_month: I64  # simulation month the ring activates (may be before the window)
    members: list[I64]  # org indices per ring
    controllers: list[I64]  # person ids per ring (their personal hazard rises too)
    ring_of: I64  # per org: the ring id with the largest uplift, or -1


@dataclass(slots=True)
class Graph:
    w: sp.csr_matrix  # org × org contagion weights
    b: sp.csr_matrix  # org × person weights (row i: the people of firm i)


def ring_phase(since: I64) -> F64:
    """Share of a ring's uplift ``since`` months after it activated (negative: before)."""
    after = SETTLED + (1 - SETTLED) * np.exp(-np.maximum(since, 0) / CRISIS_MONTHS)
    return np.where(since >= 0, after, PRE_ACTIVATION)


def static_risk(rng: np.random.Generator, orgs: Orgs) -> F64:
    risk = np.array([i.risk for i in INDUSTRIES] + [0.0] * 4)[orgs.industry]
    cap = np.nan_to_num(orgs.capital, nan=100.0)
    x = risk - 0.12 * (np.log10(cap + 1) - 2) + np.where(orgs.role == SHELL, SHELL_RISK, 0.0)
    x += np.where(orgs.kind >= S51, -1.5, 0.0) + np.where(orgs.kind == IB, -0.2, 0.0)
    return x + rng.normal(0, FRAILTY_SD, len(orgs))


def _controlled(h: Holdings, o: Officers, n_persons: int, n_orgs: int) -> sp.csr_matrix:
    """person × org: 1 where the person holds ≥ 25% or is legal representative or chair."""
    hp = (h.src_kind == PERSON) & (h.share_bp >= 2500)
    op = np.isin(o.role, (LEGAL, CHAIR, EXEC_DIRECTOR))
    rows = np.r_[h.src[hp], o.person[op]]
    cols = np.r_[h.dst[hp], o.org[op]]
    m = sp.csr_matrix((np.ones(len(rows), np.float32), (rows, cols)), (n_persons, n_orgs))
    m.data[:] = 1.0
    return m


def plant_rings(
    rng: np.random.Generator,
    orgs: Orgs,
    st: Structure,
    h: Holdings,
    o: Officers,
    n_persons: int,
    months: int,
) -> Rings:
    kinds: list[str] = []
    members: list[I64] = []
    controllers: list[I64] = []
    shell_cl = np.unique(orgs.cluster[orgs.role == SHELL])
    by_cluster = np.argsort(orgs.cluster, kind="stable")
    sorted_cluster = orgs.cluster[by_cluster]
    for cl in shell_cl[rng.random(len(shell_cl)) < RING_SHARE["shell_cluster"]]:
        kinds.append("shell_cluster")
        lo, hi = np.searchsorted(sorted_cluster, [cl, cl + 1])
        members.append(by_cluster[lo:hi])
        straws = st.cluster_straws[cl]
        controllers.append(np.r_[st.cluster_controller[cl], straws[straws >= 0]])
    sizes = np.bincount(st.group[st.group >= 0], minlength=len(st.group_top))
    group_order = np.argsort(st.group, kind="stable")
    starts = np.searchsorted(st.group[group_order], np.arange(len(st.group_top)))
    for g in np.flatnonzero((sizes >= 4) & (rng.random(len(sizes)) < RING_SHARE["holding_group"])):
        kinds.append("holding_group")
        members.append(group_order[starts[g] : starts[g] + sizes[g]])
        controllers.append(np.array([st.group_controller[g]]))
    ctrl = _controlled(h, o, n_persons, len(orgs))
    firms_per = np.diff(ctrl.indptr)
    serial = np.flatnonzero(firms_per >= 4)
    for p in serial[rng.random(len(serial)) < RING_SHARE["serial_controller"]]:
        kinds.append("serial_controller")
        members.append(ctrl.indices[ctrl.indptr[p] : ctrl.indptr[p + 1]].astype(np.int64))
        controllers.append(np.array([p]))
    k = len(kinds)
    uplift = rng.uniform(1.2, 2.2, k)
    active = rng.integers(
        -48, months - 3, k
    )  # crises start at a steady rate, before and during the window
    ring_of = np.full(len(orgs), -1)
    for r in np.argsort(uplift):  # larger uplifts win where rings overlap
        ring_of[members[r]] = r
    return Rings(kinds, uplift, active, members, controllers, ring_of)


def contagion_graph(orgs: Orgs, h: Holdings, o: Officers, n_persons: int) -> Graph:
    n = len(orgs)
    org_h = h.src_kind == ORG
    own = sp.coo_matrix(
        ((0.5 + h.share_bp[org_h] / 10_000).astype(np.float32), (h.dst[org_h], h.src[org_h])),
        (n, n),
    )
    hp = h.src_kind == PERSON
    hw = np.where(h.share_bp[hp] >= 2500, 1.0, 0.4)
    ow = np.where(np.isin(o.role, (LEGAL, CHAIR, EXEC_DIRECTOR)), 1.0, 0.4)
    b = sp.csr_matrix(
        (np.r_[hw, ow].astype(np.float32), (np.r_[h.dst[hp], o.org], np.r_[h.src[hp], o.person])),
        (n, n_persons),
    )
    b.data = np.minimum(b.data, 1.0)  # a person counts once per firm, whatever their roles
    deg = np.diff(b.tocsc().indptr)
    keep = sp.diags((deg <= 30).astype(np.float32))  # nominees of dozens of firms add noise only
    shared = (b @ keep @ b.T).tocoo()
    members = np.flatnonzero(orgs.cluster >= 0)
    c = orgs.cluster[members]
    same = sp.csr_matrix(
        (np.full(len(members), 1.0, np.float32), (members, c)),
        (n, int(c.max()) + 1 if len(c) else 0),
    )
    contact = (same @ same.T).tocoo()
    br = np.flatnonzero(orgs.parent >= 0)
    branch = sp.coo_matrix((np.full(len(br), 0.5, np.float32), (br, orgs.parent[br])), (n, n))
    w = (own + own.T + shared.multiply(0.6) + contact.multiply(0.8) + branch + branch.T).tocsr()
    w.setdiag(0)
    w.eliminate_zeros()
    w.data = np.minimum(w.data, 1.5).astype(np.float32)
    return Graph(w, b)
