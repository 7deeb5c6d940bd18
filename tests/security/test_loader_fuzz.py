"""Loader fuzzing (issue 17): bytes-level garbage never makes the loaders crash.

Source files of good rows are written in UTF-8 (with or without BOM), GBK, GB18030 or UTF-16,
then damaged: stray quotes, BOMs, NULs, lone CRs and LFs, invalid and truncated multibyte
sequences, a cut-off tail. Whatever comes of it, a load either refuses the file with a sentence
(``SourceFileError``/``InputError``) or reports every row: loaded, rejected with a reason, or a
duplicate. No traceback is printed and no other exception escapes; a good row that the damage
did not touch is loaded or, when a stray quote reached it, at least named in the reject file.
"""

from __future__ import annotations

import csv
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from linkrisk.config import Settings
from linkrisk.errors import InputError, SourceFileError
from linkrisk.loaders.pipeline import LoadReport, load_file
from tests.api.city import make_uscc
from tests.loaders.conftest import RecordingStore

ROWS = [(make_uscc(i), f"测试{i}有限公司", f"2020-01-{i:02d}") for i in range(1, 9)]
HEADER = ("统一社会信用代码", "企业名称", "成立日期")
ENCODINGS = ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16"]
DAMAGE = [
    b'"',
    b"\x00",
    b"\r",
    b"\n",
    b"\r\n",
    b"\xff",
    b"\xe6\xb5",  # the first two bytes of a three-byte UTF-8 character
    b"\x81",  # a GBK lead byte alone
    b"\xef\xbb\xbf",
    b",",
    b"\\",
]
FUZZ = settings(
    max_examples=int(os.environ.get("LINKRISK_FUZZ_EXAMPLES", "120")),  # more: a longer search
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@contextmanager
def no_unraisable() -> Iterator[list[Any]]:
    """Collects what would be printed as "Exception ignored in …" (a traceback on stderr)."""
    caught: list[Any] = []
    previous = sys.unraisablehook
    sys.unraisablehook = caught.append
    try:
        yield caught
    finally:
        sys.unraisablehook = previous


def csv_bytes(encoding: str, newline: str) -> tuple[bytes, list[tuple[int, int]], list[int]]:
    """The file, the byte span of each good row, and where each field starts."""
    head = (",".join(HEADER) + newline).encode(encoding)
    out, spans, fields = bytearray(head), [], []
    row_encoding = "utf-16-le" if encoding == "utf-16" else encoding.replace("-sig", "")
    for row in ROWS:
        start = len(out)
        for i, cell in enumerate(row):
            fields.append(len(out))
            out += (cell + ("," if i < len(row) - 1 else newline)).encode(row_encoding)
        spans.append((start, len(out)))
    return bytes(out), spans, fields


def damaged(
    data: bytes,
    hits: list[tuple[float, bytes]],
    cut: int,
    at: list[tuple[int, bytes]] | None = None,
) -> tuple[bytes, list[int]]:
    """``data`` with bytes inserted at relative positions (``hits``) and absolute ones (``at``)
    and ``cut`` bytes cut off the end; and the positions of the insertions (original offsets)."""
    positions = sorted([(int(r * len(data)), chunk) for r, chunk in hits] + (at or []))
    out, last = bytearray(), 0
    for pos, chunk in positions:
        out += data[last:pos] + chunk
        last = pos
    out += data[last:]
    return bytes(out[: len(out) - cut] if cut else out), [p for p, _ in positions]


def load(settings: Settings, path: Path) -> tuple[LoadReport | None, set[str]]:
    """The report (None when the file is refused with a sentence) and the subjects loaded."""
    store = RecordingStore()
    with no_unraisable() as caught:
        try:
            report = load_file(path, store, settings=settings)  # type: ignore[arg-type]
        except (SourceFileError, InputError) as exc:
            assert exc.detail and "Traceback" not in exc.detail
            report = None
    assert caught == [], [repr(u.exc_value) for u in caught]
    if report is not None:
        assert report.rows_read == report.rows_ok + report.rows_rejected + report.duplicates
    return report, {str(r["sid"]) for r in store.rows("subjects")}


def reject_text(report: LoadReport) -> str:
    if not report.rejects_path:
        return ""
    with open(report.rejects_path, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        assert row["reason"].strip(), row
    return "\n".join(",".join(v or "" for v in row.values()) for row in rows)


@pytest.mark.slow
@FUZZ
@given(
    encoding=st.sampled_from(ENCODINGS),
    newline=st.sampled_from(["\n", "\r\n"]),
    hits=st.lists(st.tuples(st.floats(0, 1), st.sampled_from(DAMAGE)), max_size=4),
    quotes=st.lists(st.integers(0, len(ROWS) * len(HEADER) - 1), max_size=3),
    cut=st.integers(0, 5),
)
def test_damaged_csv_never_crashes_the_loader(
    tmp_path_factory: pytest.TempPathFactory,
    encoding: str,
    newline: str,
    hits: list[tuple[float, bytes]],
    quotes: list[int],
    cut: int,
) -> None:
    data, spans, fields = csv_bytes(encoding, newline)
    quote = '"'.encode("utf-16-le" if encoding == "utf-16" else "ascii")
    opened = [(fields[i], quote) for i in quotes]  # a quote where a value starts: it opens
    broken, where = damaged(data, hits, cut, opened)
    path = tmp_path_factory.mktemp("fuzz") / "orgs.csv"
    path.write_bytes(broken)
    report, loaded = load(Settings(batch_size=3), path)
    if report is None or encoding == "utf-16":
        return  # refused with a sentence; a UTF-16 file damaged at an odd byte is all garbage
    rejected = reject_text(report)
    for (start, end), (uscc, _, _) in zip(spans, ROWS, strict=True):
        touched = any(start <= p <= end for p in where) or end > len(data) - cut
        if not touched:
            assert uscc in loaded or uscc in rejected, (uscc, broken)


@pytest.mark.slow
@FUZZ
@given(
    hits=st.lists(st.tuples(st.floats(0, 1), st.sampled_from(DAMAGE)), max_size=4),
    cut=st.integers(0, 5),
    encoding=st.sampled_from(["utf-8", "gb18030"]),
)
def test_damaged_json_lines_never_crash_the_loader(
    tmp_path_factory: pytest.TempPathFactory,
    hits: list[tuple[float, bytes]],
    cut: int,
    encoding: str,
) -> None:
    import json

    lines = "".join(
        json.dumps(dict(zip(HEADER, row, strict=True)), ensure_ascii=False) + "\n" for row in ROWS
    )
    broken, _ = damaged(lines.encode(encoding), hits, cut)
    path = tmp_path_factory.mktemp("fuzz") / "orgs.jsonl"
    path.write_bytes(broken)
    report, _ = load(Settings(batch_size=3), path)
    if report is not None:
        reject_text(report)


@pytest.mark.slow
@FUZZ
@given(
    data=st.binary(max_size=2048),
    suffix=st.sampled_from([".csv", ".jsonl", ".xlsx", ".parquet"]),
)
def test_random_bytes_are_refused_or_rejected(
    tmp_path_factory: pytest.TempPathFactory, data: bytes, suffix: str
) -> None:
    path = tmp_path_factory.mktemp("fuzz") / f"orgs{suffix}"
    path.write_bytes(data)
    report, _ = load(Settings(batch_size=3), path)
    if report is not None:
        reject_text(report)
