"""Identifiers from outside the registry: passports, travel permits, foreign registrations."""

from __future__ import annotations

import csv
import random
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from linkrisk.config import Settings
from linkrisk.loaders.pipeline import load_file
from linkrisk.loaders.schemes import check_typed, mask_typed, scheme_of
from linkrisk.loaders.typed import country_code
from tests.loaders.conftest import RecordingStore, write_csv
from tests.loaders.synth import make_resident_id, make_uscc

HEADER = [
    "统一社会信用代码",
    "股东名称",
    "股东类型",
    "股东证件类型",
    "国别",
    "股东证照号码",
    "持股比例",
]
OFFICERS = ["统一社会信用代码", "姓名", "证件类型", "国籍", "证件号码", "职务"]
PASSPORT = "E12345678"  # synthetic
HK_PERMIT = "H87654321"  # synthetic
TW_UBN = "04595257"  # a number that passes the 統一編號 check (stdnum's own example)
SG_UEN = "00192200M"  # passes the UEN check (stdnum's own example)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("护照", ("passport", None)),
        ("Passport:cn", ("passport", "CN")),
        ("港澳居民来往内地通行证", ("hk-macao-permit", None)),
        ("台胞证", ("tw-permit", None)),
        ("hk-cr", ("hk-cr", None)),
        ("境外注册号", ("foreign-reg", None)),
        ("居民身份证", (None, None)),
        ("统一社会信用代码", (None, None)),
        ("会员卡", None),
    ],
)
def test_scheme_names(text: str, expected: tuple[str | None, str | None] | None) -> None:
    assert scheme_of(text) == expected


def test_checks_by_scheme() -> None:
    assert check_typed("passport", "CN", "e1234 5678").key == "passport:CN:E12345678"
    assert "country" in (check_typed("passport", None, PASSPORT).problem or "")
    assert check_typed("hk-macao-permit", None, HK_PERMIT).key == f"hk-macao-permit:{HK_PERMIT}"
    assert check_typed("hk-macao-permit", None, "X87654321").problem is not None
    assert check_typed("tw-ubn", None, TW_UBN).key == f"tw-ubn:{TW_UBN}"
    assert "valid" in (check_typed("tw-ubn", None, "04595258").problem or "")  # check digit
    assert check_typed("foreign-reg", "SG", SG_UEN).key == f"foreign-reg:SG:{SG_UEN}"
    assert check_typed("foreign-reg", "SG", "00192200X").problem is not None  # UEN check
    assert check_typed("foreign-reg", "VG", "1234567").key == "foreign-reg:VG:1234567"


def test_countries_by_code_or_name() -> None:
    assert [country_code(t) for t in ("SG", "sgp", "Singapore", "新加坡", "英属维尔京群岛")] == [
        "SG", "SG", "SG", "SG", "VG",
    ]  # fmt: skip
    assert country_code("Atlantis") is None


@given(st.text(alphabet="ABCDEFGHJK0123456789", min_size=5, max_size=20))
def test_the_masked_form_never_shows_the_middle(code: str) -> None:
    masked = mask_typed(f"passport:CN:{code}")
    assert masked.startswith("passport:CN:") and len(masked) == len(f"passport:CN:{code}")
    shown = masked.removeprefix("passport:CN:").replace("*", "")
    assert len(shown) <= 4


def _load(tmp_path: Path, header: list[str], rows: list[list[str]]) -> tuple[RecordingStore, str]:
    store = RecordingStore()
    path = write_csv(tmp_path / f"{len(rows)}-{header[1]}.csv", header, rows)
    report = load_file(path, store, settings=Settings())
    return store, report.rejects_path or ""


def test_a_passport_holder_in_two_firms_is_one_person(tmp_path: Path) -> None:
    rng = random.Random(3)
    a, b = make_uscc(rng), make_uscc(rng)
    store, rejects = _load(
        tmp_path,
        HEADER,
        [
            [a, "Alex Example", "自然人", "护照", "新加坡", PASSPORT, "60"],
            [b, "ALEX EXAMPLE", "自然人", "passport", "SG", PASSPORT.lower(), "40"],
        ],
    )
    assert not rejects
    holders = {r["src"] for r in store.rows("holdings")}
    assert len(holders) == 1 and next(iter(holders)).startswith("P")
    [person] = [m for m in store.rows("mentions") if m["sid"] in holders]
    assert person["kind"] == "person" and person["id_masked"] == "passport:SG:E1*****78"
    assert PASSPORT not in str(store.batches)  # never stored in clear


