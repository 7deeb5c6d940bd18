"""Finding a subject and its card: ``linkrisk search`` and ``linkrisk show``.

``search`` is the API's ``/v1/search`` (name, pinyin, initials, USCC prefix; the index in
``linkrisk.graph.queries.search``); every investigator command also takes a name or a unique
key prefix and resolves it the same way (``graph_common.Context.resolve``).
"""

from __future__ import annotations

from typing import Annotated

import typer

from linkrisk.cli import app
from linkrisk.cli.graph_common import Context, JsonFlag, Sid, pct, relation_text
from linkrisk.cli.output import console, print_json, print_table
from linkrisk.cli.params import LangOption
from linkrisk.cli.words import capital, controller_reason, say, use
from linkrisk.graph.queries.results import as_dict

#: Contact details are shown for organisations only (个人信息 stays out of investigators' tables).
ORG_DETAILS = ("status", "region", "industry", "reg_date", "capital", "address", "phone", "email")
LABELLED = {"kind": "kind", "status": "status"}  # fields shown by their vocabulary label


@app.command()
def search(
    query: Annotated[str, typer.Argument(help="part of a name, pinyin (zhangsan), initials, USCC")],
    limit: Annotated[int, typer.Option(help="most results listed", min=1, max=100)] = 20,
    json: JsonFlag = False,
    lang: LangOption = None,
) -> None:
    """Find subjects by name, pinyin, initials or USCC prefix (the keys other commands take)."""
    use(lang)
    ctx = Context()
    hits = ctx.search_index().search(query, limit)
    rows = []
    for hit in hits:
        sid = ctx.snapshot.sid(hit.node)
        subject = ctx.store.get_subject(sid) or {}
        rows.append((sid, subject, hit))
    if json:
        print_json(
            [
                {
                    "sid": sid,
                    "name": subject.get("name"),
                    "kind": subject.get("kind"),
                    "status": subject.get("status"),
                    "score": hit.score,
                    "matched": hit.matched,
                }
                for sid, subject, hit in rows
            ]
        )
        return
    print_table(
        f"{len(rows)} subject(s) for {query!r}",
        ["key", "name", "kind", "status", "region", "matched"],
        [
            (
                sid,
                subject.get("name"),
                say("kind", subject.get("kind")),
                say("status", subject.get("status")),
                subject.get("region"),
                say("matched", hit.matched),
            )
            for sid, subject, hit in rows
        ],
    )


@app.command()
def show(sid: Sid, json: JsonFlag = False, lang: LangOption = None) -> None:
    """One subject: registration facts, listings (in force or not), relations, controllers."""
    from linkrisk.graph.queries.events import event_state

    use(lang)
    ctx = Context()
    sid = ctx.resolve(sid)
    subject = ctx.store.get_subject(sid) or {}
    person = subject.get("kind") == "person"
    facts = {"sid": sid, "name": subject.get("name"), "kind": subject.get("kind")}
    facts |= (
        {"id_masked": subject.get("id_masked")}
        if person
        else {k: subject.get(k) for k in ORG_DETAILS}
    )
    as_of = ctx.snapshot.as_of
    events = sorted(
        ctx.store.events_of([sid]).to_pylist(),
        key=lambda e: (e.get("decision_date") is None, e.get("decision_date")),
        reverse=True,
    )
    events = [{**e, "state": event_state(e, as_of)} for e in events]
    around = ctx.queries.neighbourhood(sid, hops=1)
    controllers = [] if person else ctx.queries.controllers(sid)
    group = ctx.queries.group(sid, limit=1)
    if json:
        print_json(
            {
                "subject": facts,
                "snapshot": ctx.snapshot.version,
                "events": [e for e in events if e["state"] is not None],
                "relations": as_dict(around),
                "controllers": as_dict(controllers),
                "group": {"group_id": group.group_id, "size": group.size},
            }
        )
        return
    shown = {
        k: say(LABELLED[k], v) if k in LABELLED else _capital(v) if k == "capital" else v
        for k, v in facts.items()
    }
    print_table(
        f"{ctx.label(sid)} — snapshot {ctx.snapshot.version}",
        ["field", "value"],
        [(k, v) for k, v in shown.items() if v not in (None, "")],
    )
    print_table(
        f"listings and penalties as of {as_of}",
        ["decided", "type", "severity", "authority 机关", "decision no. 文号", "state"],
        [
            (
                e.get("decision_date"),
                say("event_type", e.get("type")),
                say("severity", e.get("severity")),
                e.get("authority"),
                e.get("decision_no"),
                say("event_state", e["state"]),
            )
            for e in events
            if e["state"] is not None
        ],
    )
    print_table(
        "direct relations",
        ["from", "relation", "to"],
        [
            (
                ctx.label(e.src_sid),
                relation_text(e.rel.value, e.role, e.contact, e.share),
                ctx.label(e.dst_sid),
            )
            for e in around.edges
            if sid in (e.src_sid, e.dst_sid)
        ],
    )
    print_table(
        "controllers",
        ["controller", "reason", "share"],
        [
            (ctx.label(c.sid), controller_reason(c.reason), pct(c.integrated_share))
            for c in controllers
        ],
    )
    console.print(f"group {group.group_id}: {group.size} member(s)", soft_wrap=True)


def _capital(value: object) -> str:
    return capital(float(value)) if isinstance(value, int | float) else ""
