"""``linkrisk scan``: 风险扫描, the subject's own records by type and listed neighbours by
distance and relation (the API's ``/v1/subjects/{sid}/scan``)."""

from __future__ import annotations

from typing import Annotated

import typer

from linkrisk.cli import app
from linkrisk.cli.graph_common import Context, JsonFlag, Sid
from linkrisk.cli.output import print_json, print_table
from linkrisk.cli.params import LangOption
from linkrisk.cli.words import say, use
from linkrisk.graph.queries.protocol import MAX_RISK_HOPS
from linkrisk.graph.queries.results import as_dict


@app.command()
def scan(
    sid: Sid,
    hops: Annotated[int, typer.Option(help="how far to look", min=1, max=MAX_RISK_HOPS)] = 2,
    json: JsonFlag = False,
    lang: LangOption = None,
) -> None:
    """风险扫描: one summary of a subject's risk, each count with the list behind it."""
    from linkrisk.graph.queries.events import active_events_of, day_of
    from linkrisk.graph.queries.scan import risk_scan

    use(lang)
    ctx = Context()
    sid = ctx.resolve(sid)
    around = ctx.queries.surrounding_risk(sid, hops=hops)
    own = active_events_of(ctx.snapshot.events, ctx.snapshot.index(sid), day_of(around.as_of))
    found = risk_scan(sid, own, around)
    if json:
        sids = [sid, *(n.sid for s in found.sections for g in s.groups for n in g.neighbours)]
        print_json({"result": as_dict(found), "names": ctx.names(sids)})
        return
    for section in found.sections:
        rows = []
        for group in section.groups:
            what = (
                say("event_type", group.type)
                if group.type
                else f"{group.hops} hop(s) · {say('relation', group.relation)}"
            )
            listed = [
                f"{e.decision_date} {say('severity', e.severity)}".strip() for e in group.events
            ] + [ctx.label(n.sid) for n in group.neighbours]
            rows.append((what, group.count, "; ".join(listed)))
        print_table(
            f"{say('scan_section', section.name)}: {section.total} (as of {found.as_of})",
            ["what", "count", "list"],
            rows,
        )
