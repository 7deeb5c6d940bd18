"""Investigator commands: show, owners, controllers, paths, around, contacts, group, export.

They answer over the published snapshot (``linkrisk snapshot``) and take subject names from the
store. Tables for people by default; ``--json`` for machines. Persons appear by name and their
keyed-hash sid (never an ID number); only organisations' contact details are shown. What the
commands share, the context they open and how it renders subjects and paths, is in
``graph_common``.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path as FilePath
from typing import Annotated

import typer

from linkrisk.cli import app
from linkrisk.cli.graph_common import Context, DegreeCap, JsonFlag, Rels, Sid, pct, warn_supernodes
from linkrisk.cli.output import console, print_json, print_table
from linkrisk.cli.params import DATE_HELP, date_option
from linkrisk.errors import InputError
from linkrisk.graph.queries.results import as_dict

#: Contact details are shown for organisations only (个人信息 stays out of investigators' tables).
ORG_DETAILS = ("status", "region", "industry", "reg_date", "capital", "address", "phone", "email")


@app.command()
def show(sid: Sid, json: JsonFlag = False) -> None:
    """One subject: registration facts, active listings, direct relations, controllers, group."""
    from linkrisk.graph.queries.events import active_events_of, day_of

    ctx = Context()
    sid = ctx.resolve(sid)
    node = ctx.snapshot.index(sid)
    subject = ctx.store.get_subject(sid) or {}
    person = subject.get("kind") == "person"
    facts = {"sid": sid, "name": subject.get("name"), "kind": subject.get("kind")}
    facts |= (
        {"id_masked": subject.get("id_masked")}
        if person
        else {k: subject.get(k) for k in ORG_DETAILS}
    )
    events = active_events_of(ctx.snapshot.events, node, day_of(ctx.snapshot.as_of))
    around = ctx.queries.neighbourhood(sid, hops=1)
    controllers = [] if person else ctx.queries.controllers(sid)
    group = ctx.queries.group(sid, limit=1)
    if json:
        print_json(
            {
                "subject": facts,
                "snapshot": ctx.snapshot.version,
                "events": as_dict(events),
                "relations": as_dict(around),
                "controllers": as_dict(controllers),
                "group": {"group_id": group.group_id, "size": group.size},
            }
        )
        return
    print_table(
        f"{ctx.label(sid)} — snapshot {ctx.snapshot.version}",
        ["field", "value"],
        [(k, v) for k, v in facts.items() if v is not None],
    )
    print_table(
        "active listings and penalties",
        ["decided", "type", "severity", "event"],
        [(e.decision_date, e.type, e.severity, e.event_id) for e in events],
    )
    print_table(
        "direct relations",
        ["from", "relation", "to"],
        [
            (
                ctx.label(e.src_sid),
                f"{e.rel.value} {e.role or e.contact or pct(e.share)}",
                ctx.label(e.dst_sid),
            )
            for e in around.edges
            if sid in (e.src_sid, e.dst_sid)
        ],
    )
    print_table(
        "controllers",
        ["controller", "reason", "share"],
        [(ctx.label(c.sid), c.reason, pct(c.integrated_share)) for c in controllers],
    )
    console.print(f"group {group.group_id}: {group.size} member(s)")


@app.command()
def owners(
    sid: Sid,
    depth: Annotated[int, typer.Option(help="look-through depth")] = 10,
    min_share: Annotated[float, typer.Option(help="drop results below this share (0–1)")] = 0.0,
    down: Annotated[
        bool, typer.Option("--down", help="what SID owns instead of who owns it")
    ] = False,
    max_paths: Annotated[int, typer.Option(help="evidence paths in all")] = 200,
    json: JsonFlag = False,
) -> None:
    """股权穿透: integrated ownership up (owners) or down (--down: holdings), with paths."""
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
                e.kind,
                pct(e.integrated_share),
                e.depth,
                len(e.paths),
                ctx.path_text(e.paths[0]) if e.paths else "",
            )
            for e in result.entries
        ],
    )
    if result.paths_truncated:
        console.print(f"[yellow]evidence cut at {max_paths} paths (raise --max-paths)[/]")


@app.command()
def controllers(
    sid: Sid,
    depth: Annotated[int, typer.Option(help="look-through depth")] = 10,
    threshold: Annotated[
        float | None, typer.Option(help="beneficial-owner share (default 25%)")
    ] = None,
    json: JsonFlag = False,
) -> None:
    """Ultimate controllers / beneficial owners, with the reason and the paths."""
    ctx = Context()
    sid = ctx.resolve(sid)
    found = ctx.queries.controllers(sid, max_depth=depth, threshold=threshold)
    if json:
        ctx.emit_json(found, {sid, *(s for c in found for p in c.paths for s in p.sids)})
        return
    print_table(
        f"controllers of {ctx.label(sid)}",
        ["controller", "reason", "share", "path"],
        [
            (ctx.label(c.sid), c.reason, pct(c.integrated_share), ctx.path_text(p))
            for c in found
            for p in c.paths[:3]
        ],
    )


@app.command()
def paths(
    a: Sid,
    b: Sid,
    k: Annotated[int, typer.Option(help="how many paths")] = 5,
    max_depth: Annotated[int, typer.Option(help="longest path (≤ 15)")] = 6,
    rel: Rels = None,
    degree_cap: DegreeCap = 500,
    json: JsonFlag = False,
) -> None:
    """查关系: the k shortest paths between two subjects, each hop with its direction."""
    ctx = Context()
    a, b = ctx.resolve(a), ctx.resolve(b)
    found = ctx.queries.paths(a, b, k=k, max_depth=max_depth, rels=rel, degree_cap=degree_cap)
    if json:
        ctx.emit_json(found, {a, b, *(s for p in found.paths for s in p.sids)})
        return
    print_table(
        f"paths {ctx.label(a)} ⇄ {ctx.label(b)}",
        ["hops", "path"],
        [(p.length, ctx.path_text(p)) for p in found.paths],
    )
    if not found.paths:
        console.print(f"no path within {max_depth} hops")
    warn_supernodes(ctx, found.skipped_supernodes)


@app.command()
def around(
    sid: Sid,
    hops: Annotated[int, typer.Option(help="how far to look (1–4)")] = 2,
    as_of: Annotated[
        date | None, date_option("--as-of", help=f"{DATE_HELP} (default: the snapshot date)")
    ] = None,
    rel: Rels = None,
    limit: Annotated[int, typer.Option(help="most risky neighbours listed")] = 1000,
    json: JsonFlag = False,
) -> None:
    """周边风险: sanctioned or listed subjects nearby, with the path and the events."""
    ctx = Context()
    sid = ctx.resolve(sid)
    risk = ctx.queries.surrounding_risk(sid, hops=hops, as_of=as_of, rels=rel, limit=limit)
    if json:
        ctx.emit_json(risk, {sid, *(s for r in risk.neighbours for s in r.path.sids)})
        return
    print_table(
        f"risk within {hops} hops of {ctx.label(sid)} as of {risk.as_of}",
        ["subject", "hops", "events", "path"],
        [
            (
                ctx.label(r.sid),
                r.hops,
                "; ".join(
                    f"{e.type}{'/' + e.severity if e.severity else ''} {e.decision_date}"
                    for e in r.events
                ),
                ctx.path_text(r.path),
            )
            for r in risk.neighbours
        ],
    )
    if risk.truncated:
        console.print(f"[yellow]only the first {limit} listed (raise --limit)[/]")
    warn_supernodes(ctx, risk.skipped_supernodes)


@app.command()
def contacts(sid: Sid, json: JsonFlag = False) -> None:
    """疑似关联: subjects sharing a phone, email or address (supernodes reported, not linked)."""
    ctx = Context()
    sid = ctx.resolve(sid)
    found = ctx.queries.shared_contacts(sid)
    if json:
        ctx.emit_json(found, {sid, *(s for c in found.contacts for s in c.sids)})
        return
    print_table(
        f"shared contacts of {ctx.label(sid)}",
        ["kind", "subjects", "linked"],
        [
            (
                c.kind,
                c.n_subjects,
                "supernode: shared too widely to link"
                if c.supernode
                else ", ".join(ctx.label(s) for s in c.sids),
            )
            for c in found.contacts
        ],
    )


@app.command()
def group(
    sid: Sid,
    limit: Annotated[int, typer.Option(help="most members listed")] = 1000,
    json: JsonFlag = False,
) -> None:
    """企业集团: the subjects tied to SID by control (≥ 50% holdings, legal representatives)."""
    ctx = Context()
    sid = ctx.resolve(sid)
    found = ctx.queries.group(sid, limit=limit)
    if json:
        ctx.emit_json(found, (m.sid for m in found.members))
        return
    print_table(
        f"group {found.group_id}: {found.size} member(s)",
        ["member", "kind"],
        [(ctx.label(m.sid), m.kind) for m in found.members],
    )
    print_table(
        "control edges",
        ["from", "relation", "to"],
        [
            (ctx.label(e.src_sid), f"{e.rel.value} {e.role or pct(e.share)}", ctx.label(e.dst_sid))
            for e in found.edges
        ],
    )


@app.command()
def export(
    sid: Sid,
    format: Annotated[str, typer.Option("--format", help="json | graphml")] = "json",
    hops: Annotated[int, typer.Option(help="neighbourhood radius")] = 2,
    rel: Rels = None,
    max_nodes: Annotated[int, typer.Option(help="node limit")] = 500,
    output: Annotated[FilePath | None, typer.Option(help="write here instead of stdout")] = None,
) -> None:
    """The neighbourhood of SID as JSON (nodes/edges) or GraphML (Gephi, yEd, Cytoscape)."""
    import json as jsonlib

    from linkrisk.graph.queries.export import to_graphml, to_json

    if format not in {"json", "graphml"}:
        raise InputError("--format must be json or graphml")
    ctx = Context()
    sid = ctx.resolve(sid)
    result = ctx.queries.neighbourhood(sid, hops=hops, rels=rel, max_nodes=max_nodes)
    names = ctx.names(n.sid for n in result.nodes)
    if format == "json":
        text = jsonlib.dumps(to_json(result, names=names), ensure_ascii=False, indent=2) + "\n"
    else:
        text = to_graphml(result, names=names)
    if output is None:
        typer.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        console.print(f"{len(result.nodes)} nodes, {len(result.edges)} edges → {output}")
