"""Ownership and control: ``owners`` (股权穿透, or ``--down`` for holdings), ``controllers`` and
``group`` (企业集团), over the published snapshot."""

from __future__ import annotations

from typing import Annotated

import typer

from linkrisk.cli import app
from linkrisk.cli.graph_common import Context, JsonFlag, Sid, pct, relation_text, share_text
from linkrisk.cli.output import console, print_table
from linkrisk.cli.params import LangOption
from linkrisk.cli.words import controller_reason, say, use


@app.command()
def owners(
    sid: Sid,
    depth: Annotated[int, typer.Option(help="look-through depth", min=1, max=50)] = 10,
    min_share: Annotated[
        float, typer.Option(help="drop results below this share (0–1)", min=0.0, max=1.0)
    ] = 0.0,
    down: Annotated[
        bool, typer.Option("--down", help="what SUBJECT owns instead of who owns it")
    ] = False,
    max_paths: Annotated[int, typer.Option(help="evidence paths in all", min=1)] = 200,
    json: JsonFlag = False,
    lang: LangOption = None,
) -> None:
    """股权穿透: integrated ownership up (owners) or down (--down: holdings), with paths."""
    use(lang)
    ctx = Context()
    sid = ctx.resolve(sid)
    call = ctx.queries.holdings if down else ctx.queries.owners
    result = call(sid, max_depth=depth, min_share=min_share, max_paths=max_paths)
    sids = {sid, *(s for e in result.entries for p in e.paths for s in p.sids)}
    if json:
        ctx.emit_json(result, sids)
        return
    title = f"{'holdings of' if down else 'owners of'} {ctx.label(sid)}"
    print_table(
        title,
        ["subject", "kind", "integrated", "depth", "paths", "largest path"],
        [
            (
                ctx.label(e.sid),
                say("kind", e.kind),
                share_text(e.integrated_share, e.share_partial),
                e.depth,
                len(e.paths),
                ctx.path_text(e.paths[0]) if e.paths else "",
            )
            for e in result.entries
        ],
    )
    if not result.entries:
        console.print(f"{'holds nothing' if down else 'no owners'} on record", soft_wrap=True)
    if result.paths_truncated:
        console.print(f"[yellow]evidence cut at {max_paths} paths (raise --max-paths)[/]")


@app.command()
def controllers(
    sid: Sid,
    depth: Annotated[int, typer.Option(help="look-through depth", min=1, max=50)] = 10,
    threshold: Annotated[
        float | None,
        typer.Option(help="beneficial-owner share (default 25%)", min=0.0, max=1.0),
    ] = None,
    json: JsonFlag = False,
    lang: LangOption = None,
) -> None:
    """Ultimate controllers / beneficial owners: one row each, with the reasons and paths."""
    use(lang)
    ctx = Context()
    sid = ctx.resolve(sid)
    found = ctx.queries.controllers(sid, max_depth=depth, threshold=threshold)
    if json:
        ctx.emit_json(found, {sid, *(s for c in found for p in c.paths for s in p.sids)})
        return
    # one controller may qualify for several reasons (ownership and legal representative)
    people: dict[str, list[int]] = {}
    for i, c in enumerate(found):
        people.setdefault(c.sid, []).append(i)
    rows = []
    for who, indices in people.items():
        entries = [found[i] for i in indices]
        share = next((e.integrated_share for e in entries if e.integrated_share is not None), None)
        paths = [p for e in entries for p in e.paths]
        rows.append(
            (
                ctx.label(who),
                "; ".join(dict.fromkeys(controller_reason(e.reason) for e in entries)),
                pct(share),
                len(paths),
                "\n".join(ctx.path_text(p) for p in paths[:3]),
            )
        )
    print_table(
        f"controllers of {ctx.label(sid)}", ["controller", "reason", "share", "paths", "path"], rows
    )
    if not rows:
        console.print("no controller on record", soft_wrap=True)


@app.command()
def group(
    sid: Sid,
    limit: Annotated[int, typer.Option(help="most members listed", min=1)] = 1000,
    json: JsonFlag = False,
    lang: LangOption = None,
) -> None:
    """企业集团: the subjects tied to SUBJECT by control (≥ 50% holdings, legal representatives)."""
    use(lang)
    ctx = Context()
    sid = ctx.resolve(sid)
    found = ctx.queries.group(sid, limit=limit)
    if json:
        ctx.emit_json(found, (m.sid for m in found.members))
        return
    print_table(
        f"group {found.group_id}: {found.size} member(s)",
        ["member", "kind"],
        [(ctx.label(m.sid), say("kind", m.kind)) for m in found.members],
    )
    print_table(
        "control edges",
        ["from", "relation", "to"],
        [
            (
                ctx.label(e.src_sid),
                relation_text(e.rel.value, e.role, None, e.share),
                ctx.label(e.dst_sid),
            )
            for e in found.edges
        ],
    )
