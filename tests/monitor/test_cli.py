"""``linkrisk watch``, ``linkrisk snapshot`` (which evaluates), ``linkrisk alerts``."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from linkrisk.cli import _register, app
from linkrisk.config import Settings
from linkrisk.graph.open import open_embedded
from tests.monitor.conftest import AS_OF, A, B, after_rows, before_rows, pid, write

runner = CliRunner()
_register()


def run(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def test_watch_snapshot_alerts_ack(settings: Settings) -> None:
    settings.data_dir.mkdir(parents=True)
    store = open_embedded(settings)
    write(store, before_rows())
    run("snapshot", "--as-of", AS_OF.isoformat())  # the first snapshot is the baseline
    run("watch", "add", A, "--org", "bank1", "--depth", "2", "--kind", "event")
    assert "bank1 watches" in run("watch", "add", B, "--org", "bank1", "--depth", "0")
    listed = json.loads(run("watch", "list", "--org", "bank1", "--json"))
    assert [(w["sid"], w["depth"]) for w in listed] == [(A, 2), (B, 0)]
    assert json.loads(run("alerts", "--org", "bank1", "--json"))["alerts"] == []

    write(store, after_rows())
    result = runner.invoke(app, ["snapshot", "--as-of", AS_OF.isoformat()])
    assert result.exit_code == 0, result.output
    assert "new alerts" in result.stderr
    page = json.loads(run("alerts", "--org", "bank1", "--json"))
    got = sorted((a["watch_sid"], a["sid"], a["kind"]) for a in page["alerts"])
    # A watches events two links out; B watches everything about itself
    assert got == sorted([(A, A, "event"), (A, B, "event"), (B, B, "event")])
    table = run("alerts", "--org", "bank1", "--limit", "2")
    assert "OFFICER→" in table and "more: --after" in table
    first = page["alerts"][0]["alert_id"]
    run("alerts", "--org", "bank1", "--ack", str(first))
    still_open = json.loads(run("alerts", "--org", "bank1", "--open", "--json"))["alerts"]
    assert first not in [a["alert_id"] for a in still_open] and len(still_open) == 2
    # evaluating again finds nothing new: the pair of snapshots was done
    run("alerts", "--org", "bank1", "--evaluate")
    assert len(json.loads(run("alerts", "--org", "bank1", "--json"))["alerts"]) == 3
    assert json.loads(run("webhooks", "deliver", "--json")) == {
        "delivered": 0,
        "retry": 0,
        "failed": 0,
    }
    run("watch", "remove", B, "--org", "bank1")
    assert pid(1) not in run("watch", "list")
    store.close()


def test_bad_watches_are_usage_errors(settings: Settings) -> None:
    settings.data_dir.mkdir(parents=True)
    result = runner.invoke(app, ["watch", "add", A, "--org", "x", "--kind", "gossip"])
    assert result.exit_code == 2 and "unknown change kind" in result.stderr
    result = runner.invoke(app, ["watch", "add", A, "--org", "x", "--depth", "5"])
    assert result.exit_code == 2
    result = runner.invoke(app, ["watch", "remove", A, "--org", "x"])
    assert result.exit_code == 2 and "does not watch" in result.stderr
    result = runner.invoke(app, ["watch", "add", A, "--org", "x"])
    assert result.exit_code == 2 and "linkrisk snapshot" in result.stderr  # none published yet
