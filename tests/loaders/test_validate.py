"""Validation per source kind: canonical rows, subject stubs, rejects with row and reason."""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from typing import Any

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from linkrisk.loaders.checks import Context
from linkrisk.loaders.columns import SOURCE_FIELDS, SourceKind
from linkrisk.loaders.dedupe import DuplicateTracker
from linkrisk.loaders.identifiers import check_uscc, person_sid, weak_sid
from linkrisk.loaders.identity import REGION_WARNING
from linkrisk.loaders.records import WRITABLE
from linkrisk.loaders.textops import clean
from linkrisk.loaders.validate import Validated, validate_batch
from tests.loaders.synth import break_check, make_resident_id, make_uscc

KEY = b"test-key"


def run(
    kind: str,
    rows: list[dict[str, Any]],
    *,
    units: dict[str, str] | None = None,
    tracker: DuplicateTracker | None = None,
    first_row: int = 2,
) -> Validated:
    names = sorted({k for r in rows for k in r})
    data = {
        n: clean(pa.array([None if r.get(n) is None else str(r[n]) for r in rows], pa.string()))
        for n in names
    }
    numbers = np.arange(first_row, first_row + len(rows))
    return validate_batch(SourceKind(kind), data, numbers, Context(KEY, units or {}), tracker)


def table(result: Validated, name: str) -> list[dict[str, Any]]:
    found = result.tables.get(name)
    if found is not None:
        assert found.schema == WRITABLE[name].schema  # exactly the canonical schema
    return [] if found is None else found.to_pylist()


def only_reject(result: Validated) -> tuple[int, str, str, str]:
    assert len(result.rejects) == 1, result.rejects
    r = result.rejects[0]
    return r.row, r.field, r.value, r.reason


# -- orgs -------------------------------------------------------------------------------------


def test_orgs(ids: dict[str, str]) -> None:
    result = run(
        "orgs",
        [
            {
                "uscc": ids["org1"].lower(),
                "name": "测试（北京）有限公司",
                "kind": "有限责任公司(自然人独资)",
                "reg_date": "2021年3月5日",
                "status": "存续（在营、开业、在册）",
                "industry": "c1810",
                "capital": "100",
                "address": "北京市 朝阳区",
                "phone": "+86 10-1234-5678",
                "email": "A@B.CN",
            },
            {"uscc": "12" + ids["org2"][2:], "name": "某事业单位", "phone": "12", "region": "abc"},
        ],
        units={"capital": "万元"},
    )
    # the second USCC was edited: it is invalid, so only the first row loads
    assert result.rows_ok == 1 and result.rows_rejected == 1
    [org] = table(result, "subjects")
    assert org["sid"] == ids["org1"]
    assert org["kind"] == "enterprise" and org["status"] == "active" and org["industry"] == "C1810"
    assert org["capital"] == 1_000_000.0 and org["address"] == "北京市朝阳区"
    assert org["phone"] == "1012345678" and org["email"] == "a@b.cn"
    assert org["region"] == ids["org1"][2:8]  # taken from the USCC
    assert org["weak"] is False
    row, field, _value, reason = only_reject(result)
    assert (row, field) == (3, "uscc") and reason.startswith("not a valid USCC")


def test_org_kind_from_uscc_and_warnings(rng: random.Random) -> None:
    institution = make_uscc(rng, prefix="12")
    result = run("orgs", [{"uscc": institution, "name": "某研究所", "kind": "其他", "phone": "12"}])
    [org] = table(result, "subjects")
    assert org["kind"] == "institution" and org["phone"] is None
    assert result.warnings == {
        "kind: subject kind not recognised (taken from the USCC)": 1,
        "phone: not a phone number (dropped)": 1,
    }


def test_unknown_status_is_rejected(ids: dict[str, str]) -> None:
    result = run("orgs", [{"uscc": ids["org1"], "name": "甲", "status": "冬眠"}])
    row, field, value, reason = only_reject(result)
    assert (row, field, value) == (2, "status", "冬眠")
    assert reason.startswith("unknown status; expected e.g. 存续")


def test_missing_required_value(ids: dict[str, str]) -> None:
    result = run("orgs", [{"uscc": ids["org1"], "name": " "}])
    assert only_reject(result) == (2, "name", "", "missing required value")
    assert result.tables == {}


# -- holdings ---------------------------------------------------------------------------------


