"""``linkrisk sampling list | show | progress``: the plans, one plan's digests, selection and
teams (the regulator's own view: tiers included), and its results entered so far."""

from __future__ import annotations

from typing import Annotated

import typer

from linkrisk.cli.output import print_json, print_table
from linkrisk.cli.params import JsonFlag
from linkrisk.cli.sampling_common import PlanArg, picks_table, record_table, sampling_app, stores
from linkrisk.config import get_settings
from linkrisk.sampling import load_catalogue
from linkrisk.sampling.progress import plan_progress


@sampling_app.command("list")
def list_plans(json: JsonFlag = False) -> None:
    """All plans with their status."""
    book, _graph = stores(get_settings())
    records = book.all()
    if json:
        print_json([r.summary() for r in records])
        return
    print_table(
        "sampling plans",
        ["plan", "name", "status", "frame", "selected", "snapshot", "created"],
        [
            (
                r.plan_id,
                r.name,
                r.status.value,
                f"{r.frame_size:,}",
                sum(r.stats.get("selected", {}).values()) + r.stats.get("selected_mandatory", 0)
                if "selected" in r.stats
                else "",
                r.snapshot_id,
                r.created_at,
            )
            for r in records
        ],
    )


@sampling_app.command("show")
def show(
    plan: PlanArg,
    limit: Annotated[int, typer.Option(help="rows to show")] = 20,
    json: JsonFlag = False,
) -> None:
    """One plan: parameters, digests, selection and teams."""
    book, _graph = stores(get_settings())
    record = book.get(plan)
    if json:
        print_json(
            {
                **record.summary(),
                "selection": [
                    [p.rank, p.sid, p.tier, p.how, p.reason] for p in book.selection(plan)
                ],
                "teams": [[t.rank, t.sid, t.status, list(t.inspectors)] for t in book.teams(plan)],
            }
        )
        return
    record_table(record)
    print_table(
        "parameters",
        ["parameter", "value"],
        sorted((k, str(v)) for k, v in record.params.to_dict().items()),
    )
    if record.status.value != "created":
        picks_table(book, plan, limit)


@sampling_app.command("progress")
def progress(plan: PlanArg, json: JsonFlag = False) -> None:
    """Results entered so far: assigned subjects with results, per team and per matter."""
    book, graph = stores(get_settings())
    found = plan_progress(book, graph, plan)
    if json:
        print_json(found)
        return
    print(f"{plan}: {found['recorded']:,} of {found['subjects']:,} assigned subjects recorded")
    catalogue = load_catalogue(get_settings().sampling_matters)
    for title, column, rows in (
        ("per team", "inspectors", found["teams"]),
        ("per matter", "matter", found["matters"]),
    ):
        print_table(
            title,
            [column, "subjects", "recorded"],
            [
                (catalogue.name(r["key"]) if column == "matter" else r["key"],
                 f"{r['subjects']:,}", f"{r['recorded']:,}")
                for r in rows
            ],
        )  # fmt: skip
