"""``linkrisk explain``: why a subject scores as it does — reason codes, its own records in
force (with 机关 and 文号), and the top paths to the risk sources, in the vocabulary's words."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

import typer

from linkrisk.cli import app
from linkrisk.cli.output import console, print_json, print_table
from linkrisk.cli.params import JsonFlag, LangOption, Subject
from linkrisk.cli.words import say, use
from linkrisk.config import get_settings


@app.command()
def explain(
    sid: Subject,
    top: Annotated[int, typer.Option(help="paths to show", min=1, max=100)] = 5,
    hops: Annotated[int, typer.Option(help="longest path", min=1, max=6)] = 3,
    json: JsonFlag = False,
    lang: LangOption = None,
) -> None:
    """Why a subject scores as it does: reason codes, own records, top paths to risk sources."""
    from linkrisk.cli.graph_common import Context
    from linkrisk.models.card import current_version, load_model
    from linkrisk.models.explain import explain as explain_subject
    from linkrisk.models.features import FEATURE_NAMES
    from linkrisk.models.intrinsic import intrinsic_risk
    from linkrisk.models.propagation import build_operator, propagate

    use(lang)
    settings = get_settings()
    ctx = Context(settings)
    snapshot = ctx.snapshot
    sid = ctx.resolve(sid)
    node = snapshot.index(sid)
    model = (
        load_model(settings.model_dir, FEATURE_NAMES)
        if current_version(settings.model_dir)
        else None
    )
    intrinsic = intrinsic_risk(snapshot)
    operator = build_operator(snapshot, model.propagation if model else None)
    result = explain_subject(
        snapshot,
        node,
        intrinsic,
        propagate(operator, intrinsic.risk),
        operator,
        top=top,
        max_hops=hops,
    )
    tier = _published_tier(snapshot.version, node)
    if json:
        print_json({**result.to_dict(), **tier})
        return
    tier_text = (
        f"  tier {tier['tier']} {say('tier', tier['tier'])}"
        f" (score {tier['score']:.3f}, {tier['model_version']})"
        if tier
        else ""
    )
    console.print(
        f"{ctx.label(result.sid)}  intrinsic {result.intrinsic:.3f}"
        f"  related {result.related:.3f}{tier_text}",
        soft_wrap=True,
        markup=False,
    )
    print_table("reasons", ["code", "meaning"], [(c, say("reason", c)) for c in result.reasons])
    records = {e["event_id"]: e for e in ctx.store.events_of([sid]).to_pylist()}
    print_table(
        "own records in force",
        ["decided", "type", "severity", "authority 机关", "decision no. 文号", "weight"],
        [
            (
                e.date,
                say("event_type", e.type),
                say("severity", e.severity),
                records.get(e.event_id, {}).get("authority"),
                records.get(e.event_id, {}).get("decision_no"),
                f"{e.contribution:.3f}",
            )
            for e in result.own_events
        ],
    )
    print_table(
        _paths_title(result),
        ["contribution", "hops", "route", "source events"],
        [
            (
                f"{p.contribution:.4f}",
                p.hops,
                ctx.label(p.source) + "".join(_hop_text(h, ctx.label) for h in p.steps),
                "; ".join(
                    f"{say('event_type', e.type)} {say('severity', e.severity)} {e.date}".replace(
                        "  ", " "
                    )
                    for e in p.events
                ),
            )
            for p in result.paths
        ],
    )


def _detail_text(detail: str) -> str:
    """The explanation's edge detail in words: ``share 60%``, a role code, ``same phone``."""
    if detail.startswith("share ") and detail[6:7].isdigit():
        return detail[6:]
    if detail.startswith("same ") and detail[5:] in ("phone", "email", "address"):
        return say("contact", detail[5:])
    if detail == "branch":
        return ""
    return say("role", detail)


def _hop_text(hop: Any, name: Callable[[str], str] = str) -> str:
    """`` —持股 (100%)→ X``; ``⁻¹`` marks risk flowing against the stored edge."""
    arrow = "" if hop.direction == "forward" else "⁻¹"
    detail = _detail_text(hop.detail)
    return f" —{say('relation', hop.relation)}{arrow}{f' ({detail})' if detail else ''}→ " + name(
        hop.dst
    )


def _published_tier(snapshot_version: str, node: int) -> dict[str, Any]:
    """The published score of ``node`` when the scores belong to this snapshot, else nothing."""
    from linkrisk.errors import NotReady
    from linkrisk.models.scores import load_scores

    try:
        scores = load_scores(get_settings())
    except NotReady:
        return {}
    if scores.snapshot_version != snapshot_version:
        return {}
    return {
        "tier": scores.tier_letter(node),
        "score": float(scores.score[node]),
        "model_version": scores.model_version,
    }


def _paths_title(result: Any) -> str:
    """The paths table's title: what the listed paths add up to, and what the rest is."""
    return (
        f"top {len(result.paths)} paths to risk sources: they add up to {result.listed:.0%} of"
        f" the related-party risk; all simple paths found cover {result.explained:.0%}; the"
        f" other {max(0.0, 1 - result.explained):.0%} flows over longer paths, around cycles or"
        " past the search cap"
    )
