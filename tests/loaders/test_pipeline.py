"""End to end: files → store, reject files, load history, reloads, directories, privacy."""

from __future__ import annotations

import csv
import datetime as dt
import json
import logging
import random
from pathlib import Path
from typing import Any

import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from linkrisk.config import Settings
from linkrisk.errors import SourceFileError
from linkrisk.loaders import csvfile
from linkrisk.loaders.pipeline import LoadReport, data_files, load_directory, load_file
from linkrisk.loaders.records import TABLES
from tests.loaders.conftest import RecordingStore, write_csv
from tests.loaders.synth import break_check, make_resident_id, make_uscc

HOLDINGS_HEADER = [
    "统一社会信用代码",
    "股东名称",
    "股东类型",
    "股东证照号码",
    "持股比例",
    "认缴出资额（万元）",
]

# a row longer than a (shrunk) read block stops the parser mid-file: undecodable bytes no
# longer do (that row alone is rejected)
TOO_LONG_ROW = ("坏," + "长" * 40_000 + "\n").encode()


def holdings_rows(ids: dict[str, str]) -> list[list[str]]:
    return [
        [ids["org1"], "测试乙有限公司", "企业法人", ids["org2"], "60%", "600"],
        [ids["org1"], "张三", "自然人", ids["person1"], "30%", "300"],
        [ids["org1"], "李四", "自然人", "", "10%", "100"],
        [ids["org1"], "王五", "自然人", break_check(ids["person2"]), "5%", "50"],  # bad checksum
        [ids["org1"], "张三", "自然人", ids["person1"], "30%", "300"],  # exact duplicate
        [break_check(ids["org3"]), "赵六", "自然人", "", "1%", "1"],  # bad USCC
    ]


def sorted_rows(table: pa.Table) -> list[dict[str, Any]]:
    return sorted(table.to_pylist(), key=lambda r: json.dumps(r, default=str, sort_keys=True))


def test_load_holdings_into_the_embedded_store(
    tmp_path: Path, embedded: Any, ids: dict[str, str], settings: Settings
) -> None:
    path = write_csv(tmp_path / "股东.csv", HOLDINGS_HEADER, holdings_rows(ids), encoding="gbk")
    report = load_file(path, embedded, settings=settings)
    assert isinstance(report, LoadReport)
    assert (report.kind, report.encoding) == ("holdings", "gb18030")
    assert (report.rows_read, report.rows_ok, report.rows_rejected, report.duplicates) == (
        6,
        3,
        2,
        1,
    )
    assert report.table_counts == {"holdings": 3, "mentions": 4}
    assert report.status == "done" and report.rows_per_second > 0
    counts = embedded.counts()
    assert counts["holdings"] == 3 and counts["subjects"] == 4
    [history] = embedded.load_history()
    assert (history.status, history.rows_ok, history.rows_rejected) == ("done", 3, 2)
    assert history.source_kind == "holdings" and len(history.sha256) == 64
    assert json.loads(json.dumps(report.to_dict()))["rejects_path"] == str(path) + ".rejects.csv"


def test_reject_file(
    tmp_path: Path, recording: RecordingStore, ids: dict[str, str], settings: Settings
) -> None:
    path = write_csv(tmp_path / "gd.csv", HOLDINGS_HEADER, holdings_rows(ids))
    report = load_file(path, recording, settings=settings)
    raw = Path(str(report.rejects_path)).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # a BOM, so that Excel reads UTF-8
    lines = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert lines[0] == ["row", "field", "value", "reason", *HOLDINGS_HEADER]
    by_row = {line[0]: line for line in lines[1:]}
    assert set(by_row) == {"5", "7"}
    bad_id = break_check(ids["person2"])
    assert by_row["5"][1:3] == ["holder_id", bad_id[:4] + "*" * 10 + bad_id[-4:]]
    assert by_row["5"][4:8] == [ids["org1"], "王五", "自然人", bad_id[:4] + "*" * 10 + bad_id[-4:]]
    assert by_row["7"][1] == "org_uscc" and by_row["7"][3].startswith("not a valid USCC")


def test_a_clean_reload_removes_the_old_reject_file(
    tmp_path: Path, recording: RecordingStore, ids: dict[str, str], settings: Settings
) -> None:
    path = write_csv(tmp_path / "gd.csv", HOLDINGS_HEADER, holdings_rows(ids))
    assert load_file(path, recording, settings=settings).rejects_path is not None
    write_csv(path, HOLDINGS_HEADER, holdings_rows(ids)[:3])
    assert load_file(path, recording, settings=settings).rejects_path is None
    assert not (tmp_path / "gd.csv.rejects.csv").exists()


