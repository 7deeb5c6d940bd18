"""Rejected rows: what was wrong (row, field, value, reason) and the reject file beside the input.

The reject file ``<input name>.rejects.csv`` is UTF-8 with a BOM (so that Excel opens it) with
the columns row, field, value, reason and then the original row's columns. Nothing in it, nor in
any reason, shows a resident ID number: ID columns are masked (``3201**********123X``) and every
other cell and reason goes through the one scrubber (``scrub.scrub_text``) before it is cut short.
It is written with the spreadsheet-safe writer (``spreadsheet.SafeCsvWriter``): a rejected firm
name like ``=HYPERLINK(…)`` does not become a formula when the file is opened in Excel.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import numpy as np
import pyarrow as pa

from linkrisk.loaders.identifiers import IdentifierKind, compact_code, identifier_kind, mask_value
from linkrisk.loaders.scrub import scrub_text
from linkrisk.loaders.spreadsheet import SafeCsvWriter

REJECT_SUFFIX = ".rejects.csv"
REJECT_COLUMNS = ["row", "field", "value", "reason"]


@dataclass(frozen=True, slots=True)
class Reject:
    """One problem with one source row: ``value`` is already masked when it may be an ID."""

    row: int
    field: str
    value: str
    reason: str

    def __str__(self) -> str:
        where = f"row {self.row}" + (f", field {self.field}" if self.field else "")
        return f"{where}: {self.reason} (value {self.value!r})"


def mask_identifier(value: str) -> str:
    """An ID-bearing field's value: kept when it names an organisation (``identifier_kind``),
    masked otherwise (a number that is also a valid USCC is still a person's)."""
    code = compact_code(value)
    return code if identifier_kind(code) is IdentifierKind.ORGANISATION else mask_value(code)


def reject_path(source: Path) -> Path:
    return source.with_name(source.name + REJECT_SUFFIX)


class RejectWriter:
    """Writes a load's rejects; the file is created at the first reject (and an old one removed)."""

    def __init__(
        self, source: Path, headers: Sequence[str], id_columns: Iterable[int] = ()
    ) -> None:
        self.path = reject_path(source)
        self.headers = list(headers)
        self.id_columns = set(id_columns)
        self.count = 0
        self._fh: TextIO | None = None
        self._out: SafeCsvWriter | None = None
        self.path.unlink(missing_ok=True)

    def write(
        self,
        rejects: Sequence[Reject],
        row_numbers: np.ndarray | None = None,
        columns: Sequence[pa.Array] | None = None,
    ) -> None:
        """Append rejects; the original cells come from the batch (``row_numbers`` ascending)."""
        if not rejects:
            return
        if self._out is None:
            self._fh = self.path.open("w", encoding="utf-8-sig", newline="")
            self._out = SafeCsvWriter(self._fh)  # no cell of it runs as a formula
            self._out.writerow(REJECT_COLUMNS + self.headers)
        originals = self._originals([r.row for r in rejects], row_numbers, columns)
        for reject in rejects:
            self._out.writerow(
                [
                    reject.row,
                    reject.field,
                    reject.value,
                    scrub_text(reject.reason),
                    *originals.get(reject.row, ()),
                ]
            )
        self.count += len(rejects)

    def _originals(
        self, rows: list[int], row_numbers: np.ndarray | None, columns: Sequence[pa.Array] | None
    ) -> dict[int, list[str]]:
        """The masked original cells of the given rows of a batch."""
        if row_numbers is None or columns is None or len(row_numbers) == 0:
            return {}
        wanted = np.unique(np.asarray(rows, dtype=np.int64))
        at = np.searchsorted(row_numbers, wanted)
        found = at < len(row_numbers)
        found[found] = row_numbers[at[found]] == wanted[found]
        wanted, at = wanted[found], pa.array(at[found])
        cells: list[list[str]] = [[] for _ in range(len(wanted))]
        for i, column in enumerate(columns):
            for row_cells, value in zip(cells, column.take(at).to_pylist(), strict=True):
                text = "" if value is None else str(value)
                secret = i in self.id_columns and text
                row_cells.append(mask_identifier(text) if secret else scrub_text(text))
        return dict(zip(wanted.tolist(), cells, strict=True))

    def close(self) -> Path | None:
        """Close the file; its path when any reject was written."""
        if self._fh is not None:
            self._fh.close()
            self._fh, self._out = None, None
        return self.path if self.count else None
