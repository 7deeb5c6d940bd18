"""Deliberately bad rows: as many of each defect as the manifest says, by independent checks."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np

from linkrisk.demo import CityManifest
from linkrisk.loaders.identifiers import resident_id_valid_array, uscc_valid_array
from tests.demo.conftest import column, parse_date, read_csv, read_parquet


def _bad_date(text: str | None) -> bool:
    if text is None:
        return False
    try:
        parse_date(text)
    except ValueError:
        return True
    return False


def _valid_code(codes: list[str]) -> np.ndarray:
    arr = np.array(codes)
    return uscc_valid_array(arr) | resident_id_valid_array(arr)


def test_dirty_rows_are_counted(dirty_city: tuple[Path, CityManifest]) -> None:
    out, manifest = dirty_city
    dirty = manifest.dirty
    orgs = read_csv(out / "orgs.csv")
    assert dirty["orgs.csv"]["rows"] == round(0.05 * 1000)
    assert (~uscc_valid_array(np.array(column(orgs, "统一社会信用代码")))).sum() == dirty[
        "orgs.csv"
    ]["bad_check_char"]
    assert sum(map(_bad_date, column(orgs, "成立日期"))) == dirty["orgs.csv"]["impossible_date"]
    assert column(orgs, "企业名称").count(None) == dirty["orgs.csv"]["missing_required"]

    h = read_parquet(out / "holdings.parquet")
    spec = dirty["holdings.parquet"]
    assert spec["rows"] == round(0.05 * h.num_rows)
    assert (~uscc_valid_array(np.array(column(h, "org_uscc")))).sum() == spec["bad_check_char"]
    over = [s for s in column(h, "share") if float(s.rstrip("%")) > 100]
    assert len(over) == spec["share_over_100"]
    assert column(h, "holder_name").count(None) == spec["missing_required"]
    assert sum(map(_bad_date, column(h, "start_date"))) == spec["impossible_date"]

    ev = read_csv(out / "events.csv")
    spec = dirty["events.csv"]
    assert (~_valid_code(column(ev, "统一社会信用代码"))).sum() == spec["bad_check_char"]
    assert sum(map(_bad_date, column(ev, "决定日期"))) == spec["impossible_date"]
    assert column(ev, "类别").count(None) == spec["missing_required"]
    total = sum(v for k, v in spec.items() if k != "rows")
    assert total == spec["rows"] == round(0.05 * ev.num_rows)


def test_a_clean_city_has_no_bad_rows(city_dir: Path) -> None:
    orgs = read_csv(city_dir / "orgs.csv")
    assert not any(map(_bad_date, column(orgs, "成立日期")))
    assert all(
        date(2000, 1, 1) <= parse_date(d) <= date(2026, 10, 31) for d in column(orgs, "成立日期")
    )
    assert column(orgs, "企业名称").count(None) == 0
    assert _valid_code(column(read_csv(city_dir / "events.csv"), "统一社会信用代码")).all()
