"""The beneficial owners firms filed (受益所有人备案): a documented file kind, read for 备案核验.

A CSV (UTF-8, with or without BOM) with one row per filed beneficial owner:

==================  =========================================  ==========================
field               accepted headers                           value
==================  =========================================  ==========================
uscc (required)     统一社会信用代码, uscc                        the filing firm
name                受益所有人姓名, 姓名, name                     as filed
id_number           证件号码, 身份证号码, id_number                 resident ID (hashed at once)
person              人员标识, person_key                          a person key P… instead
share               持股比例, 受益比例, share                       35%, 0.35 or 35
==================  =========================================  ==========================

Each row needs an ``id_number`` or a ``person`` key: persons are matched on their keyed hash,
never on name. The raw ID number is hashed as it is read and never kept. Shares are decided
per column: a column with any value above 1 is in percent. Bad rows are reported by row number
and field, with any ID number masked.
"""

from __future__ import annotations

import csv
import dataclasses
import io
from pathlib import Path

from linkrisk.loaders.identifiers import check_resident_id, check_uscc, person_sid
from linkrisk.loaders.scrub import scrub_text

HEADERS = {
    "uscc": ("统一社会信用代码", "uscc"),
    "name": ("受益所有人姓名", "姓名", "name"),
    "id_number": ("证件号码", "身份证号码", "id_number"),
    "person": ("人员标识", "person_key", "person"),
    "share": ("持股比例", "受益比例", "share"),
}
MAX_ROWS = 100_000  # a filing file lists a few owners per firm


@dataclasses.dataclass(frozen=True, slots=True)
class FiledRow:
    uscc: str
    sid: str  # the person key (P… keyed hash, or as given)
    name: str | None
    share: float | None


def _shares(values: list[str]) -> list[float | None]:
    parsed: list[float | None] = []
    percent = False
    for raw in values:
        text = raw.strip().replace("％", "%")
        if not text:
            parsed.append(None)
            continue
        if text.endswith("%"):
            percent = True
            text = text[:-1]
        number = float(text)
        percent = percent or number > 1
        parsed.append(number)
    return [None if v is None else (v / 100 if percent else v) for v in parsed]


def read_filed_owners(text: str, key: bytes) -> tuple[list[FiledRow], list[str]]:
    """Rows of a filing file's text, and the problems of the rows left out."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    headers = {h.strip(): h for h in reader.fieldnames or []}
    column = {
        field: next((headers[a] for a in aliases if a in headers), None)
        for field, aliases in HEADERS.items()
    }
    if column["uscc"] is None:
        return [], ["no 统一社会信用代码 (uscc) column"]
    rows, problems, raw_shares = [], [], []
    for number, row in enumerate(reader, start=2):
        if number > MAX_ROWS:
            problems.append(f"more than {MAX_ROWS} rows: the rest is not read")
            break

        def cell(field: str, row: dict[str, str] = row) -> str:
            name = column[field]
            return (row.get(name) or "").strip() if name else ""

        uscc = cell("uscc").upper()
        if check_uscc(uscc) is not None:
            problems.append(f"row {number}: uscc {scrub_text(uscc)!r} is not a valid USCC")
            continue
        id_number, person = cell("id_number").upper(), cell("person")
        if id_number:
            if check_resident_id(id_number) is not None:
                problems.append(f"row {number}: id_number {scrub_text(id_number)} does not check")
                continue
            sid = person_sid(id_number, key)
        elif person:
            sid = person
        else:
            problems.append(f"row {number}: neither id_number nor person key")
            continue
        rows.append(FiledRow(uscc, sid, cell("name") or None, None))
        raw_shares.append(cell("share"))
    try:
        shares = _shares(raw_shares)
    except ValueError:
        return [], [*problems, "share: a value is not a number"]
    return [dataclasses.replace(r, share=s) for r, s in zip(rows, shares, strict=True)], problems


def read_filed_owners_file(path: Path, key: bytes) -> tuple[list[FiledRow], list[str]]:
    return read_filed_owners(path.read_text(encoding="utf-8"), key)
