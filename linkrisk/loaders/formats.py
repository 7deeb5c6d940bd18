"""XLSX, JSON Lines and Parquet as (columns of text, row numbers) chunks; CSV is in ``readers``.

Typed cells become the text the normalisers read: dates ``2021-03-05``, whole numbers without
".0", other numbers as Python prints them, booleans ``true``/``false``, nested JSON as JSON text.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import zipfile
from collections.abc import Callable, Iterator
from itertools import chain
from pathlib import Path
from typing import Any

import numpy as np
import openpyxl
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.json as pj
import pyarrow.parquet as pq
from openpyxl.utils.exceptions import InvalidFileException

from linkrisk.errors import SourceFileError
from linkrisk.loaders.csvfile import valid_utf8
from linkrisk.loaders.rejects import Reject
from linkrisk.loaders.scrub import shorten
from linkrisk.loaders.textops import as_string_array

Chunk = tuple[list[pa.StringArray], np.ndarray]
XLSX_CHUNK_ROWS = 5_000
JSONL_BLOCK_BYTES = 4 << 20
HEADER_SEARCH_ROWS = 20  # a title row or two above the header is common in XLSX exports


def cell_text(value: Any) -> str | None:
    """One XLSX cell or JSON value as text."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(value, ensure_ascii=False, default=str)


