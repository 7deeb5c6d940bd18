"""Header mapping: normalised aliases, units, kind detection, missing columns, extra aliases."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest

from linkrisk.errors import InputError, SourceFileError
from linkrisk.loaders.columns import SOURCE_FIELDS, SourceKind
from linkrisk.loaders.mapping import header_key, load_aliases, map_columns


@pytest.mark.parametrize(
    ("header", "key", "unit"),
    [
        ("统一社会信用代码", "统一社会信用代码", None),
        (" 统一社会信用代码* ", "统一社会信用代码", None),
        ("注册资本（万元）", "注册资本", "万元"),
        ("持股比例(%)", "持股比例", "%"),
        ("Credit Code", "creditcode", None),
        ("credit_code", "creditcode", None),
        ("ＵＳＣＣ", "uscc", None),
        ("住所(经营场所)", "住所(经营场所)", None),  # not a unit: kept
    ],
)
def test_header_key(header: str, key: str, unit: str | None) -> None:
    assert header_key(header) == (key, unit)


def test_aliases_are_unambiguous_within_each_kind() -> None:
    for kind, fields in SOURCE_FIELDS.items():
        seen: dict[str, str] = {}
        for field in fields:
            for alias in field.aliases:
                key = header_key(alias)[0]
                assert seen.setdefault(key, field.name) == field.name, (kind, alias)


@pytest.mark.parametrize(
    ("headers", "kind"),
    [
        (["统一社会信用代码", "企业名称", "登记状态", "注册资本(万元)"], SourceKind.ORGS),
        (["统一社会信用代码", "股东名称", "股东证照号码", "持股比例"], SourceKind.HOLDINGS),
        (["统一社会信用代码", "企业名称", "姓名", "证件号码", "职务"], SourceKind.OFFICERS),
        (["隶属企业统一社会信用代码", "分支机构统一社会信用代码", "成立日期"], SourceKind.BRANCHES),
        (
            ["统一社会信用代码", "企业名称", "信息类别", "决定日期", "处罚决定书文号"],
            SourceKind.EVENTS,
        ),
        (["抽查计划编号", "统一社会信用代码", "检查日期", "检查结果"], SourceKind.INSPECTIONS),
        (["执法证号", "姓名", "身份证号码", "所属部门"], SourceKind.INSPECTORS),
    ],
)
def test_kind_detection(headers: list[str], kind: SourceKind) -> None:
    assert map_columns(headers).kind is kind


def test_units_are_remembered() -> None:
    mapping = map_columns(["统一社会信用代码", "企业名称", "注册资本（万元）"])
    assert mapping.units == {"capital": "万元"}
    assert mapping.columns["capital"] == [2]


def test_missing_required_columns_name_the_file_and_the_aliases() -> None:
    with pytest.raises(SourceFileError) as info:
        map_columns(["统一社会信用代码", "股东类型"], kind="holdings", file="gd.csv")
    detail = info.value.detail
    assert detail.startswith("gd.csv: missing required columns for holdings")
    assert "holder_name (headers accepted: holder_name, 股东名称" in detail


def test_undetectable_kind_asks_for_kind() -> None:
    with pytest.raises(SourceFileError, match=r"cannot tell what kind.*--kind"):
        map_columns(["甲", "乙"], file="x.csv")


def test_ambiguous_kind_asks_for_kind() -> None:
    # two columns complete orgs, two others complete inspectors: a tie
    headers = ["统一社会信用代码", "企业名称", "执法证号", "单位"]
    with pytest.raises(SourceFileError, match=r"fit several kinds.*--kind"):
        map_columns(headers)


def test_unknown_kind_name() -> None:
    with pytest.raises(InputError, match="unknown kind"):
        map_columns(["a"], kind="shareholders")


def test_extra_aliases_from_toml(tmp_path: Path) -> None:
    path = tmp_path / "columns.toml"
    path.write_text('[holdings]\nshare = ["占股比例"]\nholder_name = "投资人"\n', encoding="utf-8")
    extra = load_aliases(path)
    mapping = map_columns(["统一社会信用代码", "投资人", "占股比例(%)"], extra_aliases=extra)
    assert mapping.kind is SourceKind.HOLDINGS
    assert mapping.columns == {"org_uscc": [0], "holder_name": [1], "share": [2]}
    assert mapping.units == {"share": "%"}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[holdings\n", "cannot be read"),
        ('[owners]\nshare = ["x"]\n', "unknown kind"),
        ('[holdings]\npercent = ["x"]\n', "no field 'percent'"),
        ("[holdings]\nshare = [1]\n", "must be a list"),
    ],
)
def test_bad_alias_files(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "columns.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        load_aliases(path)


def test_several_columns_for_one_field_are_coalesced() -> None:
    mapping = map_columns(["统一社会信用代码", "当事人证件号码", "类别", "决定日期"], kind="events")
    assert mapping.columns["subject_id"] == [0, 1]
    fields = mapping.extract(
        [
            pa.array(["91110000600037341L", "", None]),
            pa.array(["", "X1", "X2"]),
            pa.array(["行政处罚"] * 3),
            pa.array(["2021-03-05"] * 3),
        ]
    )
    assert fields["subject_id"].to_pylist() == ["91110000600037341L", "X1", "X2"]


def test_unmapped_headers() -> None:
    mapping = map_columns(["统一社会信用代码", "企业名称", "备注"])
    assert mapping.unmapped == ["备注"]
