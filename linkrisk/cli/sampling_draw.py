"""``linkrisk sampling create | draw | assign``: the 双随机 half — fix a plan's frame and seal
its seed, draw the subjects tier by tier, then draw inspector teams for them with 回避."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer

from linkrisk.cli.output import console, err_console, print_json, print_table
from linkrisk.cli.params import DATE_HELP, JsonFlag, date_option
from linkrisk.cli.sampling_common import (
    PlanArg,
    picks_table,
    record_table,
    sampling_app,
    stores,
)
from linkrisk.config import get_settings
from linkrisk.errors import InputError
from linkrisk.graph.store import GraphStore
from linkrisk.loaders.spreadsheet import SafeCsvWriter
from linkrisk.sampling import (
    AssignInputs,
    PlanParams,
    Scope,
    assign_plan,
    create_plan,
    draw_plan,
    load_catalogue,
    parse_ratio,
    write_announcement,
)
from linkrisk.sampling.params import (
    DEFAULT_KINDS,
    DEFAULT_RATIOS,
    DEFAULT_STATUSES,
    tier_code,
)
from linkrisk.sampling.sources import (
    read_inspections,
    read_inspectors,
    snapshot_by_id,
    tiers_of,
)


def _tier_values(items: list[str] | None, parse: Any, default: tuple[Any, ...]) -> tuple[Any, ...]:
    values = list(default)
    for item in items or []:
        tier, sep, value = item.partition("=")
        if not sep:
            raise InputError(f"{item!r}: write TIER=VALUE, e.g. A=3% or D=10")
        values[tier_code(tier)] = parse(value)
    return tuple(values)


@sampling_app.command("create")
def create(
    plan_id: Annotated[str, typer.Option("--id", help="plan id, e.g. SCJG-2026-03")],
    name: Annotated[str, typer.Option(help="plan title")],
    department: Annotated[list[str], typer.Option(help="department (repeat for a joint plan)")],
    matter: Annotated[list[str], typer.Option(help="matter code 检查事项 (repeat)")],
    start: Annotated[date, date_option("--start", help=f"inspection start, {DATE_HELP}")],
    end: Annotated[date, date_option("--end", help="inspection end (a date, as --start)")],
    region: Annotated[str, typer.Option(help="region code prefix, e.g. 3201")] = "",
    industry: Annotated[
        list[str] | None, typer.Option(help="industry code prefix (repeat)")
    ] = None,
    kind: Annotated[
        list[str] | None, typer.Option(help="subject kind (default: organisations)")
    ] = None,
    status: Annotated[list[str] | None, typer.Option(help="status (default: active)")] = None,
    ratio: Annotated[list[str] | None, typer.Option(help="TIER=RATIO, e.g. A=0 or C=30%")] = None,
    minimum: Annotated[list[str] | None, typer.Option("--min", help="TIER=N least drawn")] = None,
    abnormal_from: Annotated[
        list[str] | None, typer.Option(help="earlier plan whose abnormal results are mandatory")
    ] = None,
    extended_hops: Annotated[
        int, typer.Option(help="延伸检查 hops from blacklisted firms' shareholders (0 off)")
    ] = 0,
    recent_days: Annotated[
        int | None, typer.Option(help="无事不扰: skip subjects inspected within N days")
    ] = None,
    once_per_year: Annotated[
        bool, typer.Option(help="one inspection per matter per calendar year")
    ] = True,
    team: Annotated[int, typer.Option(help="inspectors per subject (≥ 2)")] = 2,
    max_load: Annotated[int | None, typer.Option(help="most subjects per inspector")] = None,
    joint: Annotated[
        bool,
        typer.Option(help="部门联合抽查: every team has an inspector of each --department"),
    ] = False,
    seed: Annotated[
        str | None, typer.Option(help="seed to use (default: generated and sealed)")
    ] = None,
    public_seed: Annotated[
        bool, typer.Option(help="the --seed was announced publicly in advance")
    ] = False,
    commitment: Annotated[str | None, typer.Option(help="SHA-256 of a seed held elsewhere")] = None,
    json: JsonFlag = False,
) -> None:
    """Create a plan: fix the frame (subjects × tier), its digest and the seed commitment."""
    from linkrisk.models.scores import load_scores

    settings = get_settings()
    params = PlanParams(
        plan_id=plan_id,
        name=name,
        departments=tuple(department),
        matters=tuple(matter),
        inspect_start=start,
        inspect_end=end,
        scope=Scope(
            region_prefix=region,
            industry_prefixes=tuple(industry or ()),
            kinds=tuple(kind or DEFAULT_KINDS),
            statuses=tuple(status or DEFAULT_STATUSES),
        ),
        ratios=_tier_values(ratio, parse_ratio, DEFAULT_RATIOS),
        minimums=_tier_values(minimum, int, (0, 0, 0, 0)),
        abnormal_from=tuple(abnormal_from or ()),
        extended_hops=extended_hops,
        recent_days=recent_days,
        once_per_year=once_per_year,
        team_size=team,
        max_per_inspector=max_load,
        joint=joint,
    )
    load_catalogue(settings.sampling_matters).check(params.matters)
    scores = load_scores(settings)
    snapshot = snapshot_by_id(settings.snapshot_dir, scores.snapshot_version)
    book, graph = stores(settings)
    record = create_plan(
        book,
        params,
        snapshot,
        tiers_of(scores, snapshot),
        scores.model_version,
        read_inspections(graph),
        seed=seed,
        public_seed=public_seed,
        seed_commitment=commitment,
        registry=read_inspectors(graph),
    )
    for warning in record.stats.get("warnings", []):
        typer.secho(f"warning: {warning}", err=True, fg=typer.colors.YELLOW)
    notice = write_announcement(book, plan_id, settings.publication_dir / plan_id)
    if json:
        print_json({**record.summary(), "announcement": str(notice)})
        return
    record_table(record)
    console.print(
        f"Publish the announcement {notice} (digest {record.public_digest}) now; the draw"
        f" reveals the seed ({record.seed_source.value}).",
        soft_wrap=True,
        markup=False,
        highlight=False,
    )


@sampling_app.command("draw")
def draw(
    plan: PlanArg,
    seed: Annotated[str | None, typer.Option(help="reveal an externally held seed")] = None,
    limit: Annotated[int, typer.Option(help="rows to show")] = 20,
    json: JsonFlag = False,
) -> None:
    """Reveal the seed and draw the subjects (HMAC-ordered within each tier)."""
    book, _graph = stores(get_settings())
    record, picks = draw_plan(book, plan, seed)
    if json:
        print_json(
            {
                **record.summary(),
                "selection": [[p.rank, p.sid, p.tier, p.how, p.reason] for p in picks],
            }
        )
        return
    record_table(record)
    picks_table(book, plan, limit)


@sampling_app.command("assign")
def assign(
    plan: PlanArg,
    limit: Annotated[int, typer.Option(help="rows to show", min=0)] = 20,
    form: Annotated[
        Path | None,
        typer.Option(
            help="also write a results form (CSV) for the inspectors: one row per assigned"
            " subject, 检查结果 and 检查日期 to fill in (`sampling record` reads it back)",
            dir_okay=False,
        ),
    ] = None,
    accept_unassigned: Annotated[
        bool,
        typer.Option(help="record the teams even if some subjects get none (refused otherwise)"),
    ] = False,
    json: JsonFlag = False,
) -> None:
    """Draw inspector teams per subject, skipping conflicts of interest (回避). Refused when a
    subject would get no team, unless --accept-unassigned; later changes: `sampling reassign`."""
    settings = get_settings()
    book, graph = stores(settings)
    record = book.get(plan)
    snapshot = snapshot_by_id(settings.snapshot_dir, record.snapshot_id)
    inputs = AssignInputs(read_inspectors(graph), snapshot, read_inspections(graph))
    record, pool, teams = assign_plan(book, plan, inputs, accept_unassigned=accept_unassigned)
    if form is not None:
        _write_form(form, graph, [t for t in teams if t.status == "assigned"])
    if json:
        print_json(
            {
                **record.summary(),
                "pool": [[m.inspector_id, m.eligible, m.reason] for m in pool],
                "teams": [
                    [t.rank, t.sid, t.status, list(t.inspectors), [list(s) for s in t.skips]]
                    for t in teams
                ],
            }
        )
        return
    record_table(record)
    print_table(
        f"teams of {plan} (first {min(limit, len(teams))})",
        ["rank", "subject", "status", "inspectors", "skipped"],
        [
            (
                t.rank,
                t.sid,
                t.status,
                ", ".join(t.inspectors),
                "; ".join(f"{i}: {r}" for i, r in t.skips),
            )
            for t in teams[:limit]
        ],
    )
    left_out = [m for m in pool if not m.eligible]
    if left_out:
        print_table(
            "inspectors not in the pool",
            ["inspector", "reason"],
            [(m.inspector_id, m.reason) for m in left_out[:limit]],
        )
    if teams and not any(t.status == "assigned" for t in teams):
        typer.secho(
            f"no subject of {plan} got a team: {len(left_out):,} of {len(pool):,} inspectors"
            " are not in the pool (see the reasons above; --department names the plan's"
            " departments as the inspector registry spells them)",
            err=True,
            fg=typer.colors.YELLOW,
        )


#: the results form's columns: what ``sampling record`` reads back (see ``RESULT_COLUMNS``)
FORM_COLUMNS = ("主体标识", "名称", "检查人员", "检查结果", "检查日期", "检查事项")


def _write_form(path: Path, graph: GraphStore, teams: list[Any]) -> None:
    """A CSV (UTF-8 with BOM, opens in Excel) with a row per assigned subject to fill in."""
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = SafeCsvWriter(handle)  # a firm named "=HYPERLINK(…)" stays text
        writer.writerow(FORM_COLUMNS)
        for team in teams:
            name = (graph.get_subject(team.sid) or {}).get("name") or ""
            writer.writerow([team.sid, name, " ".join(team.inspectors), "", "", ""])
    err_console.print(
        f"results form for {len(teams):,} subjects: {path.resolve()}"
        " (fill in 检查结果 and 检查日期)",
        soft_wrap=True,
        markup=False,
        highlight=False,
    )
