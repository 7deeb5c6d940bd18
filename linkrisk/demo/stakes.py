"""The ownership tables being built: HOLDS rows, and what the structure knows about control."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from linkrisk.demo.draws import I64
from linkrisk.demo.timeline import NO_DAY

PERSON, ORG, EXTERNAL, FOREIGN = range(4)  # holder kinds; EXTERNAL: a firm outside the city


@dataclass(slots=True)
class Holdings:
    dst: I64
    src: I64  # raw person id, org index or external index, by src_kind
    src_kind: I64
    share_bp: I64
    start: I64
    end: I64  # NO_DAY while current


@dataclass(slots=True)
class Structure:
    """What officers, contacts and the hazard model need to know about who controls what."""

    primary: I64  # per org: main person holder (raw id) or -1
    second: I64  # per org: second person holder or -1
    group: I64  # per org: holding group id or -1
    group_parent: I64  # per org: the group firm holding it, or -1
    group_depth: I64  # per org: layers below the group's top firm, or -1
    group_top: I64  # per group: top firm
    group_controller: I64  # per group: raw person id
    staff: I64  # people serving across a group's firms (raw ids) …
    staff_group: I64  # … and their group
    cluster_controller: I64  # per cluster: raw person id
    cluster_straws: I64  # per cluster: (n, 3) nominee people, -1 padded
    cycles: list[tuple[int, int]] = field(default_factory=list)  # (holder org, held ancestor)
    external_kind: list[int] = field(default_factory=list)  # EXTERNAL or FOREIGN per external


class Rows:
    def __init__(self) -> None:
        self.parts: list[tuple[I64, ...]] = []

    def add(
        self,
        dst: I64,
        src: I64,
        kind: I64 | int,
        bp: I64 | int,
        start: I64,
        end: I64 | int = NO_DAY,
    ) -> None:
        n = len(dst)
        self.parts.append(
            tuple(
                np.broadcast_to(np.asarray(v, np.int32), n).copy()  # every value fits
                for v in (dst, src, kind, bp, start, end)
            )
        )

    def build(self) -> Holdings:
        cols = [np.concatenate([p[i] for p in self.parts]) for i in range(6)]
        order = np.argsort(cols[0], kind="stable")
        return Holdings(*(c[order] for c in cols))


def new_externals(st: Structure, rng: np.random.Generator, k: int, foreign_share: float) -> I64:
    kinds = np.where(rng.random(k) < foreign_share, FOREIGN, EXTERNAL)
    first = len(st.external_kind)
    st.external_kind.extend(int(x) for x in kinds)
    return np.arange(first, first + k, dtype=np.int64)
