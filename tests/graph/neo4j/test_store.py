"""Query shaping of the Neo4j store, without a server.

A recording fake driver (tests/graph/neo4j/fake_driver.py) shows *what* the store sends: which
statements, in how many transactions, with which row dicts, routed how, with which metadata.
It is no evidence that the Cypher works: that is test_cypher_lint.py (Neo4j's own parser) and
the contract suite against a live server (LINKRISK_NEO4J_URI).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import neo4j.time
import pyarrow as pa
import pytest
from neo4j.exceptions import TransientError
from pydantic import SecretStr

from linkrisk.config import Settings
from linkrisk.errors import Forbidden, InputError, StoreUnavailable
from linkrisk.graph.neo4j import cypher
from linkrisk.graph.neo4j.store import Neo4jStore
from linkrisk.graph.store import GraphStore, LoadRecord
from linkrisk.loaders.records import TABLES
from tests.factories import org, person, table
from tests.graph.neo4j.fake_driver import Answer, FakeDriver, no_rows


def make_store(
    settings: Settings, answer: Answer = no_rows, attempts: int = 1, batch_size: int | None = None
) -> tuple[Neo4jStore, FakeDriver]:
    driver = FakeDriver(answer=answer, attempts=attempts)
    if batch_size is not None:
        settings = settings.model_copy(update={"batch_size": batch_size})
    return Neo4jStore(driver, "linkrisk", settings, "bolt://fake:7687"), driver  # type: ignore[arg-type]


def _city() -> dict[str, pa.Table]:
    return {
        "subjects": table("subjects", [org("91A", name="甲公司"), person("P1"), org("91B")]),
        "holdings": table(
            "holdings",
            [
                {"src": "P1", "dst": "91A", "share": 0.6, "start_date": dt.date(2020, 1, 1)},
                {"src": "91A", "dst": "91B", "share": 0.5},
                {"src": "P1", "dst": "91B", "share": 0.1},
            ],
        ),
        "events": table(
            "events",
            [
                {
                    "event_id": "e1",
                    "sid": "91B",
                    "type": "penalty",
                    "decision_date": dt.date(2024, 5, 1),
                }
            ],
        ),
    }


def test_store_is_a_graph_store(settings: Settings) -> None:
    store, _ = make_store(settings)
    assert isinstance(store, GraphStore)


def test_write_batch_is_one_transaction_in_write_order(settings: Settings) -> None:
    store, driver = make_store(settings)
    store.write_batch(_city())
    assert len(driver.transactions) == 1
    assert {s.transaction for s in driver.sent} == {1}
    names = [cypher.name_of(s.query) for s in driver.sent]
    assert names == ["MERGE_ORGANISATIONS", "MERGE_PERSONS", "MERGE_HOLDINGS", "MERGE_EVENTS"]
    meta = driver.transactions[0]["metadata"]
    assert meta == {"app": "linkrisk", "query": "write_batch", "statements": names}
    assert driver.transactions[0]["database"] == "linkrisk"


def test_write_batch_sends_canonical_row_dicts(settings: Settings) -> None:
    store, driver = make_store(settings)
    store.write_batch(_city())
    orgs, persons, holdings, events = (s.params["rows"] for s in driver.sent)
    assert [r["sid"] for r in orgs] == ["91A", "91B"] and [r["sid"] for r in persons] == ["P1"]
    assert set(orgs[0]) == set(TABLES["subjects"].column_names)
    assert orgs[0]["name"] == "甲公司" and orgs[1]["name"] is None
    # the nullable key column travels as text, "" when unknown; the date itself as a date
    assert [(r["start_key"], r["start_date"]) for r in holdings] == [
        ("2020-01-01", dt.date(2020, 1, 1)),
        ("", None),
        ("", None),
    ]
    assert events[0]["decision_date"] == dt.date(2024, 5, 1)


def test_large_tables_are_chunked_inside_the_one_transaction(settings: Settings) -> None:
    store, driver = make_store(settings, batch_size=2)
    store.write_batch(_city())
    holdings = [s for s in driver.sent if s.query == cypher.MERGE_HOLDINGS]
    assert [len(s.params["rows"]) for s in holdings] == [2, 1]
    assert len(driver.transactions) == 1


def test_a_retried_transaction_sends_the_same_statements(settings: Settings) -> None:
    store, driver = make_store(settings, attempts=2, batch_size=2)
    store.write_batch(_city())
    first = [(s.query, s.params) for s in driver.sent if s.transaction == 1]
    second = [(s.query, s.params) for s in driver.sent if s.transaction == 2]
    assert first == second and len(first) == 5


def test_a_question_is_one_read_transaction_retried_whole(settings: Settings) -> None:
    """``one_read`` runs every statement of a question in one transaction; a transient error in
    one of them reaches the driver's retry unchanged, and the whole question runs again."""
    failures = [TransientError("leader switch")]

    def answer(query: str, params: dict[str, Any]) -> tuple[list[str], list[list[Any]]]:
        if failures and len(driver.sent) == 2:  # the second statement of the first attempt
            raise failures.pop()
        return ["ok"], [[1]]

    store, driver = make_store(settings, answer=answer)
    asked = store.one_read("question:test", lambda: [store.read(cypher.PING) for _ in range(2)])
    assert asked == [(["ok"], [[1]])] * 2
    assert [t["metadata"]["query"] for t in driver.transactions] == ["question:test"] * 2
    assert [s.transaction for s in driver.sent] == [1, 1, 2, 2]


