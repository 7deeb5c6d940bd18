"""``linkrisk exposure``: firms owned ≥ a threshold in aggregate by listed subjects (the 50 %
rule of sanctions compliance), each with the listed owners and paths that add up to it."""

from __future__ import annotations

from typing import Annotated

import typer

from linkrisk.cli import app
from linkrisk.cli.graph_common import Context, JsonFlag, share_text
from linkrisk.cli.output import console, print_table
from linkrisk.cli.params import LangOption
from linkrisk.cli.words import say, use
from linkrisk.loaders.records import EventType


def _event_type(value: str) -> str:
    try:
        return EventType(value.lower()).value
    except ValueError:
        raise typer.BadParameter(f"{value!r}: use an event type ({', '.join(EventType)})") from None


@app.command()
def exposure(
    lists: Annotated[
        list[str] | None,
        typer.Option(
            "--list",
            parser=_event_type,
            metavar="TYPE",
            help="which listings count (repeatable; default: sanction, i.e. 制裁名单)",
        ),
    ] = None,
    threshold: Annotated[
        float, typer.Option(help="aggregate ownership in percent", min=0.01, max=100.0)
    ] = 50.0,
    json: JsonFlag = False,
    lang: LangOption = None,
) -> None:
    """50 % rule: firms owned ≥ THRESHOLD % in aggregate by listed subjects, over all paths."""
    from linkrisk.graph.queries.exposure import find_exposure, listed_mask

    use(lang)
    ctx = Context()
    types = tuple(EventType(t) for t in (lists or [EventType.SANCTION.value]))
    listed = listed_mask(ctx.snapshot, types, ctx.snapshot.as_of)
    result = find_exposure(ctx.snapshot, listed, threshold / 100)
    sids = {s for h in result.hits for o in h.owners for p in o.paths for s in p.sids}
    if json:
        ctx.emit_json(result, sids | {h.sid for h in result.hits})
        return
    rows = [
        (
            ctx.label(h.sid) + (" *" if h.listed else ""),
            share_text(h.aggregate_share),
            "\n".join(f"{ctx.label(o.sid)} {share_text(o.share)}" for o in h.owners),
            "\n".join(ctx.path_text(p) for o in h.owners for p in o.paths[:2]),
        )
        for h in result.hits
    ]
    listed_names = ", ".join(say("event_type", t.value) for t in types)
    print_table(
        f"owned ≥ {threshold:g}% by {listed_names} ({result.listed_count:,} listed)",
        ["subject", "aggregate", "listed owners", "paths"],
        rows,
    )
    if not result.hits:
        console.print("no subject reaches the threshold", soft_wrap=True)
    elif any(h.listed for h in result.hits):
        console.print("* listed itself", soft_wrap=True)
    if any(h.paths_truncated for h in result.hits):
        console.print("[yellow]evidence paths were cut for some subjects (see --json)[/]")
