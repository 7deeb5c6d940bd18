"""Loader messages (issue 17, item 12): damaged files lose only their damaged rows, and every
refusal says what is wrong.

- a truncated UTF-8 (or GB18030) tail printed "Exception ignored in …" with a traceback and
  refused the good rows before it;
- an unbalanced quote swallowed the following rows into one reject;
- two 统一社会信用代码 columns loaded silently, the first one winning;
- 成立日期 2099 loaded without a word (now: dates of what has happened — registration,
  decision, repair, inspection — are rejected when in the future; start dates, which may be
  scheduled, are loaded with a warning);
- a full-width ID number with a bad check digit was reported as "wrong length".
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from linkrisk.config import Settings
from linkrisk.errors import SourceFileError
from linkrisk.graph.embedded.store import EmbeddedStore
from linkrisk.loaders.pipeline import LoadReport, load_file
from tests.api.city import make_id_number, make_uscc
from tests.security.ids import full_width

HEADER = "统一社会信用代码,企业名称,成立日期\n"


def load(settings: Settings, path: Path, **kwargs: object) -> LoadReport:
    store = EmbeddedStore(settings.db_path)
    store.migrate()
    try:
        return load_file(path, store, settings=settings, **kwargs)  # type: ignore[arg-type]
    finally:
        store.close()


def names(settings: Settings) -> set[str]:
    store = EmbeddedStore(settings.db_path)
    try:
        return {str(r[0]) for r in store.execute("SELECT name FROM subjects")}
    finally:
        store.close()


def rejects(report: LoadReport) -> list[dict[str, str]]:
    assert report.rejects_path
    with open(report.rejects_path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def good_rows(count: int, start: int = 1) -> str:
    return "".join(f"{make_uscc(i)},公司{i},2020-01-01\n" for i in range(start, start + count))


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
def test_a_truncated_tail_loses_only_its_row(
    settings: Settings, tmp_path: Path, capfd: pytest.CaptureFixture[str], encoding: str
) -> None:
    path = tmp_path / "orgs.csv"
    tail = f"{make_uscc(9)},截断公司".encode(encoding)[:-1]  # half of the last character
    path.write_bytes((HEADER + good_rows(5)).encode(encoding) + tail)
    report = load(settings, path, encoding=encoding)
    captured = capfd.readouterr()
    assert "Traceback" not in captured.err and "Exception ignored" not in captured.err
    assert (report.status, report.rows_ok, report.rows_rejected) == ("done", 5, 1)
    [reject] = rejects(report)
    assert reject["row"] == "7" and f"not valid {encoding}" in reject["reason"]
    assert names(settings) == {f"公司{i}" for i in range(1, 6)}


def test_bad_bytes_mid_file_lose_only_their_row(settings: Settings, tmp_path: Path) -> None:
    path = tmp_path / "orgs.csv"
    bad = f"{make_uscc(9)},坏公司,2020-01-01\n".encode("gbk")
    path.write_bytes((HEADER + good_rows(3)).encode() + bad + good_rows(3, 4).encode())
    report = load(settings, path)
    assert (report.rows_ok, report.rows_rejected) == (6, 1)
    assert rejects(report)[0]["row"] == "5"


def test_an_unbalanced_quote_swallows_no_rows(settings: Settings, tmp_path: Path) -> None:
    path = tmp_path / "orgs.csv"
    broken = f'{make_uscc(8)},"坏引号公司,2020-01-01\n'
    path.write_text(HEADER + good_rows(2) + broken + good_rows(3, 3), encoding="utf-8")
    report = load(settings, path)
    assert (report.rows_ok, report.rows_rejected) == (5, 1)
    [reject] = rejects(report)
    assert reject["row"] == "4" and "unbalanced quote" in reject["reason"]
    assert names(settings) == {f"公司{i}" for i in range(1, 6)}


def test_two_columns_with_the_same_header_are_an_error(settings: Settings, tmp_path: Path) -> None:
    path = tmp_path / "orgs.csv"
    path.write_text(
        f"统一社会信用代码,企业名称,统一社会信用代码\n{make_uscc(1)},甲公司,{make_uscc(2)}\n",
        encoding="utf-8",
    )
    with pytest.raises(SourceFileError) as refused:
        load(settings, path)
    assert "columns 1 ('统一社会信用代码') and 3 ('统一社会信用代码')" in refused.value.detail
    assert names(settings) == set()


def test_dates_of_what_has_happened_cannot_be_in_the_future(
    settings: Settings, tmp_path: Path
) -> None:
    orgs = tmp_path / "orgs.csv"
    orgs.write_text(HEADER + good_rows(1) + f"{make_uscc(2)},未来公司,2099-01-01\n", "utf-8")
    report = load(settings, orgs)
    assert (report.rows_ok, report.rows_rejected) == (1, 1)
    assert "reg_date is in the future" in rejects(report)[0]["reason"]
    events = tmp_path / "events.csv"
    events.write_text(
        "统一社会信用代码,类别,决定日期\n"
        f"{make_uscc(1)},行政处罚,2020-01-01\n{make_uscc(1)},行政处罚,2099-12-31\n",
        "utf-8",
    )
    report = load(settings, events)
    assert (report.rows_ok, report.rows_rejected) == (1, 1)
    assert "decision_date is in the future" in rejects(report)[0]["reason"]


def test_a_future_start_date_is_loaded_with_a_warning(settings: Settings, tmp_path: Path) -> None:
    path = tmp_path / "officers.csv"
    path.write_text(
        f"统一社会信用代码,姓名,证件号码,职务,任职日期\n"
        f"{make_uscc(1)},张三,{make_id_number(3)},董事,2099-01-01\n",
        "utf-8",
    )
    report = load(settings, path)
    assert (report.rows_ok, report.rows_rejected) == (1, 0)
    assert report.warnings == {"start_date: in the future (loaded as given)": 1}


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("统一社会信用代码,姓名,证件号码,职务\n{org},张三,{id},董事\n", "person_id"),
        ("统一社会信用代码,股东名称,股东证件号码,持股比例\n{org},张三,{id},30%\n", "holder_id"),
        (
            "统一社会信用代码,当事人名称,类别,决定日期\n{id},张三,行政处罚,2020-01-01\n",
            "subject_id",
        ),
    ],
    ids=["officers", "holdings", "events"],
)
def test_a_full_width_id_number_with_a_bad_check_digit_says_so(
    settings: Settings, tmp_path: Path, header: str, field: str
) -> None:
    number = make_id_number(5)
    broken = number[:17] + ("0" if number[17] != "0" else "1")
    spaced = full_width(f"{broken[:6]} {broken[6:14]} {broken[14:]}")
    path = tmp_path / "file.csv"
    path.write_text(header.format(org=make_uscc(1), id=spaced), encoding="utf-8")
    report = load(settings, path)
    [reject] = rejects(report)
    assert reject["field"] == field
    assert "check character does not match" in reject["reason"]
    assert "wrong length" not in reject["reason"]
    assert broken not in reject["value"] and reject["value"] == broken[:4] + "*" * 10 + broken[-4:]
