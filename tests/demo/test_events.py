"""Events and inspections: plausible rates, consistent dates, paperwork that looks real."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl

from tests.demo.conftest import SMALL, column, parse_date, read_csv

AS_OF = date(2026, 10, 31)
LABELS = {
    "行政处罚",
    "经营异常名录",
    "严重违法失信名单",
    "失信被执行人",
    "限制高消费",
    "重点关注名单",
    "红名单",
}


def _events(city_dir: Path) -> list[dict[str, Any]]:
    return read_csv(city_dir / "events.csv").to_pylist()


def test_every_kind_of_event_over_five_years(city_dir: Path) -> None:
    events = _events(city_dir)
    assert {e["类别"] for e in events} == LABELS
    decided = [parse_date(e["决定日期"]) for e in events]
    assert min(decided) >= date(2021, 11, 1) and max(decided) <= AS_OF
    assert {d.year for d in decided} == set(range(2021, 2027))


def test_yearly_rates_per_thousand_firms_are_plausible(city_dir: Path) -> None:
    events = [e for e in _events(city_dir) if e["决定日期"].startswith("2025")]
    firms = [e for e in events if e["统一社会信用代码"][:2] in ("91", "92", "51", "52", "53", "12")]
    per_1000 = {k: 1000 * v / SMALL for k, v in Counter(e["类别"] for e in firms).items()}
    bounds = {
        "行政处罚": (5, 60),
        "经营异常名录": (15, 120),
        "严重违法失信名单": (0.5, 30),
        "失信被执行人": (1, 30),
        "重点关注名单": (0.2, 15),
        "红名单": (0.2, 15),
    }
    for label, (lo, hi) in bounds.items():
        assert lo <= per_1000.get(label, 0.0) <= hi, (label, per_1000.get(label))


def test_people_appear_as_debtors_and_restricted_by_id_number(city_dir: Path) -> None:
    people = [
        e
        for e in _events(city_dir)
        if re.fullmatch(r"\d{17}[\dX]", e["统一社会信用代码"])
        and e["统一社会信用代码"][:2] not in ("91", "92", "12", "51", "52", "53")
    ]
    kinds = Counter(e["类别"] for e in people)
    assert set(kinds) <= {"失信被执行人", "限制高消费"} and kinds["限制高消费"] > 0


def test_dates_repairs_and_disclosure_are_consistent(city_dir: Path) -> None:
    events = _events(city_dir)
    for e in events:
        decided = parse_date(e["决定日期"])
        if e["信用修复日期"]:
            assert decided < parse_date(e["信用修复日期"]) <= AS_OF
        if e["公示截止日期"]:
            assert parse_date(e["公示截止日期"]) > decided
    abnormal = [e for e in events if e["类别"] == "经营异常名录"]
    repaired = sum(1 for e in abnormal if e["信用修复日期"]) / len(abnormal)
    assert 0.3 < repaired < 0.8  # many firms file late and are moved off the list
    penalties = [e for e in events if e["类别"] == "行政处罚"]
    severity = Counter(e["处罚严重程度"] for e in penalties)
    assert severity["一般"] > severity["较重"] > severity["严重"] > 0
    assert all(e["处罚严重程度"] is None for e in events if e["类别"] != "行政处罚")
    assert {e["异议"] for e in events} == {"是", "否", None}


def test_decision_numbers_look_real_and_are_unique_per_office(city_dir: Path) -> None:
    events = _events(city_dir)
    bracket = re.compile(r"^\w+〔(\d{4})〕(\d+)号$")
    court = re.compile(r"^（(\d{4})）澜\d{2,4}执(\d+)号$")
    numbers = Counter()
    for e in events:
        no = e["处罚决定书文号"]
        m = bracket.match(no) or court.match(no)
        assert m, no
        assert int(m.group(1)) == parse_date(e["决定日期"]).year or court.match(no)
        numbers[(e["决定机关"], no)] += 1
    assert any(n.startswith("澜市监罚〔") for _, n in numbers)
    assert any(n.startswith("（") for _, n in numbers)
    repeated = {k for k, v in numbers.items() if v > 1}
    assert all(
        "法院" in office for office, _ in repeated
    )  # only a court case numbers several records


def test_inspections_by_plan_with_qualified_inspectors(city_dir: Path) -> None:
    rows = read_csv(city_dir / "inspections.csv").to_pylist()
    sheet = openpyxl.load_workbook(city_dir / "inspectors.xlsx", read_only=True).worksheets[0]
    roster = {r[0]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    per_year = Counter(parse_date(r["检查日期"]).year for r in rows)
    for year in (2022, 2023, 2024, 2025):
        assert 0.025 < per_year[year] / SMALL < 0.08, (year, per_year[year])
    results = Counter(r["检查结果"] for r in rows)
    assert results.most_common(1)[0][0] == "正常"
    assert set(results) == {
        "正常",
        "发现问题已责令改正",
        "未发现开展本次抽查涉及的经营活动",
        "通过登记的住所(经营场所)无法联系",
        "不配合检查",
    }
    for r in rows:
        ids = r["执法人员"].split(";")
        assert len(ids) == len(set(ids)) >= 2
        for i in ids:
            assert roster[i][3] == r["检查部门"]  # an inspector of the inspecting department
            assert r["检查事项"] in roster[i][5].split(";")  # qualified for the matter
    assert len({(r["抽查计划编号"], r["统一社会信用代码"]) for r in rows}) == len(rows)


def test_ground_truth_describes_rings_and_the_model(truth: dict[str, Any], city_dir: Path) -> None:
    orgs = set(column(read_csv(city_dir / "orgs.csv"), "统一社会信用代码"))
    assert truth["rings"]
    assert {r["kind"] for r in truth["rings"]} <= {
        "shell_cluster",
        "holding_group",
        "serial_controller",
    }
    for ring in truth["rings"]:
        assert len(ring["members"]) >= 2 and set(ring["members"]) <= orgs
        assert ring["log_uplift"] > 0 and re.fullmatch(r"\d{4}-\d{2}", ring["active_from"])
    model = truth["hazard_model"]
    assert model["description"] and model["beta"] > 0 and len(model["gamma"]) == 6
    assert set(truth["target"]["counts_by_year"]) >= {"2022", "2025"}
