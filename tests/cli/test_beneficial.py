"""``linkrisk beneficial-owners``: the 2024 rules and 备案核验 of a filing file."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from linkrisk.cli import _register, app
from linkrisk.loaders.filed_owners import read_filed_owners
from tests.api.city import City, make_id_number

runner = CliRunner()
_register()


def run(*args: str) -> str:
    result = runner.invoke(app, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_beneficial_owners_of_a_firm(city: City) -> None:
    data = json.loads(run("beneficial-owners", city.b, "--json"))
    [owner] = data["result"]["owners"]
    assert (owner["sid"], owner["rules"]) == (city.p1, ["ownership"])
    assert "张三丰" in run("beneficial-owners", "南京丙丁贸易有限公司")


def test_a_filing_file_is_verified_per_firm(city: City, tmp_path, settings) -> None:  # type: ignore[no-untyped-def]
    stranger = make_id_number(77)
    filing = tmp_path / "filed.csv"
    filing.write_text(
        "统一社会信用代码,受益所有人姓名,证件号码,持股比例\n"
        f"{city.b},张三丰,{city.p1_id},30%\n"
        f"{city.a},张三丰,{city.p1_id},40%\n"
        f"{city.a},某人,{stranger},25%\n"
        f"{city.a},坏行,110101199001011234,10%\n",
        encoding="utf-8",
    )
    out = runner.invoke(app, ["beneficial-owners", "--filed", str(filing), "--json"])
    assert out.exit_code == 0, out.output
    assert stranger not in out.output and "110101199001011234" not in out.output
    data = json.loads(out.output[out.output.index("{") :])
    firms = {f["sid"]: f for f in data["firms"]}
    assert firms[city.b]["discrepancies"] == []
    assert [(d["kind"], d["filed_share"]) for d in firms[city.a]["discrepancies"]] == [
        ("not_found", 0.25),
        ("share_differs", 0.4),
    ]
    assert data["problems"] == ["row 5: id_number 1101**********1234 does not check"]


def test_shares_are_decided_per_column() -> None:
    key = b"k"
    text = "uscc,person,share\n91320102MA0000015M,P1,1\n91320102MA0000015M,P2,51\n"
    rows, problems = read_filed_owners(text, key)
    assert problems == [] and [r.share for r in rows] == [0.01, 0.51]
    fractions, _ = read_filed_owners(text.replace(",51", ",0.5"), key)
    assert [r.share for r in fractions] == [1.0, 0.5]