def to_text(values: pa.Array | pa.ChunkedArray) -> pa.StringArray:
    """An Arrow column of any type as text (see the module docstring)."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    type_ = values.type
    if pa.types.is_timestamp(type_) or pa.types.is_date64(type_):
        values = pc.cast(values, pa.date32())
    if pa.types.is_floating(type_):
        whole = pc.and_(pc.equal(pc.floor(values), values), pc.less(pc.abs(values), 1e15))
        as_int = pc.cast(pc.if_else(whole, values, None), pa.int64())
        values = pc.coalesce(pc.cast(as_int, pa.string()), pc.cast(values, pa.string()))
    if pa.types.is_nested(type_):
        return as_string_array(pa.array([cell_text(v) for v in values.to_pylist()], pa.string()))
    try:
        return as_string_array(pc.cast(values, pa.string()))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return as_string_array(pa.array([cell_text(v) for v in values.to_pylist()], pa.string()))


# -- XLSX -------------------------------------------------------------------------------------


def _filled(values: tuple[Any, ...]) -> int:
    return sum(1 for v in values if v is not None and str(v).strip())


def iter_xlsx(
    path: Path, sheet: str | None, closers: list[Callable[[], None]]
) -> tuple[list[str], Iterator[Chunk]]:
    """The header (the first row with two or more values: title rows above it are skipped)."""
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise SourceFileError(f"{path}: not a readable .xlsx workbook") from None
    try:
        ws = book[sheet] if sheet else book.worksheets[0]
    except (KeyError, IndexError):
        book.close()
        raise SourceFileError(f"{path}: no sheet {sheet!r}; sheets are {book.sheetnames}") from None
    closers.append(book.close)
    rows = enumerate(ws.iter_rows(values_only=True), start=1)
    scanned: list[tuple[int, tuple[Any, ...]]] = []
    for number, values in rows:
        scanned.append((number, values))
        if _filled(values) >= 2 or number >= HEADER_SEARCH_ROWS:
            break
    at = next((i for i, (_n, v) in enumerate(scanned) if _filled(v) >= 2), None)
    if at is None:
        at = next((i for i, (_n, v) in enumerate(scanned) if _filled(v)), None)
    if at is None:
        book.close()
        raise SourceFileError(f"{path}: the sheet {ws.title!r} is empty")
    headers = [cell_text(v) or "" for v in scanned[at][1]]
    while headers and not headers[-1].strip():
        headers.pop()
    return headers, _xlsx_chunks(book, chain(scanned[at + 1 :], rows), len(headers))


def _xlsx_chunks(
    book: Any, rows: Iterator[tuple[int, tuple[Any, ...]]], width: int
) -> Iterator[Chunk]:
    try:
        cells: list[list[str | None]] = [[] for _ in range(width)]
        numbers: list[int] = []
        for number, values in rows:
            if not _filled(values[:width]):
                continue  # empty sheet rows are skipped; the others keep their sheet row numbers
            texts = [cell_text(v) for v in values[:width]]
            texts += [None] * (width - len(texts))
            for column, text in zip(cells, texts, strict=True):
                column.append(text)
            numbers.append(number)
            if len(numbers) >= XLSX_CHUNK_ROWS:
                yield [pa.array(c, pa.string()) for c in cells], np.array(numbers, dtype=np.int64)
                cells, numbers = [[] for _ in range(width)], []
        if numbers:
            yield [pa.array(c, pa.string()) for c in cells], np.array(numbers, dtype=np.int64)
    finally:
        book.close()


# -- JSON Lines -------------------------------------------------------------------------------


def _json_rows(
    data: bytes, first_line: int, malformed: list[Reject]
) -> tuple[pa.Table, np.ndarray]:
    """Parse a block of JSON lines; a block pyarrow cannot type consistently is parsed per line."""
    lines = data.split(b"\n")
    blank = b"\n\n" in data or data.startswith((b"\n", b"\r")) or b"\n\r\n" in data
    if not blank and valid_utf8(data):  # pyarrow takes invalid bytes in a key, then fails
        try:
            table = pj.read_json(
                io.BytesIO(data),
                read_options=pj.ReadOptions(use_threads=False, block_size=len(data) + 1),
            )
            count = table.num_rows
            return table, np.arange(first_line, first_line + count, dtype=np.int64)
        except pa.ArrowInvalid:
            pass
    records: list[dict[str, str | None]] = []
    numbers: list[int] = []
    for offset, line in enumerate(lines):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
            if not isinstance(obj, dict):
                raise ValueError("not an object")
        except ValueError as exc:
            text = line.decode("utf-8", "replace")
            why = (
                "bytes that are not valid UTF-8 (is the file truncated?)"
                if isinstance(exc, UnicodeDecodeError)
                else f"not a JSON object ({shorten(str(exc), 100)})"
            )
            malformed.append(Reject(first_line + offset, "", shorten(text), why))
            continue
        records.append({k: cell_text(v) for k, v in obj.items()})
        numbers.append(first_line + offset)
    keys = list(dict.fromkeys(k for r in records for k in r))
    table = pa.table({k: pa.array([r.get(k) for r in records], pa.string()) for k in keys})
    return table, np.array(numbers, dtype=np.int64)


def _json_blocks(path: Path, encoding: str, malformed: list[Reject]) -> Iterator[tuple[bytes, int]]:
    line = 1
    with path.open("rb") as fh:
        rest = b""
        while True:
            chunk = fh.read(JSONL_BLOCK_BYTES)
            data = rest + chunk
            if not chunk:
                if data.strip():
                    yield _utf8(data, encoding, line, malformed), line
                return
            cut = data.rfind(b"\n")
            if cut < 0:
                rest = data
                continue
            block, rest = data[: cut + 1], data[cut + 1 :]
            yield _utf8(block, encoding, line, malformed), line
            line += block.count(b"\n")


def _utf8(data: bytes, encoding: str, first_line: int, malformed: list[Reject]) -> bytes:
    """A block as UTF-8; a line that is not valid ``encoding`` is rejected (left blank)."""
    if encoding == "utf-8":
        return data.removeprefix(b"\xef\xbb\xbf")
    with contextlib.suppress(UnicodeDecodeError):  # a damaged line: decoded line by line below
        return data.decode(encoding).encode("utf-8")
    lines = []
    for offset, raw in enumerate(data.split(b"\n")):
        try:
            lines.append(raw.decode(encoding).encode("utf-8"))
        except UnicodeDecodeError:
            text = raw.decode(encoding, "replace")
            reason = f"bytes that are not valid {encoding} (is the file truncated?)"
            malformed.append(Reject(first_line + offset, "", shorten(text), reason))
            lines.append(b"")
    return b"\n".join(lines)


def iter_jsonl(
    path: Path, encoding: str, malformed: list[Reject]
) -> tuple[list[str], Iterator[Chunk]]:
    blocks = _json_blocks(path, encoding, malformed)
    try:
        first, line = next(blocks)
    except StopIteration:
        raise SourceFileError(f"{path}: the file is empty") from None
    except UnicodeDecodeError:
        raise SourceFileError(f"{path}: the file is not valid {encoding}") from None
    if first.lstrip().startswith(b"["):
        raise SourceFileError(f"{path}: a JSON array; expected JSON Lines (one object per line)")
    table, rows = _json_rows(first, line, malformed)
    headers = list(table.column_names)
    if not headers:
        raise SourceFileError(f"{path}: no JSON objects with fields found")

    def chunks() -> Iterator[Chunk]:
        yield [to_text(table.column(h)) for h in headers], rows
        try:
            for block, start in blocks:
                more, numbers = _json_rows(block, start, malformed)
                yield [_column_or_null(more, h) for h in headers], numbers
        except UnicodeDecodeError:
            raise SourceFileError(
                f"{path}: the file is not valid {encoding} after line {start}"
            ) from None

    return headers, chunks()


def _column_or_null(table: pa.Table, name: str) -> pa.StringArray:
    if name in table.column_names:
        return to_text(table.column(name))
    return as_string_array(pa.nulls(table.num_rows, pa.string()))


# -- Parquet ----------------------------------------------------------------------------------


def iter_parquet(
    path: Path, batch_rows: int, closers: list[Callable[[], None]]
) -> tuple[list[str], Iterator[Chunk]]:
    try:
        parquet = pq.ParquetFile(path)
    except (pa.ArrowInvalid, OSError):
        raise SourceFileError(f"{path}: not a readable Parquet file") from None
    closers.append(parquet.close)
    headers = list(parquet.schema_arrow.names)

    def chunks() -> Iterator[Chunk]:
        start = 1
        try:
            for batch in parquet.iter_batches(batch_size=batch_rows):
                yield [to_text(c) for c in batch.columns], np.arange(start, start + batch.num_rows)
                start += batch.num_rows
        except (pa.ArrowInvalid, OSError):
            raise SourceFileError(
                f"{path}: the Parquet file is damaged after row {start - 1}"
            ) from None
        finally:
            parquet.close()

    return headers, chunks()
