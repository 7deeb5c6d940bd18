"""Risk commands: score the city, train and evaluate models (city or your own graph), explain."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer

from linkrisk.cli import app
from linkrisk.cli.output import console, print_json, print_table, progress_bar
from linkrisk.cli.params import (
    DATE_HELP,
    JsonFlag,
    LangOption,
    StoreOption,
    Subject,
    date_option,
)
from linkrisk.cli.words import say, use
from linkrisk.config import get_settings
from linkrisk.errors import InputError
from linkrisk.graph.open import open_store

RulesOption = Annotated[
    Path | None,
    typer.Option("--rules", help="directory of rule tables (*.toml)", exists=True, file_okay=False),
]
AsOfOption = Annotated[
    date | None,
    date_option(
        "--as-of", help=f"latest data date, {DATE_HELP} (default: the published snapshot's)"
    ),
]
FileOption = Annotated[
    Path | None,
    typer.Option(help="bring-your-own-graph table (CSV or Parquet)", exists=True, dir_okay=False),
]


def _rules(path: Path | None) -> Any:
    from linkrisk.models.rules import load_rules

    return load_rules(path) if path else None


def _latest_date(as_of: date | None) -> date:
    from linkrisk.graph.snapshot.arrays import load_current

    if as_of:
        return as_of
    return load_current(get_settings().snapshot_dir).as_of


def _byog(
    nodes: Path | None,
    edges: Path | None,
    events: Path | None,
    labels: Path | None,
    as_of: date | None,
) -> Any:
    given = [p for p in (nodes, edges, events, labels) if p is not None]
    if not given:
        return None
    if len(given) != 4:
        raise InputError(
            "bring your own graph: give all of --nodes, --edges, --events and --labels"
        )
    from linkrisk.models.byog import read_byog

    assert nodes and edges and events and labels
    return read_byog(nodes, edges, events, labels, as_of=as_of)


def _print_comparison(result: dict[str, Any], title: str) -> None:
    metrics = result["metrics"]
    columns = [c for c in ("entity_only", "entity_graph", "rule_baseline") if c in metrics]
    names = [k for k in metrics["entity_graph"] if k not in ("n", "positives", "base_rate")]
    interval = result.get("graph_gain_ci95", {})
    rows = [
        [
            name,
            *(metrics[c][name] for c in columns),
            result["graph_gain"].get(name, ""),
            " … ".join(str(v) for v in interval[name]) if name in interval else "",
        ]
        for name in names
    ]
    test = metrics["entity_graph"]
    print_table(
        f"{title} — test rows {test['n']:,}, positives {test['positives']:,}"
        f" (base rate {test['base_rate']})",
        ["metric", *(c.replace("_", " ") for c in columns), "graph gain", "gain 95% CI"],
        rows,
    )


@app.command()
def score(
    json: JsonFlag = False,
    store: StoreOption = None,
    rules: RulesOption = None,
    lang: LangOption = None,
) -> None:
    """Score every subject of the published snapshot (the trained model, else the rule score)."""
    use(lang)
    from linkrisk.graph.snapshot.arrays import load_current
    from linkrisk.models.pipeline import score_city

    settings = get_settings()
    snapshot = load_current(settings.snapshot_dir)
    with progress_bar("scoring") as advance:
        report = score_city(open_store(settings, store), settings, snapshot, rules=_rules(rules))
        advance(1, total=1)
    if json:
        print_json(report.to_dict())
        return
    kind = "rule score (no model trained)" if report.fallback else "model"
    console.print(
        f"scored {report.nodes:,} subjects of snapshot {report.snapshot_version}"
        f" with {kind} {report.model_version}"
    )
    print_table(
        "tiers",
        ["tier", "label", "subjects"],
        [(t, say("tier", t), f"{n:,}") for t, n in report.tier_counts.items()],
    )
    print_table(
        "reasons",
        ["reason", "subjects"],
        [(say("reason", r), f"{n:,}") for r, n in report.reason_counts.items()],
    )
    print_table("overrides", ["rule", "changed"], report.overrides.items())


@app.command()
def train(
    as_of: AsOfOption = None,
    nodes: FileOption = None,
    edges: FileOption = None,
    events: FileOption = None,
    labels: FileOption = None,
    out: Annotated[Path | None, typer.Option(help="bring your own graph: model directory")] = None,
    json: JsonFlag = False,
    store: StoreOption = None,
    rules: RulesOption = None,
) -> None:
    """Train the risk model (temporal split) and save it with its model card."""
    settings = get_settings()
    data = _byog(nodes, edges, events, labels, as_of)
    if data is not None:
        from linkrisk.models.byog import train_byog

        card = train_byog(data, out or settings.data_dir / "byog-model")
    else:
        from linkrisk.models.city_training import train_city

        with progress_bar("training") as advance:
            card = train_city(
                open_store(settings, store),
                settings,
                _latest_date(as_of),
                rules=_rules(rules),
                progress=lambda _msg: advance(1),
            )
    if json:
        print_json(card.to_dict())
        return
    gains = {k: card.params.get(k, {}) for k in ("graph_gain", "graph_gain_ci95")}
    _print_comparison({"metrics": card.metrics, **gains}, f"model {card.model_version}")
    console.print(f"data window: {card.data_window}")
    console.print(f"tier cut-offs (A|B, B|C, C|D): {[round(c, 4) for c in card.tiers['cutoffs']]}")


@app.command()
def evaluate(
    as_of: AsOfOption = None,
    nodes: FileOption = None,
    edges: FileOption = None,
    events: FileOption = None,
    labels: FileOption = None,
    json: JsonFlag = False,
    store: StoreOption = None,
    rules: RulesOption = None,
) -> None:
    """Entity-only vs entity+graph on a temporal (city) or given (BYOG) split; saves nothing."""
    settings = get_settings()
    data = _byog(nodes, edges, events, labels, as_of)
    if data is not None:
        from linkrisk.models.byog import evaluate_byog

        result = evaluate_byog(data)
    else:
        from linkrisk.models.city_training import evaluate_city

        with progress_bar("evaluating") as advance:
            result = evaluate_city(
                open_store(settings, store),
                settings,
                _latest_date(as_of),
                rules=_rules(rules),
                progress=lambda _msg: advance(1),
            )
    if json:
        print_json(result)
        return
    _print_comparison(result, "evaluation")
    console.print(f"window: {result['window']}")


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
        f"top paths to risk sources (explaining {result.explained:.0%} of the related-party risk)",
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
