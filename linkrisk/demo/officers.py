"""Officers (OFFICER rows): legal representatives, directors, supervisors, managers.

Small companies have an executive director (usually the main shareholder, who is often also the
manager and the legal representative) and a supervisor; larger ones a board. Group firms draw their
officers from the group's staff, shells their legal representatives from the cluster's nominees,
so that the same people sit in several firms. Some roles ended and were taken over.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from linkrisk.demo.draws import I64, ranks, repeated_rows, repeats
from linkrisk.demo.orgs import BRANCH, ENT, IB, SHELL, Orgs
from linkrisk.demo.ownership import Structure
from linkrisk.demo.people import PersonPool
from linkrisk.demo.timeline import NO_DAY, between
from linkrisk.demo.vocab import (
    CHAIR,
    DIRECTOR,
    EXEC_DIRECTOR,
    GENERAL_MANAGER,
    HEAD,
    LEGAL,
    MANAGER,
    SUPERVISOR,
)


@dataclass(slots=True)
class Officers:
    org: I64
    person: I64  # raw person id until compacted
    role: I64  # index into vocab.ROLES
    start: I64
    end: I64  # NO_DAY while serving


class _Cols:
    def __init__(self) -> None:
        self.parts: list[list[I64]] = [[], [], [], [], []]

    def add(self, org: I64, person: I64, role: int, start: I64, end: I64 | None = None) -> None:
        keep = person >= 0
        for col, v in zip(
            self.parts,
            (
                org,
                person,
                np.full(len(org), role),
                start,
                np.full(len(org), NO_DAY) if end is None else end,
            ),
            strict=True,
        ):
            col.append(np.asarray(v, np.int32)[keep])  # every value fits: half the memory


class _Draw:
    """Who fills a seat: group staff, a cluster's nominees, or anybody from the pool."""

    def __init__(
        self, rng: np.random.Generator, st: Structure, orgs: Orgs, pool: PersonPool
    ) -> None:
        self.rng, self.st, self.orgs, self.pool = rng, st, orgs, pool
        n_staff = np.bincount(st.staff_group, minlength=len(st.group_top))
        self.n_staff, self.staff_start = n_staff, np.cumsum(n_staff) - n_staff
        self.n_straws = (st.cluster_straws >= 0).sum(axis=1)

    def seat(self, firms: I64, p_serial: float = 0.1) -> I64:
        out = self.pool.pick(len(firms), p_serial)
        g = self.st.group[firms]
        ing = np.flatnonzero((g >= 0) & (self.rng.random(len(firms)) < 0.8))
        gg = g[ing]
        out[ing] = self.st.staff[
            self.staff_start[gg] + self.rng.integers(0, 1 << 30, len(ing)) % self.n_staff[gg]
        ]
        c = self.orgs.cluster[firms]
        inc = np.flatnonzero((c >= 0) & (self.rng.random(len(firms)) < 0.85))
        cc = c[inc]
        r = self.rng.integers(0, 3, len(inc)) % self.n_straws[cc]
        out[inc] = self.st.cluster_straws[cc, r]
        return out


def build_officers(
    rng: np.random.Generator, orgs: Orgs, st: Structure, pool: PersonPool, as_of: int
) -> Officers:
    cols = _Cols()
    draw = _Draw(rng, st, orgs, pool)
    ent = np.flatnonzero((orgs.kind == ENT) & (orgs.role != BRANCH))
    start = orgs.reg_day[ent]
    board = ((orgs.capital[ent] >= 1000) & (rng.random(len(ent)) < 0.5)) | np.isin(
        ent, st.group_top
    )
    primary = st.primary[ent]
    seat = draw.seat(ent)
    shell = orgs.role[ent] == SHELL
    head = np.where((primary >= 0) & ~(shell & (rng.random(len(ent)) < 0.75)), primary, seat)
    manager = np.where(rng.random(len(ent)) < 0.7, head, draw.seat(ent))
    supervisor = np.where(
        (st.second[ent] >= 0) & (rng.random(len(ent)) < 0.6), st.second[ent], draw.seat(ent)
    )
    clash = (supervisor == head) | (supervisor == manager)  # a supervisor may not manage
    supervisor[clash] = pool.fresh(int(clash.sum()))
    legal = np.where(rng.random(len(ent)) < np.where(board, 0.9, 0.85), head, manager)
    # legal representatives who were replaced: the old one's row ends when the new one's starts
    old = (start < as_of - 730) & (rng.random(len(ent)) < 0.08)
    when = between(rng, start + 180, np.full(len(ent), as_of - 30))
    cols.add(ent[old], pool.pick(int(old.sum()), 0.1), LEGAL, start[old], when[old])
    cols.add(ent, legal, LEGAL, np.where(old, when, start))
    small = ~board
    cols.add(ent[small], head[small], EXEC_DIRECTOR, start[small])
    cols.add(ent[small], manager[small], MANAGER, start[small])
    sup_old = (start < as_of - 730) & (rng.random(len(ent)) < 0.05)
    cols.add(
        ent[sup_old], pool.pick(int(sup_old.sum()), 0.1), SUPERVISOR, start[sup_old], when[sup_old]
    )
    cols.add(ent, supervisor, SUPERVISOR, np.where(sup_old, when, start))
    b = ent[board]
    cols.add(b, head[board], CHAIR, start[board])
    cols.add(b, manager[board], GENERAL_MANAGER, start[board])
    n_dir = rng.integers(2, 5, len(b))
    dir_firm = np.repeat(b, n_dir)
    directors = draw.seat(dir_firm)
    second = st.second[dir_firm]
    directors = np.where((ranks(n_dir) == 0) & (second >= 0), second, directors)
    dup = repeats(dir_firm * (1 << 32) + directors) | (directors == np.repeat(head[board], n_dir))
    directors[dup] = pool.fresh(int(dup.sum()))
    cols.add(dir_firm, directors, DIRECTOR, orgs.reg_day[dir_firm])
    n_sup = rng.integers(0, 3, len(b))  # extra supervisors: a board of supervisors
    sup_firm = np.repeat(b, n_sup)
    cols.add(sup_firm, pool.pick(len(sup_firm), 0.1), SUPERVISOR, orgs.reg_day[sup_firm])

    ib = np.flatnonzero(orgs.kind == IB)
    cols.add(ib, pool.pick(len(ib), 0.06), LEGAL, orgs.reg_day[ib])
    branches = np.flatnonzero(orgs.role == BRANCH)
    cols.add(branches, draw.seat(branches, 0.2), HEAD, orgs.reg_day[branches])
    nonprofit = np.flatnonzero(orgs.kind > IB)
    cols.add(nonprofit, pool.pick(len(nonprofit), 0.05), LEGAL, orgs.reg_day[nonprofit])

    org, person, role, st_day, end = (np.concatenate(c) for c in cols.parts)
    order = np.lexsort((role, org))
    # the same person drawn twice for the same seat (e.g. two supervisors) is one appointment
    order = order[~repeated_rows(org[order], person[order], role[order], st_day[order])]
    return Officers(org[order], person[order], role[order], st_day[order], end[order])
