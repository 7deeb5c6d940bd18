"""What the ``linkrisk sampling`` commands share: the sub-app itself (added to ``linkrisk``
here), the ``--json`` flag and plan argument, the plan book and graph store they open, and the
tables that show a plan's digests and statistics and the first rows of its selection."""

from __future__ import annotations

from typing import Annotated

import typer

from linkrisk.cli import app
from linkrisk.cli.output import print_table
from linkrisk.cli.words import say
from linkrisk.config import Settings
from linkrisk.graph.open import open_embedded, open_store
from linkrisk.graph.store import GraphStore
from linkrisk.sampling import PlanBook
from linkrisk.sampling.plans import PlanRecord

sampling_app = typer.Typer(
    name="sampling",
    help="双随机、一公开 plans: tiered draw anyone can verify, inspector teams with 回避, 公示.",
    no_args_is_help=True,
)
app.add_typer(sampling_app, name="sampling")

PlanArg = Annotated[str, typer.Argument(help="plan id")]


def stores(settings: Settings) -> tuple[PlanBook, GraphStore]:
    """The plan book (embedded store) and the graph store (the same store when embedded)."""
    ops = open_embedded(settings)
    graph: GraphStore = ops if settings.store == "embedded" else open_store(settings)
    return PlanBook(ops), graph


def record_table(record: PlanRecord) -> None:
    summary = record.summary()
    rows = [
        (k, summary[k])
        for k in (
            "plan_id",
            "name",
            "status",
            "snapshot_id",
            "model_version",
            "frame_size",
            "frame_digest",
            "params_digest",
            "mandatory_digest",
            "seed_commitment",
            "seed_source",
            "seed",
            "plan_digest",
            "result_digest",
            "assignment_digest",
        )
    ]
    stats = record.stats
    rows.append(
        ("strata (frame)", ", ".join(f"{t} {n:,}" for t, n in stats.get("strata", {}).items()))
    )
    if "selected" in stats:
        rows.append(
            ("selected (random)", ", ".join(f"{t} {n:,}" for t, n in stats["selected"].items()))
        )
        rows.append(("selected (mandatory)", stats.get("selected_mandatory", 0)))
    for key in (
        "excluded_recent",
        "excluded_same_year_matter",
        "mandatory",
        "assigned",
        "unassigned",
        "conflict_skips",
    ):
        if key in stats:
            rows.append((key, stats[key]))
    print_table(f"plan {record.plan_id}", ["field", "value"], rows)


def picks_table(book: PlanBook, plan_id: str, limit: int) -> None:
    picks = book.selection(plan_id)
    print_table(
        f"selection of {plan_id} ({len(picks):,} subjects, first {min(limit, len(picks))})",
        ["rank", "subject", "tier", "how", "reason"],
        [(p.rank, p.sid, p.tier, say("pick", p.how), p.reason) for p in picks[:limit]],
    )
