"""Normalisers and enum mappers: table-driven examples and hypothesis round trips."""

from __future__ import annotations

import datetime as dt
import unicodedata

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from linkrisk.loaders import enums, normalise
from linkrisk.loaders.dedupe import column_hash
from linkrisk.loaders.textops import byte_matrix, clean, to_halfwidth


def text(values: list[str | None]) -> pa.StringArray:
    return clean(pa.array(values, pa.string()))


def problems(parsed: normalise.Parsed) -> list[str | None]:
    """The reason of each row's first problem (None when the row is fine)."""
    out: list[str | None] = [None] * len(parsed.values)
    for mask, reason in parsed.problems:
        for i in np.flatnonzero(mask):
            out[i] = out[i] or reason
    return out


# -- text -------------------------------------------------------------------------------------


def test_clean_halfwidth_whitespace_and_placeholders() -> None:
    raw = [
        "  某某（北京）科技　有限公司ＡＢＣ１２３ ",
        None,
        "a\t\tb\nc",
        "无",
        "-",
        "NULL",
        "",
        "x  y",
    ]
    assert text(raw).to_pylist() == [
        "某某(北京)科技 有限公司ABC123",
        None,
        "a b c",
        None,
        None,
        None,
        None,
        "x y",
    ]


def test_halfwidth_of_a_slice_keeps_alignment() -> None:
    arr = pa.array(["ＡＢ", None, "（x）", "中文"]).slice(1)
    assert to_halfwidth(arr).to_pylist() == [None, "(x)", "中文"]


def _reference_halfwidth(s: str) -> str:
    return "".join(
        chr(ord(c) - 0xFEE0) if 0xFF01 <= ord(c) <= 0xFF5E else " " if c == "\u3000" else c
        for c in s
    )


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(max_size=12)), max_size=30))
def test_halfwidth_matches_a_reference(values: list[str | None]) -> None:
    got = to_halfwidth(pa.array(values, pa.string())).to_pylist()
    assert got == [None if v is None else _reference_halfwidth(v) for v in values]


def test_addresses_codes_names() -> None:
    assert normalise.addresses(text(["北京市 朝阳区　某路 1 号"])).to_pylist() == [
        "北京市朝阳区某路1号"
    ]
    assert normalise.codes(text([" 9111-0000 6000 3734 1l "])).to_pylist() == ["91110000600037341L"]
    assert normalise.names(text(["测试（北京）  有限公司"])).to_pylist() == ["测试(北京) 有限公司"]


def test_phones() -> None:
    parsed = normalise.phones(
        text(["+86 138-0000-0000", "0086 10 1234 5678", "010-12345678;13800000000", "12", None])
    )
    assert parsed.values.to_pylist() == [
        "13800000000",
        "101234 5678".replace(" ", ""),
        "01012345678",
        None,
        None,
    ]
    assert problems(parsed) == [None, None, None, "not a phone number", None]


def test_emails() -> None:
    parsed = normalise.emails(text([" Info@Example.COM ", "not-an-email", None]))
    assert parsed.values.to_pylist() == ["info@example.com", None, None]
    assert problems(parsed) == [None, "not an e-mail address", None]


# -- numbers ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "unit", "expected", "problem"),
    [
        ("35%", None, 0.35, None),
        ("35.5％", None, 0.355, None),
        ("0.35", None, 0.35, None),
        ("35", None, 0.35, None),
        ("1", None, 1.0, None),  # ≤ 1 is a fraction: "1" is 100 %
        ("100%", None, 1.0, None),
        ("0.5", "%", 0.005, None),  # the header says "(%)": plain numbers are percents
        ("135%", None, None, "more than 100%"),
        ("150", None, None, "more than 100%"),
        ("-5%", None, None, "negative share"),
        ("abc", None, None, "not a percentage"),
        ("", None, None, None),
    ],
)
def test_percentages(
    raw: str, unit: str | None, expected: float | None, problem: str | None
) -> None:
    parsed = normalise.percentages(text([raw]), unit)
    value = parsed.values.to_pylist()[0]
    assert value == (pytest.approx(expected) if expected is not None else None)
    assert problems(parsed) == [problem]


@pytest.mark.parametrize(
    ("raw", "unit", "expected", "problem"),
    [
        ("100万元", None, 1_000_000.0, None),
        ("100万", None, 1_000_000.0, None),
        ("1.5亿元", None, 150_000_000.0, None),
        ("1,234.5", None, 1234.5, None),
        ("100", None, 100.0, None),
        ("100", "万元", 1_000_000.0, None),  # "注册资本(万元)"
        ("100元", "万元", 100.0, None),  # a unit in the value wins over the header's
        ("人民币50万元", None, 500_000.0, None),
        ("5千元", None, 5000.0, None),
        ("100万美元", None, None, "not an amount in yuan"),
        ("-3", None, None, "negative amount"),
        ("abc", None, None, "not an amount in yuan"),
    ],
)
def test_amounts(raw: str, unit: str | None, expected: float | None, problem: str | None) -> None:
    parsed = normalise.amounts(text([raw]), unit)
    assert parsed.values.to_pylist()[0] == expected
    assert problems(parsed) == [problem]


