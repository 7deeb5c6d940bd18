"""Bring your own graph: reading and validating the tables, and the side-by-side comparison."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from linkrisk.errors import InputError, SourceFileError
from linkrisk.models.byog import byog_features, evaluate_byog, read_byog, train_byog
from linkrisk.models.card import load_model


def _write(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _tiny(tmp_path: Path) -> tuple[Path, Path, Path, Path]:
    nodes = _write(
        tmp_path / "nodes.csv",
        ["id", "kind", "capital"],
        [["a", "firm", 10], ["b", "firm", 5], ["c", "person", ""]],
    )
    edges = _write(
        tmp_path / "edges.csv",
        ["src", "dst", "relation", "weight"],
        [["c", "a", "owns", 1.0], ["a", "b", "owns", 0.5]],
    )
    events = _write(
        tmp_path / "events.csv",
        ["id", "type", "date", "severity"],
        [
            ["c", "fine", "2025-01-01", "serious"],
            ["a", "fine", "2020-01-01", "2"],
            ["b", "fine", "2027-01-01", ""],
        ],
    )
    labels = _write(
        tmp_path / "labels.csv", ["id", "split", "label"], [["a", "train", 1], ["b", "test", 0]]
    )
    return nodes, edges, events, labels


def test_reads_the_four_tables(tmp_path: Path) -> None:
    data = read_byog(*_tiny(tmp_path), as_of=date(2026, 1, 1))
    assert (
        data.ids == ["a", "b", "c"] and data.relations == ["owns"] and data.event_types == ["fine"]
    )
    assert data.dropped_future_events == 1  # b's 2027 event is after the feature date
    assert data.event_severity.tolist() == [3.0, 2.0]
    assert data.event_months[0] == pytest.approx(12, abs=0.1)
    values, names, entity, dropped = byog_features(data)
    row = dict(zip(names, values[0].tolist(), strict=True))
    assert row["attr_capital"] == 10 and row["events_fine_36m"] == 0 and row["events_fine_all"] == 1
    # a (via c), b (via a) and c (via a) each have one flagged neighbour: the same everywhere
    assert "flagged_owns_1hop" in dropped and "flagged_owns_1hop" not in names
    assert row["nb_owns_in_attr_capital_max"] != row["nb_owns_in_attr_capital_max"]  # c: unknown
    assert row["nb_owns_out_attr_capital_sum"] == 5  # a holds b
    assert row["related_risk"] > 0 and "related_risk" not in entity and "own_risk" in entity


def test_months_before_and_parquet(tmp_path: Path) -> None:
    nodes, edges, _, labels = _tiny(tmp_path)
    events = tmp_path / "events.parquet"
    pq.write_table(
        pa.table({"id": ["a", "c"], "type": ["x", "y"], "months_before": [3.0, -1.0]}), events
    )
    data = read_byog(nodes, edges, events, labels)
    assert data.event_months.tolist() == [3.0] and data.dropped_future_events == 1


@pytest.mark.parametrize(
    "table, header, rows, error, message",
    [
        (
            "edges",
            ["src", "dst", "relation"],
            [["a", "zz", "owns"]],
            InputError,
            r"row 2, field 'dst'.*'zz'",
        ),
        ("edges", ["src", "dst"], [["a", "b"]], SourceFileError, "missing columns"),
        (
            "edges",
            ["src", "dst", "relation", "weight"],
            [["a", "b", "owns", "heavy"]],
            InputError,
            "not a number",
        ),
        (
            "edges",
            ["src", "dst", "relation", "weight"],
            [["a", "b", "owns", -1]],
            InputError,
            "negative",
        ),
        (
            "labels",
            ["id", "split", "label"],
            [["a", "dev", 1]],
            InputError,
            "not one of train, valid",
        ),
        ("labels", ["id", "split", "label"], [["a", "test", 2]], InputError, "0 or 1"),
        ("nodes", ["id"], [["a"], ["a"]], InputError, "unique"),
    ],
)
def test_bad_input_names_file_row_and_field(
    tmp_path: Path,
    table: str,
    header: list[str],
    rows: list[list[object]],
    error: type,
    message: str,
) -> None:
    paths = dict(zip(["nodes", "edges", "events", "labels"], _tiny(tmp_path), strict=True))
    _write(paths[table], header, rows)
    with pytest.raises(error, match=message):
        read_byog(paths["nodes"], paths["edges"], paths["events"], paths["labels"])


def _contagion(tmp_path: Path, n: int = 4000, seed: int = 0) -> tuple[Path, Path, Path, Path]:
    """Firms in ownership trees; a firm's risk of a future event rises with its owner's record."""
    rng = np.random.default_rng(seed)
    owner = np.where(rng.random(n) < 0.8, rng.integers(0, n // 20, n), -1)  # a few holding firms
    flagged_root = rng.random(n // 20) < 0.3
    size = rng.lognormal(3, 1, n)
    own_event = rng.random(n) < 0.05
    parent_bad = (owner >= 0) & flagged_root[np.maximum(owner, 0)]
    logit = -3.5 + 1.0 * own_event + 2.5 * parent_bad - 0.2 * np.log(size)
    y = rng.random(n) < 1 / (1 + np.exp(-logit))
    ids = [f"n{i}" for i in range(n)]
    nodes = _write(
        tmp_path / "nodes.csv",
        ["id", "kind", "size"],
        [[ids[i], "firm", round(size[i], 2)] for i in range(n)],
    )
    edge_rows = [
        [ids[owner[i]], ids[i], "owns", 1.0] for i in range(n) if owner[i] >= 0 and owner[i] != i
    ]
    edges = _write(tmp_path / "edges.csv", ["src", "dst", "relation", "weight"], edge_rows)
    event_rows = [[ids[i], "penalty", 6] for i in range(n) if own_event[i]]
    event_rows += [[ids[i], "penalty", 10] for i in range(n // 20) if flagged_root[i]]
    events = _write(tmp_path / "events.csv", ["id", "type", "months_before"], event_rows)
    split = np.where(rng.random(n) < 0.6, "train", "test")
    labels = _write(
        tmp_path / "labels.csv",
        ["id", "split", "label"],
        [[ids[i], split[i], int(y[i])] for i in range(n)],
    )
    return nodes, edges, events, labels


@pytest.mark.slow
def test_graph_features_help_when_risk_is_contagious(tmp_path: Path) -> None:
    result = evaluate_byog(read_byog(*_contagion(tmp_path)), params={"max_iter": 60})
    entity, graph = result["metrics"]["entity_only"], result["metrics"]["entity_graph"]
    assert graph["roc_auc"] > entity["roc_auc"] + 0.1
    assert result["graph_gain_ci95"]["roc_auc"][0] > 0  # the interval excludes no gain
    assert result["graph_gain"]["roc_auc"] == pytest.approx(
        graph["roc_auc"] - entity["roc_auc"], abs=1e-4
    )


def test_train_saves_a_byog_model(tmp_path: Path) -> None:
    data = read_byog(*_contagion(tmp_path, n=1500))
    card = train_byog(data, tmp_path / "model", params={"max_iter": 20})
    assert card.kind == "byog" and "related_risk" in card.features
    assert set(card.metrics) == {"entity_only", "entity_graph"}
    model = load_model(tmp_path / "model", card.features)
    values = byog_features(data).values
    assert model.classifier.predict_proba(values).shape == (1500, 2)


def test_valid_rows_choose_the_settings_and_test_rows_are_only_scored(tmp_path: Path) -> None:
    nodes, edges, events, labels = _contagion(tmp_path, n=2000)
    rows = labels.read_text().splitlines()
    # every third training row becomes a validation row
    relabelled = [rows[0]] + [
        r.replace(",train,", ",valid,") if i % 3 == 0 else r for i, r in enumerate(rows[1:])
    ]
    labels.write_text("\n".join(relabelled) + "\n")
    data = read_byog(nodes, edges, events, labels)
    card = train_byog(data, tmp_path / "model")
    window = card.data_window
    assert window["valid_rows"] > 0 and window["train_rows"] + window["valid_rows"] > 0
    assert window["test_rows"] == sum(",test," in r for r in relabelled)
    search = card.params["search"]
    assert search["valid"] == "valid rows" and search["trials"]
    assert card.params["classifier"]["max_iter"] == search["params"]["max_iter"]
    assert set(card.params["train_metrics"]) == {"entity_only", "entity_graph"}


def test_the_events_table_is_optional(tmp_path: Path) -> None:
    nodes, edges, _, labels = _tiny(tmp_path)
    data = read_byog(nodes, edges, None, labels)
    assert data.event_types == [] and data.dropped_future_events == 0
    features = byog_features(data)
    assert not [n for n in features.names if "events_" in n or "own_risk" in n]
    assert "attr_capital" in features.names
