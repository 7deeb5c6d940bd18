"""风险扫描: one summary of a subject's risk, in sections of counts that each open their list.

- ``own`` (自身风险): the subject's records in force on the as-of date, by type (行政处罚,
  经营异常名录 …), newest first;
- ``around`` (周边风险): the sanctioned or listed subjects within ``hops``, grouped by distance
  and by the relation of the first step from the subject (持股, 任职, 分支, 疑似关联), each with
  its path and its records (``surrounding_risk``).

A scan is a list of sections so that another (预警, the watchlist alerts) can be appended
without changing the ones before it. It is composed from answers every backend gives (the
subject's active events and ``GraphQueries.surrounding_risk``), so both stores agree.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import date

from linkrisk.graph.queries.results import RiskEvent, RiskNeighbour, SurroundingRisk
from linkrisk.graph.relations import EVENT_CODES, RelType


@dataclasses.dataclass(frozen=True, slots=True)
class ScanGroup:
    """One count of a section and the list it opens.

    ``key`` is the event type (``own``) or ``"<hops>:<relation>"`` (``around``);
    ``events`` are listed for ``own``, ``neighbours`` for ``around``.
    """

    key: str
    count: int
    hops: int | None = None
    relation: str | None = None
    type: str | None = None
    events: tuple[RiskEvent, ...] = ()
    neighbours: tuple[RiskNeighbour, ...] = ()


@dataclasses.dataclass(frozen=True, slots=True)
class ScanSection:
    """A section of the scan: its name (``own``, ``around``), total and groups."""

    name: str
    total: int
    groups: tuple[ScanGroup, ...]
    truncated: bool = False
    skipped_supernodes: tuple[str, ...] = ()


@dataclasses.dataclass(frozen=True, slots=True)
class RiskScan:
    """风险扫描 of ``sid`` as of ``as_of``, neighbours within ``hops``."""

    sid: str
    as_of: date
    hops: int
    sections: tuple[ScanSection, ...]


def own_section(events: Sequence[RiskEvent]) -> ScanSection:
    """自身风险: the subject's records in force, grouped by type in the vocabulary's order."""
    order = {t.value: i for i, t in enumerate(EVENT_CODES)}
    kinds = sorted({e.type for e in events}, key=lambda t: (order.get(t, 99), t))
    groups = tuple(
        ScanGroup(
            key=kind,
            count=sum(1 for e in events if e.type == kind),
            type=kind,
            events=tuple(e for e in events if e.type == kind),
        )
        for kind in kinds
    )
    return ScanSection("own", len(events), groups)


def around_section(around: SurroundingRisk) -> ScanSection:
    """周边风险: the listed neighbours, grouped by distance, then by the first step's relation."""
    rel_order = {r.value: i for i, r in enumerate(RelType)}
    grouped: dict[tuple[int, str], list[RiskNeighbour]] = {}
    for neighbour in around.neighbours:
        relation = neighbour.path.hops[0].rel.value
        grouped.setdefault((neighbour.hops, relation), []).append(neighbour)
    groups = tuple(
        ScanGroup(
            key=f"{hops}:{relation}",
            count=len(items),
            hops=hops,
            relation=relation,
            neighbours=tuple(items),
        )
        for (hops, relation), items in sorted(
            grouped.items(), key=lambda kv: (kv[0][0], rel_order.get(kv[0][1], 99))
        )
    )
    return ScanSection(
        "around",
        len(around.neighbours),
        groups,
        truncated=around.truncated,
        skipped_supernodes=around.skipped_supernodes,
    )


def risk_scan(sid: str, own: Sequence[RiskEvent], around: SurroundingRisk) -> RiskScan:
    """The scan of ``sid`` from its active events and its surrounding risk (same as-of date).

    Examples
    --------
    >>> around = queries.surrounding_risk(sid, hops=2)  # doctest: +SKIP
    >>> scan = risk_scan(sid, own_events, around)  # doctest: +SKIP
    >>> [(s.name, s.total) for s in scan.sections]  # doctest: +SKIP
    [('own', 2), ('around', 5)]
    """
    return RiskScan(sid, around.as_of, around.max_hops, (own_section(own), around_section(around)))
