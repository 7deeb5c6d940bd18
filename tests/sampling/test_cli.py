"""``linkrisk sampling …`` end to end on the world, and ``demo_plan``."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

import linkrisk.cli.sampling  # noqa: F401  (registers the sub-app)
from linkrisk.cli import app
from linkrisk.cli.sampling import demo_plan
from linkrisk.config import Settings
from linkrisk.graph.embedded.store import EmbeddedStore
from linkrisk.graph.snapshot.arrays import Snapshot
from linkrisk.models.scores import load_scores, save_scores
from tests.sampling.world import AS_OF, build_world, tiers_for


@pytest.fixture
def city(settings: Settings) -> tuple[EmbeddedStore, Snapshot]:
    store, snap = build_world(settings.data_dir, settings.db_path, settings.snapshot_dir)
    tiers = tiers_for(snap, {"ORG05": "D", "ORG01": "A", "ORG02": "C"})
    save_scores(
        settings,
        snap,
        score=np.linspace(0, 1, snap.n, dtype=np.float32),
        tier=tiers,
        reasons=np.zeros(snap.n, np.uint8),
        model_version="test-model",
        as_of=AS_OF,
    )
    return store, snap


def run(*args: str) -> dict:  # type: ignore[type-arg]
    result = CliRunner().invoke(app, ["sampling", *args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_the_whole_plan_from_the_command_line(
    city: tuple[EmbeddedStore, Snapshot], tmp_path: Path, settings: Settings
) -> None:
    created = run(
        "create",
        "--id",
        "SCJG-2025-07",
        "--name",
        "登记事项检查",
        "--department",
        "SCJG",
        "--matter",
        "M01",
        "--start",
        "2025-07-01",
        "--end",
        "2025-09-30",
        "--ratio",
        "A=0",
        "--ratio",
        "B=50%",
        "--ratio",
        "C=1",
        "--min",
        "A=1",
        "--extended-hops",
        "1",
        "--abnormal-from",
        "PLAN-2024",
        "--team",
        "2",
    )
    assert (
        created["status"] == "created" and created["seed"] is None and created["frame_size"] == 13
    )
    assert created["stats"]["strata"] == {"A": 1, "B": 10, "C": 1, "D": 1}
    drawn = run("draw", "SCJG-2025-07")
    assert drawn["status"] == "drawn" and drawn["seed"]
    by_tier = {
        t: sum(1 for r in drawn["selection"] if r[2] == t and r[3] == "random") for t in "ABCD"
    }
    assert by_tier == {"A": 1, "B": 5, "C": 1, "D": 1}
    assigned = run("assign", "SCJG-2025-07")
    assert assigned["stats"]["unassigned"] == 0 and len(assigned["teams"]) == len(
        drawn["selection"]
    )
    results = tmp_path / "results.csv"
    rows = [
        f"{t[1]},{'不配合检查' if i == 0 else '正常'},2025-08-0{1 + i % 5}"
        for i, t in enumerate(assigned["teams"])
    ]
    results.write_text(
        "主体标识,检查结果,检查日期\n" + "\n".join(rows) + "\n", encoding="utf-8-sig"
    )
    recorded = run("record", "SCJG-2025-07", str(results))
    assert recorded["abnormal"] == 1 and recorded["results"] == len(rows)
    progress = run("progress", "SCJG-2025-07")
    assert progress["recorded"] == len(rows) == sum(t["recorded"] for t in progress["teams"])
    assert all(m["recorded"] == len(rows) for m in progress["matters"])
    paths = run("publish", "SCJG-2025-07", "--copy-to", str(tmp_path / "pub"))
    assert paths["due_date"] == "2025-11-04"
    assert Path(paths["verify_json"]).parent == settings.publication_dir / "SCJG-2025-07"
    assert (tmp_path / "pub" / "SCJG-2025-07.verify.json").exists()
    public = run("verify", "--file", paths["verify_json"], "--announced", created["public_digest"])
    assert public["ok"] is True and public["level"] == "public"
    assert run("verify", "SCJG-2025-07")["level"] == "auditor"
    sealed = run("sealed", "SCJG-2025-07", "--out", str(tmp_path / "audit" / "s.json.gz"))
    assert run("verify", "--sealed", sealed["sealed"])["ok"] is True
    assert [p["status"] for p in run("list")] == ["published"]
    assert run("show", "SCJG-2025-07")["plan_id"] == "SCJG-2025-07"


def test_verify_exits_1_on_a_tampered_file(
    city: tuple[EmbeddedStore, Snapshot], tmp_path: Path
) -> None:
    run(
        "create",
        "--id",
        "P1",
        "--name",
        "n",
        "--department",
        "SCJG",
        "--matter",
        "M01",
        "--start",
        "2025-07-01",
        "--end",
        "2025-09-30",
        "--seed",
        "s-public",
        "--public-seed",
    )
    run("draw", "P1")
    run("assign", "P1")
    run("record", "P1", "--sid", "ORG05", "--result", "正常", "--date", "2025-07-02")
    refused = CliRunner().invoke(app, ["sampling", "publish", "P1"])
    assert refused.exit_code != 0 and "--partial" in refused.output
    paths = run("publish", "P1", "--partial", "其余主体检查尚未结束")
    bundle = json.loads(Path(paths["verify_json"]).read_text())
    assert bundle["partial"]["reason"] == "其余主体检查尚未结束"
    plan_sheet = Path(paths["plan_csv"]).read_text(encoding="utf-8-sig")
    assert "部分公示" in plan_sheet and "其余主体检查尚未结束" in plan_sheet
    bundle = json.loads(Path(paths["verify_json"]).read_text())
    bundle["seed"] = "s-other"
    Path(paths["verify_json"]).write_text(json.dumps(bundle))
    result = CliRunner().invoke(
        app, ["sampling", "verify", "--file", paths["verify_json"], "--json"]
    )
    assert result.exit_code == 1 and json.loads(result.stdout)["what"] == "seed"


def test_demo_plan(city: tuple[EmbeddedStore, Snapshot], settings: Settings) -> None:
    store, snap = city
    summary = demo_plan(settings, store, snap, load_scores(settings))
    assert summary["department"] == "SCJG" and summary["matter"] == "M01"
    assert (
        summary["verified"]["ok"] is True and summary["results"]["results"] == summary["assigned"]
    )
    assert Path(summary["publication"]["xlsx"]).exists()
    again = demo_plan(settings, store, snap, load_scores(settings))
    assert again["plan_id"] != summary["plan_id"]
