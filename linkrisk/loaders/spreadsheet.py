"""Files people open in a spreadsheet: CSV and XLSX cells that never run as formulas.

A cell whose text starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is a formula
to Excel, WPS or LibreOffice (OWASP "CSV injection"): a firm registered as
``=HYPERLINK("http://…","点击查看")`` would put a live link, or worse, into the 公示 file a
regulator opens. Every CSV linkrisk writes for people — reject files, check-job results, the
publication — goes through the one writer here, which neutralises such a cell the way OWASP
recommends: a leading ``'`` (a plain number such as ``-5`` is left alone: it cannot run).
XLSX cells are written as text (data type ``s``, with the quote prefix set), never as formulas.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import Any, TextIO

from openpyxl.cell import WriteOnlyCell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

#: what makes a cell a formula (full-width forms too: some spreadsheets fold them)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def safe_cell(value: object) -> str:
    """A value as the text of a CSV cell, with a formula-like start neutralised by ``'``."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_START) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


class SafeCsvWriter:
    """``csv.writer`` whose every cell (header included) goes through ``safe_cell``."""

    def __init__(self, handle: TextIO, **fmt: Any) -> None:
        self._out = csv.writer(handle, **fmt)

    def writerow(self, row: Iterable[object]) -> None:
        self._out.writerow([safe_cell(v) for v in row])

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        for row in rows:
            self.writerow(row)


def text_cells(sheet: WriteOnlyWorksheet, row: Iterable[object]) -> list[object]:
    """A row for ``sheet.append``: every string as a text cell (never a formula); numbers,
    dates and empty cells as they are."""
    cells: list[object] = []
    for value in row:
        if isinstance(value, str):
            cell = WriteOnlyCell(sheet, value=value)
            cell.data_type = "s"  # openpyxl makes "=…" a formula cell otherwise
            if value.startswith(FORMULA_START):
                cell.quotePrefix = True  # and editing the cell does not turn it into one
            cells.append(cell)
        else:
            cells.append(value)
    return cells