def test_the_same_number_under_another_scheme_or_country_is_someone_else(tmp_path: Path) -> None:
    rng = random.Random(4)
    a = make_uscc(rng)
    store, _ = _load(
        tmp_path,
        HEADER,
        [
            [a, "甲", "自然人", "护照", "CN", PASSPORT, "30"],
            [a, "乙", "自然人", "护照", "US", PASSPORT, "30"],
        ],
    )
    assert len({r["src"] for r in store.rows("holdings")}) == 2


def test_an_offshore_holding_company_keeps_the_chain(tmp_path: Path) -> None:
    rng = random.Random(5)
    onshore = make_uscc(rng)
    person_id = make_resident_id(rng)
    store, rejects = _load(
        tmp_path,
        HEADER,
        [
            [onshore, "Example Holdings Ltd", "外国投资者", "境外注册号", "VG", "1234567", "100"],
            [onshore, "示例香港有限公司", "港澳台企业", "香港公司注册编号", "", "01234567", "0"],
            [onshore, "张三", "自然人", "身份证", "", person_id, "0"],
        ],
    )
    assert not rejects
    srcs = {r["src"] for r in store.rows("holdings")}
    assert {"foreign-reg:VG:1234567", "hk-cr:01234567"} <= srcs
    kinds = {m["sid"]: m["kind"] for m in store.rows("mentions")}
    assert kinds["foreign-reg:VG:1234567"] == "foreign_org" and kinds["hk-cr:01234567"] == (
        "foreign_org"
    )
    assert any(s.startswith("P") for s in srcs)  # a resident ID still resolves as before


def test_bad_typed_rows_are_rejected_with_the_reason_and_masked(tmp_path: Path) -> None:
    rng = random.Random(6)
    a = make_uscc(rng)
    _, rejects = _load(
        tmp_path,
        HEADER,
        [
            [a, "甲", "自然人", "护照", "", PASSPORT, "10"],  # no country
            [a, "乙", "自然人", "会员卡", "", "123456", "10"],  # unknown type
            [a, "丙公司", "企业", "台湾统一编号", "", "04595258", "10"],  # bad check digit
            [a, "丁", "自然人", "护照", "Atlantis", "G7654321", "10"],  # unknown country
        ],
    )
    with open(rejects, encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    text = str(rows)
    assert "needs a country" in text and "unknown identifier type" in text
    assert "not a valid tw-ubn number" in text and "not a country" in text
    assert PASSPORT not in text and "G7654321" not in text  # identifier fields are masked


def test_officers_with_a_travel_permit(tmp_path: Path) -> None:
    rng = random.Random(7)
    a, b = make_uscc(rng), make_uscc(rng)
    store, rejects = _load(
        tmp_path,
        OFFICERS,
        [
            [a, "陈大文", "港澳居民来往内地通行证", "", HK_PERMIT, "董事"],
            [b, "陈大文", "回乡证", "", HK_PERMIT, "监事"],
            [b, "示例", "hk-cr", "", "01234567", "董事"],  # a company is no officer
        ],
    )
    persons = {r["person"] for r in store.rows("officers")}
    assert len(persons) == 1 and next(iter(persons)).startswith("P")
    assert "names an organisation" in Path(rejects).read_text("utf-8-sig")


HELD = ["被投资企业注册号", "被投资企业证照类型", "被投资企业国别", *HEADER[1:]]


def test_holdings_of_an_offshore_company_continue_the_chain(tmp_path: Path) -> None:
    store, rejects = _load(
        tmp_path,
        HELD,
        [
            ["1234567", "境外注册号", "VG", "Alex Example", "自然人", "护照", "SG", PASSPORT,
             "100"],
            ["01234567", "hk-cr", "", "Example Holdings", "外国投资者", "境外注册号", "VG",
             "1234567", "80"],
            ["01234567", "护照", "SG", "Alex Example", "自然人", "护照", "SG", PASSPORT, "20"],
            ["7654321", "境外注册号", "", "乙", "自然人", "护照", "SG", "G7654321", "10"],
        ],
    )  # fmt: skip
    edges = {(r["src"][:1] if r["src"].startswith("P") else r["src"], r["dst"])
             for r in store.rows("holdings")}  # fmt: skip
    assert edges == {("P", "foreign-reg:VG:1234567"), ("foreign-reg:VG:1234567", "hk-cr:01234567")}
    kinds = {m["sid"]: m["kind"] for m in store.rows("mentions")}
    assert kinds["hk-cr:01234567"] == "foreign_org"
    text = Path(rejects).read_text("utf-8-sig")
    assert "names a person" in text and "needs a country" in text and PASSPORT not in text
