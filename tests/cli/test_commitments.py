"""信用承诺 end to end over the API tests' tiny city: load a file, breaches found and written as
events, listed by status from the command line and the API, counted by the measures."""

from __future__ import annotations

import json
from pathlib import Path

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from linkrisk.cli import _register, app
from linkrisk.graph.open import open_store
from tests.api.city import City
from tests.api.conftest import Keys

runner = CliRunner()
_register()


def run(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def write_file(city: City, path: Path) -> Path:
    # B was fined by 测试市场监管局 on 2024-01-10, within its promise's period: broken.
    # A promised to hand in papers by 2025-01-31 and did not: broken (missed deadline).
    # C kept a promise whose period ended; P1 (by ID number) has one still open.
    path.write_text(
        "统一社会信用代码,承诺事项,承诺内容,承诺日期,履约期限,承诺受理机关,需补正,履约日期\n"
        f"{city.b},食品经营许可,符合许可条件,2023-12-01,2024-12-31,测试市场监管局,否,\n"
        f"{city.a},变更登记,补交章程,2024-12-01,2025-01-31,测试市场监管局,是,\n"
        f"{city.c},广告发布,守法发布,2023-01-01,2023-12-31,测试市场监管局,否,\n"
        f"{city.p1_id},个体经营备案,补交材料,2025-06-01,2099-12-31,测试市场监管局,是,\n",
        encoding="utf-8",
    )
    return path


def test_load_detect_list_and_count(
    city: City, tmp_path: Path, client: TestClient, keys: Keys
) -> None:
    out = run("commitments", "load", str(write_file(city, tmp_path / "承诺.csv")))
    assert "4 commitments recorded, 0 rows refused" in out and "new breaches: 2" in out
    assert city.p1_id not in out
    assert "new breaches: 0" in run("commitments", "scan")  # found once, not again
    broken = json.loads(run("commitments", "list", "--status", "broken", "--json"))
    assert {c["subject"] for c in broken} == {city.a, city.b}
    reasons = {c["subject"]: c["breach_reason"] for c in broken}
    assert "测罚〔2024〕1号" in reasons[city.b] and "逾期未履行" in reasons[city.a]
    table = run("commitments", "list")
    assert "违诺 2" in table and "履约 1" in table and "在期 1" in table
    assert city.p1_id not in table and city.p1_id[-4:] in table

    store = open_store()
    events = [r for b in store.read_table("events") for r in b.to_pylist()]
    store.close()
    breaches = [e for e in events if e["type"] == "commitment_breach"]
    assert sorted(e["sid"] for e in breaches) == sorted([city.a, city.b])

    listed = client.get("/v1/commitments?status=open", headers=keys.headers("regulator")).json()
    assert listed["counts"] == {"open": 1, "kept": 1, "broken": 2}
    assert [c["subject"] for c in listed["items"]] == [city.p1_id[:4] + "*" * 10 + city.p1_id[-4:]]
    assert client.get("/v1/commitments", headers=keys.headers("window")).status_code == 403

    # the measures count them: A broke a promise within two years → no 告知承诺 at 信易批
    check = json.loads(run("measures", "check", city.a, "--scenario", "信易批", "--json"))
    bar = next(m for m in check["scenarios"][0]["measures"] if m["id"] == "xyp-no-commitment")
    assert bar["applies"] and check["scenarios"][0]["outcome"] == "restricted"
    answer = client.post(
        "/v1/window/checks",
        json={"uscc": city.a, "scenario": "信易批"},
        headers=keys.headers("window"),
    ).json()
    assert answer["scenarios"][0]["outcome"] == "restricted"
