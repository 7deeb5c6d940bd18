"""Files in (issue 17, item 11): decompression bombs and giant cells.

A 617 KB ``.xlsx`` whose shared strings expand to 629 MB loaded with exit code 0, used 5 GB of
memory and stored a 629-million-character name; a 10 MB CSV cell was stored as a name. The bombs
here are built by the tests (a few KiB), never committed.
"""

from __future__ import annotations

import io
import json
import os
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

from linkrisk.config import Settings
from linkrisk.errors import SourceFileError
from linkrisk.graph.embedded.store import EmbeddedStore
from linkrisk.loaders.pipeline import LoadReport, load_directory, load_file
from tests.api.city import make_uscc

PLACEHOLDER = "PLACEHOLDER-NAME"


_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
        'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.'
        'openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/workbook.xml": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/worksheet" Target="worksheets/sheet1.xml"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>'
    ),
}


def workbook(rows: list[list[str]]) -> bytes:
    """A workbook as Excel writes it: every text in the shared strings part."""
    strings: list[str] = []
    cells = []
    for r, row in enumerate([["统一社会信用代码", "企业名称", "成立日期"], *rows], start=1):
        refs = []
        for c, value in enumerate(row):
            strings.append(value)
            refs.append(f'<c r="{"ABC"[c]}{r}" t="s"><v>{len(strings) - 1}</v></c>')
        cells.append(f'<row r="{r}">{"".join(refs)}</row>')
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    sheet = f'<worksheet xmlns="{main}"><sheetData>{"".join(cells)}</sheetData></worksheet>'
    shared = "".join(f"<si><t>{escape(s)}</t></si>" for s in strings)
    parts = {
        **_PARTS,
        "xl/worksheets/sheet1.xml": sheet,
        "xl/sharedStrings.xml": f'<sst xmlns="{main}" count="{len(strings)}">{shared}</sst>',
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as xlsx:
        for name, text in parts.items():
            xlsx.writestr(name, text)
    return out.getvalue()


def inflate(data: bytes, replacement: str) -> bytes:
    """The workbook with the placeholder name replaced in its shared strings (re-zipped)."""
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for info in source.infolist():
            part = source.read(info.filename)
            if info.filename == "xl/sharedStrings.xml":
                part = part.replace(PLACEHOLDER.encode(), replacement.encode())
            target.writestr(info.filename, part)
    return out.getvalue()


def load(settings: Settings, path: Path) -> LoadReport:
    store = EmbeddedStore(settings.db_path)
    store.migrate()
    try:
        return load_file(path, store, settings=settings)
    finally:
        store.close()


def stored_names(settings: Settings) -> list[str]:
    store = EmbeddedStore(settings.db_path)
    try:
        return [str(r[0]) for r in store.execute("SELECT name FROM subjects")]
    finally:
        store.close()


def test_a_shared_strings_bomb_is_refused_before_it_is_opened(
    settings: Settings, tmp_path: Path
) -> None:
    bomb = inflate(workbook([[make_uscc(1), PLACEHOLDER, "2020-01-01"]]), "某" * 20_000_000)
    path = tmp_path / "orgs.xlsx"
    path.write_bytes(bomb)
    assert len(bomb) < 200_000  # 60 MB of XML in it
    with pytest.raises(SourceFileError, match="LINKRISK_MAX_XLSX_RATIO") as refused:
        load(settings, path)
    assert "sharedStrings.xml" in refused.value.detail
    # in a directory the other files still load, and the bomb is named with its reason
    good = tmp_path / "more.csv"
    good.write_text(f"统一社会信用代码,企业名称\n{make_uscc(2)},乙公司\n", encoding="utf-8")
    store = EmbeddedStore(settings.db_path)
    try:
        reports = {Path(r.file).name: r for r in load_directory(tmp_path, store, settings=settings)}
    finally:
        store.close()
    assert reports["more.csv"].status == "done"
    assert reports["orgs.xlsx"].status == "failed"
    assert "MAX_XLSX" in (reports["orgs.xlsx"].error or "")
    assert stored_names(settings) == ["乙公司"]


def test_a_workbook_part_too_large_is_refused(settings: Settings, tmp_path: Path) -> None:
    noise = os.urandom(1_500_000).hex()  # does not compress: no bomb, only large
    path = tmp_path / "orgs.xlsx"
    path.write_bytes(inflate(workbook([[make_uscc(1), PLACEHOLDER, "2020-01-01"]]), noise))
    small = settings.model_copy(update={"max_xlsx_uncompressed": 2 << 20})
    with pytest.raises(SourceFileError, match="LINKRISK_MAX_XLSX_UNCOMPRESSED"):
        load(small, path)


def rows_of(name: str) -> list[list[str]]:
    return [
        [make_uscc(1), "甲公司", "2020-01-01"],
        [make_uscc(2), name, "2020-01-01"],
        [make_uscc(3), "丙公司", "2020-01-01"],
    ]


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "xlsx"])
def test_a_giant_cell_rejects_its_row_only(settings: Settings, tmp_path: Path, fmt: str) -> None:
    giant = "A" * 10_000_000 if fmt != "xlsx" else "某" * 100_000
    rows = rows_of(giant)
    path = tmp_path / f"orgs.{fmt}"
    if fmt == "csv":
        path.write_text(
            "统一社会信用代码,企业名称,成立日期\n" + "".join(",".join(r) + "\n" for r in rows),
            encoding="utf-8",
        )
    elif fmt == "jsonl":
        keys = ("统一社会信用代码", "企业名称", "成立日期")
        path.write_text(
            "".join(json.dumps(dict(zip(keys, r, strict=True))) + "\n" for r in rows),
            encoding="utf-8",
        )
    else:
        path.write_bytes(workbook(rows))
    report = load(settings, path)
    assert (report.rows_ok, report.rows_rejected) == (2, 1)
    assert sorted(stored_names(settings)) == ["丙公司", "甲公司"]
    assert report.rejects_path
    rejects = Path(report.rejects_path)
    text = rejects.read_text("utf-8-sig")
    assert "LINKRISK_MAX_FIELD_CHARS" in text and "企业名称" in text
    assert rejects.stat().st_size < 2_000  # the cell is not copied into the reject file


def test_the_field_limit_is_a_setting(settings: Settings, tmp_path: Path) -> None:
    path = tmp_path / "orgs.csv"
    body = "".join(",".join(r) + "\n" for r in rows_of("长" * 200))
    path.write_text("统一社会信用代码,企业名称,成立日期\n" + body, encoding="utf-8")
    assert load(settings, path).rows_rejected == 0
    strict = settings.model_copy(update={"max_field_chars": 100})
    assert load(strict, path).rows_rejected == 1