@pytest.mark.parametrize(
    ("tables", "message"),
    [
        ({"officers": pa.table({"person": ["P1"]})}, "lacks columns"),
        ({"holdings": table("holdings", [{"src": "P1", "dst": None}])}, "'dst' is empty"),
        ({"nonsense": pa.table({"a": [1]})}, "unknown canonical tables"),
    ],
)
def test_a_bad_batch_is_refused_before_any_transaction(
    settings: Settings, tables: dict[str, pa.Table], message: str
) -> None:
    store, driver = make_store(settings)
    with pytest.raises(InputError, match=message):
        store.write_batch({**_city(), **tables})
    assert driver.transactions == [] and driver.sent == []


def test_empty_batch_sends_nothing(settings: Settings) -> None:
    store, driver = make_store(settings)
    store.write_batch({"holdings": table("holdings", [])})
    assert driver.transactions == []


def _paged(rows: list[dict[str, Any]], key: str) -> Answer:
    """Answers a keyset page statement from rows sorted by ``key`` (as the server would)."""

    def answer(_query: str, params: dict[str, Any]) -> tuple[list[str], list[list[Any]]]:
        page = [r for r in rows if r[key] > params["after"]][: params["limit"]]
        keys = list(rows[0]) if rows else []
        return keys, [list(r.values()) for r in page]

    return answer


def test_read_table_pages_by_key_until_a_short_page(settings: Settings) -> None:
    events = [
        {c: None for c in TABLES["events"].column_names}
        | {
            "event_id": f"e{i}",
            "sid": "91A",
            "type": "penalty",
            "decision_date": neo4j.time.Date(2024, 1, i + 1),
        }
        for i in range(5)
    ]
    store, driver = make_store(settings, _paged(events, "event_id"), batch_size=2)
    batches = list(store.read_table("events", ["event_id", "decision_date"]))
    assert [b.num_rows for b in batches] == [2, 2, 1]
    got = pa.Table.from_batches(batches)
    assert got.column("event_id").to_pylist() == [f"e{i}" for i in range(5)]
    assert got.column("decision_date").to_pylist()[4] == dt.date(2024, 1, 5)
    assert got.schema.field("decision_date").type == pa.date32()
    assert [s.params["after"] for s in driver.sent] == ["", "e1", "e3"]
    assert {s.routing for s in driver.sent} == {"r"}
    assert driver.sent[0].metadata == {"app": "linkrisk", "query": "READ_EVENTS_PAGE"}


def test_read_table_by_source_drops_sources_without_relations(settings: Settings) -> None:
    # one page = `limit` source subjects; a source without relations comes back as a null row
    rows = [
        {"cursor": "91A", "src": "91A", "dst": "91B", "share": 0.5},
        {"cursor": "91B", "src": "91B", "dst": None, "share": None},
        {"cursor": "P1", "src": "P1", "dst": "91A", "share": 0.6},
        {"cursor": "P1", "src": "P1", "dst": "91B", "share": 0.1},
    ]

    def answer(_query: str, params: dict[str, Any]) -> tuple[list[str], list[list[Any]]]:
        sources = sorted({r["cursor"] for r in rows if r["cursor"] > params["after"]})
        chosen = set(sources[: params["limit"]])
        keys = [*rows[0], "subscribed", "start_date", "end_date"]
        return keys, [[*r.values(), None, None, None] for r in rows if r["cursor"] in chosen]

    store, driver = make_store(settings, answer, batch_size=2)
    got = pa.Table.from_batches(list(store.read_table("holdings", ["src", "dst", "share"])))
    assert got.to_pylist() == [
        {"src": "91A", "dst": "91B", "share": 0.5},
        {"src": "P1", "dst": "91A", "share": 0.6},
        {"src": "P1", "dst": "91B", "share": 0.1},
    ]
    assert [s.params["after"] for s in driver.sent] == ["", "91B"]


def test_read_table_refuses_unknown_tables_and_columns(settings: Settings) -> None:
    store, _ = make_store(settings)
    with pytest.raises(InputError):
        list(store.read_table("nonsense"))
    with pytest.raises(InputError):
        list(store.read_table("subjects", ["sid", "colour"]))


def test_counts_and_get_subject(settings: Settings) -> None:
    def answer(query: str, _params: dict[str, Any]) -> tuple[list[str], list[list[Any]]]:
        if query == cypher.COUNT_TABLES:
            return list(TABLES), [[3, 2, 1, 0, 1, 0, 0]]
        keys = TABLES["subjects"].column_names
        row = {c: None for c in keys} | {"sid": "91A", "kind": "enterprise"}
        return keys, [list((row | {"reg_date": neo4j.time.Date(2019, 3, 2)}).values())]

    store, driver = make_store(settings, answer)
    assert store.counts() == {
        "subjects": 3, "holdings": 2, "officers": 1, "branches": 0, "events": 1,
        "inspections": 0, "inspectors": 0,
    }  # fmt: skip
    subject = store.get_subject("91A")
    assert subject is not None and subject["reg_date"] == "2019-03-02"
    assert driver.sent[-1].params == {"sid": "91A"}