def test_holdings_identities_and_stubs(ids: dict[str, str]) -> None:
    org, holder_org, person = ids["org1"], ids["org2"], ids["person1"]
    result = run(
        "holdings",
        [
            {
                "org_uscc": org,
                "holder_name": "测试乙有限公司",
                "holder_id": holder_org,
                "share": "60%",
                "subscribed": "600",
                "start_date": "2021-03-05",
            },
            {
                "org_uscc": org,
                "holder_name": "张三",
                "holder_type": "自然人",
                "holder_id": person,
                "share": "30",  # a column with a value above 1 is in percent
            },
            {"org_uscc": org, "holder_name": "李四", "share": "5"},
            {"org_uscc": org, "holder_name": "某某投资中心（有限合伙）", "share": "5"},
        ],
        units={"subscribed": "万元"},
    )
    assert result.rows_ok == 4 and not result.rejects
    holdings = table(result, "holdings")
    assert [h["src"] for h in holdings] == [
        holder_org,
        person_sid(person, KEY),
        weak_sid("李四", org, KEY),
        weak_sid("某某投资中心(有限合伙)", org, KEY),
    ]
    assert {h["dst"] for h in holdings} == {org}
    assert [h["share"] for h in holdings] == pytest.approx([0.6, 0.3, 0.05, 0.05])
    assert holdings[0]["subscribed"] == 6_000_000.0
    subjects = {s["sid"]: s for s in table(result, "mentions")}
    assert (
        subjects[holder_org]["kind"] == "enterprise"
        and subjects[holder_org]["name"] == "测试乙有限公司"
    )
    me = subjects[person_sid(person, KEY)]
    assert me["kind"] == "person" and me["id_masked"] == person[:4] + "*" * 10 + person[-4:]
    assert subjects[weak_sid("李四", org, KEY)]["weak"] is True
    assert subjects[weak_sid("某某投资中心(有限合伙)", org, KEY)]["kind"] == "unknown_org"
    assert subjects[org] == {**{k: None for k in subjects[org]}, "sid": org, "kind": "enterprise"}


@pytest.mark.parametrize(
    ("row", "field", "reason"),
    [
        ({"org_uscc": "BAD"}, "org_uscc", "not a valid USCC: wrong length"),
        ({"share": "135%"}, "share", "more than 100%"),
        ({"start_date": "2021-02-30"}, "start_date", "not a date in 1900–2100"),
        (
            {"start_date": "2021-03-05", "end_date": "2020-01-01"},
            "end_date",
            "end_date is before start_date",
        ),
        ({"subscribed": "a lot"}, "subscribed", "not an amount in yuan"),
        ({"holder_name": None}, "holder_name", "missing required value"),
    ],
)
def test_holdings_bad_rows(
    ids: dict[str, str], row: dict[str, str | None], field: str, reason: str
) -> None:
    base = {"org_uscc": ids["org1"], "holder_name": "张三", "share": "10%"}
    result = run("holdings", [base, {**base, **row}])
    got_row, got_field, _value, got_reason = only_reject(result)
    assert (got_row, got_field) == (3, field)
    assert got_reason.startswith(reason)
    assert result.rows_ok == 1


def test_bad_id_checksum_is_rejected_and_masked(ids: dict[str, str]) -> None:
    bad = break_check(ids["person1"])
    result = run("holdings", [{"org_uscc": ids["org1"], "holder_name": "张三", "holder_id": bad}])
    row, field, value, reason = only_reject(result)
    assert (row, field) == (2, "holder_id")
    assert value == bad[:4] + "*" * 10 + bad[-4:]
    assert "nor a valid resident ID number (check character does not match)" in reason
    assert bad not in repr(result.rejects)


def test_conflicting_duplicate_key_and_exact_duplicates(ids: dict[str, str]) -> None:
    base = {
        "org_uscc": ids["org1"],
        "holder_name": "张三",
        "holder_id": ids["person1"],
        "share": "10%",
    }
    tracker = DuplicateTracker()
    first = run("holdings", [base, dict(base)], tracker=tracker)
    assert first.rows_ok == 1 and first.duplicates == 1 and not first.rejects
    # the next batch of the same file: an exact copy again, then the same key with other values
    second = run("holdings", [dict(base), {**base, "share": "0.2"}], tracker=tracker, first_row=4)
    assert second.duplicates == 1 and second.rows_ok == 0
    row, field, value, reason = only_reject(second)
    assert (row, field, reason) == (5, "src+dst+start_date", "duplicate key of row 2")
    assert ids["person1"] not in value


