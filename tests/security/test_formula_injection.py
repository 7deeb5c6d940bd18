"""Formula injection (issue 17, item 10): names that start like a formula stay text.

Firm names and plan names starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
were written verbatim into the 公示 CSV, the check-job CSV and reject files, and as live formula
cells (``<f>HYPERLINK(…)</f>``) into the XLSX publication. Now every CSV gets OWASP's leading
``'`` from one writer, and XLSX cells are text: the test opens the workbook's XML and looks for
any ``<f>`` element.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest

from linkrisk.config import Settings
from linkrisk.graph.embedded.store import EmbeddedStore
from linkrisk.graph.snapshot.arrays import Snapshot
from linkrisk.loaders.identifiers import uscc_check_char
from linkrisk.loaders.pipeline import load_file
from linkrisk.loaders.records import InspectionResult
from linkrisk.loaders.spreadsheet import FORMULA_START, safe_cell
from linkrisk.sampling import PlanBook, ResultEntry, publish_plan, record_results
from tests.api.city import City, make_uscc
from tests.api.conftest import AppFactory, city, make_client, make_keys, services_of
from tests.sampling.conftest import book, plan_params, run_to_assigned, world

__all__ = ["book", "city", "make_client", "world"]  # fixtures these tests use

PAYLOADS = [
    '=HYPERLINK("http://127.0.0.1/x","点击查看")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "＝1+1",
]


def formula_cells(rows: list[list[str]]) -> list[str]:
    return [cell for row in rows for cell in row if cell.startswith(FORMULA_START)]


def read_csv(path: Path | str, encoding: str = "utf-8-sig") -> list[list[str]]:
    with open(path, encoding=encoding, newline="") as handle:
        return list(csv.reader(handle))


def test_safe_cell() -> None:
    for payload in PAYLOADS:
        assert safe_cell(payload) == "'" + payload
    assert [safe_cell(v) for v in ("-5", "+3.5", "1e-3", "南京", None, 7)] == [
        "-5",
        "+3.5",
        "1e-3",
        "南京",
        "",
        "7",
    ]


def test_publication_has_no_formulas(
    book: PlanBook, world: tuple[EmbeddedStore, Snapshot], tmp_path: Path
) -> None:
    store, _ = world
    sids = [r[0] for r in store.execute("SELECT sid FROM subjects WHERE kind != 'person'")]
    for i, sid in enumerate(sids):
        store.execute(
            "UPDATE subjects SET name = ? WHERE sid = ?", (PAYLOADS[i % len(PAYLOADS)], sid)
        )
    plan = run_to_assigned(book, world, plan_params(name=PAYLOADS[0]))
    teams = [t for t in book.teams(plan) if t.inspectors]
    entries = [ResultEntry(t.sid, InspectionResult.NORMAL, dt.date(2025, 8, 1)) for t in teams]
    record_results(book, store, plan, entries)
    paths = publish_plan(book, store, plan, tmp_path / "pub")
    results, facts = read_csv(paths["results_csv"]), read_csv(paths["plan_csv"])
    assert formula_cells(results) == [] and formula_cells(facts) == []
    names = {row[2] for row in results[1:]}
    assert "'" + PAYLOADS[0] in names  # kept, as text
    with zipfile.ZipFile(paths["xlsx"]) as xlsx:
        sheets = [n for n in xlsx.namelist() if n.startswith("xl/worksheets/")]
        assert sheets
        for name in sheets:
            xml = xlsx.read(name).decode()
            assert not re.search(r"<f[ >]", xml), name
        strings = (
            xlsx.read("xl/sharedStrings.xml").decode()
            if "xl/sharedStrings.xml" in (xlsx.namelist())
            else "".join(xlsx.read(n).decode() for n in sheets)
        )
        assert "HYPERLINK" in strings  # the name is there, as a string


def test_reject_files_have_no_formulas(settings: Settings, tmp_path: Path) -> None:
    bad_uscc = make_uscc(1)[:17] + ("0" if make_uscc(1)[17] != "0" else "1")
    assert uscc_check_char(bad_uscc[:17]) != bad_uscc[17]
    path = tmp_path / "orgs.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["统一社会信用代码", "企业名称", "成立日期", "=EVIL()"])
        out.writerows([bad_uscc, p, "2020-01-01", p] for p in PAYLOADS)
    store = EmbeddedStore(settings.db_path)
    store.migrate()
    try:
        report = load_file(path, store, settings=settings, kind="orgs")
    finally:
        store.close()
    assert report.rows_rejected == len(PAYLOADS) and report.rejects_path
    rejected = read_csv(report.rejects_path)
    assert formula_cells(rejected) == []
    assert "'=EVIL()" in rejected[0]


def test_check_job_csv_has_no_formulas(make_client: AppFactory, city: City) -> None:
    client = make_client(check_job_threshold=2)
    keys = make_keys(client, city)
    response = client.post(
        "/v1/checks", json={"usccs": PAYLOADS}, headers=keys.headers("regulator")
    )
    assert response.status_code == 202
    job: dict[str, Any] = response.json()
    deadline = time.monotonic() + 30
    while job["status"] not in {"done", "failed"}:
        assert time.monotonic() < deadline
        time.sleep(0.05)
        job = client.get(job["links"]["self"], headers=keys.headers("regulator")).json()
    table = client.get(job["links"]["csv"], headers=keys.headers("regulator")).text
    rows = list(csv.reader(io.StringIO(table)))
    assert len(rows) == len(PAYLOADS) + 1
    assert formula_cells(rows) == []
    assert services_of(client).settings.data_dir.exists()


@pytest.mark.parametrize("payload", PAYLOADS)
def test_every_payload_is_neutralised(payload: str) -> None:
    assert not safe_cell(payload).startswith(FORMULA_START)
