"""``linkrisk beneficial-owners``: 受益所有人 by the 2024 rules, and 备案核验 of a filing file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from linkrisk.cli import app
from linkrisk.cli.graph_common import Context, JsonFlag, pct
from linkrisk.cli.output import console, print_json, print_table
from linkrisk.cli.params import LangOption
from linkrisk.cli.words import say, use
from linkrisk.graph.queries.results import as_dict


@app.command("beneficial-owners")
def beneficial_owners_command(
    sid: Annotated[str | None, typer.Argument(help="a firm: name, USCC or key prefix")] = None,
    filed: Annotated[
        Path | None,
        typer.Option(
            "--filed",
            help="a filing file (受益所有人备案, see linkrisk/loaders/filed_owners.py): 备案核验",
            exists=True,
            dir_okay=False,
        ),
    ] = None,
    json: JsonFlag = False,
    lang: LangOption = None,
) -> None:
    """受益所有人 (2024 办法): ≥ 25 % integrated or control by majority chain, else the
    manager; with --filed, the discrepancies between what firms filed and the graph."""
    from linkrisk.graph.queries.beneficial import FiledOwner, beneficial_owners, verify_filing
    from linkrisk.loaders.filed_owners import read_filed_owners_file

    use(lang)
    if sid is None and filed is None:
        raise typer.BadParameter("give a firm, or --filed FILE to verify filings")
    ctx = Context()
    threshold = ctx.settings.beneficial_owner_threshold
    if filed is None:
        assert sid is not None
        found = beneficial_owners(ctx.queries, ctx.resolve(sid), threshold=threshold)
        if json:
            print_json({"result": as_dict(found), "names": ctx.names(o.sid for o in found.owners)})
            return
        print_table(
            f"受益所有人 of {ctx.label(found.sid)}",
            ["person", "rule", "integrated share", "role", "path"],
            [
                (
                    ctx.label(o.sid),
                    "、".join(say("bo_rule", r) for r in o.rules),
                    pct(o.integrated_share),
                    say("role", o.role) if o.role else "",
                    ctx.path_text(o.paths[0]) if o.paths else "",
                )
                for o in found.owners
            ],
        )
        return
    key = ctx.settings.id_hash_key.get_secret_value().encode()
    rows, problems = read_filed_owners_file(filed, key)
    for problem in problems:
        console.print(f"[yellow]{filed.name}: {problem}[/]", soft_wrap=True)
    firms = sorted({r.uscc for r in rows} if sid is None else {ctx.resolve(sid)})
    report: list[dict[str, Any]] = []
    for firm in firms:
        if ctx.snapshot.try_index(firm) is None:
            report.append({"sid": firm, "missing": True, "discrepancies": []})
            continue
        mine = [FiledOwner(r.sid, r.name, r.share) for r in rows if r.uscc == firm]
        computed = beneficial_owners(ctx.queries, firm, threshold=threshold)
        found_gaps = as_dict(verify_filing(computed, mine))
        report.append({"sid": firm, "missing": False, "discrepancies": found_gaps})
    if json:
        print_json({"firms": report, "problems": problems})
        return
    rows_out: list[tuple[str, str, str, str, str]] = []
    for entry in report:
        if entry["missing"]:
            rows_out.append((ctx.label(entry["sid"]), "", "not in the snapshot", "", ""))
        for gap in entry["discrepancies"]:
            rows_out.append(
                (
                    ctx.label(entry["sid"]),
                    ctx.label(gap["sid"]),
                    say("discrepancy", gap["kind"]),
                    pct(gap["filed_share"]),
                    pct(gap["computed_share"]),
                )
            )
    with_gaps = sum(1 for entry in report if entry["discrepancies"])
    print_table(
        f"备案核验: {len(firms)} firm(s), {with_gaps} with discrepancies",
        ["firm", "person", "discrepancy", "filed", "computed"],
        rows_out,
    )