# -- dates ------------------------------------------------------------------------------------

MARCH_5 = dt.date(2021, 3, 5)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2021-03-05", MARCH_5),
        ("2021年3月5日", MARCH_5),
        ("2021/3/5", MARCH_5),
        ("2021.03.05", MARCH_5),
        ("20210305", MARCH_5),
        ("44260", MARCH_5),  # Excel serial number (1900 date system)
        ("44260.0", MARCH_5),
        ("2021-03-05 13:45:00", MARCH_5),
        ("2021-03-05T00:00:00+08:00", MARCH_5),
        ("２０２１－０３－０５", MARCH_5),  # full-width
        ("2021-3-5", MARCH_5),
    ],
)
def test_dates_accepted(raw: str, expected: dt.date) -> None:
    parsed = normalise.dates(text([raw]))
    assert parsed.values.to_pylist() == [expected]
    assert problems(parsed) == [None]


@pytest.mark.parametrize(
    "raw", ["2021-02-30", "2021-13-01", "1899-12-31", "2021", "yesterday", "2021-03-05x"]
)
def test_dates_rejected(raw: str) -> None:
    parsed = normalise.dates(text([raw]))
    assert parsed.values.to_pylist() == [None]
    assert problems(parsed) == [normalise.DATE_REASON]


@pytest.mark.parametrize("raw", ["长期", "永久", "9999-12-31", None])
def test_open_ended_dates_are_null(raw: str | None) -> None:
    parsed = normalise.dates(text([raw]))
    assert parsed.values.to_pylist() == [None]
    assert problems(parsed) == [None]


@settings(max_examples=200, deadline=None)
@given(
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)),
    st.sampled_from(["iso", "compact", "cn", "slash"]),
)
def test_dates_round_trip(day: dt.date, style: str) -> None:
    raw = {
        "iso": day.isoformat(),
        "compact": f"{day:%Y%m%d}",
        "cn": f"{day.year}年{day.month}月{day.day}日",
        "slash": f"{day.year}/{day.month}/{day.day}",
    }[style]
    assert normalise.dates(text([raw])).values.to_pylist() == [day]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(max_size=15)), max_size=20))
def test_parsers_never_crash(values: list[str | None]) -> None:
    cleaned = text(values)
    for parsed in (
        normalise.dates(cleaned),
        normalise.percentages(cleaned),
        normalise.amounts(cleaned, "万元"),
        normalise.phones(cleaned),
        normalise.emails(cleaned),
    ):
        assert len(parsed.values) == len(values)
        # a problem only ever marks a present value, and such a value is then null
        bad = parsed.bad
        assert not (bad & ~np.asarray(cleaned.is_valid().to_numpy(zero_copy_only=False))).any()
        assert all(v is None for v, b in zip(parsed.values.to_pylist(), bad, strict=True) if b)


# -- enums ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mapper", "raw", "expected"),
    [
        (enums.SUBJECT_KIND, "有限责任公司(自然人独资)", "enterprise"),
        (enums.SUBJECT_KIND, "个体工商户", "individual_business"),
        (enums.SUBJECT_KIND, "民办非企业单位", "social_organisation"),
        (enums.SUBJECT_KIND, "社会团体", "social_organisation"),
        (enums.SUBJECT_KIND, "事业单位", "institution"),
        (enums.SUBJECT_KIND, "机关", "institution"),
        (enums.STATUS, "存续（在营、开业、在册）", "active"),
        (enums.STATUS, "在业", "active"),
        (enums.STATUS, "吊销，未注销", "revoked"),
        (enums.STATUS, "注销", "cancelled"),
        (enums.STATUS, "迁出", "moved_out"),
        (enums.STATUS, "Moved_Out", "moved_out"),
        (enums.EVENT_TYPE, "行政处罚", "penalty"),
        (enums.EVENT_TYPE, "列入经营异常名录", "abnormal_operation"),
        (enums.EVENT_TYPE, "严重违法失信企业名单", "serious_dishonest"),
        (enums.EVENT_TYPE, "失信被执行人", "dishonest_debtor"),
        (enums.EVENT_TYPE, "限制消费", "consumption_restriction"),
        (enums.EVENT_TYPE, "重点关注名单", "key_attention"),
        (enums.EVENT_TYPE, "守信激励", "red_list"),
        (enums.EVENT_TYPE, "red list", "red_list"),
        (enums.SEVERITY, "较重", "major"),
        (enums.SEVERITY, "Serious", "serious"),
        (enums.INSPECTION_RESULT, "未发现问题", "normal"),
        (enums.INSPECTION_RESULT, "发现问题已责令改正", "corrected"),
        (enums.INSPECTION_RESULT, "未发现开展本次抽查涉及的经营活动", "no_activity"),
        (enums.INSPECTION_RESULT, "通过登记的住所（经营场所）无法联系", "unreachable"),
        (enums.INSPECTION_RESULT, "不配合检查", "uncooperative"),
        (enums.INSPECTION_RESULT, "发现问题待后续处理", "violation"),
        (enums.INSPECTION_RESULT, "未发现违法行为", "normal"),
    ],
)
def test_enum_values(mapper: enums.EnumMap, raw: str, expected: str) -> None:
    parsed = mapper.map(text([raw]))
    assert parsed.values.to_pylist() == [expected]
    assert not parsed.bad.any()


