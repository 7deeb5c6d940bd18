"""Issue 18, first contact: what a person meets typing the README, item by item (the README
itself is typed by ``tests/test_readme.py``)."""

from __future__ import annotations

import csv
import io
import json
import tomllib
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from rich.console import Console
from typer.testing import CliRunner

from linkrisk.cli import _register, app, command, output
from linkrisk.config import Settings
from tests.api.city import City
from tests.api.conftest import Keys

runner = CliRunner()
_register()
ROOT = Path(__file__).resolve().parents[2]


def run(*args: str, code: int = 0) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    return result.output


# 1. progress bars ------------------------------------------------------------------------------
def test_a_progress_bar_with_an_unknown_total_draws_in_a_terminal(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    screen = io.StringIO()
    terminal = Console(file=screen, force_terminal=True, width=100)
    monkeypatch.setattr(output, "err_console", terminal)
    with output.progress_bar("loading") as bar:  # total unknown: formatted it as None before
        bar(300)
        bar.describe("orgs.csv", completed=1200)
        bar.note("  read orgs.csv: 1,200 rows")
        bar(5, total=2000)
    drawn = screen.getvalue()
    assert "━" in drawn and "read orgs.csv: 1,200 rows" in drawn and "1,205/2,000" in drawn


# 3. status: which store, nothing created, the demo's store -------------------------------------
def test_status_names_its_store_creates_none_and_points_at_the_demo(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    text = run("status")
    assert f"no store at embedded store {settings.db_path.resolve()}" in text.replace("\n", "")
    assert not settings.db_path.exists()
    demo = tmp_path / "demo-city" / "data"
    demo.mkdir(parents=True)
    (demo / "linkrisk.db").touch()
    text = run("status")
    assert f"export LINKRISK_DATA_DIR={demo.resolve()}" in text
    assert json.loads(run("status", "--json"))["exists"] is False
    shown = run("show", "91320102MA0000015M", code=2)  # no snapshot here: the hint again
    assert "no snapshot" in shown and f"export LINKRISK_DATA_DIR={demo.resolve()}" in shown


def test_status_json_after_a_load(settings: Settings, tmp_path: Path) -> None:
    files = tmp_path / "city"
    run("generate", "--subjects", "200", "--out", str(files))
    run("load", str(files))
    data = json.loads(runner.invoke(app, ["status", "--json"]).stdout)
    assert data["exists"] and str(settings.db_path.resolve()) in data["location"]
    assert data["counts"]["subjects"] > 0 and data["loads"][0]["status"] == "done"
    assert f"store: embedded store {settings.db_path.resolve()}" in run("status").replace("\n", "")


# 4. load: progress per file --------------------------------------------------------------------
def test_load_reports_each_file_it_read(settings: Settings, tmp_path: Path) -> None:
    city = tmp_path / "city"
    assert runner.invoke(app, ["generate", "--subjects", "200", "--out", str(city)]).exit_code == 0
    result = runner.invoke(app, ["load", str(city)])
    assert result.exit_code == 0, result.output
    assert "loading into embedded store" in result.stderr
    assert "read orgs.csv: 200 rows" in result.stderr and "read events.csv" in result.stderr
    # capital in 万元, events with 机关 and 文号 (the generated city has both)
    run("snapshot", "--as-of", "2026-10-31")
    with (city / "events.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    column = next(i for i, h in enumerate(rows[0]) if "代码" in h)
    uscc = next(r[column] for r in rows[1:] if r[column].startswith("91"))
    card = run("show", uscc)
    assert "万元" in card and "机关" in card and "文号" in card


# 5. dates --------------------------------------------------------------------------------------
@pytest.mark.parametrize("spelling", ["2025/01/01", "2025.01.01", "20250101", "2025年1月1日"])
def test_every_date_option_takes_the_loaders_spellings(city: City, spelling: str) -> None:
    assert "as of 2025-01-01" in run("snapshot", "--as-of", spelling)


@pytest.mark.parametrize("bad", ["notadate", "2026-13-01", "2026/02/30"])
def test_a_bad_date_is_one_message_and_exit_2(city: City, bad: str) -> None:
    text = run("snapshot", "--as-of", bad, code=2)
    assert f"'{bad}' is not a date" in text and "2021年3月5日" in text
    text = run(
        "consents", "create", "--org", "b", "--uscc", city.a, "--purpose", "credit_application",
        "--from", bad, "--until", "2027-01-01", code=2,
    )  # fmt: skip
    assert f"'{bad}' is not a date" in text


# 6. subjects by name, prefix and cut key; search ----------------------------------------------
def test_subjects_by_name_prefix_and_cut_key(city: City) -> None:
    assert city.a in run("show", "南京甲乙科技有限公司")  # the API city's names
    assert "南京甲乙科技有限公司" in run("show", city.a[:16])
    assert "南京甲乙科技有限公司" in run("show", city.a[:16] + "…")
    person = run("show", city.p1[:9] + "…")
    assert city.p1 in person
    listed = run("show", "有限公司", code=2)
    assert "give one of their keys" in listed and city.a in listed
    found = run("search", "甲乙科技")
    assert city.a in found
    hits = json.loads(run("search", city.a[:8], "--json"))
    assert hits[0]["sid"].startswith(city.a[:8])


# 7. a USCC that does not check: the API's message in both -------------------------------------
def _broken(uscc: str) -> list[str]:
    wrong = uscc[:-1] + ("0" if uscc[-1] != "0" else "1")
    return [wrong, uscc[:-1], uscc[:8] + " " + uscc[8:-1] + ("0" if uscc[-1] != "0" else "1")]


def test_a_bad_uscc_gets_the_same_message_in_cli_and_api(
    client: TestClient, keys: Keys, city: City
) -> None:
    wrong, short, spaced = _broken(city.a)
    api = client.get(f"/v1/subjects/{wrong}", headers=keys.headers("investigator"))
    assert api.status_code == 422
    message = api.json()["detail"]
    assert message == f"'{wrong}' is not a valid USCC: check character does not match"
    assert message in run("show", wrong, code=2).replace("\n", "")
    assert message in run("show", spaced, code=2).replace("\n", "")
    assert "not a valid USCC: wrong length" in run("show", short, code=2).replace("\n", "")
    lender = client.get(
        f"/v1/scores/{wrong}?purpose=credit_application", headers=keys.headers("lender")
    )
    assert lender.json()["detail"] == message
    assert city.a in run("show", city.a[:8] + " " + city.a[8:])  # spaces from a licence


# 8. the vocabulary in the CLI ------------------------------------------------------------------
def test_labels_capital_and_events_in_both_languages(city: City) -> None:
    zh = run("show", city.a)
    assert "企业" in zh and "存续" in zh and "持股 60.00%" in zh and "疑似关联 同电话" in zh
    en = run("show", city.a, "--lang", "en")
    assert "enterprise" in en and "active" in en and "holds 60.00%" in en


# 12. small things ------------------------------------------------------------------------------
def test_boolean_flags_are_plain_flags_in_help() -> None:
    root = command()
    ctx = root.make_context("linkrisk", ["status"], resilient_parsing=True)
    status = root.get_command(ctx, "status")
    assert status is not None
    flags = [p for p in status.params if getattr(p, "is_flag", False)]
    assert flags and all(p.metavar == "" for p in flags)


def test_help_says_defaults_in_words(tmp_path: Path) -> None:
    for name in ("serve", "demo"):
        text = run(name, "--help")
        assert "settings.api_port" not in text and "LINKRISK_API_PORT" in text


def test_no_path_is_one_line_not_an_empty_table(city: City) -> None:
    text = run("paths", city.a, city.d, "--max-depth", "1")
    if "no path between" in text:
        assert "┏" not in text


def test_pyproject_license_is_an_spdx_string() -> None:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert data["project"]["license"] == "Apache-2.0"
    assert any(r.startswith("setuptools>=77") for r in data["build-system"]["requires"])


# 9. the demo's closing text --------------------------------------------------------------------
def test_the_demo_closing_text_is_copy_paste_safe(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from linkrisk.cli.demo import _closing

    key = "lr_" + "x" * 32
    long_path = tmp_path / ("publications-" + "深" * 40) / "DEMO-20261031-1.plan.csv"
    curl = f"curl -s -H 'X-API-Key: {key}' 'http://127.0.0.1:8000/v1/subjects/91320102MA0000015M'"
    plan = {
        "plan_id": "DEMO-20261031-1",
        "selected": 54,
        "frame": 358,
        "publication": {"plan_csv": str(long_path), "due_date": "2027-01-29"},
    }
    _closing({"lender": key}, curl, plan, tmp_path / "data", "http://127.0.0.1:8000")
    lines = capsys.readouterr().out.splitlines()
    assert curl in lines  # one line, however wide: it survives copy-paste
    assert f"  lender        {key}" in lines
    assert "双随机 plan DEMO-20261031-1: 54 of 358 drawn" in lines
    assert f"  published plan_csv: {long_path}" in lines and "  公示 due by 2027-01-29" in lines
    assert f"  export LINKRISK_DATA_DIR={(tmp_path / 'data').resolve()}" in lines


# 12. plan order in words ------------------------------------------------
def test_a_plan_step_out_of_order_says_what_to_run() -> None:
    from linkrisk.errors import Conflict
    from linkrisk.sampling.plans import PlanStatus, require

    class Record:
        plan_id, status = "P2026-01", PlanStatus.DRAWN

    with pytest.raises(Conflict) as caught:
        require(Record(), PlanStatus.RESULTS, PlanStatus.PUBLISHED)  # type: ignore[arg-type]
    assert caught.value.detail == (
        "plan P2026-01 is drawn; this step needs it with its results recorded"
        " (`linkrisk sampling record`) or published (`linkrisk sampling publish`)"
    )
