"""``linkrisk exposure``: the aggregate 50 % rule from the command line."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from typer.testing import CliRunner

from linkrisk.cli import _register, app
from linkrisk.config import Settings
from linkrisk.graph.open import open_store
from linkrisk.graph.snapshot.build import build_snapshot
from tests.factories import org, table

runner = CliRunner()
_register()


@pytest.fixture
def listed_city(settings: Settings) -> Settings:
    # L1 (sanctioned) 30 % of X directly and 100 % of A, A holds 25 % of X: 55 % in aggregate
    store = open_store(settings)
    store.write_batch(
        {
            "subjects": table(
                "subjects",
                [
                    org("91L1", name="甲制裁公司"),
                    org("91A", name="乙公司"),
                    org("91X", name="丙公司"),
                ],
            ),
            "holdings": table(
                "holdings",
                [
                    {"src": "91L1", "dst": "91X", "share": 0.3},
                    {"src": "91L1", "dst": "91A", "share": 1.0},
                    {"src": "91A", "dst": "91X", "share": 0.25},
                ],
            ),
            "events": table(
                "events",
                [
                    {
                        "event_id": "s1",
                        "sid": "91L1",
                        "type": "sanction",
                        "authority": "某制裁机关",
                        "decision_date": dt.date(2024, 5, 1),
                    }
                ],
            ),
        }
    )
    build_snapshot(store, settings.snapshot_dir, as_of=dt.date(2025, 1, 1))
    store.close()
    return settings


def test_exposure_lists_hits_with_owners_and_paths(listed_city: Settings) -> None:
    result = runner.invoke(app, ["exposure", "--threshold", "50", "--json"])
    assert result.exit_code == 0, result.output
    hits = {h["sid"]: h for h in json.loads(result.stdout)["result"]["hits"]}
    assert set(hits) == {"91A", "91X"}
    assert hits["91X"]["aggregate_share"] == pytest.approx(0.55)
    [owner] = hits["91X"]["owners"]
    assert [p["sids"] for p in owner["paths"]] == [["91L1", "91X"], ["91L1", "91A", "91X"]]
    table_out = runner.invoke(app, ["exposure", "--threshold", "60", "--lang", "zh"])
    assert table_out.exit_code == 0 and "91A" in table_out.output and "91X" not in table_out.output


def test_another_list_and_a_bad_one(listed_city: Settings) -> None:
    result = runner.invoke(app, ["exposure", "--list", "dishonest_debtor", "--json"])
    assert result.exit_code == 0 and json.loads(result.stdout)["result"]["hits"] == []
    bad = runner.invoke(app, ["exposure", "--list", "nonsense"])
    assert bad.exit_code == 2 and "use an event type" in bad.output
