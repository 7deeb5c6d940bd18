"""``linkrisk sampling verify | record | publish | list | show``: the 一公开 half — re-derive a
draw from its published material, record inspection results, write the 公示 files, and list
and show plans."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from linkrisk.cli.output import print_json, print_table
from linkrisk.cli.params import DATE_HELP, JsonFlag, date_option
from linkrisk.cli.sampling_common import (
    PlanArg,
    picks_table,
    record_table,
    sampling_app,
    stores,
)
from linkrisk.config import get_settings
from linkrisk.errors import InputError, IntegrityError
from linkrisk.loaders.keys import subject_key
from linkrisk.loaders.normalise import parse_date
from linkrisk.sampling import (
    ResultEntry,
    material_from_book,
    parse_result,
    publish_plan,
    read_bundle,
    record_results,
    verify_material,
)


@sampling_app.command("verify")
def verify(
    plan: Annotated[str | None, typer.Argument(help="plan id (from the store)")] = None,
    file: Annotated[
        Path | None,
        typer.Option(help="a publication file <plan>.verify.json", exists=True, dir_okay=False),
    ] = None,
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
        book, _graph = stores(get_settings())
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


#: accepted headers of a results file, per field
RESULT_COLUMNS = {
    "sid": ("sid", "主体标识", "统一社会信用代码", "subject"),
    "result": ("result", "检查结果", "结果"),
    "date": ("inspect_date", "date", "检查日期"),
    "matter": ("matter", "检查事项"),
}


def _read_results(path: Path) -> list[ResultEntry]:
    try:
        return _parse_results(path)
    except (UnicodeDecodeError, csv.Error) as exc:
        raise InputError(f"{path}: not a UTF-8 CSV file ({exc})") from None


def _parse_results(path: Path) -> list[ResultEntry]:
    names = RESULT_COLUMNS
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
            if (
                not (row.get(column["result"] or "") or "").strip()
                and not (row.get(column["date"] or "") or "").strip()
            ):
                continue  # a row of the form not filled in yet: not inspected (yet)
            try:
                matter_col = column["matter"]
                entries.append(
                    ResultEntry(
                        sid=subject_key(row[column["sid"] or ""]),
                        result=parse_result(row[column["result"] or ""]),
                        inspect_date=parse_date(row[column["date"] or ""], "inspection date"),
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
        Path | None,
        typer.Argument(
            help="CSV with sid/主体标识, result/检查结果, date/检查日期",
            exists=True,
            dir_okay=False,
        ),
    ] = None,
    sid: Annotated[str | None, typer.Option(help="one subject")] = None,
    result: Annotated[str | None, typer.Option(help="e.g. 正常, 不配合检查")] = None,
    when: Annotated[
        date | None, date_option("--date", help=f"inspection date, {DATE_HELP}")
    ] = None,
    matter: Annotated[
        str | None, typer.Option(help="matter code (default: all of the plan's)")
    ] = None,
    json: JsonFlag = False,
) -> None:
    """Record inspection results (they feed the next plan and the risk model)."""
    if file is not None:
        entries = _read_results(file)
    elif sid and result and when:
        entries = [ResultEntry(subject_key(sid), parse_result(result), when, matter)]
    else:
        raise InputError("give a CSV file, or --sid, --result and --date")
    book, graph = stores(get_settings())
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
    book, graph = stores(get_settings())
    paths = publish_plan(book, graph, plan, out)
    if json:
        print_json(paths)
        return
    print_table(f"publication of {plan}", ["file", "path"], sorted(paths.items()))


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
