"""``linkrisk score / train / evaluate / explain`` through the real command line."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import linkrisk.cli.risk  # noqa: F401  (registers the commands)
from linkrisk.cli import app
from linkrisk.cli.explain import _hop_text
from linkrisk.cli.words import use
from linkrisk.config import Settings
from linkrisk.graph.snapshot.arrays import Snapshot
from linkrisk.models.explain import Hop
from tests.factories import org, person
from tests.models.graphs import event, snapshot_of, store_of
from tests.models.test_byog import _contagion

AS_OF = date(2026, 10, 31)


def run(*args: str, code: int = 0) -> Any:
    result = CliRunner().invoke(app, [*args])
    assert result.exit_code == code, result.output
    return json.loads(result.stdout) if "--json" in args and code == 0 else result


@pytest.fixture
def city(settings: Settings) -> Snapshot:
    store = store_of(
        settings.db_path,
        subjects=[org("S"), org("M"), org("T"), person("P")],
        holdings=[{"src": "S", "dst": "M", "share": 1.0}, {"src": "M", "dst": "T", "share": 0.8}],
        officers=[{"person": "P", "org": "S", "role": "legal_representative"}],
        events=[event("e1", "S", "serious_dishonest", date(2026, 3, 1))],
    )
    snap = snapshot_of(store, settings.snapshot_dir, AS_OF)
    store.close()
    return snap


def test_score_then_explain(city: Snapshot) -> None:
    report = run("score", "--json")
    assert report["fallback"] and report["nodes"] == 4 and report["tier_counts"]["D"] >= 1
    result = run("explain", "T", "--json")
    assert result["sid"] == "T" and result["tier"] in "ABCD"
    route = [(h["src"], h["relation"], h["dst"]) for h in result["paths"][0]["steps"]]
    assert route == [("S", "HOLDS", "M"), ("M", "HOLDS", "T")]
    assert [h["detail"] for h in result["paths"][0]["steps"]] == ["share 100%", "share 80%"]
    text = run("explain", "T").stdout
    assert "related_party_risk" in text and "—持股" in text and "严重违法失信名单" in text
    english = run("explain", "T", "--lang", "en").stdout
    assert "—holds" in english.replace("\n", "") or "holds" in english
    assert "serious illegal" in english
    use("zh")
    route = "".join(_hop_text(Hop(**h)) for h in result["paths"][0]["steps"])
    assert route == " —持股 (100%)→ M —持股 (80%)→ T"


def test_explain_an_unknown_subject(city: Snapshot) -> None:
    result = run("explain", "NOPE", code=2)
    assert "has the key or name 'NOPE'" in result.output and "Traceback" not in result.output


@pytest.mark.slow
def test_byog_evaluate_and_train(settings: Settings, tmp_path: Path) -> None:
    nodes, edges, events, labels = _contagion(tmp_path, n=800)
    files = [
        "--nodes",
        str(nodes),
        "--edges",
        str(edges),
        "--events",
        str(events),
        "--labels",
        str(labels),
    ]
    result = run("evaluate", *files, "--json")
    assert set(result["metrics"]) == {"entity_only", "entity_graph"}
    text = run("evaluate", *files).stdout
    assert "entity only" in text and "graph gain" in text
    card = run("train", *files, "--out", str(tmp_path / "m"), "--json")
    assert (
        card["kind"] == "byog" and (tmp_path / "m" / f"{card['model_version']}.card.json").exists()
    )


def test_byog_needs_all_four_tables(tmp_path: Path) -> None:
    (tmp_path / "n.csv").write_text("node\n1\n")
    result = run("evaluate", "--nodes", str(tmp_path / "n.csv"), code=2)
    assert "all of --nodes, --edges and --labels" in result.output


@pytest.mark.slow
def test_byog_seed_budget_and_no_events(settings: Settings, tmp_path: Path) -> None:
    nodes, edges, _, labels = _contagion(tmp_path, n=1200)
    files = ["--nodes", str(nodes), "--edges", str(edges), "--labels", str(labels)]
    first = run("evaluate", *files, "--seed", "1", "--budget", "0.1", "--json")
    assert "recall_at_10pct" in first["metrics"]["entity_graph"]
    again = run("evaluate", *files, "--seed", "1", "--budget", "0.1", "--json")
    other = run("evaluate", *files, "--seed", "2", "--budget", "0.1", "--json")
    assert again["metrics"] == first["metrics"]
    # another seed draws other candidates: the search's trials differ
    assert other["search"]["entity_graph"]["trials"] != first["search"]["entity_graph"]["trials"]
