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


def test_the_summary_says_how_shares_were_read_and_which_firms_exceed_100(
    tmp_path: Path,
) -> None:
    rng = random.Random(6)
    firm, owner_a, owner_b = make_uscc(rng), make_uscc(rng), make_uscc(rng)
    (tmp_path / "holdings.csv").write_text(
        "统一社会信用代码,股东名称,股东类型,股东证照号码,持股比例\n"
        f"{firm},甲有限公司,企业法人,{owner_a},1\n"
        f"{firm},乙有限公司,企业法人,{owner_b},75\n"
        f"{owner_a},乙有限公司,企业法人,{owner_b},80\n"
        f"{owner_a},丙有限公司,企业法人,{firm},30\n"
    )
    result = runner.invoke(app, ["load", str(tmp_path / "holdings.csv")])
    assert result.exit_code == 0, result.output
    assert "holdings.csv: shares read as percent (a value above 1: '75')" in result.output
    assert f"1 firm(s) whose current holders add up to more than 100%: {owner_a}" in result.output
    assert f"{firm}" not in result.output.split("more than 100%:")[1]  # 1 % + 75 % is fine