def test_one_write_per_batch(tmp_path: Path, recording: RecordingStore, rng: random.Random) -> None:
    org = make_uscc(rng)
    rows = [[org, f"股东{i}", "自然人", make_resident_id(rng), "1%", "1"] for i in range(7)]
    path = write_csv(tmp_path / "gd.csv", HOLDINGS_HEADER, rows)
    seen: list[int] = []
    settings = Settings(batch_size=3)
    report = load_file(
        path, recording, settings=settings, progress=lambda r: seen.append(r.rows_read)
    )
    assert len(recording.batches) == 3  # 3 + 3 + 1 rows, one atomic write each
    assert [b["holdings"].num_rows for b in recording.batches] == [3, 3, 1]
    assert seen == [3, 6, 7] and report.rows_ok == 7


@pytest.mark.parametrize("threads", [1, 2])
def test_reload_gives_the_same_canonical_rows(
    tmp_path: Path, ids: dict[str, str], settings: Settings, threads: int
) -> None:
    path = write_csv(tmp_path / "gd.csv", HOLDINGS_HEADER, holdings_rows(ids) * 3)
    first, second = RecordingStore(), RecordingStore()
    small = Settings(batch_size=4)
    load_file(path, first, settings=small, threads=threads)
    load_file(path, second, settings=small, threads=threads)
    for name in ("holdings", "mentions"):
        assert sorted_rows(first.table(name)) == sorted_rows(second.table(name))
        assert first.table(name).num_rows > 0


def test_reload_changes_nothing_in_the_store(
    tmp_path: Path, embedded: Any, ids: dict[str, str], settings: Settings
) -> None:
    path = write_csv(tmp_path / "gd.csv", HOLDINGS_HEADER, holdings_rows(ids))
    load_file(path, embedded, settings=settings)
    before = {name: sorted_rows(embedded.read_all(name)) for name in TABLES}
    load_file(path, embedded, settings=settings)
    assert {name: sorted_rows(embedded.read_all(name)) for name in TABLES} == before
    assert len(embedded.load_history()) == 2


def test_raw_id_numbers_never_leave_the_loader(
    tmp_path: Path,
    embedded: Any,
    rng: random.Random,
    settings: Settings,
    caplog: pytest.LogCaptureFixture,
) -> None:
    org = make_uscc(rng)
    good = make_resident_id(rng)
    bad_check = break_check(make_resident_id(rng))
    bad_date = make_resident_id(rng, born="19490231")
    unknown_region = make_resident_id(rng, region="999999")
    rows = [
        [org, "张三", "自然人", good, "10%", "1"],
        [org, "李四", "自然人", bad_check, "10%", "1"],
        [org, "王五", "自然人", bad_date, "10%", "1"],
        [org, "赵六", "自然人", unknown_region, "10%", "1"],
        [org, "钱七", "自然人", good, "20%", "1"],  # conflicting duplicate of row 2
        [org, f"备注{good}", "自然人", "", "300%", "1"],  # an ID inside another field, rejected
        [org, f"孙八（{good}）", "自然人", "", "1%", "1"],  # … and loaded: the name is masked
    ]
    header = [*HOLDINGS_HEADER, "备注"]
    path = write_csv(tmp_path / "gd.csv", header, [[*r, f"证件 {r[3]} 已核"] for r in rows])
    caplog.set_level(logging.DEBUG)
    report = load_file(path, embedded, settings=settings)
    assert report.rows_rejected == 4 and report.rows_ok == 3 and report.warnings
    outputs = [
        json.dumps(report.to_dict(), ensure_ascii=False),
        Path(str(report.rejects_path)).read_text(encoding="utf-8-sig"),
        caplog.text,
        *(
            json.dumps(embedded.read_all(n).to_pylist(), default=str, ensure_ascii=False)
            for n in TABLES
        ),
    ]
    store_bytes = b"".join(p.read_bytes() for p in embedded.path.parent.iterdir() if p.is_file())
    for number in (good, bad_check, bad_date, unknown_region):
        assert all(number not in text for text in outputs), number
        assert number.encode() not in store_bytes, number


