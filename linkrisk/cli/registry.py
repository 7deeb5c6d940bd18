"""工商信息, history by snapshot date and a person's firms: ``linkrisk registry``, ``linkrisk
history`` and ``linkrisk person`` (the API's ``/registry``, ``/history`` and ``/persons``)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

import typer

from linkrisk.cli import app
from linkrisk.cli.graph_common import Context, JsonFlag, Sid, pct
from linkrisk.cli.output import console, print_json, print_table
from linkrisk.cli.params import DATE_HELP, LangOption, date_option
from linkrisk.cli.words import capital, say, use
from linkrisk.errors import NotReady
from linkrisk.graph.queries.results import as_dict

_NONE = "—"


def _money(value: float | None) -> str:
    return _NONE if value is None else capital(value)


def _when(value: date | None) -> str:
    return _NONE if value is None else value.isoformat()


def _share(value: float | None) -> str:
    return "unknown" if value is None else pct(value)  # never 0.00 % for an unknown share


@app.command()
def registry(sid: Sid, json: JsonFlag = False, lang: LangOption = None) -> None:
    """工商信息: 法定代表人, industry and region by name, 股东 (持股比例, 认缴出资额, 出资日期),
    主要人员, 对外投资, 分支机构 and 变更记录 (changes between snapshot dates)."""
    from linkrisk.classifications import industry, region
    from linkrisk.graph.queries.dossier import dossier
    from linkrisk.graph.queries.history import timeline

    use(lang)
    ctx = Context()
    sid = ctx.resolve(sid)
    facts = dossier(ctx.snapshot, sid)
    subject = ctx.store.get_subject(sid) or {}
    named = {"industry": industry(subject.get("industry")), "region": region(subject.get("region"))}
    _, diffs = timeline(ctx.settings.snapshot_dir, sid)
    if json:
        print_json(
            {
                **as_dict(facts),
                **{k: None if v is None else as_dict(v) for k, v in named.items()},
                "changes": as_dict(diffs),
                "names": ctx.names(_sids(facts, diffs)),
            }
        )
        return
    print_table(
        f"{ctx.label(sid)} — snapshot {facts.snapshot} as of {facts.as_of}",
        ["field", "value"],
        [
            ("法定代表人", "、".join(ctx.label(s) for s in facts.legal_representatives) or _NONE),
            *(
                (key, f"{v.code} {v.full}" if v.path else v.code)
                for key, v in named.items()
                if v is not None
            ),
        ],
    )
    print_table(
        "股东信息 shareholders",
        ["shareholder", "持股比例", "认缴出资额", "出资日期"],
        [
            (ctx.label(s.sid), _share(s.share), _money(s.subscribed), _when(s.since))
            for s in facts.shareholders
        ],
    )
    print_table(
        "主要人员 officers",
        ["person", "role", "since"],
        [(ctx.label(p.sid), say("role", p.role), _when(p.since)) for p in facts.officers],
    )
    print_table(
        "对外投资 investments",
        ["firm", "持股比例", "认缴出资额", "since"],
        [
            (ctx.label(s.sid), _share(s.share), _money(s.subscribed), _when(s.since))
            for s in facts.investments
        ],
    )
    print_table(
        "分支机构 branches",
        ["branch", "status", "since"],
        [(ctx.label(b.sid), say("status", b.status), _when(b.since)) for b in facts.branches],
    )
    if facts.head_office is not None:
        console.print(f"隶属企业 head office: {ctx.label(facts.head_office.sid)}", soft_wrap=True)
    _print_changes(ctx, diffs, "变更记录 changes between snapshot dates")


def _sids(facts: Any, diffs: Any) -> list[str]:
    sids = [facts.sid, *facts.legal_representatives]
    for group in (facts.shareholders, facts.officers, facts.investments, facts.branches):
        sids += [item.sid for item in group]
    sids += [c.sid for d in diffs for c in d.changes if c.sid]
    return sids


def _change_text(change: Any) -> str:
    if change.section == "status":
        return f"{say('status', change.before)} → {say('status', change.after)}"
    if change.section == "subject":
        return str(change.change)
    if change.role:
        return say("role", change.role)
    if change.change == "subscribed_changed":
        return f"{_money(change.before)} → {_money(change.after)}"
    return f"{_share(change.before) if change.before is not None else ''} → {_share(change.after)}"


def _print_changes(ctx: Context, diffs: Any, title: str) -> None:
    rows = [
        (
            f"{d.before.as_of} → {d.after.as_of}",
            say("change_section", c.section),
            say("change", c.change),
            ctx.label(c.sid) if c.sid else "",
            _change_text(c),
            _when(c.since) if c.since else "",
        )
        for d in diffs
        for c in d.changes
    ]
    print_table(title, ["between", "section", "change", "who", "what", "recorded date"], rows)


@app.command()
def history(
    sid: Sid,
    first: Annotated[
        date | None, date_option("--from", help=f"compare the snapshot in force then, {DATE_HELP}")
    ] = None,
    second: Annotated[
        date | None, date_option("--to", help="… with the one in force on this date")
    ] = None,
    at: Annotated[
        date | None, date_option("--at", help="shareholders, officers, status as of this date")
    ] = None,
    json: JsonFlag = False,
    lang: LangOption = None,
) -> None:
    """A subject through the snapshot dates: its state as of one (--at), the diff between two
    (--from, --to), or every date with the changes between consecutive ones."""
    from linkrisk.graph.queries import history as hist

    use(lang)
    ctx = Context()
    sid = ctx.resolve(sid)
    root = ctx.settings.snapshot_dir
    if at is not None:
        state = hist.state_at(hist.open_version(root, hist.version_on(root, at).version), sid)
        if json:
            print_json(as_dict(state))
            return
        _print_state(ctx, state)
        return
    if (first is None) != (second is None):
        raise typer.BadParameter("give both --from and --to, or neither")
    if first is not None and second is not None:
        if second < first:
            raise typer.BadParameter("--to must not be before --from")
        diff = hist.diff(root, sid, first, second)
        if json:
            print_json(as_dict(diff))
            return
        _print_changes(ctx, [diff], f"{ctx.label(sid)}: {diff.before.as_of} → {diff.after.as_of}")
        return
    states, diffs = hist.timeline(root, sid)
    if json:
        print_json({"states": as_dict(states), "changes": as_dict(diffs)})
        return
    print_table(
        f"{ctx.label(sid)} on each snapshot date",
        ["as of", "snapshot", "status", "shareholders", "officers"],
        [
            (
                s.as_of,
                s.version,
                say("status", s.status) if s.present else "not registered",
                len(s.shareholders),
                len(s.officers),
            )
            for s in states
        ],
    )
    _print_changes(ctx, diffs, "变更记录 changes between snapshot dates")


def _print_state(ctx: Context, state: Any) -> None:
    if not state.present:
        console.print(f"not in the snapshot as of {state.as_of} ({state.version})")
        return
    console.print(
        f"as of {state.as_of} (snapshot {state.version}): {say('status', state.status)}",
        soft_wrap=True,
    )
    print_table(
        "股东 shareholders",
        ["shareholder", "持股比例", "认缴出资额", "出资日期"],
        [
            (ctx.label(s.sid), _share(s.share), _money(s.subscribed), _when(s.since))
            for s in state.shareholders
        ],
    )
    print_table(
        "主要人员 officers",
        ["person", "role", "since"],
        [(ctx.label(p.sid), say("role", p.role), _when(p.since)) for p in state.officers],
    )


@app.command()
def person(sid: Sid, json: JsonFlag = False, lang: LangOption = None) -> None:
    """A person's firms: every role and holding, with each firm's status and risk tier."""
    from linkrisk.graph.queries.dossier import dossier
    from linkrisk.models.scores import load_scores

    use(lang)
    ctx = Context()
    sid = ctx.resolve(sid)
    facts = dossier(ctx.snapshot, sid)
    if facts.kind != "person":
        raise typer.BadParameter(f"{sid} is not a person: `linkrisk registry` shows a firm")
    try:
        scores = load_scores(ctx.settings)
    except NotReady:  # not scored yet: the firms are listed without tiers
        scores = None

    def tier(firm: str) -> str:
        node = ctx.snapshot.try_index(firm)
        if scores is None or scores.snapshot_version != ctx.snapshot.version or node is None:
            return ""
        return scores.tier_letter(node)

    def status(firm: str) -> str:
        return say("status", (ctx.store.get_subject(firm) or {}).get("status"))

    if json:
        data = as_dict(facts)
        for item in data["posts"] + data["investments"]:
            item["tier"] = tier(item["sid"]) or None
        print_json({**data, "names": ctx.names(_sids(facts, []))})
        return
    print_table(
        f"{ctx.label(sid)} — roles",
        ["firm", "role", "since", "status", "tier"],
        [
            (ctx.label(p.sid), say("role", p.role), _when(p.since), status(p.sid), tier(p.sid))
            for p in facts.posts
        ],
    )
    print_table(
        "holdings",
        ["firm", "持股比例", "认缴出资额", "since", "status", "tier"],
        [
            (
                ctx.label(s.sid),
                _share(s.share),
                _money(s.subscribed),
                _when(s.since),
                status(s.sid),
                tier(s.sid),
            )
            for s in facts.investments
        ],
    )
