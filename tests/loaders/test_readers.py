"""Readers: every format as text batches with the right row numbers; unreadable files fail with a
sentence, not a traceback."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from linkrisk.errors import SourceFileError
from linkrisk.loaders.readers import RawBatch, Source, open_source, read_headers
from tests.loaders.conftest import write_csv

HEADER = ["统一社会信用代码", "企业名称", "成立日期"]
ROWS = [
    ["91110000600037341L", "测试甲有限公司", "2021-03-05"],
    ["", "测试乙（北京）有限公司", "2020/1/2"],
]


def read_all(source: Source) -> tuple[list[list[str | None]], list[int]]:
    batches: list[RawBatch] = list(source.batches)
    columns = [
        pa.concat_arrays([b.columns[i] for b in batches]).to_pylist()
        for i in range(len(source.headers))
    ]
    rows = [int(r) for b in batches for r in b.rows]
    return [list(r) for r in zip(*columns, strict=True)], rows


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_encodings_are_detected(tmp_path: Path, encoding: str) -> None:
    path = write_csv(tmp_path / "orgs.csv", HEADER, ROWS, encoding=encoding)
    source = open_source(path)
    assert source.headers == HEADER  # no BOM left in the first header
    assert source.encoding == ("gb18030" if encoding in {"gbk", "gb18030"} else "utf-8")
    values, rows = read_all(source)
    assert values == [ROWS[0], ["", ROWS[1][1], ROWS[1][2]]]
    assert rows == [2, 3]


def test_csv_forced_encoding(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "orgs.csv", HEADER, ROWS, encoding="gbk")
    source = open_source(path, encoding="GBK")
    assert source.encoding == "gbk"
    assert read_all(source)[0][1][1] == ROWS[1][1]


def test_csv_wrong_forced_encoding_is_a_source_error(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "orgs.csv", HEADER, ROWS, encoding="gbk")
    with pytest.raises(SourceFileError, match=r"not valid utf-8.*looks like gb18030"):
        open_source(path, encoding="utf-8")


def test_csv_unknown_encoding_name(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "orgs.csv", HEADER, ROWS)
    with pytest.raises(SourceFileError, match="unknown text encoding"):
        open_source(path, encoding="klingon")


def test_csv_invalid_utf8_after_the_sample_rejects_that_row_only(tmp_path: Path) -> None:
    path = tmp_path / "orgs.csv"
    good = "".join(f"9111000060003734{i % 10}L,name{i},2021-03-05\n" for i in range(40_000))
    path.write_bytes(("a,b,c\n" + good).encode() + "坏行,乙,丙\n".encode("gbk"))
    source = open_source(path)
    _values, rows = read_all(source)
    assert len(rows) == 40_000 and rows[-1] == 40_001
    [reject] = source.malformed
    assert reject.row == 40_002 and "not valid utf-8" in reject.reason


def test_csv_malformed_rows_are_reported_and_numbering_continues(tmp_path: Path) -> None:
    path = tmp_path / "orgs.csv"
    path.write_text('a,b\n1,2\n3\n"multi\nline",4\n5,6,7\n8,9\n', encoding="utf-8")
    source = open_source(path)
    values, rows = read_all(source)
    assert values == [["1", "2"], ["multi\nline", "4"], ["8", "9"]]
    assert rows == [2, 4, 6]
    assert [(r.row, r.reason) for r in source.malformed] == [
        (3, "row has 1 columns, the header has 2"),
        (5, "row has 3 columns, the header has 2"),
    ]


def test_csv_semicolon_and_tab_delimiters(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text("x;y\n1;2\n", encoding="utf-8")
    (tmp_path / "b.tsv").write_text("x\ty\n1\t2\n", encoding="utf-8")
    for name in ("a.csv", "b.tsv"):
        source = open_source(tmp_path / name)
        assert source.headers == ["x", "y"]
        assert read_all(source)[0] == [["1", "2"]]


def test_rebatching(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "n.csv", ["n", "m"], [[i, i] for i in range(10)])
    sizes = [b.num_rows for b in open_source(path, batch_rows=3).batches]
    assert sizes == [3, 3, 3, 1]


def test_xlsx_with_title_row_dates_and_numbers(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["某市市场主体登记信息（虚构）"])  # a title row above the header
    sheet.append([*HEADER, "注册资本(万元)"])
    sheet.append(["91110000600037341L", "测试甲有限公司", dt.datetime(2021, 3, 5), 100.0])
    sheet.append([None, None, None, None])  # an empty row keeps its number
    sheet.append(["91110000600037341L", "测试乙有限公司", 44260, 0.35])
    book.create_sheet("其他")
    path = tmp_path / "orgs.xlsx"
    book.save(path)
    source = open_source(path)
    assert source.headers == [*HEADER, "注册资本(万元)"]
    values, rows = read_all(source)
    assert values == [
        ["91110000600037341L", "测试甲有限公司", "2021-03-05", "100"],
        ["91110000600037341L", "测试乙有限公司", "44260", "0.35"],
    ]
    assert rows == [3, 5]
    assert read_headers(path) == source.headers
    with pytest.raises(SourceFileError, match="no sheet"):
        open_source(path, sheet="nope")


def test_jsonl_typed_values_and_line_numbers(tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    lines = [
        {"统一社会信用代码": "91110000600037341L", "share": 0.35, "n": 3, "ok": True},
        {"统一社会信用代码": "91110000600037341L", "share": "35%", "n": None, "extra": [1, 2]},
    ]
    path.write_text(
        "\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n\n", encoding="utf-8"
    )
    source = open_source(path)
    assert source.headers[:4] == ["统一社会信用代码", "share", "n", "ok"]
    values, rows = read_all(source)
    assert [v[:4] for v in values] == [
        ["91110000600037341L", "0.35", "3", "true"],
        ["91110000600037341L", "35%", None, None],
    ]
    assert rows == [1, 2]


def test_jsonl_bad_line_is_malformed(tmp_path: Path) -> None:
    path = tmp_path / "x.jsonl"
    path.write_text('{"a": "1"}\nnot json\n{"a": "2"}\n', encoding="utf-8")
    source = open_source(path)
    values, rows = read_all(source)
    assert values == [["1"], ["2"]]
    assert rows == [1, 3]
    assert [r.row for r in source.malformed] == [2]


def test_parquet_types_become_text(tmp_path: Path) -> None:
    path = tmp_path / "h.parquet"
    table = pa.table(
        {
            "统一社会信用代码": ["91110000600037341L", None],
            "持股比例": [0.35, 35.0],
            "认缴出资日期": pa.array([dt.date(2021, 3, 5), None], pa.date32()),
            "n": pa.array([1, 2], pa.int64()),
        }
    )
    pq.write_table(table, path)
    source = open_source(path)
    values, rows = read_all(source)
    assert values == [["91110000600037341L", "0.35", "2021-03-05", "1"], [None, "35", None, "2"]]
    assert rows == [1, 2]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.csv", b"", "the file is empty"),
        ("blank.csv", b"  \n\n", "the file is empty"),
        ("table.xls", b"x", "save it as .xlsx"),
        ("notes.docx", b"x", "unsupported file type"),
        ("broken.xlsx", b"PK not really", "not a readable .xlsx"),
        ("broken.parquet", b"PAR1 nope", "not a readable Parquet"),
        (
            "bytes.csv",
            bytes(range(256)) * 8,
            "cannot tell the file's text encoding|reading stopped",
        ),
    ],
)
def test_unreadable_files(tmp_path: Path, name: str, content: bytes, message: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(SourceFileError, match=message) as info:
        open_source(path)
    assert str(path) in info.value.detail
    assert "Traceback" not in info.value.detail


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(SourceFileError, match="does not exist"):
        open_source(tmp_path / "nope.csv")
    (tmp_path / "dir.csv").mkdir()
    with pytest.raises(SourceFileError, match="directory"):
        open_source(tmp_path / "dir.csv")


def test_header_only_file_has_no_rows(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "orgs.csv", HEADER, [])
    source = open_source(path)
    assert source.headers == HEADER
    assert list(source.batches) == []
