"""``linkrisk sampling reassign``: new inspector teams for a plan (all subjects without a result,
or one), with a reason; the first draw's teams stay on record and the change is published."""

from __future__ import annotations

from typing import Annotated

import typer

from linkrisk.cli.output import print_json, print_table
from linkrisk.cli.params import JsonFlag
from linkrisk.cli.sampling_common import PlanArg, sampling_app, stores
from linkrisk.config import get_settings
from linkrisk.loaders.keys import subject_key
from linkrisk.sampling import AssignInputs
from linkrisk.sampling.reassign import reassign_plan
from linkrisk.sampling.sources import read_inspections, read_inspectors, snapshot_by_id


@sampling_app.command("reassign")
def reassign(
    plan: PlanArg,
    reason: Annotated[str, typer.Option(help="why (recorded and published)")],
    sid: Annotated[
        str | None,
        typer.Option(help="only this subject's team (default: every subject without a result)"),
    ] = None,
    accept_unassigned: Annotated[
        bool, typer.Option(help="record it even if some subjects get no team")
    ] = False,
    json: JsonFlag = False,
) -> None:
    """Redraw inspector teams (e.g. after the registry changed), keeping the first record."""
    settings = get_settings()
    book, graph = stores(settings)
    record = book.get(plan)
    snapshot = snapshot_by_id(settings.snapshot_dir, record.snapshot_id)
    inputs = AssignInputs(read_inspectors(graph), snapshot, read_inspections(graph))
    done = reassign_plan(
        book,
        graph,
        plan,
        inputs,
        reason,
        subject_key(sid) if sid else None,
        accept_unassigned=accept_unassigned,
    )
    teams = [[t.sid, t.status, list(t.inspectors)] for t in done.teams]
    if json:
        print_json({"plan_id": plan, "seq": done.seq, "at": done.at, "reason": done.reason,
                    "scope": done.scope, "teams": teams})  # fmt: skip
        return
    print_table(
        f"reassignment {done.seq} of {plan}: {done.reason}",
        ["subject", "status", "inspectors"],
        [(s, st, ", ".join(ins)) for s, st, ins in teams],
    )
