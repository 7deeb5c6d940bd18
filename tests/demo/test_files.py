"""The files a city is written as: headers the loaders accept, encodings, valid identifiers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import openpyxl
import pyarrow.parquet as pq

from linkrisk.loaders.columns import SOURCE_FIELDS, SourceKind
from linkrisk.loaders.identifiers import resident_id_valid_array, uscc_valid_array
from tests.demo.conftest import SMALL, column, read_csv, read_jsonl, read_parquet

KINDS = {
    "orgs.csv": SourceKind.ORGS,
    "holdings.parquet": SourceKind.HOLDINGS,
    "officers.csv": SourceKind.OFFICERS,
    "branches.jsonl": SourceKind.BRANCHES,
    "events.csv": SourceKind.EVENTS,
    "inspections.csv": SourceKind.INSPECTIONS,
    "inspectors.xlsx": SourceKind.INSPECTORS,
}


def _headers(path: Path) -> list[str]:
    if path.suffix == ".parquet":
        return pq.read_schema(path).names
    if path.suffix == ".jsonl":
        return list(read_jsonl(path)[0])
    if path.suffix == ".xlsx":
        sheet = openpyxl.load_workbook(path, read_only=True).worksheets[0]
        return [str(c) for c in next(sheet.iter_rows(max_row=1, values_only=True))]
    encoding = "gb18030" if path.name == "officers.csv" else "utf-8-sig"
    return path.read_text(encoding=encoding).splitlines()[0].replace('"', "").split(",")


def test_every_header_is_an_alias_the_loaders_know_and_required_fields_are_there(
    city_dir: Path,
) -> None:
    for name, kind in KINDS.items():
        headers = _headers(city_dir / name)
        aliases = {a: f for f in SOURCE_FIELDS[kind] for a in f.aliases}
        assert all(h in aliases for h in headers), (name, headers)
        mapped = {aliases[h].name for h in headers}
        required = {f.name for f in SOURCE_FIELDS[kind] if f.required}
        assert required <= mapped, (name, required - mapped)


def test_encodings_as_users_send_them(city_dir: Path) -> None:
    assert (city_dir / "orgs.csv").read_bytes()[:3] == b"\xef\xbb\xbf"  # UTF-8 with BOM
    officers = (city_dir / "officers.csv").read_bytes()
    text = officers.decode("gbk")  # GBK is enough for every character we generate
    assert "法定代表人" in text
    assert officers != text.encode("utf-8")  # and it is not UTF-8
    assert (city_dir / "events.csv").read_bytes()[:3] != b"\xef\xbb\xbf"


def test_all_identifiers_are_valid_and_organisations_unique(city_dir: Path) -> None:
    orgs = read_csv(city_dir / "orgs.csv")
    codes = np.array(column(orgs, "统一社会信用代码"))
    assert len(codes) == SMALL == len(set(codes))
    assert uscc_valid_array(codes).all()
    holdings = read_parquet(city_dir / "holdings.parquet")
    assert uscc_valid_array(np.array(column(holdings, "org_uscc"))).all()
    typed = column(holdings, "holder_id_type")  # offshore numbers: see test_offshore.py
    ids = [x for x, t in zip(column(holdings, "holder_id"), typed, strict=True) if x and not t]
    persons = np.array([x for x in ids if x[:2] not in ("91", "92")])
    firms = np.array([x for x in ids if x[:2] in ("91", "92")])
    assert resident_id_valid_array(persons).all() and uscc_valid_array(firms).all()
    officers = read_csv(city_dir / "officers.csv", "gb18030")
    assert uscc_valid_array(np.array(column(officers, "统一社会信用代码"))).all()
    officer_ids = np.array([x for x in column(officers, "证件号码") if x])
    assert resident_id_valid_array(officer_ids).all()
    events = read_csv(city_dir / "events.csv")
    subjects = np.array(column(events, "统一社会信用代码"))
    valid = uscc_valid_array(subjects) | resident_id_valid_array(subjects)
    assert valid.all()
    branches = read_jsonl(city_dir / "branches.jsonl")
    assert uscc_valid_array(np.array([b["branch_uscc"] for b in branches])).all()


def test_org_codes_match_their_kind_and_region(city_dir: Path) -> None:
    orgs = read_csv(city_dir / "orgs.csv")
    prefix = [c[:2] for c in column(orgs, "统一社会信用代码")]
    kinds = column(orgs, "主体类型")
    for p, k in zip(prefix, kinds, strict=True):
        expected = {
            "个体工商户": "92",
            "社会团体": "51",
            "民办非企业单位": "52",
            "基金会": "53",
            "事业单位": "12",
        }.get(k, "91")
        assert p == expected, (p, k)
    share_ib = prefix.count("92") / len(prefix)
    assert 0.25 < share_ib < 0.35
    regions = set(column(orgs, "行政区划代码"))
    assert all(r.startswith("6103") for r in regions)
    industries = column(orgs, "行业代码")
    assert all(len(c) == 5 and c[0].isalpha() and c[1:].isdigit() for c in industries)


def test_orgs_mix_date_formats_and_capital_is_in_wan_yuan(city_dir: Path) -> None:
    orgs = read_csv(city_dir / "orgs.csv")
    dates = column(orgs, "成立日期")
    assert any("年" in d for d in dates) and any("-" in d for d in dates)
    assert any(len(d) == 8 and d.isdigit() for d in dates)
    capital = [float(c) for c in column(orgs, "注册资本(万元)") if c]
    assert 10 < float(np.median(capital)) < 500  # 万元, not yuan
    statuses = set(column(orgs, "登记状态"))
    assert {"存续", "注销"} <= statuses


def test_holdings_shares_in_two_forms_sum_to_100_percent_today(city_dir: Path) -> None:
    h = read_parquet(city_dir / "holdings.parquet")
    shares = column(h, "share")
    forms = {"%" if s.endswith("%") else "plain" for s in shares}
    assert forms == {"%", "plain"}  # plain numbers are percents: never mixed with fractions

    def value(s: str) -> float:
        return float(s.rstrip("%")) / 100

    totals: dict[str, float] = {}
    for org, s, end in zip(column(h, "org_uscc"), shares, column(h, "end_date"), strict=True):
        if end is None:
            totals[org] = totals.get(org, 0.0) + value(s)
    assert all(abs(t - 1) < 1e-6 for t in totals.values())
    assert any(e is not None for e in column(h, "end_date"))  # some holdings have ended


def test_inspectors_workbook(city_dir: Path, manifest: dict[str, Any]) -> None:
    sheet = openpyxl.load_workbook(city_dir / "inspectors.xlsx", read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == max(40, SMALL // 500)
    assert len({r[0] for r in rows}) == len(rows)
    assert {r[6] for r in rows} == {"是", "否"}
    assert all(r[5] and all(q.startswith("M") for q in r[5].split(";")) for r in rows)
    with_id = [r[2] for r in rows if r[2]]
    assert 0.8 < len(with_id) / len(rows) < 1
    assert resident_id_valid_array(np.array(with_id)).all()
    assert {"市场监督管理局", "交通运输局"} <= {
        d[3:] for d in (r[3] for r in rows) if d.startswith("澜城市")
    }


def test_manifest_describes_the_files(city_dir: Path, manifest: dict[str, Any]) -> None:
    import hashlib

    for entry in manifest["files"]:
        data = (city_dir / entry["name"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"]
        assert len(data) == entry["bytes"]
    rows = {e["name"]: e["rows"] for e in manifest["files"]}
    assert rows["orgs.csv"] == SMALL
    assert rows["events.csv"] == read_csv(city_dir / "events.csv").num_rows
    assert rows["holdings.parquet"] == read_parquet(city_dir / "holdings.parquet").num_rows
    assert json.loads((city_dir / "ground_truth.json").read_text())["seed"] == manifest["seed"]
