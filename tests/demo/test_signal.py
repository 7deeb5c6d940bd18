"""The planted signal: graph features predict next year's serious events beyond entity features.

A model evaluation in miniature: features as of a date (no information from after it), the
target is a serious event in the following 12 months (serious-dishonest listing, 严重 penalty,
abnormal inspection), trained one year and tested the next.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest
import scipy.sparse as sp

from linkrisk.demo.assemble import build_city
from linkrisk.demo.model import City
from linkrisk.demo.orgs import ENT, IB, INDUSTRY_CODES
from linkrisk.demo.ownership import ORG, PERSON
from linkrisk.demo.timeline import NO_DAY, day
from linkrisk.demo.vocab import (
    ABNORMAL,
    DEBTOR,
    KEY_ATTENTION,
    PENALTY,
    RESTRICTION,
    SERIOUS_DISHONEST,
    UNCOOPERATIVE,
    UNREACHABLE,
)

SECTIONS = np.array(sorted({c[0] for c in INDUSTRY_CODES}))


def _adjacency(city: City) -> sp.csr_matrix:
    """Firms linked by a shared person, a holding, or a contact shared by at most 10 firms."""
    n, h, o = len(city.orgs), city.holdings, city.officers
    hp = h.src_kind == PERSON
    b = sp.csr_matrix(
        (
            np.ones(int(hp.sum()) + len(o.org)),
            (np.r_[h.src[hp], o.person], np.r_[h.dst[hp], o.org]),
        ),
        (len(city.persons), n),
    )
    b.data[:] = 1
    a = (b.T @ b).tocsr()
    oh = h.src_kind == ORG
    a = a + sp.csr_matrix((np.ones(int(oh.sum())), (h.dst[oh], h.src[oh])), (n, n))
    for key in (city.contacts.address, city.contacts.phone):
        _, inv, cnt = np.unique(key, return_inverse=True, return_counts=True)
        ok = np.flatnonzero(cnt[inv] <= 10)
        c = sp.csr_matrix((np.ones(len(ok)), (ok, inv[ok])), (n, len(cnt)))
        a = a + c @ c.T
    a = (a + a.T).tocsr()
    a.setdiag(0)
    a.eliminate_zeros()
    a.data[:] = 1
    return a


def _dataset(city: City, adj: sp.csr_matrix, t: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(entity features, graph features, target) for firms alive at day ``t``."""
    o, ev, d, ins = city.orgs, city.events, city.decisions, city.inspections
    n = len(o)
    firm = ~ev.person
    bad = (ins.result == UNREACHABLE) | (ins.result == UNCOOPERATIVE)

    def events(mask: np.ndarray, lo: int, hi: int) -> np.ndarray:
        m = mask & firm & (d.day > lo) & (d.day <= hi)
        return np.bincount(ev.subject[m], minlength=n).astype(float)

    def visits(mask: np.ndarray, lo: int, hi: int) -> np.ndarray:
        m = mask & (city.inspection_days > lo) & (city.inspection_days <= hi)
        return np.bincount(ins.org[m], minlength=n).astype(float)

    serious = (ev.type == SERIOUS_DISHONEST) | ((ev.type == PENALTY) & (ev.severity == 2))
    y = (events(serious, t, t + 365) + visits(bad, t, t + 365)) > 0
    active = (d.day <= t) & ((d.repair == NO_DAY) | (d.repair > t))
    listed = firm & (ev.type == ABNORMAL) & active
    listed_months = np.full(n, -1.0)
    np.maximum.at(listed_months, ev.subject[listed], (t - d.day[listed]) / 30.0)
    own = [events(ev.type == k, t - 730, t) for k in range(7)]
    section = np.array([c[0] for c in INDUSTRY_CODES])[o.industry][:, None] == SECTIONS[None, :]
    entity = np.c_[
        listed_months,
        events((ev.type == SERIOUS_DISHONEST) & active, -(10**6), t),
        (t - o.reg_day) / 365.0,
        np.log1p(np.nan_to_num(o.capital)),
        o.kind == IB,
        o.parent >= 0,
        section,
        *own,
        visits(bad, t - 730, t),
        visits(np.ones(len(bad), bool), t - 730, t),
    ]
    sanctioned = np.isin(ev.type, (SERIOUS_DISHONEST, DEBTOR, ABNORMAL, KEY_ATTENTION, PENALTY))
    recent = (events(sanctioned, t - 365, t) + visits(bad, t - 365, t) > 0).astype(float)
    people = ev.person & np.isin(ev.type, (DEBTOR, RESTRICTION)) & (d.day > t - 730) & (d.day <= t)
    person_hit = np.zeros(len(city.persons))
    person_hit[ev.subject[people]] = 1
    h, off = city.holdings, city.officers
    hp = h.src_kind == PERSON
    firm_people = np.zeros(n)
    np.add.at(firm_people, np.r_[h.dst[hp], off.org], person_hit[np.r_[h.src[hp], off.person]])
    two_hop = (adj @ adj).tocsr()
    two_hop.data[:] = 1
    graph = np.c_[np.diff(adj.indptr), adj @ recent, two_hop @ recent, firm_people]
    alive = (o.reg_day <= t) & (o.exit_day > t) & np.isin(o.kind, (ENT, IB))
    return entity[alive], graph[alive], y[alive]


@pytest.mark.slow
def test_graph_features_add_to_entity_features() -> None:
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.metrics import average_precision_score, roc_auc_score
    from threadpoolctl import threadpool_limits

    # big enough that a few hundred positives make the comparison more than noise
    city = build_city(80_000, 21, day(date(2026, 10, 31)), lambda _s: None)
    adj = _adjacency(city)
    train = _dataset(city, adj, day(date(2024, 10, 31)))
    test = _dataset(city, adj, day(date(2025, 10, 31)))
    assert 0.005 < test[2].mean() < 0.05  # a rare but not vanishing target

    def scores(with_graph: bool) -> tuple[float, float]:
        def x(data: tuple[np.ndarray, np.ndarray, np.ndarray]) -> np.ndarray:
            return np.c_[data[0], data[1]] if with_graph else data[0]

        model = HistGradientBoostingClassifier(max_iter=150, learning_rate=0.05, random_state=0)
        model.fit(x(train), train[2])
        p = model.predict_proba(x(test))[:, 1]
        return float(roc_auc_score(test[2], p)), float(average_precision_score(test[2], p))

    with threadpool_limits(1):  # shared CPUs: OpenMP threads would only fight each other
        (entity, entity_ap), (both, both_ap) = scores(False), scores(True)
    assert 0.65 < entity < 0.95  # entity features help, but do not separate the classes
    assert both > entity + 0.01, (entity, both)  # the graph genuinely adds …
    assert both_ap > entity_ap, (entity_ap, both_ap)
    assert both < 0.97  # … without making the problem trivial


@pytest.mark.slow
def test_ring_members_and_their_neighbours_are_riskier() -> None:
    city = build_city(20_000, 5, day(date(2026, 10, 31)), lambda _s: None)
    adj = _adjacency(city)
    _entity, graph, y = _dataset(city, adj, day(date(2025, 10, 31)))
    o = city.orgs
    t = day(date(2025, 10, 31))
    alive = (o.reg_day <= t) & (o.exit_day > t) & np.isin(o.kind, (ENT, IB))
    ring = (city.rings.ring_of >= 0)[alive]
    assert y[ring].mean() > 2 * y[~ring].mean()
    exposed = graph[:, 1] > 0
    assert y[exposed].mean() > 1.5 * y[~exposed].mean()
