"""Investigator commands across the graph: paths, around, contacts, export (``subjects``: search
and show; ``ownership``: owners, controllers, group).

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
from linkrisk.cli.graph_common import Context, DegreeCap, JsonFlag, Rels, Sid, warn_supernodes
from linkrisk.cli.output import console, print_json, print_table
from linkrisk.cli.params import DATE_HELP, LangOption, date_option
from linkrisk.cli.words import say, use
from linkrisk.errors import InputError
from linkrisk.graph.queries.contacts import contact_members
from linkrisk.graph.queries.results import as_dict

SUPERNODE_LISTED = 20  # subjects named in a table for a value shared too widely to draw


@app.command()
def paths(
    a: Sid,
    b: Sid,
    k: Annotated[int, typer.Option(help="how many paths", min=1, max=100)] = 5,
    max_depth: Annotated[int, typer.Option(help="longest path", min=1, max=15)] = 6,
    rel: Rels = None,
    degree_cap: DegreeCap = 500,
    json: JsonFlag = False,
    lang: LangOption = None,
) -> None:
    """查关系: the k shortest paths between two subjects, each hop with its direction."""
    use(lang)
    ctx = Context()
    a, b = ctx.resolve(a), ctx.resolve(b)
    found = ctx.queries.paths(a, b, k=k, max_depth=max_depth, rels=rel, degree_cap=degree_cap)
    if json:
        ctx.emit_json(found, {a, b, *(s for p in found.paths for s in p.sids)})
        return
    if not found.paths:
        console.print(
            f"no path between {ctx.label(a)} and {ctx.label(b)} within {max_depth} hops",
            soft_wrap=True,
        )
    else:
        print_table(
            f"paths {ctx.label(a)} ⇄ {ctx.label(b)}",
            ["hops", "path"],
            [(p.length, ctx.path_text(p)) for p in found.paths],
        )
    warn_supernodes(ctx, found.skipped_supernodes)


@app.command()
def around(
    sid: Sid,
    hops: Annotated[int, typer.Option(help="how far to look", min=1, max=4)] = 2,
    as_of: Annotated[
        date | None, date_option("--as-of", help=f"{DATE_HELP} (default: the snapshot date)")
    ] = None,
    rel: Rels = None,
    limit: Annotated[int, typer.Option(help="most risky neighbours listed", min=1)] = 1000,
    json: JsonFlag = False,
    lang: LangOption = None,
) -> None:
    """周边风险: sanctioned or listed subjects nearby, with the path and the events."""
    use(lang)
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
                    f"{say('event_type', e.type)}"
                    f"{'/' + say('severity', e.severity) if e.severity else ''} {e.decision_date}"
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
def contacts(sid: Sid, json: JsonFlag = False, lang: LangOption = None) -> None:
    """疑似关联: subjects sharing a phone, email or address (supernodes reported, not linked)."""
    use(lang)
    ctx = Context()
    sid = ctx.resolve(sid)
    found = ctx.queries.shared_contacts(sid)
    subject = ctx.store.get_subject(sid) or {}
    personal = subject.get("kind") == "person"  # a person's contacts stay out of tables
    values = {c.kind: None if personal else subject.get(c.kind) for c in found.contacts}
    members = {
        c.kind: contact_members(ctx.snapshot, ctx.snapshot.index(sid), c.kind, SUPERNODE_LISTED)
        for c in found.contacts
        if c.supernode
    }
    if json:
        listed = {k: {"sids": m[0], "total": m[1]} for k, m in members.items()}
        print_json(
            {
                "result": as_dict(found),
                "values": values,
                "supernode_members": listed,
                "names": ctx.names({sid, *(s for c in found.contacts for s in c.sids)}),
            }
        )
        return
    if not found.contacts:
        console.print(f"{ctx.label(sid)} shares no phone, e-mail or address with another subject")
        return
    print_table(
        f"shared contacts of {ctx.label(sid)}",
        ["kind", "value", "subjects", "linked"],
        [
            (
                say("contact", c.kind),
                values[c.kind] or "(personal: not shown)",
                c.n_subjects,
                f"supernode, not linked; {members[c.kind][1]} others: "
                + ", ".join(ctx.label(s) for s in members[c.kind][0])
                + (" …" if members[c.kind][1] > SUPERNODE_LISTED else "")
                if c.supernode
                else ", ".join(ctx.label(s) for s in c.sids),
            )
            for c in found.contacts
        ],
    )


@app.command()
def export(
    sid: Sid,
    format: Annotated[str, typer.Option("--format", help="json | graphml")] = "json",
    hops: Annotated[int, typer.Option(help="neighbourhood radius", min=1, max=4)] = 2,
    rel: Rels = None,
    max_nodes: Annotated[int, typer.Option(help="node limit", min=1)] = 500,
    output: Annotated[FilePath | None, typer.Option(help="write here instead of stdout")] = None,
) -> None:
    """The neighbourhood of SUBJECT as JSON (nodes/edges) or GraphML (Gephi, yEd, Cytoscape)."""
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