def test_write_scores_batches_then_clears_the_previous_run(settings: Settings) -> None:
    store, driver = make_store(settings, batch_size=2)
    scores = pa.table(
        {
            "sid": ["91A", "91B", "P1"],
            "score": [0.1, 0.9, 0.5],
            "tier": ["A", "D", "B"],
            "model_version": ["m1"] * 3,
            "snapshot_id": ["20260101-abc"] * 3,
            "as_of": ["2026-01-01"] * 3,
        }
    )
    store.write_scores(scores)
    names = [cypher.name_of(s.query) for s in driver.sent]
    assert names == ["WRITE_SCORES", "WRITE_SCORES", "CLEAR_STALE_SCORES"]
    runs = {s.params["run"] for s in driver.sent}
    assert len(runs) == 1
    assert driver.sent[0].params["rows"][0]["as_of"] == dt.date(2026, 1, 1)


def test_load_history_round_trip_shapes(settings: Settings) -> None:
    def answer(query: str, params: dict[str, Any]) -> tuple[list[str], list[list[Any]]]:
        if query == cypher.CREATE_LOAD:
            return ["load_id"], [[7]]
        keys = list(cypher.LOAD_PROPERTIES)
        return keys, [[7, "x.csv", "ab", "orgs", "t0", "t1", 3, 0, "done", '{"subjects": 3}']]

    store, driver = make_store(settings, answer)
    record = LoadRecord(file="x.csv", sha256="ab", source_kind="orgs", started="t0")
    assert store.start_load(record) == 7 and record.load_id == 7
    record.counts = {"subjects": 3}
    store.finish_load(record)
    assert driver.sent[-1].params["counts"] == '{"subjects": 3}'
    [latest] = store.load_history(1)
    assert (latest.load_id, latest.status, latest.counts) == (7, "done", {"subjects": 3})


def test_migrate_runs_every_schema_statement_then_waits(settings: Settings) -> None:
    store, driver = make_store(settings)
    store.migrate()
    assert [s.query for s in driver.sent] == [*cypher.SCHEMA, cypher.AWAIT_INDEXES]


def test_reset_for_tests_is_refused_outside_tests(settings: Settings) -> None:
    store, driver = make_store(settings.model_copy(update={"env": "production"}))
    with pytest.raises(Forbidden, match="not 'test'"):
        store.reset_for_tests()
    assert driver.sent == []
    store, driver = make_store(settings)
    store.reset_for_tests()
    assert [s.query for s in driver.sent] == [cypher.DELETE_ALL]


def test_from_settings_without_a_uri_is_unavailable(settings: Settings) -> None:
    with pytest.raises(StoreUnavailable, match="LINKRISK_NEO4J_URI"):
        Neo4jStore.from_settings(settings.model_copy(update={"neo4j_uri": None}))


def test_from_settings_reports_a_server_that_is_down(settings: Settings) -> None:
    # the real driver against a closed local port: no server, no fake
    down = settings.model_copy(
        update={"neo4j_uri": "bolt://127.0.0.1:9", "neo4j_password": SecretStr("s3cret-pw")}
    )
    with pytest.raises(
        StoreUnavailable, match=r"cannot reach Neo4j at bolt://127\.0\.0\.1:9"
    ) as err:
        Neo4jStore.from_settings(down)
    assert err.value.status == 503
    assert "s3cret-pw" not in err.value.detail


@pytest.mark.parametrize("uri", ["http://x:7474", "localhost:7687", "ftp://x"])
def test_from_settings_refuses_a_bad_address(settings: Settings, uri: str) -> None:
    with pytest.raises(StoreUnavailable, match="bad Neo4j address"):
        Neo4jStore.from_settings(settings.model_copy(update={"neo4j_uri": uri}))


def test_from_settings_reports_a_database_the_server_lacks(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    from neo4j.exceptions import Neo4jError

    def missing(_query: str, _params: dict[str, Any]) -> tuple[list[str], list[list[Any]]]:
        raise Neo4jError._hydrate_neo4j(
            code="Neo.ClientError.Database.DatabaseNotFound", message="Database does not exist."
        )

    driver = FakeDriver(answer=missing)
    driver.verify_connectivity = lambda: None  # type: ignore[attr-defined]
    monkeypatch.setattr("linkrisk.graph.neo4j.store.GraphDatabase.driver", lambda *a, **k: driver)
    config = settings.model_copy(update={"neo4j_uri": "bolt://x:7687", "neo4j_database": "risk"})
    with pytest.raises(StoreUnavailable, match="cannot serve database 'risk'"):
        Neo4jStore.from_settings(config)
    assert driver.closed
    assert [cypher.name_of(s.query) for s in driver.sent] == ["PING"]
