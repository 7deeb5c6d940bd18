"""Read a source file as batches of strings with their original row numbers.

Every column is read as text (the normalisers decide what a value means), so "0086…" keeps its
zeros and an ID number never becomes a float. Row numbers are 1-based as a user sees them: in a
CSV the header is row 1 and a record spanning two lines counts once (blank lines are skipped);
in an XLSX they are the sheet's row numbers; in JSON Lines the line numbers; in Parquet the
record's position.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa

from linkrisk.errors import SourceFileError
from linkrisk.loaders.csvfile import header, open_csv
from linkrisk.loaders.encoding import check_encoding, detect_encoding, read_sample
from linkrisk.loaders.formats import iter_jsonl, iter_parquet, iter_xlsx
from linkrisk.loaders.limits import Limits, check_workbook, long_cells
from linkrisk.loaders.rejects import Reject
from linkrisk.loaders.textops import as_string_array

FORMATS = {
    ".csv": "csv", ".txt": "csv", ".tsv": "csv",
    ".xlsx": "xlsx", ".xlsm": "xlsx",
    ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl",
    ".parquet": "parquet", ".pq": "parquet",
}  # fmt: skip


@dataclass(slots=True)
class RawBatch:
    """Columns of text in header order, and the source row number of each row."""

    columns: list[pa.StringArray]
    rows: np.ndarray

    @property
    def num_rows(self) -> int:
        return len(self.rows)


@dataclass(slots=True)
class Source:
    """An opened source file: its headers and a stream of batches."""

    path: Path
    format: str
    encoding: str | None
    headers: list[str]
    batches: Iterator[RawBatch]
    #: rows the parser could not split into the header's columns (filled while reading)
    malformed: list[Reject] = field(default_factory=list)
    closers: list[Callable[[], None]] = field(default_factory=list)

    def close(self) -> None:
        """Release the open file (also when the batches were never read)."""
        for close in self.closers:
            close()
        self.closers.clear()


def source_format(path: Path) -> str:
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        hint = " (save it as .xlsx)" if path.suffix.lower() == ".xls" else ""
        raise SourceFileError(
            f"{path}: unsupported file type {path.suffix!r}{hint}; "
            "expected .csv, .xlsx, .jsonl or .parquet"
        )
    return fmt


def open_source(
    path: Path | str,
    *,
    encoding: str | None = None,
    sheet: str | None = None,
    batch_rows: int = 20_000,
    limits: Limits | None = None,
) -> Source:
    """Open a CSV, XLSX, JSON Lines or Parquet file for reading in batches of ``batch_rows``;
    a workbook too large once decompressed is refused, a row with a cell longer than
    ``limits.max_field_chars`` is rejected (``Source.malformed``)."""
    path = Path(path)
    limits = limits or Limits()
    fmt = source_format(path)
    sample = read_sample(path)
    source = Source(path, fmt, None, [], iter(()))
    if fmt == "csv":
        enc = check_encoding(path, sample, encoding) if encoding else detect_encoding(path, sample)
        source.encoding = enc
        source.headers, chunks = open_csv(path, sample, enc, source.malformed)
    else:
        if fmt == "jsonl":
            enc = (
                check_encoding(path, sample, encoding)
                if encoding
                else detect_encoding(path, sample)
            )
            source.encoding = enc
            source.headers, chunks = iter_jsonl(path, enc, source.malformed)
        elif fmt == "xlsx":
            check_workbook(path, limits)  # before openpyxl inflates anything
            source.headers, chunks = iter_xlsx(path, sheet, source.closers)
        else:
            source.headers, chunks = iter_parquet(path, batch_rows, source.closers)
    source.batches = (RawBatch(columns, rows) for columns, rows in chunks)
    source.batches = _rebatch(
        long_cells(source.batches, source.headers, limits.max_field_chars, source.malformed),
        batch_rows,
        len(source.headers),
    )
    return source


def read_headers(
    path: Path | str,
    *,
    encoding: str | None = None,
    sheet: str | None = None,
    limits: Limits | None = None,
) -> list[str]:
    """Only the header of a source file (to tell its kind before loading)."""
    path = Path(path)
    if source_format(path) == "csv":
        sample = read_sample(path)
        enc = check_encoding(path, sample, encoding) if encoding else detect_encoding(path, sample)
        return header(path, sample, enc)[0]
    source = open_source(path, encoding=encoding, sheet=sheet, batch_rows=1, limits=limits)
    source.close()
    return source.headers


def _rebatch(batches: Iterator[RawBatch], size: int, width: int) -> Iterator[RawBatch]:
    """Re-cut a stream of batches into batches of exactly ``size`` rows (the last one shorter)."""
    held: list[RawBatch] = []
    count = 0
    for batch in batches:
        if batch.num_rows == 0:
            continue
        held.append(batch)
        count += batch.num_rows
        while count >= size:
            merged = _concat(held, width)
            yield _slice(merged, 0, size)
            rest = _slice(merged, size, count - size)
            held, count = ([rest] if rest.num_rows else []), rest.num_rows
    if count:
        yield _concat(held, width)


def _concat(batches: list[RawBatch], width: int) -> RawBatch:
    if len(batches) == 1:
        return batches[0]
    columns = [
        as_string_array(pa.concat_arrays([b.columns[i] for b in batches])) for i in range(width)
    ]
    return RawBatch(columns, np.concatenate([b.rows for b in batches]))


def _slice(batch: RawBatch, start: int, length: int) -> RawBatch:
    return RawBatch(
        [as_string_array(c.slice(start, length)) for c in batch.columns],
        batch.rows[start : start + length],
    )
