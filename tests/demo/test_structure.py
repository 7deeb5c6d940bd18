"""The graph the files describe: deep ownership chains, cycles, shared people and contacts."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from pathlib import Path
from typing import Any

import networkx as nx
import openpyxl

from tests.demo.conftest import column, parse_date, read_csv, read_jsonl, read_parquet


def _ownership(city_dir: Path) -> nx.DiGraph:
    h = read_parquet(city_dir / "holdings.parquet")
    g = nx.DiGraph()
    for org, holder, end in zip(
        column(h, "org_uscc"), column(h, "holder_id"), column(h, "end_date"), strict=True
    ):
        if holder and holder[:2] == "91" and end is None:
            g.add_edge(holder, org)
    return g


def test_ownership_chains_at_least_three_layers_deep(city_dir: Path) -> None:
    g = _ownership(city_dir)
    acyclic = nx.condensation(g)
    assert nx.dag_longest_path_length(acyclic) >= 3


def test_ownership_cycles_exist_and_match_the_ground_truth(
    city_dir: Path, truth: dict[str, Any]
) -> None:
    g = _ownership(city_dir)
    assert next(nx.simple_cycles(g), None) is not None
    assert truth["ownership_cycles"]
    for holder, held in truth["ownership_cycles"]:
        assert g.has_edge(holder, held)
        assert nx.has_path(g, held, holder)  # … and the held firm reaches back to its holder


def test_small_firms_have_few_person_holders_and_some_holders_no_id(city_dir: Path) -> None:
    h = read_parquet(city_dir / "holdings.parquet")
    per_firm = Counter(column(h, "org_uscc"))
    sizes = Counter(per_firm.values())
    assert sizes[1] + sizes[2] + sizes[3] > 0.85 * sum(sizes.values())
    types = column(h, "holder_type")
    ids = column(h, "holder_id")
    assert {"自然人股东", "企业法人", "外国(地区)企业"} <= set(types)
    no_id = sum(1 for t, i in zip(types, ids, strict=True) if t == "自然人股东" and not i)
    assert 0 < no_id < 0.1 * types.count("自然人股东")
    scheme = column(h, "holder_id_type")
    foreign = [(i, s) for t, i, s in zip(types, ids, scheme, strict=True) if t == "外国(地区)企业"]
    assert foreign and all(i is not None and s for i, s in foreign)  # typed registry numbers
    assert {s for _i, s in foreign} <= {"境外注册号", "香港公司注册编号"}


def _normal(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def test_contacts_are_unique_except_clusters_branches_and_supernodes(
    city_dir: Path, truth: dict[str, Any]
) -> None:
    orgs = read_csv(city_dir / "orgs.csv")
    codes = column(orgs, "统一社会信用代码")
    cluster_of = {m: c["cluster_id"] for c in truth["clusters"] for m in c["members"]}
    parent = {b["branch_uscc"]: b["parent_uscc"] for b in read_jsonl(city_dir / "branches.jsonl")}
    for field, sizes in (("住所", "agent_address_sizes"), ("联系电话", "call_centre_phone_sizes")):
        firms: dict[str, list[str]] = {}
        for code, value in zip(codes, column(orgs, field), strict=True):
            key = re.sub(r"\D", "", value) if field == "联系电话" else _normal(value)
            firms.setdefault(key, []).append(code)
        shared = {k: v for k, v in firms.items() if len(v) > 1}
        supernodes = sorted(len(v) for v in shared.values() if len(v) > 10)
        assert supernodes and min(supernodes) >= 30
        assert len(supernodes) == len(truth["supernodes"][sizes])
        for members in (v for v in shared.values() if len(v) <= 10):
            families = {cluster_of.get(m, parent.get(m, m)) for m in members}
            assert len(families) == 1, members  # one cluster, or a branch and its parent


def test_shell_clusters_share_an_address_or_a_phone(city_dir: Path, truth: dict[str, Any]) -> None:
    orgs = read_csv(city_dir / "orgs.csv")
    rows = dict(
        zip(
            column(orgs, "统一社会信用代码"),
            zip(column(orgs, "住所"), column(orgs, "联系电话"), strict=True),
            strict=True,
        )
    )
    shells = [c for c in truth["clusters"] if c["kind"] == "shell"]
    assert shells
    for c in shells:
        assert 3 <= len(c["members"]) <= 10
        addresses = {_normal(rows[m][0]) for m in c["members"]}
        phones = {re.sub(r"\D", "", rows[m][1]) for m in c["members"]}
        assert len(addresses) == 1 or len(phones) == 1


def test_officers_legal_representatives_and_people_in_several_firms(city_dir: Path) -> None:
    orgs = read_csv(city_dir / "orgs.csv")
    officers = read_csv(city_dir / "officers.csv", "gb18030")
    roles = column(officers, "职务")
    assert {"法定代表人", "执行董事", "董事长", "董事", "监事", "经理", "总经理", "负责人"} <= set(
        roles
    )
    current_legal = {
        o
        for o, r, e in zip(
            column(officers, "统一社会信用代码"), roles, column(officers, "离任日期"), strict=True
        )
        if r == "法定代表人" and e is None
    }
    not_branches = {
        c
        for c, k in zip(column(orgs, "统一社会信用代码"), column(orgs, "主体类型"), strict=True)
        if "分公司" not in k
    }
    assert not_branches <= current_legal  # every firm has a legal representative
    assert any(e is not None for e in column(officers, "离任日期"))
    firms_of: dict[str, set[str]] = {}
    for org, pid in zip(
        column(officers, "统一社会信用代码"), column(officers, "证件号码"), strict=True
    ):
        if pid:
            firms_of.setdefault(pid, set()).add(org)
    spread = Counter(min(len(v), 5) for v in firms_of.values())
    assert spread[1] > spread[2] > 0 and spread[5] > 0  # most in one firm, some in many
    assert sum(1 for i in column(officers, "证件号码") if not i) > 0  # weak identities


def test_some_inspectors_hold_or_run_firms(city_dir: Path, truth: dict[str, Any]) -> None:
    sheet = openpyxl.load_workbook(city_dir / "inspectors.xlsx", read_only=True).worksheets[0]
    inspector_ids = {r[2]: r[0] for r in sheet.iter_rows(min_row=2, values_only=True) if r[2]}
    officers = read_csv(city_dir / "officers.csv", "gb18030")
    holdings = read_parquet(city_dir / "holdings.parquet")
    people = set(column(officers, "证件号码")) | set(column(holdings, "holder_id"))
    overlap = {inspector_ids[i] for i in inspector_ids.keys() & people}
    assert overlap and overlap == {c["inspector_id"] for c in truth["inspector_conflicts"]}
    assert all(c["firms"] for c in truth["inspector_conflicts"])


def test_branches_have_their_own_codes_and_start_after_their_parent(city_dir: Path) -> None:
    branches = read_jsonl(city_dir / "branches.jsonl")
    orgs = read_csv(city_dir / "orgs.csv")
    codes = set(column(orgs, "统一社会信用代码"))
    assert branches and all(
        b["branch_uscc"] in codes and b["parent_uscc"] in codes for b in branches
    )
    assert len({b["branch_uscc"] for b in branches}) == len(branches)
    assert max(Counter(b["parent_uscc"] for b in branches).values()) >= 2  # chains
    founded = dict(
        zip(
            column(orgs, "统一社会信用代码"), map(parse_date, column(orgs, "成立日期")), strict=True
        )
    )
    assert all(parse_date(b["start_date"]) >= founded[b["parent_uscc"]] for b in branches)
