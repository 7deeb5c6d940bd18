"""A share column is read as percent or fraction as a whole; firms over 100 % are warned."""

from __future__ import annotations

import random
from pathlib import Path

import pyarrow as pa
import pytest

from linkrisk.config import Settings
from linkrisk.loaders import normalise
from linkrisk.loaders.pipeline import load_file
from linkrisk.loaders.shares import ShareTotals, decide_scale
from tests.loaders.conftest import RecordingStore, write_csv
from tests.loaders.synth import make_resident_id, make_uscc

HEADER = ["统一社会信用代码", "股东名称", "股东类型", "股东证照号码", "持股比例"]


def text(values: list[str | None]) -> pa.StringArray:
    return pa.array(values, pa.string())


def test_a_mixed_column_is_percent_as_a_whole() -> None:
    parsed = normalise.percentages(text(["1", "51", "75", None]))
    values = parsed.values.to_pylist()
    assert values[:3] == pytest.approx([0.01, 0.51, 0.75]) and values[3] is None


def test_a_column_of_fractions_reads_1_as_100_percent() -> None:
    parsed = normalise.percentages(text(["1", "0.5", "0.25"]))
    assert parsed.values.to_pylist() == pytest.approx([1.0, 0.5, 0.25])


def test_the_file_decides_over_the_batch() -> None:
    assert normalise.percentages(text(["1"]), percent=True).values.to_pylist() == [0.01]
    assert normalise.percentages(text(["1"]), percent=False).values.to_pylist() == [1.0]
    written = normalise.percentages(text(["35%", "0.5"]), percent=False)
    assert written.values.to_pylist() == pytest.approx([0.35, 0.5])  # "%" is explicit


def test_decide_scale_says_why() -> None:
    assert decide_scale([text(["0.2", "1"]), text(["35%", None])]).percent is False
    found = decide_scale([text(["0.2", "1"]), text(["51"])])
    assert found.percent and "'51'" in found.describe()
    assert decide_scale([], "%").describe() == "percent (the header says %)"


def test_decide_scale_stops_at_the_first_deciding_batch() -> None:
    read: list[int] = []

    def batches():  # type: ignore[no-untyped-def]
        for i, values in enumerate((["0.5"], ["60"], ["boom"])):
            read.append(i)
            yield text(values)

    assert decide_scale(batches()).percent and read == [0, 1]


def _rows(rng: random.Random, org: str, shares: list[str]) -> list[list[str]]:
    return [
        [org, f"股东{i}", "自然人", make_resident_id(rng), share] for i, share in enumerate(shares)
    ]


@pytest.mark.parametrize("threads", [1, 2])
def test_a_value_above_1_in_a_later_batch_decides_the_first(
    tmp_path: Path, recording: RecordingStore, threads: int
) -> None:
    rng = random.Random(7)
    org_a, org_b = make_uscc(rng), make_uscc(rng)
    rows = _rows(rng, org_a, ["1", "0.5", "1"]) + _rows(rng, org_b, ["51", "49"])
    path = write_csv(tmp_path / "gd.csv", HEADER, rows)
    report = load_file(path, recording, settings=Settings(batch_size=2), threads=threads)
    shares = {(r["dst"], r["share"]) for r in recording.rows("holdings")}
    assert shares == {(org_a, 0.01), (org_a, 0.005), (org_b, 0.51), (org_b, 0.49)}
    assert report.share_scale == "percent (a value above 1: '51')"
    assert not any(w.startswith("share:") for w in report.warnings)


def test_a_fraction_file_says_so(tmp_path: Path, recording: RecordingStore) -> None:
    rng = random.Random(8)
    org = make_uscc(rng)
    path = write_csv(tmp_path / "gd.csv", HEADER, _rows(rng, org, ["0.6", "0.4"]))
    report = load_file(path, recording, settings=Settings())
    assert report.share_scale is not None and report.share_scale.startswith("fraction")
    assert sorted(r["share"] for r in recording.rows("holdings")) == pytest.approx([0.4, 0.6])


def test_firms_over_100_percent_are_warned_beyond_rounding(
    tmp_path: Path, recording: RecordingStore
) -> None:
    rng = random.Random(9)
    over, rounded, ended = make_uscc(rng), make_uscc(rng), make_uscc(rng)
    rows = (
        _rows(rng, over, ["60", "50"])
        + _rows(rng, rounded, ["33.34", "33.34", "33.34"])
        + _rows(rng, ended, ["70", "60"])
    )
    header = [*HEADER, "退出日期"]
    ended_rows = [[*r, "2020-01-01" if i == len(rows) - 1 else ""] for i, r in enumerate(rows)]
    path = write_csv(tmp_path / "gd.csv", header, ended_rows)
    report = load_file(path, recording, settings=Settings(batch_size=3))
    warned = {w: n for w, n in report.warnings.items() if w.startswith("share:")}
    assert warned == {f"share: a firm's current holders add up to more than 100% ({over})": 1}


def test_share_totals_name_at_most_three_firms() -> None:
    totals = ShareTotals()
    firms = [f"91{i:016d}" for i in range(5)]
    totals.add(
        pa.table(
            {
                "dst": firms * 2,
                "share": [0.6] * 10,
                "end_date": pa.nulls(10, pa.date32()),
            }
        )
    )
    warning = totals.warning()
    assert warning is not None and warning[1] == 5 and warning[0].endswith(" …)")
