"""``linkrisk load`` on a directory: every file's outcome is shown, and failures exit 1."""

from __future__ import annotations

import json
import random
from pathlib import Path

from typer.testing import CliRunner

import linkrisk.cli.data  # noqa: F401  (registers the command)
from linkrisk.cli import app
from tests.loaders.synth import make_uscc

runner = CliRunner()


def _orgs(directory: Path) -> None:
    code = make_uscc(random.Random(5))
    (directory / "orgs.csv").write_text(f"统一社会信用代码,企业名称\n{code},测试甲有限公司\n")


def test_a_file_that_cannot_be_loaded_is_named_and_exits_1(tmp_path: Path) -> None:
    _orgs(tmp_path)
    (tmp_path / "broken.csv").write_bytes(b"")
    result = runner.invoke(app, ["load", str(tmp_path)])
    assert result.exit_code == 1
    assert "not loaded:" in result.output and "broken.csv" in result.output


def test_a_generated_citys_metadata_is_not_taken_for_data(tmp_path: Path) -> None:
    _orgs(tmp_path)
    (tmp_path / "manifest.json").write_text(json.dumps({"generator": "linkrisk", "seed": 1}))
    (tmp_path / "ground_truth.json").write_text(json.dumps({"rings": []}))
    result = runner.invoke(app, ["load", str(tmp_path), "--json"])
    assert result.exit_code == 0, result.output
    assert [Path(r["file"]).name for r in json.loads(result.stdout)] == ["orgs.csv"]
