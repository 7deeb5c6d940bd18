"""Loads into the embedded store go through its bulk session: one transaction per file."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest

from linkrisk.config import Settings
from linkrisk.errors import SourceFileError
from linkrisk.graph.embedded.store import EmbeddedStore
from linkrisk.loaders import csvfile, encoding
from linkrisk.loaders.pipeline import LoadReport, _stage, load_directory, load_file
from tests.factories import dump_tables, new_store
from tests.loaders.conftest import write_csv
from tests.loaders.synth import make_resident_id, make_uscc
from tests.loaders.test_pipeline import HOLDINGS_HEADER

# a row longer than a (shrunk) read block stops the parser mid-file: undecodable bytes no
# longer do (that row alone is rejected)
TOO_LONG_ROW = ("坏," + "长" * 40_000 + "\n").encode()


class BatchByBatch:
    """The embedded store without its bulk path: the loader falls back to ``write_batch``."""

    def __init__(self, store: EmbeddedStore) -> None:
        self._store = store

    def __getattr__(self, name: str) -> Any:
        if name == "bulk_session":
            raise AttributeError(name)
        return getattr(self._store, name)


def _summary(report: LoadReport) -> tuple[Any, ...]:
    return report.rows_read, report.rows_ok, report.rows_rejected, report.table_counts


def test_a_bulk_load_equals_the_batch_by_batch_load(tmp_path: Path, rng: random.Random) -> None:
    orgs = [make_uscc(rng) for _ in range(5)]
    people = [make_resident_id(rng) for _ in range(7)]
    # holdings recur in later batches with other shares, shareholders in every batch
    rows = [
        [orgs[i % 5], f"股东{i % 7}", "自然人", people[i % 7], f"{i}%", str(i)] for i in range(40)
    ]
    rows += [[orgs[0], "测试乙有限公司", "企业法人", orgs[1], "5%", "5"]]
    path = write_csv(tmp_path / "gd.csv", HOLDINGS_HEADER, rows)
    small = Settings(batch_size=6)
    bulk, plain = new_store(tmp_path / "bulk.db"), new_store(tmp_path / "plain.db")
    for _ in range(2):  # the second load is a reload: it changes nothing
        report = load_file(path, bulk, settings=small)
        assert _summary(report) == _summary(load_file(path, BatchByBatch(plain), settings=small))
        assert dump_tables(bulk) == dump_tables(plain)
    assert bulk.counts()["holdings"] == 36 and bulk.counts()["subjects"] == 12
    assert [h.status for h in bulk.load_history()] == ["done", "done"]


def test_a_failure_mid_file_leaves_nothing_of_that_file(
    tmp_path: Path, ids: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    store = new_store(tmp_path / "s.db")
    earlier = write_csv(
        tmp_path / "first.csv", ["统一社会信用代码", "企业名称"], [[ids["org2"], "乙"]]
    )
    load_file(earlier, store, settings=Settings())
    monkeypatch.setattr(csvfile, "CSV_BLOCK_BYTES", 1 << 16)  # the long row lands in a later block
    monkeypatch.setattr(encoding, "SAMPLE_BYTES", 1 << 16)  # … and after the encoding's sample
    path = tmp_path / "orgs.csv"
    good = "".join(f"{ids['org1']},测试{i}\n" for i in range(6_000))
    path.write_bytes(("统一社会信用代码,企业名称\n" + good).encode() + TOO_LONG_ROW)
    with pytest.raises(SourceFileError, match="reading stopped"):
        load_file(path, store, settings=Settings(batch_size=1000))
    assert store.counts()["subjects"] == 1  # only the earlier file's firm
    failed, done = store.load_history()
    assert (failed.status, done.status) == ("failed", "done")


def test_an_exception_mid_file_leaves_nothing(
    tmp_path: Path, rng: random.Random, settings: Settings
) -> None:
    store = new_store(tmp_path / "s.db")
    rows = [[make_uscc(rng), f"测试{i}"] for i in range(10)]
    path = write_csv(tmp_path / "orgs.csv", ["统一社会信用代码", "企业名称"], rows)

    def interrupt(report: LoadReport) -> None:
        if report.rows_read >= 6:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        load_file(path, store, settings=Settings(batch_size=3), progress=interrupt)
    assert store.counts()["subjects"] == 0
    assert store.load_history()[0].status == "failed"


def test_the_merge_records_the_load_itself(tmp_path: Path, rng: random.Random) -> None:
    """A loader that dies once the merge has committed still leaves its load recorded as done
    (the merge runs the load record's UPDATE in its own transaction)."""
    store = new_store(tmp_path / "s.db")
    rows = [[make_uscc(rng), f"测试{i}"] for i in range(4)]
    path = write_csv(tmp_path / "orgs.csv", ["统一社会信用代码", "企业名称"], rows)
    load = _stage(path, store, None, None, None, Settings(), None, None, 1)
    load.commit()
    assert load.session is not None
    load.session.wait_commit()  # and no finish(): as if the loader died here
    [record] = store.load_history()
    assert (record.status, record.rows_ok) == ("done", 4)
    assert record.counts == {"subjects": 4, "duplicates": 0}
    load.session.__exit__(None, None, None)


def test_a_failed_bulk_file_reports_no_rows_loaded(tmp_path: Path, rng: random.Random) -> None:
    store = new_store(tmp_path / "s.db")
    rows = [[make_uscc(rng), f"测试{i}"] for i in range(10)]
    write_csv(tmp_path / "orgs.csv", ["统一社会信用代码", "企业名称"], rows)

    def interrupt(report: LoadReport) -> None:
        if report.rows_read >= 6:
            raise SourceFileError("the disk went away")

    [report] = load_directory(tmp_path, store, settings=Settings(batch_size=3), progress=interrupt)
    assert (report.status, report.rows_ok) == ("failed", 0)
    assert store.load_history()[0].rows_ok == 0 and store.counts()["subjects"] == 0


def test_a_directory_load_merges_and_records_files_in_order(
    tmp_path: Path, ids: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each file is merged while the next one is read: a failure in the middle costs only
    its own file, and the history still lists the files in order."""
    monkeypatch.setattr(csvfile, "CSV_BLOCK_BYTES", 1 << 16)
    monkeypatch.setattr(encoding, "SAMPLE_BYTES", 1 << 16)
    header = ["统一社会信用代码", "企业名称"]
    write_csv(tmp_path / "a_orgs.csv", header, [[ids["org2"], "乙"]])
    good = "".join(f"{ids['org1']},测试{i}\n" for i in range(6_000))
    broken = ",".join(header) + "\n" + good
    (tmp_path / "b_orgs.csv").write_bytes(broken.encode() + TOO_LONG_ROW)
    write_csv(tmp_path / "c_orgs.csv", header, [[ids["org3"], "丙"]])
    store = new_store(tmp_path / "s.db")
    reports = load_directory(tmp_path, store, settings=Settings(batch_size=1000))
    assert [(Path(r.file).name, r.status) for r in reports] == [
        ("a_orgs.csv", "done"),
        ("b_orgs.csv", "failed"),
        ("c_orgs.csv", "done"),
    ]
    assert {row[0] for row in store.execute("SELECT sid FROM subjects")} == {
        ids["org2"],
        ids["org3"],
    }
    history = store.load_history()[::-1]
    assert [(Path(h.file).name, h.status) for h in history] == [
        ("a_orgs.csv", "done"),
        ("b_orgs.csv", "failed"),
        ("c_orgs.csv", "done"),
    ]
