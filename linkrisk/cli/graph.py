"""Investigator commands: show, owners, controllers, paths, around, contacts, group, export.

They answer over the published snapshot (``linkrisk snapshot``) and take subject names from the
store. Tables for people by default; ``--json`` for machines. Persons appear by name and their
keyed-hash sid (never an ID number); only organisations' contact details are shown.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path as FilePath
from typing import Annotated, Any

import typer

from linkrisk.cli import app
from linkrisk.cli.output import console, print_json, print_table
from linkrisk.config import Settings, get_settings
from linkrisk.errors import InputError
from linkrisk.graph.results import Hop, Path, as_dict
from linkrisk.graph.store import GraphStore

JsonFlag = Annotated[bool, typer.Option("--json", help="machine-readable output")]
Sid = Annotated[str, typer.Argument(help="subject id: USCC, or P…/W… for persons")]
Rels = Annotated[
    list[str] | None,
    typer.Option(
        "--rel", help="relation type to follow (repeatable): HOLDS, OFFICER, BRANCH, SAME_CONTACT"
    ),
]
DegreeCap = Annotated[int, typer.Option(help="do not expand through nodes of higher degree")]

#: Contact details are shown for organisations only (个人信息 stays out of investigators' tables).
ORG_DETAILS = ("status", "region", "industry", "reg_date", "capital", "address", "phone", "email")


class _Context:
    """The published snapshot's queries and the store that names its subjects."""

    def __init__(self, settings: Settings | None = None) -> None:
        from linkrisk.graph.queries import SnapshotQueries
        from linkrisk.graph.snapshot import load_current

        self.settings = settings or get_settings()
        self.snapshot = load_current(self.settings.snapshot_dir)
        self.queries = SnapshotQueries(self.snapshot, settings=self.settings)
        self._store: GraphStore | None = None
        self._names: dict[str, str] = {}

    @property
    def store(self) -> GraphStore:
        if self._store is None:
            from linkrisk.graph.open import open_store

            self._store = open_store(self.settings)
        return self._store

    def names(self, sids: Iterable[str]) -> dict[str, str]:
        """Names of subjects, looked up once each (a result shows at most a few hundred)."""
        for sid in sorted(set(sids) - set(self._names)):
            row = self.store.get_subject(sid) or {}
            self._names[sid] = row.get("name") or ""
        return self._names

    def label(self, sid: str) -> str:
        name = self.names([sid]).get(sid)
        short = sid if len(sid) <= 18 else sid[:9] + "…"
        return f"{name} ({short})" if name else short

    def hop_text(self, hop: Hop) -> str:
        fact = hop.role or hop.contact or (f"{hop.share:.2%}" if hop.share is not None else "")
        text = f"{hop.rel.value}{' ' + fact if fact else ''}"
        return f"—{text}→" if hop.direction == "forward" else f"←{text}—"

    def path_text(self, path: Path) -> str:
        parts = [self.label(path.start)]
        for hop in path.hops:
            parts += [self.hop_text(hop), self.label(hop.dst_sid)]
        return " ".join(parts)

    def emit_json(self, result: Any, sids: Iterable[str]) -> None:
        print_json({"result": as_dict(result), "names": self.names(sids)})


def _pct(value: float | None) -> str:
    return "" if value is None else f"{value:.2%}"


@app.command()
def show(sid: Sid, json: JsonFlag = False) -> None:
    """One subject: registration facts, active listings, direct relations, controllers, group."""
    from linkrisk.graph.events import active_events_of, day_of

    ctx = _Context()
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
                f"{e.rel.value} {e.role or e.contact or _pct(e.share)}",
                ctx.label(e.dst_sid),
            )
            for e in around.edges
            if sid in (e.src_sid, e.dst_sid)
        ],
    )
    print_table(
        "controllers",
        ["controller", "reason", "share"],
        [(ctx.label(c.sid), c.reason, _pct(c.integrated_share)) for c in controllers],
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
    ctx = _Context()
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
                _pct(e.integrated_share),
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
    ctx = _Context()
    found = ctx.queries.controllers(sid, max_depth=depth, threshold=threshold)
    if json:
        ctx.emit_json(found, {sid, *(s for c in found for p in c.paths for s in p.sids)})
        return
    print_table(
        f"controllers of {ctx.label(sid)}",
        ["controller", "reason", "share", "path"],
        [
            (ctx.label(c.sid), c.reason, _pct(c.integrated_share), ctx.path_text(p))
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
    ctx = _Context()
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
    _warn_supernodes(ctx, found.skipped_supernodes)


def _warn_supernodes(ctx: _Context, hubs: tuple[str, ...]) -> None:
    if hubs:
        shown = ", ".join(ctx.label(h) for h in hubs[:5])
        more = f" and {len(hubs) - 5} more" if len(hubs) > 5 else ""
        console.print(f"[yellow]not expanded (supernodes): {shown}{more}[/]")


@app.command()
def around(
    sid: Sid,
    hops: Annotated[int, typer.Option(help="how far to look (1–4)")] = 2,
    as_of: Annotated[
        str | None, typer.Option(help="YYYY-MM-DD (default: the snapshot date)")
    ] = None,
    rel: Rels = None,
    limit: Annotated[int, typer.Option(help="most risky neighbours listed")] = 1000,
    json: JsonFlag = False,
) -> None:
    """周边风险: sanctioned or listed subjects nearby, with the path and the events."""
    ctx = _Context()
    when = date.fromisoformat(as_of) if as_of else None
    risk = ctx.queries.surrounding_risk(sid, hops=hops, as_of=when, rels=rel, limit=limit)
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
    _warn_supernodes(ctx, risk.skipped_supernodes)


@app.command()
def contacts(sid: Sid, json: JsonFlag = False) -> None:
    """疑似关联: subjects sharing a phone, email or address (supernodes reported, not linked)."""
    ctx = _Context()
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
    ctx = _Context()
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
            (ctx.label(e.src_sid), f"{e.rel.value} {e.role or _pct(e.share)}", ctx.label(e.dst_sid))
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
    ctx = _Context()
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
