"""``linkrisk inspectors list | add | import | update | retire``: the 执法人员名录库 (inspectors
are never deleted: retiring keeps past plans' records)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from linkrisk.cli import app
from linkrisk.cli.output import print_json, print_table
from linkrisk.cli.params import JsonFlag
from linkrisk.config import get_settings
from linkrisk.graph.open import open_store
from linkrisk.sampling.registry import (
    InspectorChange,
    add_inspector,
    import_inspectors,
    retire_inspector,
    update_inspector,
)
from linkrisk.sampling.sources import read_inspectors

inspectors_app = typer.Typer(
    name="inspectors",
    help="执法人员名录库: add, import, update and retire inspectors (never deleted).",
    no_args_is_help=True,
)
app.add_typer(inspectors_app, name="inspectors")

IdArg = Annotated[str, typer.Argument(help="inspector id (执法证号)")]
COLUMNS = ("inspector_id", "name", "id_masked", "department", "region", "qualifications", "active")


def _show(rows: list[dict[str, Any]], title: str, json: bool) -> None:
    if json:
        print_json(rows if len(rows) != 1 else rows[0])
        return
    print_table(title, list(COLUMNS), [tuple(r.get(c) for c in COLUMNS) for r in rows])


@inspectors_app.command("list")
def list_inspectors(
    department: Annotated[str | None, typer.Option(help="only this department")] = None,
    all_: Annotated[bool, typer.Option("--all", help="retired ones too")] = False,
    json: JsonFlag = False,
) -> None:
    """The registry (active inspectors, or --all)."""
    graph = open_store(get_settings())
    rows = [
        {c: r.get(c) for c in COLUMNS}
        for r in sorted(read_inspectors(graph).to_pylist(), key=lambda r: r["inspector_id"])
        if (all_ or r.get("active") is not False)
        and (department is None or r["department"] == department)
    ]
    if json:
        print_json(rows)
        return
    _show(rows, f"inspectors ({len(rows):,})", False)


@inspectors_app.command("add")
def add(
    inspector_id: IdArg,
    name: Annotated[str, typer.Option(help="姓名")],
    department: Annotated[str, typer.Option(help="department as plans name it")],
    qualification: Annotated[list[str], typer.Option(help="matter code (repeat)")],
    region: Annotated[str | None, typer.Option(help="6-digit region code")] = None,
    id_number: Annotated[
        str | None,
        typer.Option(help="resident ID number: stored only keyed-hashed and masked (for 回避)"),
    ] = None,
    json: JsonFlag = False,
) -> None:
    """Add an active inspector."""
    settings = get_settings()
    graph = open_store(settings)
    row = add_inspector(
        graph, settings, inspector_id, name, department, qualification,
        region=region, id_number=id_number,
    )  # fmt: skip
    _show([{c: row.get(c) for c in COLUMNS}], "inspector added", json)


@inspectors_app.command("import")
def import_file(
    file: Annotated[
        Path, typer.Argument(help="CSV/XLSX of inspectors", exists=True, dir_okay=False)
    ],
    json: JsonFlag = False,
) -> None:
    """Import inspectors from a file (the loader's columns: 执法证号, 姓名, 所属部门, …)."""
    settings = get_settings()
    report = import_inspectors(file, open_store(settings), settings)
    if json:
        print_json(report)
        return
    print_table(
        "inspectors imported", ["item", "value"], sorted((k, str(v)) for k, v in report.items())
    )


@inspectors_app.command("update")
def update(
    inspector_id: IdArg,
    name: Annotated[str | None, typer.Option(help="姓名")] = None,
    department: Annotated[str | None, typer.Option(help="new department")] = None,
    region: Annotated[str | None, typer.Option(help="6-digit region code")] = None,
    qualification: Annotated[
        list[str] | None, typer.Option(help="matter code (repeat; replaces the list)")
    ] = None,
    json: JsonFlag = False,
) -> None:
    """Change an inspector's department, qualifications, name or region."""
    graph = open_store(get_settings())
    change = InspectorChange(name, department, region, qualification)
    row = update_inspector(graph, inspector_id, change)
    _show([{c: row.get(c) for c in COLUMNS}], "inspector updated", json)


@inspectors_app.command("retire")
def retire(inspector_id: IdArg, json: JsonFlag = False) -> None:
    """Retire an inspector: left out of later pools, kept in past plans' records."""
    row = retire_inspector(open_store(get_settings()), inspector_id)
    _show([{c: row.get(c) for c in COLUMNS}], "inspector retired", json)