def test_a_duplicate_is_found_whatever_else_its_batch_holds(ids: dict[str, str]) -> None:
    firm = {"org_uscc": ids["org1"], "holder_name": "甲公司", "holder_id": ids["org2"]}
    person = {"org_uscc": ids["org1"], "holder_name": "张三", "holder_id": ids["person1"]}
    tracker = DuplicateTracker()
    run("holdings", [firm], tracker=tracker)  # holders are USCCs only: shorter sids
    second = run("holdings", [person, dict(firm)], tracker=tracker, first_row=3)
    assert (second.rows_ok, second.duplicates) == (1, 1)
    assert table(second, "holdings")[0]["src"].startswith("P")  # the person, keyed


def test_same_key_in_one_batch_conflicts(ids: dict[str, str]) -> None:
    base = {"org_uscc": ids["org1"], "holder_name": "李四", "share": "10%"}
    result = run("holdings", [base, {**base, "share": "20%"}])
    assert only_reject(result)[3] == "duplicate key of row 2"


def test_number_that_is_both_uscc_and_id_is_a_person_unless_the_row_says_org(
    rng: random.Random,
) -> None:
    # search a valid resident ID number that also passes the USCC checks (about 1 in 340 do)
    number = next(
        n
        for n in (make_resident_id(rng, region="110105") for _ in range(20_000))
        if check_uscc(n) is None
    )
    org = make_uscc(rng)
    result = run(
        "holdings",
        [
            {"org_uscc": org, "holder_name": "王五", "holder_id": number},
            {"org_uscc": org, "holder_name": "王五有限公司", "holder_id": number},
        ],
    )
    assert [h["src"] for h in table(result, "holdings")] == [person_sid(number, KEY), number]


def test_unknown_region_is_a_warning(rng: random.Random) -> None:
    number = make_resident_id(rng, region="999999")
    result = run(
        "holdings", [{"org_uscc": make_uscc(rng), "holder_name": "赵六", "holder_id": number}]
    )
    assert result.rows_ok == 1
    assert result.warnings == {REGION_WARNING: 1}


# -- officers, branches -----------------------------------------------------------------------


def test_officers_combined_roles_and_unknown_role(ids: dict[str, str]) -> None:
    result = run(
        "officers",
        [
            {
                "org_uscc": ids["org1"],
                "person_name": "张三",
                "person_id": ids["person1"],
                "role": "执行董事兼总经理",
            },
            {"org_uscc": ids["org1"], "person_name": "李四", "role": "厨师"},
            {
                "org_uscc": ids["org1"],
                "person_name": "王五",
                "person_id": ids["org2"],
                "role": "监事",
            },
        ],
    )
    officers = table(result, "officers")
    assert [(o["person"], o["role"]) for o in officers] == [
        (person_sid(ids["person1"], KEY), "chair"),
        (person_sid(ids["person1"], KEY), "manager"),
    ]
    reasons = {(r.row, r.field): r.reason for r in result.rejects}
    assert reasons[(3, "role")].startswith("unknown role")
    assert reasons[(4, "person_id")].startswith("not a valid resident ID number: ")
    assert reasons[(4, "person_id")].endswith("(it is a USCC: an organisation)")


def test_branches(ids: dict[str, str]) -> None:
    result = run(
        "branches",
        [
            {"parent_uscc": ids["org1"], "branch_uscc": ids["org2"], "start_date": "20200101"},
            {"parent_uscc": ids["org1"], "branch_uscc": ids["org1"]},
        ],
    )
    assert table(result, "branches") == [
        {
            "parent": ids["org1"],
            "branch": ids["org2"],
            "start_date": dt.date(2020, 1, 1),
            "end_date": None,
        }
    ]
    assert {s["sid"] for s in table(result, "mentions")} == {ids["org1"], ids["org2"]}
    assert only_reject(result)[1:] == (
        "branch_uscc",
        ids["org1"],
        "a branch cannot be its own parent",
    )


# -- events -----------------------------------------------------------------------------------


