"""How big a source file's parts may be: decompressed workbook parts and single cells.

An ``.xlsx`` is a zip of XML parts, and openpyxl holds a workbook's shared strings in memory:
a 617 KB file whose ``sharedStrings.xml`` expands to 629 MB loaded with exit code 0, used 5 GB
and stored a 629-million-character name. Before openpyxl opens a workbook, ``check_workbook``
reads the zip's directory (nothing is decompressed) and refuses a part that would expand beyond
``max_xlsx_uncompressed`` bytes, or more than ``max_xlsx_ratio`` times (a legitimate export
compresses 5–20 fold). The sizes come from the zip directory; Python's ``zipfile`` never
inflates more than the size an entry declares, so a lying directory cannot get round it.

Every cell of every format is then held to ``max_field_chars`` characters: a row with a longer
cell is rejected (its other cells are not kept in the reject file either) and the others load.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from linkrisk.errors import SourceFileError
from linkrisk.loaders.rejects import Reject
from linkrisk.loaders.scrub import shorten
from linkrisk.loaders.textops import as_string_array, longest, to_bool

if TYPE_CHECKING:
    from linkrisk.config import Settings
    from linkrisk.loaders.readers import RawBatch

RATIO_FLOOR = 1 << 20  # smaller parts may compress any amount (a few KiB of repeated XML)
SHOWN_CHARS = 200  # of an over-long cell in its reject


@dataclass(frozen=True, slots=True)
class Limits:
    """Source-file limits (``LINKRISK_MAX_FIELD_CHARS``, ``LINKRISK_MAX_XLSX_UNCOMPRESSED``,
    ``LINKRISK_MAX_XLSX_RATIO``)."""

    max_field_chars: int = 4096
    max_xlsx_uncompressed: int = 256 << 20
    max_xlsx_ratio: float = 100.0

    @classmethod
    def from_settings(cls, settings: Settings) -> Limits:
        return cls(
            settings.max_field_chars, settings.max_xlsx_uncompressed, settings.max_xlsx_ratio
        )


def check_workbook(path: Path, limits: Limits) -> None:
    """Refuse a workbook with a part too large or too compressed (``SourceFileError``)."""
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise SourceFileError(f"{path}: not a readable .xlsx workbook") from None
    for part in parts:
        if part.file_size > limits.max_xlsx_uncompressed:
            raise SourceFileError(
                f"{path}: refused: its part {part.filename} would expand to"
                f" {part.file_size:,} bytes, more than LINKRISK_MAX_XLSX_UNCOMPRESSED"
                f" ({limits.max_xlsx_uncompressed:,}); save the sheet as CSV"
            )
        ratio = part.file_size / max(part.compress_size, 1)
        if part.file_size > RATIO_FLOOR and ratio > limits.max_xlsx_ratio:
            raise SourceFileError(
                f"{path}: refused: its part {part.filename} would expand {ratio:,.0f}-fold"
                f" ({part.compress_size:,} → {part.file_size:,} bytes), more than"
                f" LINKRISK_MAX_XLSX_RATIO ({limits.max_xlsx_ratio:g}): not a spreadsheet"
                " export (a decompression bomb?)"
            )


def long_cells(
    batches: Iterator[RawBatch], headers: list[str], max_chars: int, rejects: list[Reject]
) -> Iterator[RawBatch]:
    """``batches`` without the rows that have a cell longer than ``max_chars`` characters;
    each such row is added to ``rejects`` (its first long cell, shown scrubbed and cut)."""
    from linkrisk.loaders.readers import RawBatch

    for batch in batches:
        long = np.zeros(batch.num_rows, dtype=bool)
        first: dict[int, tuple[int, str]] = {}
        for i, column in enumerate(batch.columns):
            if longest(column) <= max_chars:  # bytes ≥ characters: nothing can be too long
                continue
            over = to_bool(pc.greater(pc.utf8_length(column), max_chars))
            for hit in np.flatnonzero(over & ~long).tolist():
                first[hit] = (i, str(column[hit].as_py()))
            long |= over
        if not long.any():
            yield batch
            continue
        for at, (i, text) in sorted(first.items()):
            rejects.append(
                Reject(
                    int(batch.rows[at]),
                    headers[i] if i < len(headers) else f"column {i + 1}",
                    shorten(text, SHOWN_CHARS),
                    f"a cell of {len(text):,} characters: longer than LINKRISK_MAX_FIELD_CHARS"
                    f" ({max_chars:,})",
                )
            )
        keep = pa.array(~long)
        yield RawBatch([as_string_array(c.filter(keep)) for c in batch.columns], batch.rows[~long])
