"""Small demo cities generated once per test session, and helpers to read their files back."""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from linkrisk.demo import CityManifest, generate_city

SMALL = 2000  # organisations: big enough for every structure, small enough to take a second
SEED = 11


@pytest.fixture(scope="session")
def city_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("city")
    generate_city(out, subjects=SMALL, seed=SEED)
    return out


@pytest.fixture(scope="session")
def manifest(city_dir: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((city_dir / "manifest.json").read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="session")
def truth(city_dir: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((city_dir / "ground_truth.json").read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="session")
def dirty_city(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, CityManifest]:
    out = tmp_path_factory.mktemp("dirty")
    return out, generate_city(out, subjects=1000, seed=3, dirty_rate=0.05)


def read_csv(path: Path, encoding: str = "utf-8") -> pa.Table:
    """All columns as text, blanks as null (as the loaders see them)."""
    with path.open(encoding="utf-8-sig" if encoding == "utf-8" else encoding) as fh:
        names = next(csv.reader(fh))
    return pacsv.read_csv(
        path,
        read_options=pacsv.ReadOptions(encoding=encoding),
        convert_options=pacsv.ConvertOptions(
            column_types=dict.fromkeys(names, pa.string()), strings_can_be_null=True
        ),
    )


def read_parquet(path: Path) -> pa.Table:
    return pq.read_table(path)


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def column(table: pa.Table, name: str) -> list[Any]:
    return table.column(name).to_pylist()


def parse_date(text: str) -> date:
    """The three date forms the files use: 2021-03-05, 2021年3月5日, 20210305 (and 2021/03/05)."""
    if "年" in text:
        y, rest = text.split("年")
        m, rest = rest.split("月")
        return date(int(y), int(m), int(rest.rstrip("日")))
    if len(text) == 8 and text.isdigit():
        return date(int(text[:4]), int(text[4:6]), int(text[6:]))
    return date.fromisoformat(text.replace("/", "-"))
