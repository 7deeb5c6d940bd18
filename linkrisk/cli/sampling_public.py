"""``linkrisk sampling verify | sealed | record | publish``: the 一公开 half — verify a draw
from its public files (public level) or its sealed frame file (auditor level), write the sealed
file, record inspection results and write the 公示 files."""

from __future__ import annotations

import csv
import shutil
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from linkrisk.cli.output import console, print_json, print_table
from linkrisk.cli.params import DATE_HELP, JsonFlag, date_option
from linkrisk.cli.sampling_common import (
    PlanArg,
    sampling_app,
    stores,
)
from linkrisk.config import get_settings
from linkrisk.errors import InputError, IntegrityError
from linkrisk.loaders.keys import subject_key
from linkrisk.loaders.normalise import parse_date
from linkrisk.sampling import (
    ResultEntry,
    load_catalogue,
    material_from_book,
    parse_result,
    publish_plan,
    read_public,
    read_sealed,
    record_results,
    verify_material,
    verify_public,
    write_sealed,
)


@sampling_app.command("verify")
def verify(
    plan: Annotated[str | None, typer.Argument(help="plan id (from the store)")] = None,
    file: Annotated[
        Path | None,
        typer.Option(
            help="public level: a publication's <plan>.verify.json", exists=True, dir_okay=False
        ),
    ] = None,
    sealed: Annotated[
        Path | None,
        typer.Option(
            help="auditor level: a sealed frame file <plan>.sealed.json.gz",
            exists=True,
            dir_okay=False,
        ),
    ] = None,
    announced: Annotated[
        str | None,
        typer.Option(help="the announcement digest published before the draw (public_digest)"),
    ] = None,
    json: JsonFlag = False,
) -> None:
    """Verify a plan: --file checks a publication from its public files alone; --sealed (or a
    plan id) re-derives the whole draw from the sealed frame. Exit 1 on any difference."""
    if sum(x is not None for x in (plan, file, sealed)) != 1:
        raise InputError("give one of: a plan id, --file (public) or --sealed (auditor)")
    try:
        if file is not None:
            data = read_public(file)
            plan_id, level = str(data.get("plan_id", "")), "public"
            report = verify_public(data, announced)
        else:
            if sealed is not None:
                material = read_sealed(sealed)
            else:
                book, _graph = stores(get_settings())
                assert plan is not None
                material = material_from_book(book, plan)
            plan_id, level = material.plan_id, "auditor"
            digest = (material.announcement or {}).get("public_digest")
            if announced and announced != digest:
                raise IntegrityError(
                    "announcement: the sealed material's announcement is not the one announced",
                    what="announcement",
                )
            report = verify_material(material)
    except IntegrityError as exc:
        if json:
            print_json(
                {
                    "plan_id": plan_id if "plan_id" in locals() else plan,
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
        print_json({**report.to_dict(), "level": level})
        return
    print_table(
        f"plan {report.plan_id} verifies ({level} level)", ["check"], [(c,) for c in report.checks]
    )


@sampling_app.command("sealed")
def sealed_file(
    plan: PlanArg,
    out: Annotated[Path, typer.Option(help="file to write (gzip JSON)", dir_okay=False)],
    json: JsonFlag = False,
) -> None:
    """Write the sealed frame file for a supervising body: frame with tiers, frame key, every
    digest. Never publish it; `linkrisk sampling verify --sealed FILE` re-derives the draw."""
    book, _graph = stores(get_settings())
    material = material_from_book(book, plan)
    verify_material(material)
    path = write_sealed(material, out)
    if json:
        print_json({"plan_id": plan, "sealed": str(path)})
        return
    console.print(
        f"sealed frame file of {plan}: {path} (for the auditor only)",
        soft_wrap=True,
        markup=False,
        highlight=False,
    )


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
    partial: Annotated[
        str | None,
        typer.Option(
            help="publish although some selected subjects have no result yet, for this reason"
            " (printed in the publication)"
        ),
    ] = None,
    copy_to: Annotated[
        Path | None,
        typer.Option(help="also copy the files to this directory", file_okay=False),
    ] = None,
    json: JsonFlag = False,
) -> None:
    """Write the 公示 files (CSV with BOM, XLSX, announcement and verification JSON) into the
    data directory's publications/<plan>/ (where the page and the API serve them): personal
    data masked, no tiers. Refuses while results are missing, unless --partial says why."""
    settings = get_settings()
    book, graph = stores(settings)
    paths = publish_plan(
        book,
        graph,
        plan,
        settings.publication_dir / plan,
        partial=partial,
        catalogue=load_catalogue(settings.sampling_matters),
    )
    if copy_to is not None:
        copy_to.mkdir(parents=True, exist_ok=True)
        for key, path in list(paths.items()):
            if key != "due_date":
                shutil.copy2(path, copy_to / Path(path).name)
        paths["copied_to"] = str(copy_to)
    if json:
        print_json(paths)
        return
    print_table(f"publication of {plan}", ["file", "path"], sorted(paths.items()))
