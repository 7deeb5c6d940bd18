"""``linkrisk measures list|check|batch`` over the API tests' tiny city (published scores)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from typer.testing import CliRunner

from linkrisk.cli import _register, app
from tests.api.city import City, make_id_number

runner = CliRunner()
_register()


def run(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_list_marks_the_catalogue_illustrative() -> None:
    out = run("measures", "list", "--scenario", "招投标")
    assert "示例目录" in out and "ztb-bar" in out and "xyd-green-channel" not in out
    listed = json.loads(run("measures", "list", "--json"))
    assert listed["illustrative"] and len(listed["measures"]) >= 10


def test_check_an_organisation_and_a_person(city: City) -> None:
    out = run("measures", "check", city.b, "--scenario", "政府采购")
    assert "依法依规限制" in out and "政府采购法" in out and "行政处罚(严重) 1 条" in out
    answer = json.loads(run("measures", "check", city.p1_id, "--json"))
    assert answer["query"] != city.p1_id and answer["subject"] is None
    person_out = run("measures", "check", city.p1_id)
    assert city.p1_id not in person_out and city.p1_id[-4:] in person_out


def test_check_refuses_what_is_no_code_without_repeating_it(city: City) -> None:
    result = runner.invoke(app, ["measures", "check", city.p1_id[:-1] + "0"])
    assert result.exit_code != 0 and city.p1_id[:-1] + "0" not in result.output
    unknown = runner.invoke(app, ["measures", "check", city.a, "--scenario", "信易购"])
    assert unknown.exit_code != 0 and "unknown scenario" in unknown.output


def test_batch_writes_one_row_per_code(city: City, tmp_path: Path) -> None:
    stranger = make_id_number(55)
    source = tmp_path / "list.csv"
    source.write_text(f"{city.a}\n{city.b}\nnonsense\n{city.p1_id}\n{stranger}\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    summary = run("measures", "batch", str(source), "--out", str(out), "--scenario", "政府采购",
                  "--scenario", "信易医")  # fmt: skip
    assert "5 个主体" in summary
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert [r["kind"] for r in rows] == ["organisation"] * 3 + ["person"] * 2
    assert rows[1]["政府采购"] == "restricted" and rows[2]["problem"]
    assert rows[3]["信易医"] == "eligible" and rows[4]["信易医"] == "not_found"
    text = out.read_text(encoding="utf-8")
    assert city.p1_id not in text and stranger not in text


def test_effect_report_from_the_command_line(city: City, client: object, keys: object) -> None:
    from fastapi.testclient import TestClient

    from tests.api.conftest import Keys

    assert isinstance(client, TestClient) and isinstance(keys, Keys)
    headers = keys.headers("window")
    made = client.post(
        "/v1/window/checks", json={"uscc": city.b, "scenario": "政府采购"}, headers=headers
    )
    check = made.json()
    done = client.post(
        "/v1/window/feedback",
        json={"check_id": check["check_id"], "scenario": "政府采购", "measure_id": "zfcg-bar",
              "action": "overridden", "reason": "法院已撤销失信决定"},
        headers=headers,
    )  # fmt: skip
    assert done.status_code == 201, done.text
    report = json.loads(run("measures", "effect", "--json"))
    (row,) = report["scenarios"]
    assert row["scenario"] == "政府采购" and row["checks"] == 1
    assert row["override_reasons"] == [{"reason": "法院已撤销失信决定", "count": 1}]
    table = run("measures", "effect")
    assert "措施实施效果" in table and "×1" in table  # (cells wrap at the test terminal width)