def test_unknown_enum_value_is_a_problem() -> None:
    parsed = enums.STATUS.map(text(["存续", "不知道", None]))
    assert parsed.values.to_pylist() == ["active", None, None]
    assert parsed.bad.tolist() == [False, True, False]
    assert "unknown status" in parsed.problems[0][1]


def test_booleans() -> None:
    parsed = enums.booleans(text(["是", "否", "Y", "n", "TRUE", "0", "在岗", "maybe", None]))
    assert parsed.values.to_pylist() == [True, False, True, False, True, False, True, None, None]
    assert parsed.bad.tolist() == [False] * 7 + [True, False]


def test_kind_from_uscc() -> None:
    codes = text(
        [
            "91110000600037341L",
            "92110000600037341L",
            "12110000600037341L",
            "51110000600037341L",
            None,
        ]
    )
    assert enums.kind_from_uscc(codes).to_pylist() == [
        "enterprise",
        "individual_business",
        "institution",
        "social_organisation",
        None,
    ]


def test_roles_split_combined_titles() -> None:
    parents, roles, unknown = enums.roles(
        text(["执行董事兼总经理", "监事", None, "法定代表人、董事长", "厨师"])
    )
    assert parents.tolist() == [0, 0, 1, 3, 3, 4]
    assert roles.to_pylist() == [
        "chair",
        "manager",
        "supervisor",
        "legal_representative",
        "chair",
        None,
    ]
    assert unknown.tolist() == [False, False, False, False, True]


def test_column_hash_tells_values_apart() -> None:
    strings = pa.array(["a", "b", "a", None, "", "x" * 100, "x" * 100])
    h = column_hash(strings)
    assert h[0] == h[2] and h[5] == h[6]
    assert len({h[0], h[1], h[3], h[4], h[5]}) == 5
    short = column_hash(pa.array(["ab", "ba", "a", "b", "", None]))
    assert len(set(short.tolist())) == 6


@given(
    st.lists(st.one_of(st.none(), st.text(max_size=40), st.text(min_size=60, max_size=70))),
    st.lists(st.one_of(st.none(), st.text(max_size=90)), max_size=5),
)
def test_column_hash_of_a_value_ignores_the_rest_of_the_batch(
    values: list[str | None], others: list[str | None]
) -> None:
    """A file's batches are hashed one by one: a key or row must hash alike in every batch,
    however long the other texts of its batch are (a USCC beside a person's sid, a name
    beside a 70-byte address)."""
    alone = column_hash(pa.array(values, pa.string()))
    mixed = column_hash(pa.array(others + values, pa.string()))[len(others) :]
    assert alone.tolist() == mixed.tolist()


def test_byte_matrix_pads_and_reports_lengths() -> None:
    matrix, lengths = byte_matrix(pa.array(["ab", None, "abcdef", "中"]), 4)
    assert matrix.tolist() == [[97, 98, 0, 0], [0] * 4, [97, 98, 99, 100], [228, 184, 173, 0]]
    assert lengths.tolist() == [2, 0, 6, 3]


def test_unicode_reference_sanity() -> None:
    # the half-width rule is a subset of NFKC on these characters
    sample = "ＡＢＣ（１）　"
    assert _reference_halfwidth(sample) == unicodedata.normalize("NFKC", sample)


def test_free_text_masks_id_like_runs() -> None:
    raw = ["张三11010519491231002X", "ABC110105194912310021号", "电话13800000000", None]
    assert normalise.free_text(text(raw)).to_pylist() == [
        "张三1101**********002X",
        "ABC1101**********0021号",
        "电话13800000000",  # 11 digits: a phone, kept
        None,
    ]
