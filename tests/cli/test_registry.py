"""``linkrisk registry``, ``history`` and ``person`` on a hand-made store with two snapshots."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from typer.testing import CliRunner

from linkrisk.cli import _register, app
from linkrisk.config import Settings
from linkrisk.graph.open import open_store
from linkrisk.graph.snapshot.build import build_snapshot
from tests.factories import org, person, table

runner = CliRunner()
_register()

D1, D2 = dt.date(2024, 12, 31), dt.date(2025, 12, 31)


@pytest.fixture
def city(settings: Settings) -> Settings:
    """甲 held by 张某 (60 %, 认缴 60 万) and 乙; 乙 sells its stake in 2025, 王某 joins; 甲 has
    a branch 丙 and industry C1810 in region 610323."""
    store = open_store(settings)
    store.write_batch(
        {
            "subjects": table(
                "subjects",
                [
                    person("P1", name="张某"),
                    person("P2", name="王某"),
                    org("91A", name="甲公司", industry="C1810", region="610323"),
                    org("91B", name="乙公司"),
                    org("91C", name="丙分公司", status="cancelled"),
                ],
            ),
            "holdings": table(
                "holdings",
                [
                    {
                        "src": "P1",
                        "dst": "91A",
                        "share": 0.6,
                        "subscribed": 600_000.0,
                        "start_date": dt.date(2020, 3, 5),
                    },
                    {"src": "91B", "dst": "91A", "share": 0.4, "end_date": dt.date(2025, 6, 1)},
                    {"src": "P2", "dst": "91A", "share": None, "start_date": dt.date(2025, 6, 1)},
                ],
            ),
            "officers": table(
                "officers", [{"person": "P1", "org": "91A", "role": "legal_representative"}]
            ),
            "branches": table("branches", [{"parent": "91A", "branch": "91C"}]),
        }
    )
    build_snapshot(store, settings.snapshot_dir, as_of=D1)
    build_snapshot(store, settings.snapshot_dir, as_of=D2)
    store.close()
    return settings


def run(*args: str) -> str:
    result = runner.invoke(app, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_registry_table_and_json(city: Settings) -> None:
    text = run("registry", "甲公司")
    for expected in ("张某", "岐山县", "纺织服装、服饰业", "60.00%", "60 万元", "2020-03-05"):
        assert expected in text
    assert "unknown" in text  # 王某's share was not recorded: never shown as 0.00 %
    data = json.loads(run("registry", "91A", "--json"))
    assert data["legal_representatives"] == ["P1"]
    assert data["region"]["path"] == ["陕西省", "宝鸡市", "岐山县"]
    assert [(b["sid"], b["status"]) for b in data["branches"]] == [("91C", "cancelled")]
    (step,) = data["changes"]
    assert [(c["change"], c["sid"]) for c in step["changes"]] == [
        ("entered", "P2"),
        ("left", "91B"),
    ]


def test_history_at_a_date_between_two_and_the_timeline(city: Settings) -> None:
    then = json.loads(run("history", "91A", "--at", "2025-03-01", "--json"))
    assert then["as_of"] == "2024-12-31"
    assert {s["sid"] for s in then["shareholders"]} == {"P1", "91B"}
    diff = json.loads(
        run("history", "91A", "--from", "2024-12-31", "--to", "2025年12月31日", "--json")
    )
    assert [(c["change"], c["sid"]) for c in diff["changes"]] == [
        ("entered", "P2"),
        ("left", "91B"),
    ]
    text = run("history", "91A")
    assert "乙公司" in text and "退出" in text and "新增" in text
    refused = runner.invoke(app, ["history", "91A", "--from", "2025-12-31"])
    assert refused.exit_code == 2


def test_person_lists_roles_and_holdings(city: Settings) -> None:
    data = json.loads(run("person", "张某", "--json"))
    assert [(p["sid"], p["role"]) for p in data["posts"]] == [("91A", "legal_representative")]
    assert [(h["sid"], h["subscribed"]) for h in data["investments"]] == [("91A", 600_000.0)]
    assert "甲公司" in run("person", "P1")
    firm = runner.invoke(app, ["person", "91A"])
    assert firm.exit_code == 2 and "not a person" in firm.output


def test_scan_lists_own_records_and_neighbours(city: Settings) -> None:
    store = open_store(city)
    store.write_batch(
        {
            "events": table(
                "events",
                [
                    {
                        "event_id": "e1",
                        "sid": "91B",
                        "type": "penalty",
                        "severity": "major",
                        "decision_date": dt.date(2024, 5, 1),
                    },
                    {
                        "event_id": "e2",
                        "sid": "91A",
                        "type": "abnormal_operation",
                        "decision_date": dt.date(2025, 2, 1),
                    },
                ],
            )
        }
    )
    build_snapshot(store, city.snapshot_dir, as_of=dt.date(2025, 3, 1))
    store.close()
    data = json.loads(run("scan", "91A", "--json"))
    own, around = data["result"]["sections"]
    assert [(g["type"], g["count"]) for g in own["groups"]] == [("abnormal_operation", 1)]
    assert [(g["key"], [n["sid"] for n in g["neighbours"]]) for g in around["groups"]] == [
        ("1:HOLDS", ["91B"])
    ]
    assert "乙公司" in run("scan", "甲公司")


def test_contacts_show_the_value_or_say_none(city: Settings) -> None:
    store = open_store(city)
    store.write_batch(
        {
            "subjects": table(
                "subjects",
                [org("91A", phone="02583000000"), org("91B", name="乙公司", phone="02583000000")],
            )
        }
    )
    build_snapshot(store, city.snapshot_dir, as_of=D2)
    store.close()
    data = json.loads(run("contacts", "91A", "--json"))
    assert data["values"] == {"phone": "02583000000"}
    assert "02583000000" in run("contacts", "91A")
    assert "shares no phone" in run("contacts", "91C")
