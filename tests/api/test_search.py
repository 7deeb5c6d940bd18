"""Subject search: USCC prefix, name prefix/substring, pinyin and initials, fuzzy typos."""

from __future__ import annotations

import pyarrow as pa
import pytest

from linkrisk.api.reads import SqliteReads
from linkrisk.config import Settings
from linkrisk.graph.embedded.store import EmbeddedStore
from linkrisk.graph.queries.search import SearchIndex, normalise
from tests.api.city import City


@pytest.fixture
def index(settings: Settings, city: City) -> SearchIndex:
    store = EmbeddedStore(settings.db_path)
    try:
        return SearchIndex.build(
            city.snapshot, SqliteReads(store).read_table("subjects", ["sid", "name"])
        )
    finally:
        store.close()


def sids(index: SearchIndex, query: str) -> list[str]:
    return [index.snapshot.sid(h.node) for h in index.search(query)]


def test_normalise_folds_width_case_and_punctuation() -> None:
    assert normalise(pa.array(["（南京）ＡＢＣ 有限公司", None])).to_pylist() == [
        "南京abc有限公司",
        None,
    ]


def test_every_named_subject_is_indexed(index: SearchIndex) -> None:
    assert index.size == 6 and index.nbytes < 2_000


def test_full_pinyin_and_initials_find_chinese_names(index: SearchIndex, city: City) -> None:
    assert sids(index, "zhangsan") == [city.p1]
    assert sids(index, "zhangsanfeng") == [city.p1]
    assert sids(index, "zs")[0] == city.p1
    assert index.search("zs")[0].matched == "initials"
    assert sids(index, "lisi")[0] == city.p2  # fuzzy pinyin neighbours (e.g. "wuliu") rank lower
    assert index.search("ZhangSan")[0].matched == "pinyin"


def test_name_prefix_ranks_before_substring(index: SearchIndex, city: City) -> None:
    assert sids(index, "南京甲乙科技有限公司")[0] == city.a
    assert index.search("南京甲乙科技有限公司")[0].score > index.search("南京甲乙")[0].score
    assert set(sids(index, "南京")) == {city.a, city.b, city.c}
    assert sids(index, "贸易") == [city.b]  # substring


def test_uscc_prefix_and_exact(index: SearchIndex, city: City) -> None:
    assert sids(index, city.a) == [city.a]
    assert index.search(city.a)[0].matched == "uscc"
    assert set(sids(index, city.a[:8])) >= {city.a, city.b, city.c, city.d}


def test_typos_are_found_fuzzily(index: SearchIndex, city: City) -> None:
    hits = index.search("南京丙丁贸意有限公司")  # 易 mistyped as 意
    assert hits[0].matched == "fuzzy" and index.snapshot.sid(hits[0].node) == city.b


def test_nonsense_finds_nothing(index: SearchIndex) -> None:
    assert index.search("!!!") == [] and index.search("qqqqxxxx") == []


def test_limit_is_respected(index: SearchIndex) -> None:
    assert len(index.search("南京", limit=2)) == 2
