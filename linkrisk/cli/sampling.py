"""``linkrisk sampling …``: 双随机、一公开 plans — create, draw, assign, record, publish, verify."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer

from linkrisk.cli import app
from linkrisk.cli.output import console, print_json, print_table
from linkrisk.config import Settings, get_settings
from linkrisk.errors import InputError, IntegrityError
from linkrisk.graph.open import open_embedded, open_store
from linkrisk.graph.store import GraphStore
from linkrisk.models.sampling import (
    AssignInputs,
    PlanBook,
    PlanParams,
    ResultEntry,
    Scope,
    assign_plan,
    create_plan,
    draw_plan,
    material_from_book,
    parse_ratio,
    parse_result,
    publish_plan,
    read_bundle,
    record_results,
    verify_material,
)
from linkrisk.models.sampling.demo import demo_plan
from linkrisk.models.sampling.params import (
    DEFAULT_KINDS,
    DEFAULT_RATIOS,
    DEFAULT_STATUSES,
    tier_code,
)
from linkrisk.models.sampling.plans import PlanRecord
from linkrisk.models.sampling.sources import (
    read_inspections,
    read_inspectors,
    snapshot_by_id,
    tiers_of,
)

__all__ = ["demo_plan", "sampling_app"]  # demo_plan: called by `linkrisk demo`

sampling_app = typer.Typer(
    name="sampling",
    help="双随机、一公开 plans: tiered draw anyone can verify, inspector teams with 回避, 公示.",
    no_args_is_help=True,
)
app.add_typer(sampling_app, name="sampling")

JsonFlag = Annotated[bool, typer.Option("--json", help="machine-readable output")]
PlanArg = Annotated[str, typer.Argument(help="plan id")]


def _stores(settings: Settings) -> tuple[PlanBook, GraphStore]:
    """The plan book (embedded store) and the graph store (the same store when embedded)."""
    ops = open_embedded(settings)
    graph: GraphStore = ops if settings.store == "embedded" else open_store(settings)
    return PlanBook(ops), graph


def _tier_values(items: list[str] | None, parse: Any, default: tuple[Any, ...]) -> tuple[Any, ...]:
    values = list(default)
    for item in items or []:
        tier, sep, value = item.partition("=")
        if not sep:
            raise InputError(f"{item!r}: write TIER=VALUE, e.g. A=3% or D=10")
        values[tier_code(tier)] = parse(value)
    return tuple(values)


def _record_table(record: PlanRecord) -> None:
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


@sampling_app.command("create")
def create(
    plan_id: Annotated[str, typer.Option("--id", help="plan id, e.g. SCJG-2026-03")],
    name: Annotated[str, typer.Option(help="plan title")],
    department: Annotated[list[str], typer.Option(help="department (repeat for a joint plan)")],
    matter: Annotated[list[str], typer.Option(help="matter code 检查事项 (repeat)")],
    start: Annotated[str, typer.Option(help="inspection start YYYY-MM-DD")],
    end: Annotated[str, typer.Option(help="inspection end YYYY-MM-DD")],
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
        inspect_start=date.fromisoformat(start),
        inspect_end=date.fromisoformat(end),
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
    )
    scores = load_scores(settings)
    snapshot = snapshot_by_id(settings.snapshot_dir, scores.snapshot_version)
    book, graph = _stores(settings)
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
    )
    if json:
        print_json(record.summary())
        return
    _record_table(record)
    console.print(
        "Publish the plan digest and seed commitment now; the draw reveals the seed"
        f" ({record.seed_source.value})."
    )


def _picks_table(book: PlanBook, plan_id: str, limit: int) -> None:
    picks = book.selection(plan_id)
    print_table(
        f"selection of {plan_id} ({len(picks):,} subjects, first {min(limit, len(picks))})",
        ["rank", "subject", "tier", "how", "reason"],
        [(p.rank, p.sid, p.tier, p.how, p.reason) for p in picks[:limit]],
    )


@sampling_app.command("draw")
def draw(
    plan: PlanArg,
    seed: Annotated[str | None, typer.Option(help="reveal an externally held seed")] = None,
    limit: Annotated[int, typer.Option(help="rows to show")] = 20,
    json: JsonFlag = False,
) -> None:
    """Reveal the seed and draw the subjects (HMAC-ordered within each tier)."""
    book, _graph = _stores(get_settings())
    record, picks = draw_plan(book, plan, seed)
    if json:
        print_json(
            {
                **record.summary(),
                "selection": [[p.rank, p.sid, p.tier, p.how, p.reason] for p in picks],
            }
        )
        return
    _record_table(record)
    _picks_table(book, plan, limit)


@sampling_app.command("assign")
def assign(
    plan: PlanArg,
    limit: Annotated[int, typer.Option(help="rows to show")] = 20,
    json: JsonFlag = False,
) -> None:
    """Draw inspector teams per subject, skipping conflicts of interest (回避)."""
    settings = get_settings()
    book, graph = _stores(settings)
    record = book.get(plan)
    snapshot = snapshot_by_id(settings.snapshot_dir, record.snapshot_id)
    inputs = AssignInputs(read_inspectors(graph), snapshot, read_inspections(graph))
    record, pool, teams = assign_plan(book, plan, inputs)
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
    _record_table(record)
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


@sampling_app.command("verify")
def verify(
    plan: Annotated[str | None, typer.Argument(help="plan id (from the store)")] = None,
    file: Annotated[Path | None, typer.Option(help="a publication file <plan>.verify.json")] = None,
    announced: Annotated[
        str | None, typer.Option(help="plan digest announced before the draw")
    ] = None,
    json: JsonFlag = False,
) -> None:
    """Re-derive the draw and teams from frame, parameters and seed; exit 1 on any difference."""
    if (plan is None) == (file is None):
        raise InputError("give either a plan id or --file")
    if file is not None:
        material = read_bundle(file)
    else:
        book, _graph = _stores(get_settings())
        assert plan is not None
        material = material_from_book(book, plan)
    try:
        report = verify_material(material, announced)
    except IntegrityError as exc:
        if json:
            print_json(
                {
                    "plan_id": material.plan_id,
                    "ok": False,
                    "what": exc.extra.get("what"),
                    "detail": exc.detail,
                }
            )
        else:
            typer.secho(
                f"VERIFY FAILED ({exc.extra.get('what')}): {exc.detail}",
                fg=typer.colors.RED,
                err=True,
            )
        raise typer.Exit(1) from None
    if json:
        print_json(report.to_dict())
        return
    print_table(f"plan {report.plan_id} verifies", ["check"], [(c,) for c in report.checks])


def _read_results(path: Path) -> list[ResultEntry]:
    names = {
        "sid": ("sid", "主体标识", "统一社会信用代码", "subject"),
        "result": ("result", "检查结果", "结果"),
        "date": ("inspect_date", "date", "检查日期"),
        "matter": ("matter", "检查事项"),
    }
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        header = reader.fieldnames or []
        column = {
            k: next((h for h in header if h.strip() in alts), None) for k, alts in names.items()
        }
        missing = [k for k in ("sid", "result", "date") if column[k] is None]
        if missing:
            raise InputError(f"{path}: missing columns {missing} (have {header})")
        entries = []
        for number, row in enumerate(reader, start=2):
            try:
                matter_col = column["matter"]
                entries.append(
                    ResultEntry(
                        sid=row[column["sid"] or ""].strip(),
                        result=parse_result(row[column["result"] or ""]),
                        inspect_date=date.fromisoformat(
                            row[column["date"] or ""].strip().replace("/", "-")
                        ),
                        matter=(row[matter_col].strip() or None) if matter_col else None,
                    )
                )
            except (InputError, ValueError) as exc:
                detail = exc.detail if isinstance(exc, InputError) else str(exc)
                raise InputError(f"{path}, row {number}: {detail}") from None
    return entries


@sampling_app.command("record")
def record(
    plan: PlanArg,
    file: Annotated[
        Path | None, typer.Argument(help="CSV with sid/主体标识, result/检查结果, date/检查日期")
    ] = None,
    sid: Annotated[str | None, typer.Option(help="one subject")] = None,
    result: Annotated[str | None, typer.Option(help="e.g. 正常, 不配合检查")] = None,
    when: Annotated[str | None, typer.Option("--date", help="inspection date YYYY-MM-DD")] = None,
    matter: Annotated[
        str | None, typer.Option(help="matter code (default: all of the plan's)")
    ] = None,
    json: JsonFlag = False,
) -> None:
    """Record inspection results (they feed the next plan and the risk model)."""
    if file is not None:
        entries = _read_results(file)
    elif sid and result and when:
        entries = [ResultEntry(sid, parse_result(result), date.fromisoformat(when), matter)]
    else:
        raise InputError("give a CSV file, or --sid, --result and --date")
    book, graph = _stores(get_settings())
    summary = record_results(book, graph, plan, entries)
    if json:
        print_json(summary)
        return
    print_table(f"results recorded for {plan}", ["item", "count"], sorted(summary.items()))


@sampling_app.command("publish")
def publish(
    plan: PlanArg,
    out: Annotated[Path, typer.Option(help="output directory")] = Path("publications"),
    json: JsonFlag = False,
) -> None:
    """Write the 公示 files (CSV with BOM, XLSX, verification JSON), personal data masked."""
    book, graph = _stores(get_settings())
    paths = publish_plan(book, graph, plan, out)
    if json:
        print_json(paths)
        return
    print_table(f"publication of {plan}", ["file", "path"], sorted(paths.items()))


@sampling_app.command("list")
def list_plans(json: JsonFlag = False) -> None:
    """All plans with their status."""
    book, _graph = _stores(get_settings())
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
    book, _graph = _stores(get_settings())
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
    _record_table(record)
    print_table(
        "parameters",
        ["parameter", "value"],
        sorted((k, str(v)) for k, v in record.params.to_dict().items()),
    )
    if record.status.value != "created":
        _picks_table(book, plan, limit)
