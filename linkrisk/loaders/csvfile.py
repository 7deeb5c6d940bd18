"""CSV as (columns of text, row numbers) chunks — and what a damaged file still gives.

pyarrow parses the file in large blocks, every column as text. Two kinds of damage used to cost
the whole file (a file is atomic: one unreadable block refused every row before it too):

- bytes that are not valid in the file's encoding — a truncated download ends in half a
  character, a UTF-8 export has a line pasted from a GBK one. A UTF-8 file is checked whole
  first (Arrow's validator over the memory-mapped file, about 2 GB/s); one that fails, and every
  file in another encoding, is read through a decoding stream that turns undecodable bytes into
  U+FFFD. The rows that got one are rejected, naming the encoding; the others load. (pyarrow
  also decodes a malformed row's text itself, strictly: invalid bytes in one printed an
  "Exception ignored …" traceback. The stream it reads is now always valid UTF-8.)
- a quote opened and never closed: the parser reads the following lines as one value and
  reports a single row with too few columns. That row is rejected for its unbalanced quote and
  the lines it swallowed are parsed again, one by one, and loaded or rejected on their own.

Row numbers are 1-based as a user sees them: the header is row 1 and a record spanning two lines
counts once (blank lines are skipped).
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pv

from linkrisk.errors import SourceFileError
from linkrisk.loaders.rejects import Reject
from linkrisk.loaders.scrub import shorten
from linkrisk.loaders.textops import as_string_array, may_contain, to_bool

Chunk = tuple[list[pa.StringArray], np.ndarray]
CSV_BLOCK_BYTES = 8 << 20  # large blocks: fewer, bigger batches for the string kernels
DECODE_BYTES = 1 << 20  # read and decoded at a time by the repairing stream
BAD_BYTES = "\ufffd"  # what the repairing stream puts where bytes could not be decoded


def bad_bytes(encoding: str) -> str:
    """The reason for a row with undecodable bytes."""
    return f"bytes that are not valid {encoding} (is the file truncated, or partly in another one?)"


def header(path: Path, sample: bytes, encoding: str) -> tuple[list[str], str]:
    """The header row and the delimiter (the most frequent of , tab ; | on the first line)."""
    text = sample.decode(encoding, errors="replace").lstrip("\ufeff")
    first_line = text.split("\n", 1)[0]
    delimiter = max(",\t;|", key=first_line.count)
    try:
        headers = next(csv.reader(io.StringIO(text), delimiter=delimiter))
    except (StopIteration, csv.Error):
        raise SourceFileError(f"{path}: no header row could be read") from None
    if not any(h.strip() for h in headers):
        raise SourceFileError(f"{path}: the first row (the header) is empty")
    return headers, delimiter


def utf8_valid(path: Path) -> bool:
    """Whether the whole file is valid UTF-8 (one pass of Arrow's validator, memory-mapped)."""
    with pa.memory_map(str(path)) as mapped:
        return valid_utf8(mapped.read_buffer())


def valid_utf8(data: pa.Buffer | bytes) -> bool:
    """Whether ``data`` is valid UTF-8 (Arrow's validator, without copying it)."""
    buffer = pa.py_buffer(data) if isinstance(data, bytes) else data
    offsets = pa.py_buffer(np.array([0, buffer.size], np.int64).tobytes())
    try:
        pa.LargeStringArray.from_buffers(1, offsets, buffer).validate(full=True)
    except pa.ArrowInvalid:
        return False
    return True


class Decoded(io.RawIOBase):
    """The file decoded from ``encoding`` and re-encoded as UTF-8, bad bytes as U+FFFD."""

    def __init__(self, path: Path, encoding: str) -> None:
        super().__init__()
        self._raw = path.open("rb")
        name = "utf-8-sig" if encoding == "utf-8" else encoding
        self._decoder = codecs.getincrementaldecoder(name)(errors="replace")
        self._pending = memoryview(b"")
        self._done = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        while not self._pending and not self._done:
            chunk = self._raw.read(DECODE_BYTES)
            self._done = not chunk
            self._pending = memoryview(self._decoder.decode(chunk, final=self._done).encode())
        n = min(len(buffer), len(self._pending))
        buffer[:n] = self._pending[:n]
        self._pending = self._pending[n:]
        return n

    def close(self) -> None:
        self._raw.close()
        super().close()


UNBALANCED = (
    "unbalanced quote: a value's opening quote (\") is not closed on its line; the lines it"
    " ran over are read again one by one"
)
CLOSING = "the quote opened in an earlier line of this row closes in this line"


@dataclass(slots=True)
class _Damage:
    """Rejects and recovered rows of a file's damaged records. A record keeps one row number
    however many lines it spans, so the lines recovered from one carry its number."""

    delimiter: str
    width: int
    encoding: str
    malformed: list[Reject]
    bad_rows: list[int] = field(default_factory=list)  # numbers of rows the parser skipped
    recovered: list[tuple[int, list[str]]] = field(default_factory=list)

    def on_invalid(self, row: pv.InvalidRow) -> str:
        """pyarrow's handler for a row with the wrong number of columns."""
        number = int(row.number) if row.number is not None else -1
        text = str(row.text)
        lines = [line.rstrip("\r") for line in text.split("\n")]
        self.bad_rows.append(number)
        if len(lines) > 1 and '"' in lines[0]:
            self.malformed.append(Reject(number, "", shorten(lines[0], 300), UNBALANCED))
            self.reparse(number, lines[1:])
            return "skip"
        reason = f"row has {row.actual_columns} columns, the header has {row.expected_columns}"
        if BAD_BYTES in text:
            reason = f"{bad_bytes(self.encoding)}; {reason}"
        self.malformed.append(Reject(number, "", shorten(text, 300), reason))
        return "skip"

    def cells(self, line: str) -> list[str]:
        try:
            return next(csv.reader([line], delimiter=self.delimiter))
        except (csv.Error, StopIteration):
            return []

    def reparse(self, number: int, lines: list[str], last_reason: str | None = None) -> None:
        """Lines a quote ran over: each a row of its own when it has the header's width (the
        last one is rejected with ``last_reason`` if given)."""
        for i, line in enumerate(lines):
            if not line.strip():
                continue
            cells = self.cells(line)
            if last_reason is not None and i == len(lines) - 1:
                self.malformed.append(Reject(number, "", shorten(line, 300), last_reason))
            elif len(cells) == self.width:
                self.recovered.append((number, cells))
            else:
                why = f"row has {len(cells)} columns, the header has {self.width}"
                self.malformed.append(Reject(number, "", shorten(line, 300), why))

    def swallowed(self, columns: list[pa.StringArray], rows: np.ndarray) -> np.ndarray:
        """Rows with the right width whose quoted value ran over lines that are rows of their
        own (a quote opened in one row and closed in a later one): rejected and read again."""
        out = np.zeros(len(rows), dtype=bool)
        multiline = np.zeros(len(rows), dtype=bool)
        for column in columns:
            if may_contain(column, b"\n"):
                multiline |= to_bool(pc.match_substring(column, "\n"))
        for at in np.flatnonzero(multiline).tolist():
            values = ["" if c[at].as_py() is None else str(c[at].as_py()) for c in columns]
            lines = _record_lines(values, self.delimiter)
            full = [len(self.cells(line)) == self.width for line in lines]
            if not (any(full[1:-1]) or (full[0] and full[-1])):
                continue  # a value with line breaks, as in an address: a good row
            out[at] = True
            number = int(rows[at])
            self.malformed.append(Reject(number, "", shorten(lines[0], 300), UNBALANCED))
            self.reparse(number, lines[1:], CLOSING)
        return out


def _record_lines(values: list[str], delimiter: str) -> list[str]:
    """A record's cells joined as the file had them (without quotes), split into lines."""
    return [line.rstrip("\r") for line in delimiter.join(values).split("\n")]


def open_csv(
    path: Path, sample: bytes, encoding: str, malformed: list[Reject]
) -> tuple[list[str], Iterator[Chunk]]:
    """The header and the chunks of a CSV file in ``encoding`` (rejects go to ``malformed``)."""
    headers, delimiter = header(path, sample, encoding)
    names = [f"c{i}" for i in range(len(headers))]
    damage = _Damage(delimiter, len(headers), encoding, malformed)
    repaired = encoding != "utf-8" or not utf8_valid(path)
    try:
        reader = pv.open_csv(
            Decoded(path, encoding) if repaired else path,
            read_options=pv.ReadOptions(
                use_threads=False,  # row numbers of malformed rows are only known single-threaded
                block_size=CSV_BLOCK_BYTES,
                column_names=names,
                skip_rows_after_names=1,
                encoding="utf8",
            ),
            parse_options=pv.ParseOptions(
                delimiter=delimiter, newlines_in_values=True, invalid_row_handler=damage.on_invalid
            ),
            convert_options=pv.ConvertOptions(
                column_types={n: pa.string() for n in names}, strings_can_be_null=False
            ),
        )
    except (pa.ArrowInvalid, UnicodeDecodeError, OSError) as exc:
        raise _csv_error(path, exc, encoding, 1) from None
    chunks = _chunks(path, reader, damage, encoding)
    return headers, (_drop_bad_bytes(chunks, headers, encoding, malformed) if repaired else chunks)


def _chunks(
    path: Path, reader: pv.CSVStreamingReader, damage: _Damage, encoding: str
) -> Iterator[Chunk]:
    next_row = 2  # the header is row 1
    pending: list[int] = []
    while True:
        try:
            batch = reader.read_next_batch()
        except StopIteration:
            batch = None
        except (pa.ArrowInvalid, UnicodeDecodeError, OSError) as exc:
            raise _csv_error(path, exc, encoding, next_row - 1) from None
        pending.extend(damage.bad_rows)
        damage.bad_rows.clear()
        if batch is not None:
            n = batch.num_rows
            # the n smallest row numbers from next_row on that are not malformed rows
            candidates = np.arange(next_row, next_row + n + len(pending))
            rows = candidates[~np.isin(candidates, pending)][:n] if pending else candidates
            last = int(rows[-1]) if n else next_row - 1
            pending = [r for r in pending if r > last]
            next_row = last + 1
            columns = [as_string_array(c) for c in batch.columns]
            bad = damage.swallowed(columns, rows)
            if bad.any():
                keep = pa.array(~bad)
                columns = [as_string_array(c.filter(keep)) for c in columns]
                rows = rows[~bad]
            yield columns, rows
        if damage.recovered:
            numbers, cells = zip(*damage.recovered, strict=True)
            damage.recovered.clear()
            columns = [pa.array(list(c), pa.string()) for c in zip(*cells, strict=True)]
            yield [as_string_array(c) for c in columns], np.array(numbers, dtype=np.int64)
        if batch is None:
            return


def _drop_bad_bytes(
    chunks: Iterator[Chunk], headers: list[str], encoding: str, malformed: list[Reject]
) -> Iterator[Chunk]:
    """Rows of a repaired file that hold undecodable bytes (U+FFFD) go to ``malformed``."""
    for columns, rows in chunks:
        bad = np.zeros(len(rows), dtype=bool)
        for i, column in enumerate(columns):
            if not may_contain(column, BAD_BYTES.encode()):
                continue
            hit = to_bool(pc.match_substring(column, BAD_BYTES)) & ~bad
            for at in np.flatnonzero(hit).tolist():
                malformed.append(
                    Reject(
                        int(rows[at]),
                        headers[i] if i < len(headers) else "",
                        shorten(str(column[at].as_py()), 300),
                        bad_bytes(encoding),
                    )
                )
            bad |= hit
        if bad.any():
            keep = pa.array(~bad)
            yield [as_string_array(c.filter(keep)) for c in columns], rows[~bad]
        else:
            yield columns, rows


def _csv_error(path: Path, exc: BaseException, encoding: str, after_row: int) -> SourceFileError:
    if "straddl" in str(exc):  # one record larger than a whole read block
        return SourceFileError(
            f"{path}: reading stopped after row {after_row}: the next row is longer than"
            f" {CSV_BLOCK_BYTES >> 20} MiB (a cell far beyond LINKRISK_MAX_FIELD_CHARS, or a"
            " quote that is never closed)"
        )
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return SourceFileError(
        f"{path}: reading stopped after row {after_row}: {shorten(text, 300)} "
        f"(is the file really {encoding}? pass --encoding, e.g. gb18030)"
    )
