"""Mention rows that could not change the store are dropped, and only those."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest

from linkrisk.config import Settings
from linkrisk.loaders.mentions import MentionFilter, Run
from linkrisk.loaders.pipeline import load_directory, load_file
from tests.factories import dump_tables, new_store, org, person, table
from tests.loaders.conftest import write_csv
from tests.loaders.synth import make_resident_id, make_uscc
from tests.loaders.test_pipeline import HOLDINGS_HEADER


def sids(rows: Any) -> list[str]:
    return [str(s) for s in rows.column("sid").to_pylist()]


def test_a_mention_of_what_the_file_registered_is_dropped_unless_it_adds_a_value() -> None:
    mentions = MentionFilter()
    mentions.known(table("subjects", [org("91A", name="甲公司"), org("91B")]))
    given = table("mentions", [org("91A", name="乙公司"), org("91B", name="乙公司"), org("91C")])
    # 91A: kind, status and name are known, so the other name cannot fill anything in
    assert sids(mentions.new(given)) == ["91B", "91C"]
    # the second time round, 91B's name and 91C are known too
    assert sids(mentions.new(given)) == []
    assert sids(mentions.new(table("mentions", [org("91C", region="110105")]))) == ["91C"]


def test_an_empty_text_or_nan_is_no_value() -> None:
    mentions = MentionFilter()
    mentions.known(table("subjects", [org("91A", name="", capital=float("nan"))]))
    given = [org("91A", name="甲公司"), org("91A", capital=1.0), org("91A")]
    assert [len(mentions.new(table("mentions", [row]))) for row in given] == [1, 1, 0]


def test_only_finished_files_count_for_the_next_file() -> None:
    finished: list[Run] = []
    first = MentionFilter(finished)
    first.known(table("subjects", [org("91A")]))
    second = MentionFilter(finished)  # read while the first file still merges
    assert sids(second.new(table("mentions", [org("91A")]))) == ["91A"]
    first.confirm()
    third = MentionFilter(finished)
    assert sids(third.new(table("mentions", [org("91A")]))) == []
    failed = MentionFilter(finished)  # a file that fails is never confirmed
    failed.known(table("subjects", [org("91F")]))
    assert sids(MentionFilter(finished).new(table("mentions", [org("91F")]))) == ["91F"]


def test_many_batches_and_a_long_sid() -> None:
    rng = random.Random(5)
    mentions = MentionFilter()
    seen: set[str] = set()
    for _ in range(40):  # runs of every size get merged
        batch = sorted({f"P{rng.randrange(300):032x}" for _ in range(25)})
        kept = sids(mentions.new(table("mentions", [person(s, name="某") for s in batch])))
        assert kept == [s for s in batch if s not in seen]
        seen.update(batch)
    long = "X" * 80  # longer than any sid linkrisk makes: still remembered
    assert [len(mentions.new(table("mentions", [org(long)]))) for _ in range(2)] == [1, 0]


@pytest.fixture
def files(tmp_path: Path) -> Path:
    rng = random.Random(8)
    orgs = [make_uscc(rng) for _ in range(6)]
    people = [make_resident_id(rng) for _ in range(9)]
    folder = tmp_path / "files"
    folder.mkdir()
    header = ["统一社会信用代码", "企业名称", "企业类型"]
    write_csv(
        folder / "orgs.csv",
        header,
        [[u, f"登记{i}有限公司", "有限责任公司"] for i, u in enumerate(orgs)],
    )
    holdings = [
        [orgs[i % 6], f"股东{i % 9}", "自然人", people[i % 9], "5%", "5"] for i in range(30)
    ]
    holdings += [[orgs[0], "旧名有限公司", "企业法人", orgs[1], "5%", "5"]]  # an older name
    write_csv(folder / "gd.csv", HOLDINGS_HEADER, holdings)
    officers = [[orgs[i % 6], "某", people[i % 9], "董事"] for i in range(20)]
    write_csv(folder / "ry.csv", ["统一社会信用代码", "姓名", "证件号码", "职务"], officers)
    return folder


def test_a_directory_load_drops_mentions_without_changing_the_store(
    tmp_path: Path, files: Path
) -> None:
    small = Settings(batch_size=7)
    together = new_store(tmp_path / "together.db")
    reports = load_directory(files, together, settings=small)
    apart = new_store(tmp_path / "apart.db")  # each file on its own: nothing carried over
    for name in ("orgs.csv", "gd.csv", "ry.csv"):
        load_file(files / name, apart, settings=small)
    assert dump_tables(together) == dump_tables(apart)
    counts = {r.kind: r.table_counts["mentions"] for r in reports if r.kind != "orgs"}
    # the holdings file is read while the orgs file merges: its 9 holders and 6 firms count,
    # one firm twice (named as a holder after a batch gave only its USCC); the officers file
    # is read once the orgs file is in: of the 6 firms and 9 officers it names, only the
    # officers count (the holdings file naming them was still merging)
    assert counts == {"holdings": 16, "officers": 9}
    names = dict(together.execute("SELECT sid, name FROM subjects WHERE sid NOT LIKE 'P%'"))
    assert len(names) == 6 and all(name.startswith("登记") for name in names.values())
