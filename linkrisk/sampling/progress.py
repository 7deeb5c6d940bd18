"""Result progress of a plan: how many assigned subjects have results, per team and per matter.

A team is the set of inspectors a subject was assigned to (after reassignments); a subject
counts as recorded for a matter once an inspection row of the plan names that matter (a result
entered for "every matter" writes one row per matter), and as recorded overall once it has a
row for each of the plan's matters.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from linkrisk.graph.store import GraphStore
from linkrisk.sampling.inspectors import ASSIGNED
from linkrisk.sampling.plans import PlanBook


@dataclass(frozen=True, slots=True)
class Count:
    """Subjects to inspect and how many of them have results."""

    key: str  # the inspectors (";"-joined) of a team, or a matter's code
    subjects: int
    recorded: int


def inspected(graph: GraphStore, plan_id: str) -> set[tuple[str, str]]:
    """``(sid, matter)`` of every inspection row recorded for ``plan_id`` (either store)."""
    batches = list(graph.read_table("inspections", ["plan_id", "sid", "matter"]))
    if not batches:
        return set()
    table = pa.Table.from_batches(batches)
    table = table.filter(pc.equal(table["plan_id"], plan_id))
    return set(zip(table["sid"].to_pylist(), table["matter"].to_pylist(), strict=True))


def plan_progress(book: PlanBook, graph: GraphStore, plan_id: str) -> dict[str, Any]:
    """Assigned subjects with results overall, per team and per matter of ``plan_id``."""
    record = book.get(plan_id)
    matters = list(record.params.matters)
    rows = inspected(graph, plan_id)
    teams = [t for t in book.teams(plan_id) if t.status == ASSIGNED]
    done = {t.sid for t in teams if all((t.sid, m) in rows for m in matters)}
    per_team: dict[str, list[int]] = {}
    for team in teams:
        counts = per_team.setdefault(";".join(team.inspectors), [0, 0])
        counts[0] += 1
        counts[1] += team.sid in done
    assigned = {t.sid for t in teams}
    per_matter = [
        Count(m, len(assigned), sum((sid, m) in rows for sid in assigned)) for m in matters
    ]
    return {
        "plan_id": plan_id,
        "status": record.status.value,
        "subjects": len(assigned),
        "recorded": len(done),
        "teams": [asdict(Count(k, n, r)) for k, (n, r) in sorted(per_team.items())],
        "matters": [asdict(c) for c in per_matter],
    }