def test_unreadable_files_raise_before_anything_is_recorded(
    tmp_path: Path, recording: RecordingStore, settings: Settings
) -> None:
    (tmp_path / "empty.csv").write_bytes(b"")
    with pytest.raises(SourceFileError, match="empty"):
        load_file(tmp_path / "empty.csv", recording, settings=settings)
    write_csv(tmp_path / "x.csv", ["甲", "乙"], [["1", "2"]])
    with pytest.raises(SourceFileError, match="--kind"):
        load_file(tmp_path / "x.csv", recording, settings=settings)
    with pytest.raises(SourceFileError, match=r"x.csv: missing required columns for holdings"):
        load_file(tmp_path / "x.csv", recording, kind="holdings", settings=settings)
    assert recording.loads == [] and recording.batches == []


def test_a_failure_mid_file_is_recorded_as_failed(
    tmp_path: Path, recording: RecordingStore, ids: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(csvfile, "CSV_BLOCK_BYTES", 1 << 16)  # the long row lands in a later block
    path = tmp_path / "orgs.csv"
    good = "".join(f"{ids['org1']},测试{i}\n" for i in range(60_000))
    path.write_bytes(("统一社会信用代码,企业名称\n" + good).encode() + TOO_LONG_ROW)
    with pytest.raises(SourceFileError, match="reading stopped"):
        load_file(path, recording, settings=Settings(batch_size=1000))
    [record] = recording.finished
    assert record.status == "failed" and record.rows_ok > 0  # earlier batches were written
    assert recording.batches


def _write_directory(directory: Path, ids: dict[str, str]) -> None:
    write_csv(directory / "b_holdings.csv", HOLDINGS_HEADER, holdings_rows(ids)[:3])
    book = openpyxl.Workbook()
    book.active.append(["统一社会信用代码", "企业名称", "成立日期", "登记状态"])
    book.active.append([ids["org1"], "测试甲有限公司", dt.datetime(2020, 1, 2), "存续"])
    book.save(directory / "c_orgs.xlsx")
    events = [
        {
            "统一社会信用代码": ids["org1"],
            "类别": "行政处罚",
            "决定日期": "2021-03-05",
            "处罚决定书文号": "罚1",
        }
    ]
    (directory / "a_events.jsonl").write_text(
        "\n".join(json.dumps(e, ensure_ascii=False) for e in events), encoding="utf-8"
    )
    pq.write_table(
        pa.table(
            {
                "抽查计划编号": ["P1"],
                "统一社会信用代码": [ids["org2"]],
                "检查日期": ["2021-05-01"],
                "检查结果": ["正常"],
            }
        ),
        directory / "d_inspections.parquet",
    )
    (directory / "b_holdings.csv.rejects.csv").write_text("row,field\n", encoding="utf-8")
    (directory / "README.md").write_text("not data", encoding="utf-8")
    (directory / "~$c_orgs.xlsx").write_bytes(b"lock file")


def test_load_directory_in_dependency_order(
    tmp_path: Path, embedded: Any, ids: dict[str, str], settings: Settings
) -> None:
    _write_directory(tmp_path, ids)
    assert [p.name for p in data_files(tmp_path)] == [
        "a_events.jsonl",
        "b_holdings.csv",
        "c_orgs.xlsx",
        "d_inspections.parquet",
    ]
    reports = load_directory(tmp_path, embedded, settings=settings)
    assert [(Path(r.file).name, r.kind, r.status) for r in reports] == [
        ("c_orgs.xlsx", "orgs", "done"),
        ("b_holdings.csv", "holdings", "done"),
        ("a_events.jsonl", "events", "done"),
        ("d_inspections.parquet", "inspections", "done"),
    ]
    counts = embedded.counts()
    assert (counts["holdings"], counts["events"], counts["inspections"]) == (3, 1, 1)
    org = embedded.get_subject(ids["org1"])
    assert org["name"] == "测试甲有限公司" and org["status"] == "active"  # stubs did not erase it


def test_load_directory_reports_a_bad_file_and_goes_on(
    tmp_path: Path, recording: RecordingStore, ids: dict[str, str], settings: Settings
) -> None:
    write_csv(tmp_path / "orgs.csv", ["统一社会信用代码", "企业名称"], [[ids["org1"], "甲"]])
    (tmp_path / "broken.csv").write_bytes(b"")
    reports = load_directory(tmp_path, recording, settings=settings)
    assert [(Path(r.file).name, r.status) for r in reports] == [
        ("broken.csv", "failed"),
        ("orgs.csv", "done"),
    ]
    assert reports[0].error is not None and "empty" in reports[0].error


def test_load_directory_needs_a_directory(tmp_path: Path, recording: RecordingStore) -> None:
    with pytest.raises(SourceFileError, match="not a directory"):
        load_directory(tmp_path / "nope", recording)
