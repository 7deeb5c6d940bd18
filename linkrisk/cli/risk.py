"""Risk commands: score the city, train and evaluate models (city or your own graph); ``explain``
is in its own module."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer

from linkrisk.cli import app
from linkrisk.cli.monitor import evaluate_after
from linkrisk.cli.output import console, print_json, print_table, progress_bar
from linkrisk.cli.params import (
    DATE_HELP,
    JsonFlag,
    LangOption,
    StoreOption,
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
SeedOption = Annotated[
    int,
    typer.Option(
        help="bring your own graph: seed of the search, hold-out and boosting (results change)"
    ),
]
BudgetOption = Annotated[
    float,
    typer.Option(help="share of test rows inspected: recall at this budget", min=0.001, max=1.0),
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
    if nodes is None or edges is None or labels is None:
        raise InputError(
            "bring your own graph: give all of --nodes, --edges and --labels (--events optional)"
        )
    from linkrisk.models.byog import read_byog

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


EngineOption = Annotated[
    str,
    typer.Option(
        "--engine",
        help="numpy (one machine) | spark (the snapshot's Parquet export on a Spark master)",
    ),
]
SparkMasterOption = Annotated[
    str,
    typer.Option(
        "--spark-master",
        help="with --engine spark: local[N], spark://…, yarn, k8s://…; 'submit' under spark-submit",
    ),
]


@app.command()
def score(
    json: JsonFlag = False,
    store: StoreOption = None,
    rules: RulesOption = None,
    lang: LangOption = None,
    engine: EngineOption = "numpy",
    spark_master: SparkMasterOption = "local[2]",
) -> None:
    """Score every subject of the published snapshot (the trained model, else the rule score)."""
    use(lang)
    from linkrisk.graph.snapshot.arrays import load_current
    from linkrisk.models.pipeline import score_city

    if engine not in {"numpy", "spark"}:
        raise InputError("--engine must be numpy or spark")
    settings = get_settings()
    snapshot = load_current(settings.snapshot_dir)
    graph = open_store(settings, store)
    with progress_bar("scoring") as advance:
        if engine == "spark":
            from linkrisk.models.spark.pipeline import score_city_spark

            master = None if spark_master == "submit" else spark_master
            report = score_city_spark(graph, settings, snapshot, rules=_rules(rules), master=master)
        else:
            report = score_city(graph, settings, snapshot, rules=_rules(rules))
        advance(1, total=1)
    evaluate_after(settings)  # monitoring: tier changes since the last scored snapshot
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
    seed: SeedOption = 0,
    json: JsonFlag = False,
    store: StoreOption = None,
    rules: RulesOption = None,
) -> None:
    """Train the risk model (temporal split) and save it with its model card."""
    settings = get_settings()
    data = _byog(nodes, edges, events, labels, as_of)
    if data is not None:
        from linkrisk.models.byog import train_byog

        card = train_byog(data, out or settings.data_dir / "byog-model", seed=seed)
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
    seed: SeedOption = 0,
    budget: BudgetOption = 0.05,
    json: JsonFlag = False,
    store: StoreOption = None,
    rules: RulesOption = None,
) -> None:
    """Entity-only vs entity+graph on a temporal (city) or given (BYOG) split; saves nothing."""
    settings = get_settings()
    data = _byog(nodes, edges, events, labels, as_of)
    if data is not None:
        from linkrisk.models.byog import evaluate_byog

        result = evaluate_byog(data, seed=seed, budget=budget)
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
    for warning in result.get("warnings", []):
        console.print(f"warning: {warning}")
