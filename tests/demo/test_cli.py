"""``linkrisk generate`` end to end."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

import linkrisk.cli.data
import linkrisk.cli.generate  # noqa: F401  (registers the command)
from linkrisk.cli import app

runner = CliRunner()


def test_generate_writes_the_city_and_summarises_it(tmp_path: Path) -> None:
    out = tmp_path / "city"
    result = runner.invoke(
        app,
        ["generate", "--subjects", "500", "--seed", "3", "--out", str(out), "--dirty-rate", "0.02"],
    )
    assert result.exit_code == 0, result.output
    assert "orgs.csv" in result.output and "deliberately bad rows" in result.output
    assert {p.name for p in out.iterdir()} >= {"orgs.csv", "officers.csv", "manifest.json"}


def test_generate_json_is_the_manifest(tmp_path: Path) -> None:
    out = tmp_path / "city"
    result = runner.invoke(
        app,
        [
            "generate",
            "--subjects",
            "500",
            "--seed",
            "3",
            "--out",
            str(out),
            "--as-of",
            "2025-06-30",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["as_of"] == "2025-06-30" and data["subjects"] == 500
    assert data == {"out": str(out), **json.loads((out / "manifest.json").read_text())}


def test_generate_refuses_bad_input(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["generate", "--subjects", "500", "--out", str(tmp_path), "--as-of", "31/10/2026"]
    )
    assert result.exit_code != 0
    assert "--as-of" in str(result.exception) or "--as-of" in result.output
