"""A subject from a key, a unique key prefix or a name; several fits are listed, not guessed."""

from __future__ import annotations

import pyarrow as pa
import pytest

from linkrisk.errors import InputError, NotFound
from linkrisk.graph.queries import SnapshotQueries
from linkrisk.graph.queries.resolve import Ambiguous, resolve_subject
from linkrisk.graph.queries.search import SearchIndex
from tests.factories import org, person
from tests.graph.queries.conftest import Build

NAMES = {
    "91320102MA0000015M": "南京甲乙科技有限公司",
    "91320102MA0000023G": "南京丙丁贸易有限公司",
    "91320102MA0000031B": "南京丙丁贸易有限公司",
    "P" + "ab" * 16: "张三",
}


@pytest.fixture
def queries(build: Build) -> SnapshotQueries:
    return build(
        subjects=[
            person(sid, name=name) if sid.startswith("P") else org(sid, name=name)
            for sid, name in NAMES.items()
        ]
    )


def resolve(queries: SnapshotQueries, text: str) -> str:
    snapshot = queries.snapshot  # type: ignore[attr-defined]
    batch = pa.record_batch(
        [pa.array(list(NAMES)), pa.array(list(NAMES.values()))], names=["sid", "name"]
    )
    return resolve_subject(text, snapshot, lambda: SearchIndex.build(snapshot, [batch]), str)


def test_keys_prefixes_and_names(queries: SnapshotQueries) -> None:
    assert resolve(queries, "91320102MA0000015M") == "91320102MA0000015M"
    assert resolve(queries, "9132 0102 MA00 0001 5M") == "91320102MA0000015M"
    assert resolve(queries, "Pabab…") == "P" + "ab" * 16  # a key cut short by a table
    assert resolve(queries, "南京甲乙科技有限公司") == "91320102MA0000015M"
    assert resolve(queries, "甲乙科技") == "91320102MA0000015M"  # one search hit


def test_several_fits_are_listed(queries: SnapshotQueries) -> None:
    with pytest.raises(Ambiguous) as caught:
        resolve(queries, "南京丙丁贸易有限公司")  # two firms of one name
    assert caught.value.extra["candidates"] == ["91320102MA0000023G", "91320102MA0000031B"]
    with pytest.raises(Ambiguous, match="keys start with '91320102MA'"):
        resolve(queries, "91320102MA")


def test_nothing_and_bad_keys(queries: SnapshotQueries) -> None:
    with pytest.raises(NotFound, match="linkrisk search"):
        resolve(queries, "不存在的公司名称")
    with pytest.raises(InputError, match="check character does not match"):
        resolve(queries, "91320102MA0000015X")
