"""信用承诺 (告知承诺制): ``linkrisk commitments load|scan|list``.

``load`` reads a commitments file (CSV, XLSX, JSON Lines or Parquet: subject, 承诺事项, 承诺内容,
承诺日期, 履约期限, 承诺受理机关, optionally 履约日期 and 需补正), records the commitments (ID
numbers hashed at once, only masked forms kept) and then runs breach detection, as ``scan``
does after any later load of events: a penalty on the committed matter within the period, or a
missed deadline, is recorded on the commitment and written as a ``commitment_breach`` event.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from linkrisk.cli import app
from linkrisk.cli.output import console, print_json, print_table
from linkrisk.config import get_settings
from linkrisk.graph.store import GraphStore
from linkrisk.incentives.commitment_book import CommitmentBook
from linkrisk.incentives.commitments import STATE_WORDS, STATES

commitments_app = typer.Typer(
    help="信用承诺: load commitments, detect breaches, list them by status.", no_args_is_help=True
)
app.add_typer(commitments_app, name="commitments")


def _book() -> tuple[CommitmentBook, GraphStore]:
    from linkrisk.graph.open import open_embedded, open_store

    settings = get_settings()
    return CommitmentBook(open_embedded(settings)), open_store(settings)


def _scan_and_say(day: date) -> None:
    book, graph = _book()
    try:
        breaches = book.scan(graph, day)
    finally:
        graph.close()
    console.print(f"违诺 new breaches: {len(breaches)} (written as commitment_breach events)")
    for c in breaches[:20]:
        console.print(f"  {c.shown}  {c.breach_date}  {c.breach_reason}")


@commitments_app.command("load")
def load(
    source: Annotated[Path, typer.Argument(help="a commitments file (CSV, XLSX, JSONL, Parquet)")],
) -> None:
    """Record the commitments of a file, then detect breaches."""
    from linkrisk.incentives.commitments import read_commitments

    book, graph = _book()
    graph.close()
    key = get_settings().id_hash_key.get_secret_value().encode()
    commitments, rejected = read_commitments(source, key)
    book.save(commitments)
    console.print(
        f"{source.name}: {len(commitments)} commitments recorded, {len(rejected)} rows refused"
    )
    for r in rejected[:20]:
        console.print(f"  row {r.row} {r.field}: {r.reason}")
    _scan_and_say(date.today())


@commitments_app.command("scan")
def scan() -> None:
    """Breach detection against the store's events (run it after loading events)."""
    _scan_and_say(date.today())


@commitments_app.command("list")
def list_commitments(
    status: Annotated[
        str | None, typer.Option(help="open (在期) | kept (履约) | broken (违诺)")
    ] = None,
    json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
    limit: Annotated[int, typer.Option(min=1)] = 50,
) -> None:
    """Commitments by status, today."""
    from linkrisk.api.routes.window import commitment_public

    if status is not None and status not in STATES:
        raise typer.BadParameter(f"use one of {', '.join(STATES)}", param_hint="--status")
    book, graph = _book()
    graph.close()
    today = date.today()
    found = [commitment_public(c, today) for c in book.listed(today, status)]
    if json:
        print_json(found[:limit])
        return
    counts = {s: sum(1 for c in found if c["state"] == s) for s in STATES}
    title = f"信用承诺 {len(found)}: " + ", ".join(
        f"{STATE_WORDS[s]} {n}" for s, n in counts.items()
    )
    print_table(
        title,
        ["编号", "主体", "承诺事项", "受理机关", "期限", "状态", "违诺原因"],
        [
            (c["commitment_id"], c["subject"], c["matter"], c["authority"], c["deadline"],
             c["state_label"], c["breach_reason"] or "")
            for c in found[:limit]
        ],
    )  # fmt: skip