def test_events(ids: dict[str, str]) -> None:
    result = run(
        "events",
        [
            {
                "subject_id": ids["org1"],
                "subject_name": "测试甲有限公司",
                "event_type": "行政处罚",
                "decision_no": "京市监罚〔2021〕1号",
                "decision_date": "2021-03-05",
            },
            {
                "subject_id": ids["person1"],
                "subject_name": "张三",
                "event_type": "失信被执行人",
                "severity": "严重",
                "decision_date": "2021/3/6",
                "objection": "否",
            },
            {
                "subject_id": ids["org1"],
                "event_type": "行政处罚",
                "severity": "特别严重",
                "decision_date": "2021-03-07",
            },
            {"subject_id": ids["org1"], "event_type": "表扬", "decision_date": "2021-03-08"},
        ],
    )
    events = table(result, "events")
    assert len(events) == 2
    penalty, debtor = events
    text = f"{ids['org1']}|penalty|京市监罚〔2021〕1号|2021-03-05"
    assert penalty["event_id"] == hashlib.sha256(text.encode()).hexdigest()[:24]
    assert penalty["severity"] == "minor"  # a penalty without severity
    assert debtor["sid"] == person_sid(ids["person1"], KEY) and debtor["severity"] is None
    assert debtor["objection"] is False
    assert result.warnings == {"severity: only penalties have one (ignored)": 1}
    assert [(r.row, r.field) for r in result.rejects] == [(4, "severity"), (5, "event_type")]
    stub = {s["sid"]: s for s in table(result, "mentions")}
    assert stub[ids["org1"]]["name"] == "测试甲有限公司"
    assert stub[person_sid(ids["person1"], KEY)]["id_masked"].startswith(
        ids["person1"][:4] + "****"
    )


def test_event_subject_must_be_identified(ids: dict[str, str]) -> None:
    result = run(
        "events", [{"subject_id": "", "event_type": "行政处罚", "decision_date": "2021-03-05"}]
    )
    assert only_reject(result)[1:] == ("subject_id", "", "missing required value")


# -- inspections, inspectors ------------------------------------------------------------------


def test_inspections(ids: dict[str, str]) -> None:
    result = run(
        "inspections",
        [
            {
                "plan_id": "P2021-01",
                "uscc": ids["org1"],
                "inspect_date": "2021-05-01",
                "result": "通过登记的住所（经营场所）无法联系",
                "inspectors": "jf-001， JF002；jf003",
            },
            {
                "plan_id": "P2021-01",
                "uscc": ids["org2"],
                "inspect_date": "2021-05-01",
                "result": "还行",
            },
        ],
    )
    [inspection] = table(result, "inspections")
    assert inspection["result"] == "unreachable"
    assert inspection["inspectors"] == "JF-001;JF002;JF003"
    assert only_reject(result)[:2] == (3, "result")


def test_inspectors(ids: dict[str, str]) -> None:
    result = run(
        "inspectors",
        [
            {
                "inspector_id": "jf-001",
                "name": "执法甲",
                "id_number": ids["person2"],
                "department": "市场监管局",
                "qualifications": "食品、特种设备",
            },
            {
                "inspector_id": "JF002",
                "department": "市场监管局",
                "active": "离岗",
                "region": "110105",
            },
        ],
    )
    first, second = table(result, "inspectors")
    assert first["inspector_id"] == "JF-001"  # as in inspections and first["active"] is True
    assert first["person_sid"] == person_sid(ids["person2"], KEY)
    assert first["id_masked"] == ids["person2"][:4] + "*" * 10 + ids["person2"][-4:]
    assert first["qualifications"] == "食品;特种设备"
    assert (
        second["active"] is False and second["person_sid"] is None and second["region"] == "110105"
    )


# -- any text: loads or is rejected, never crashes --------------------------------------------

cell = st.one_of(
    st.none(),
    st.text(max_size=25),
    st.sampled_from(
        [
            "2021-03-05",
            "35%",
            "行政处罚",
            "存续",
            "董事",
            "91110000600037341L",
            "11010519491231002X",
        ]
    ),
)


@pytest.mark.parametrize("kind", list(SourceKind))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_arbitrary_text_never_crashes(kind: SourceKind, data: st.DataObject) -> None:
    names = [f.name for f in SOURCE_FIELDS[kind]]
    rows = data.draw(
        st.lists(st.fixed_dictionaries({n: cell for n in names}), min_size=1, max_size=8)
    )
    result = run(kind.value, rows)
    assert result.rows_ok + result.rows_rejected + result.duplicates == len(rows)
    assert len({r.row for r in result.rejects}) == result.rows_rejected
    for name, t in result.tables.items():
        assert t.schema == WRITABLE[name].schema
        for column in WRITABLE[name].columns:
            if column.required:
                assert t.column(column.name).null_count == 0
