"""Investigator commands end to end: a store, a published snapshot, tables and JSON."""

from __future__ import annotations

import datetime as dt
import json

import networkx as nx
import pytest
from typer.testing import CliRunner

from linkrisk.cli import _register, app
from linkrisk.config import Settings
from linkrisk.graph.open import open_store
from linkrisk.graph.snapshot.build import build_snapshot
from tests.factories import org, person, table

runner = CliRunner()
_register()  # every command module adds its commands


@pytest.fixture
def city(settings: Settings) -> Settings:
    store = open_store(settings)
    store.write_batch(
        {
            "subjects": table(
                "subjects",
                [
                    person("P1", name="张某", id_masked="3201**********123X"),
                    org("91A", name="甲公司", phone="02500000001"),
                    org("91B", name="乙公司", phone="02500000001"),
                    org("91C", name="丙公司"),
                ],
            ),
            "holdings": table(
                "holdings",
                [
                    {"src": "P1", "dst": "91A", "share": 0.6},
                    {"src": "91A", "dst": "91B", "share": 0.5},
                ],
            ),
            "officers": table(
                "officers", [{"person": "P1", "org": "91C", "role": "legal_representative"}]
            ),
            "events": table(
                "events",
                [
                    {
                        "event_id": "e1",
                        "sid": "91C",
                        "type": "penalty",
                        "severity": "serious",
                        "decision_date": dt.date(2024, 5, 1),
                    }
                ],
            ),
        }
    )
    build_snapshot(store, settings.snapshot_dir, as_of=dt.date(2025, 1, 1))
    store.close()
    return settings


def run(*args: str) -> str:
    result = runner.invoke(app, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_owners_table_and_json(city: Settings) -> None:
    assert "张某" in run("owners", "91B") and "30.00%" in run("owners", "91B")
    data = json.loads(run("owners", "91B", "--json"))
    assert [(e["sid"], e["integrated_share"]) for e in data["result"]["entries"]] == [
        ("91A", 0.5),
        ("P1", 0.3),
    ]
    assert data["names"]["P1"] == "张某"
    down = json.loads(run("owners", "P1", "--down", "--json"))
    assert [e["sid"] for e in down["result"]["entries"]] == ["91A", "91B"]


def test_controllers_paths_around_contacts_group(city: Settings) -> None:
    assert "持股 ≥ 25%" in run("controllers", "91B")
    assert "ownership ≥ 25%" in run("controllers", "91B", "--lang", "en")
    found = json.loads(run("paths", "91B", "91C", "--json"))
    assert found["result"]["paths"][0]["sids"] == ["91B", "91A", "P1", "91C"]
    assert "←持股" in run("paths", "91B", "91C")
    assert "←holds" in run("paths", "91B", "91C", "--lang", "en")
    risk = json.loads(run("around", "91A", "--json"))
    assert [(r["sid"], r["hops"]) for r in risk["result"]["neighbours"]] == [("91C", 2)]
    assert "行政处罚/严重" in run("around", "91A")
    assert "administrative" in run("around", "91A", "--lang", "en")
    assert "乙公司" in run("contacts", "91A")
    assert "G91A" in run("group", "91B")


def test_show_masks_persons(city: Settings) -> None:
    text = run("show", "P1")
    assert "3201**********123X" in text and "张某" in text
    card = json.loads(run("show", "91C", "--json"))
    assert card["events"][0]["event_id"] == "e1"
    assert card["controllers"][0]["reason"] == "legal representative"


def test_export_formats(city: Settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    data = json.loads(run("export", "91A", "--format", "json"))
    assert {n["sid"] for n in data["nodes"]} == {"91A", "91B", "P1", "91C"}
    target = tmp_path / "a.graphml"
    run("export", "91A", "--format", "graphml", "--hops", "1", "--output", str(target))
    graph = nx.read_graphml(target, force_multigraph=True)
    assert graph.nodes["91A"]["name"] == "甲公司" and graph.number_of_edges() == 3


def test_a_controller_with_two_paths_is_one_row(settings: Settings) -> None:
    store = open_store(settings)
    store.write_batch(
        {
            "subjects": table(
                "subjects",
                [person("P1", name="张某"), org("91A"), org("91B"), org("91C", name="丙公司")],
            ),
            "holdings": table(
                "holdings",
                [
                    {"src": "P1", "dst": "91A", "share": 1.0},
                    {"src": "P1", "dst": "91B", "share": 1.0},
                    {"src": "91A", "dst": "91C", "share": 0.5},
                    {"src": "91B", "dst": "91C", "share": 0.5},
                ],
            ),
        }
    )
    build_snapshot(store, settings.snapshot_dir, as_of=dt.date(2025, 1, 1))
    store.close()
    found = json.loads(run("controllers", "91C", "--json"))["result"]
    assert [c["sid"] for c in found] == ["P1"] and len(found[0]["paths"]) == 2
    text = run("controllers", "丙公司")
    assert text.count("张某 (P1)") == 3  # the row, and the start of each of its two paths
    assert "│ 2     │" in text
