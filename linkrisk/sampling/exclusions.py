"""Exclusions from the frame, from earlier inspections (canonical ``inspections`` rows).

- 无事不扰: a subject inspected (by any plan, on any matter) within ``recent_days`` days before
  the plan's inspection start is left out.
- once per year per matter: a subject already inspected in the same calendar year on one of
  the plan's matters is left out.

Mandatory inclusions are not subject to these rules (an abnormal result must be followed up).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from linkrisk.graph.snapshot.arrays import Snapshot
from linkrisk.sampling.params import PlanParams

INSPECTION_COLUMNS = ["plan_id", "sid", "inspect_date", "matter", "result", "inspectors"]


@dataclass(frozen=True, slots=True)
class Exclusions:
    """Per-node masks of the two rules (a node may be caught by both)."""

    recent: np.ndarray
    same_year_matter: np.ndarray

    @property
    def any(self) -> np.ndarray:
        return np.asarray(self.recent | self.same_year_matter, bool)

    def counts(self) -> dict[str, int]:
        return {
            "excluded_recent": int(self.recent.sum()),
            "excluded_same_year_matter": int(self.same_year_matter.sum()),
        }


def _nodes_of(snapshot: Snapshot, sids: pa.ChunkedArray | pa.Array) -> np.ndarray:
    unique = pc.unique(sids).to_pylist()
    nodes = snapshot.indices([s for s in unique if s])
    return nodes[nodes >= 0]


def exclusions(inspections: pa.Table, snapshot: Snapshot, params: PlanParams) -> Exclusions:
    """The exclusion masks of a plan over the snapshot's nodes.

    Parameters
    ----------
    inspections
        Earlier inspections with at least ``sid``, ``inspect_date`` (date32) and ``matter``.
    snapshot
        Gives the node order of the masks.
    params
        ``inspect_start``, ``recent_days``, ``once_per_year`` and ``matters`` are used.
    """
    recent = np.zeros(snapshot.n, bool)
    same_year = np.zeros(snapshot.n, bool)
    if inspections.num_rows == 0:
        return Exclusions(recent, same_year)
    when = inspections["inspect_date"]
    before_start = pc.less(when, pa.scalar(params.inspect_start, pa.date32()))
    if params.recent_days is not None:
        since = params.inspect_start - timedelta(days=params.recent_days)
        window = pc.and_(before_start, pc.greater_equal(when, pa.scalar(since, pa.date32())))
        recent[_nodes_of(snapshot, inspections.filter(window)["sid"])] = True
    if params.once_per_year:
        year_start = date(params.inspect_start.year, 1, 1)
        this_year = pc.and_(
            before_start, pc.greater_equal(when, pa.scalar(year_start, pa.date32()))
        )
        matter = pc.is_in(
            inspections["matter"], value_set=pa.array(list(params.matters), pa.string())
        )
        rows = inspections.filter(pc.and_(this_year, pc.fill_null(matter, False)))
        same_year[_nodes_of(snapshot, rows["sid"])] = True
    return Exclusions(recent, same_year)
