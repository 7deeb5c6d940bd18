"""File formats, written in chunks: CSV (UTF-8 with or without BOM, GB18030), Parquet, JSON
Lines and XLSX. Every writer is byte-deterministic for the same rows (XLSX timestamps pinned)."""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
from openpyxl import Workbook

BOM = b"\xef\xbb\xbf"
_ZIP_TIME = (2026, 1, 1, 0, 0, 0)


def write_csv(path: Path, tables: Iterable[pa.Table], encoding: str = "utf-8") -> int:
    """``encoding``: "utf-8", "utf-8-sig" (with BOM) or "gb18030"; returns the data row count."""
    rows = 0
    with path.open("wb") as out:
        if encoding == "utf-8-sig":
            out.write(BOM)
        for i, table in enumerate(tables):
            buf = pa.BufferOutputStream()
            pacsv.write_csv(table, buf, pacsv.WriteOptions(include_header=i == 0))
            data = buf.getvalue().to_pybytes()
            if encoding == "gb18030":
                data = data.decode("utf-8").encode("gb18030")
            out.write(data)
            rows += table.num_rows
    return rows


def write_parquet(path: Path, tables: Iterable[pa.Table]) -> int:
    rows = 0
    writer: pq.ParquetWriter | None = None
    try:
        for table in tables:
            if writer is None:
                writer = pq.ParquetWriter(path, table.schema, compression="zstd")
            writer.write_table(table)
            rows += table.num_rows
    finally:
        if writer is not None:
            writer.close()
    return rows


def write_lines(path: Path, lines: Iterable[pa.Array]) -> int:
    rows = 0
    with path.open("wb") as out:
        for chunk in lines:
            for value in chunk.to_pylist():
                out.write(value.encode("utf-8") + b"\n")
            rows += len(chunk)
    return rows


def write_xlsx(
    path: Path, headers: Sequence[str], rows: Sequence[Sequence[str | None]], created: datetime
) -> int:
    """A one-sheet workbook; zip entry times and document dates pinned for determinism."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("执法检查人员")
    ws.append(list(headers))
    for row in rows:
        ws.append(list(row))
    wb.properties.created = created
    raw = io.BytesIO()
    wb.save(raw)
    stamp = created.strftime("%Y-%m-%dT%H:%M:%SZ")
    with zipfile.ZipFile(io.BytesIO(raw.getvalue())) as src, zipfile.ZipFile(path, "w") as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(
                    rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\g<1>" + stamp.encode(), data
                )
            pinned = zipfile.ZipInfo(info.filename, _ZIP_TIME)
            pinned.compress_type = zipfile.ZIP_DEFLATED
            pinned.external_attr = info.external_attr
            dst.writestr(pinned, data)
    return len(rows)


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()
