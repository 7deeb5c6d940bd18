"""The Neo4j store: the ``GraphStore`` a regulator's deployment runs, over the official driver.

This class is the one gateway that touches the driver. Writes are ``UNWIND $rows … MERGE``
statements run in *one* managed write transaction per batch (``session.execute_write``), so a
batch is atomic and the driver may retry it on transient errors: the transaction function
rebuilds its chunks from the immutable Arrow tables on every attempt and consumes each result.
Reads go through ``driver.execute_query`` routed as reads. Every statement comes from
:mod:`linkrisk.graph.neo4j.cypher` and carries ``{"app": "linkrisk", "query": NAME}`` as transaction
metadata, so ``SHOW TRANSACTIONS`` and the query log say which statement is running.

Whole-table reads page by key (keyset pagination on index-backed keys), so ``build_snapshot``
works from Neo4j unchanged and without APOC or GDS.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date
from typing import Any, TypeVar

import pyarrow as pa
import pyarrow.compute as pc
from neo4j import Driver, GraphDatabase, ManagedTransaction, Query, RoutingControl, unit_of_work
from neo4j.exceptions import (
    AuthError,
    ConstraintError,
    DriverError,
    Neo4jError,
    ServiceUnavailable,
    SessionExpired,
    TransientError,
)

from linkrisk.config import Settings, get_settings
from linkrisk.errors import Conflict, Forbidden, InputError, StoreUnavailable
from linkrisk.graph.neo4j import cypher
from linkrisk.graph.neo4j.queries import Neo4jQueries, Neo4jSource
from linkrisk.graph.neo4j.rows import (
    check_batch,
    row_chunks,
    subject_dict,
    table_schema,
    to_batch,
    write_plan,
)
from linkrisk.graph.store import LoadRecord
from linkrisk.loaders.records import EVENTS, TABLES

APP = "linkrisk"  # the "app" of every transaction's metadata
CONNECT_TIMEOUT = 15.0  # seconds: a down server is reported quickly, not after the default 30 s
RETRY_SECONDS = 30.0  # the driver's default budget for retrying a transaction on transient errors
T = TypeVar("T")
READ_TIMEOUT = 300.0  # seconds per read transaction (one page, one investigator query)
INDEX_WAIT = 300  # seconds migrate waits for new indexes to come online
EVENTS_CHUNK = 5_000  # subject keys per events_of query
#: bolt transports only: the driver's HTTP transport (a preview) carries no transaction metadata
BOLT_SCHEMES = frozenset(f"{b}{tls}" for b in ("bolt", "neo4j") for tls in ("", "+s", "+ssc"))


def metadata(name: str, **extra: Any) -> dict[str, Any]:
    """Transaction metadata naming the statement (visible in SHOW TRANSACTIONS, query.log)."""
    return {"app": APP, "query": name, **extra}


def first_line(exc: BaseException) -> str:
    """The driver's message without the per-address lines it appends (one line for a user)."""
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


@contextmanager
def _guarded(uri: str) -> Iterator[None]:
    """Driver errors as linkrisk errors: an unreachable server is 503, a broken key is 409."""
    try:
        yield
    except (ServiceUnavailable, SessionExpired, TransientError) as exc:
        # TransientError: still failing after the driver's retries (e.g. a database starting)
        raise StoreUnavailable(f"Neo4j at {uri} is unavailable: {first_line(exc)}") from exc
    except ConstraintError as exc:
        raise Conflict(f"Neo4j refused a write that breaks a uniqueness constraint: {exc}") from exc


class Neo4jStore:
    """``GraphStore`` over a Neo4j 5 server (community or enterprise), one database.

    Parameters
    ----------
    driver : neo4j.Driver
        A connected driver (``from_settings`` makes one and checks it can reach the server).
    database : str
        The database every session and query runs against.
    settings : Settings
        ``batch_size`` (rows per ``UNWIND``) and ``env`` (``reset_for_tests``).
    """

    backend = "neo4j"

    def __init__(self, driver: Driver, database: str, settings: Settings, uri: str = "") -> None:
        self._driver = driver
        self.database = database
        self.settings = settings
        self.uri = uri
        #: the read transaction of the question being answered (``one_read``), per thread/task
        self._question: ContextVar[ManagedTransaction | None] = ContextVar(
            f"linkrisk-neo4j-question-{id(self)}", default=None
        )

    @classmethod
    def from_settings(
        cls,
        settings: Settings | None = None,
        *,
        verify: bool = True,
        connect_timeout: float = CONNECT_TIMEOUT,
        retry_seconds: float = RETRY_SECONDS,
    ) -> Neo4jStore:
        """Connect to ``settings.neo4j_uri``; ``StoreUnavailable`` (503) if it cannot be reached.

        ``verify=False`` only makes the driver: a server that is down now is reported by each
        statement (``StoreUnavailable``) until it is back, and the driver reconnects by itself
        (the API starts this way). ``retry_seconds`` bounds the driver's retries of a managed
        transaction on transient errors (a request should not wait as long as a load).
        """
        settings = settings or get_settings()
        uri = settings.neo4j_uri
        if not uri:
            raise StoreUnavailable("no Neo4j server configured: set LINKRISK_NEO4J_URI")
        scheme = uri.split("://", 1)[0] if "://" in uri else ""
        if scheme not in BOLT_SCHEMES:
            raise StoreUnavailable(
                f"bad Neo4j address {uri!r}: use bolt://host:7687 or neo4j://host:7687"
                " (+s / +ssc for TLS)"
            )
        auth = (settings.neo4j_user, settings.neo4j_password.get_secret_value())
        try:
            driver = GraphDatabase.driver(
                uri,
                auth=auth,
                connection_timeout=connect_timeout,
                max_transaction_retry_time=retry_seconds,
                user_agent=f"{APP}/0.1",
            )
        except (ValueError, DriverError) as exc:
            raise StoreUnavailable(f"bad Neo4j address {uri!r}: {exc}") from exc
        if not verify:
            return cls(driver, settings.neo4j_database, settings, uri)
        try:
            driver.verify_connectivity()
        except AuthError as exc:
            driver.close()
            raise StoreUnavailable(
                f"Neo4j at {uri} refused user {settings.neo4j_user!r}: check LINKRISK_NEO4J_USER"
                " and LINKRISK_NEO4J_PASSWORD"
            ) from exc
        except (DriverError, Neo4jError, OSError) as exc:
            driver.close()
            raise StoreUnavailable(f"cannot reach Neo4j at {uri}: {exc}") from exc
        store = cls(driver, settings.neo4j_database, settings, uri)
        try:
            store.read(cypher.PING)
        except Neo4jError as exc:  # e.g. Neo.ClientError.Database.DatabaseNotFound
            driver.close()
            raise StoreUnavailable(
                f"Neo4j at {uri} cannot serve database {settings.neo4j_database!r}"
                f" (LINKRISK_NEO4J_DATABASE): {exc.message or exc}"
            ) from exc
        return store

    def close(self) -> None:
        self._driver.close()

    def ping(self) -> None:
        """A round trip to the server; ``StoreUnavailable`` when it cannot be reached."""
        try:
            self.read(cypher.PING)
        except (DriverError, OSError) as exc:
            detail = f"Neo4j at {self.uri} is unavailable: {first_line(exc)}"
            raise StoreUnavailable(detail) from exc

    # -- the gateway: every statement goes through these two ---------------------------------
    def read(self, statement: str, **params: Any) -> tuple[list[str], list[list[Any]]]:
        """Run one read statement of :mod:`~linkrisk.graph.neo4j.cypher`: its column names and rows.

        Routed as a read, in ``self.database``, with the statement's name as metadata; inside
        ``one_read``, in that transaction.
        """
        name = cypher.name_of(statement)
        tx = self._question.get()
        if tx is not None:  # driver errors reach ``execute_read`` unchanged: it retries them
            result = tx.run(statement, params)
            return list(result.keys()), result.values()
        query = Query(statement, metadata=metadata(name), timeout=READ_TIMEOUT)
        with _guarded(self.uri):
            keys, rows = self._driver.execute_query(
                query,
                params,
                routing_=RoutingControl.READ,
                database_=self.database,
                result_transformer_=lambda result: (list(result.keys()), result.values()),
            )
        return keys, rows

    def one_read(self, name: str, work: Callable[[], T]) -> T:
        """Run ``work`` — a question asked in several reads — in one managed read transaction.

        Every read sees the same state of the graph (a load committing meanwhile cannot give a
        question half old and half new rows), each statement is one round trip instead of a
        transaction of its own (begin, run, commit), and the driver retries the whole question
        on a transient error, ``work`` being safe to run again.
        """
        if self._question.get() is not None:  # a question asked inside another: same transaction
            return work()

        def unit(tx: ManagedTransaction) -> T:
            token = self._question.set(tx)
            try:
                return work()
            finally:
                self._question.reset(token)

        configured = unit_of_work(metadata=metadata(name), timeout=READ_TIMEOUT)(unit)
        with _guarded(self.uri), self._driver.session(database=self.database) as session:
            return session.execute_read(configured)

    def _write(self, name: str, work: Callable[[ManagedTransaction], Any], **extra: Any) -> Any:
        """Run a transaction function in one managed, retried write transaction."""
        configured = unit_of_work(metadata=metadata(name, **extra))(work)
        with _guarded(self.uri), self._driver.session(database=self.database) as session:
            return session.execute_write(configured)

    def _write_one(self, statement: str, **params: Any) -> list[list[Any]]:
        """One statement in its own write transaction; its rows."""

        def work(tx: ManagedTransaction) -> list[list[Any]]:
            return tx.run(statement, params).values()

        return list(self._write(cypher.name_of(statement), work))

    # -- schema ------------------------------------------------------------------------------
    def migrate(self) -> None:
        """Create constraints and indexes (``IF NOT EXISTS``: idempotent), wait until online."""
        for statement in cypher.SCHEMA:
            self._write_one(statement)
        self.read(cypher.AWAIT_INDEXES, seconds=INDEX_WAIT)

    def schema_status(self) -> list[tuple[str, str, str]]:
        """(name, kind, state) of every constraint and index ``migrate`` creates; the state is
        ``ONLINE`` when usable, ``missing`` when absent (run ``migrate``)."""
        _, constraints = self.read(cypher.SHOW_CONSTRAINTS)
        keys, indexes = self.read(cypher.SHOW_INDEXES)
        named = {row[0] for row in constraints}
        state = {row[0]: row[keys.index("state")] for row in indexes}
        status = []
        for statement in cypher.SCHEMA:
            name = cypher.schema_name(statement)
            kind = "constraint" if "CONSTRAINT" in statement else "index"
            present = name in named if kind == "constraint" else name in state
            status.append((name, kind, str(state.get(name, "ONLINE")) if present else "missing"))
        return status

    def server(self) -> dict[str, Any]:
        """The server linkrisk talks to: address, product and version, protocol."""
        with _guarded(self.uri):
            info = self._driver.get_server_info()
        return {
            "uri": self.uri,
            "address": str(info.address),
            "agent": info.agent,
            "protocol": ".".join(map(str, info.protocol_version)),
            "database": self.database,
        }

    def reset_for_tests(self) -> None:
        """Delete every node of the database; refused unless ``LINKRISK_ENV=test``."""
        if self.settings.env != "test":
            raise Forbidden(
                f"reset_for_tests deletes all data in {self.database!r}; refused because"
                f" LINKRISK_ENV is {self.settings.env!r}, not 'test'"
            )
        self._write_one(cypher.DELETE_ALL)

    # -- writes ------------------------------------------------------------------------------
    def write_batch(self, tables: Mapping[str, pa.Table]) -> None:
        """Upsert canonical tables in one managed transaction (all rows or none)."""
        plan = write_plan(check_batch(tables))
        if not plan:
            return
        size = self.settings.batch_size

        def work(tx: ManagedTransaction) -> None:
            for statement, data in plan:
                for rows in row_chunks(data, size):
                    tx.run(statement, rows=rows).consume()

        self._write("write_batch", work, statements=[cypher.name_of(s) for s, _ in plan])

    def write_scores(self, scores: pa.Table) -> None:
        """Write scores onto subjects in UNWIND batches, then drop scores of an earlier run.

        Each batch is its own transaction (a whole city's scores in one would need a heap
        sized for it); a subject's five score properties always change together.
        """
        columns = list(cypher.SCORE_PROPERTIES)
        missing = set(["sid", *columns]) - set(scores.column_names)
        if missing:
            raise InputError(f"scores lack columns {sorted(missing)}")
        data = scores.select(["sid", *columns])
        if pa.types.is_string(data.schema.field("as_of").type):
            try:
                as_of = pc.cast(data.column("as_of"), pa.date32())
            except pa.ArrowInvalid as exc:
                raise InputError(f"scores: as_of is not an ISO date: {exc}") from exc
            data = data.set_column(data.schema.get_field_index("as_of"), "as_of", as_of)
        run = uuid.uuid4().hex
        for rows in row_chunks(data, self.settings.batch_size):
            self._write_one(cypher.WRITE_SCORES, rows=rows, run=run)
        self._write_one(cypher.CLEAR_STALE_SCORES, run=run)

    # -- load history ------------------------------------------------------------------------
    def start_load(self, record: LoadRecord) -> int:
        [[load_id]] = self._write_one(
            cypher.CREATE_LOAD,
            sequence="load",
            file=record.file,
            sha256=record.sha256,
            source_kind=record.source_kind,
            started=record.started,
            status=record.status,
        )
        record.load_id = int(load_id)
        return record.load_id

    def finish_load(self, record: LoadRecord) -> None:
        self._write_one(
            cypher.FINISH_LOAD,
            load_id=record.load_id,
            finished=record.finished,
            rows_ok=record.rows_ok,
            rows_rejected=record.rows_rejected,
            status=record.status,
            counts=json.dumps(record.counts),
        )

    def load_history(self, limit: int = 100) -> list[LoadRecord]:
        keys, rows = self.read(cypher.LOAD_HISTORY, limit=limit)
        history = []
        for row in rows:
            fields = dict(zip(keys, row, strict=True))
            counts = json.loads(fields.pop("counts") or "{}")
            history.append(LoadRecord(**fields, counts=counts))
        return history

    # -- reads -------------------------------------------------------------------------------
    def read_table(
        self, name: str, columns: Sequence[str] | None = None, batch_rows: int = 500_000
    ) -> Iterator[pa.RecordBatch]:
        """Stream a canonical table in pages of at most ``min(batch_rows, batch_size)`` keys."""
        if name not in TABLES:
            raise InputError(f"unknown canonical table {name!r}")
        table = TABLES[name]
        schema = table_schema(table, columns)
        statement, by_source = cypher.PAGES[name]
        limit = max(1, min(batch_rows, self.settings.batch_size))
        key = table.key[0]
        after = ""
        while True:
            keys, rows = self.read(statement, after=after, limit=limit)
            if not rows:
                return
            if by_source:
                # one page of source subjects; a source without relations came back as a null row
                cursor = keys.index("cursor")
                sources = {row[cursor] for row in rows}
                after = max(sources)
                second = keys.index(table.key[1])
                rows = [row for row in rows if row[second] is not None]
                last = len(sources) < limit
            else:
                after = rows[-1][keys.index(key)]
                last = len(rows) < limit
            if rows:
                yield to_batch(keys, rows, schema)
            if last:
                return

    def counts(self) -> dict[str, int]:
        keys, [row] = self.read(cypher.COUNT_TABLES)
        return {k: int(v) for k, v in zip(keys, row, strict=True)}

    def get_subject(self, sid: str) -> dict[str, Any] | None:
        keys, rows = self.read(cypher.GET_SUBJECT, sid=sid)
        return subject_dict(keys, rows[0]) if rows else None

    def events_of(self, sids: Sequence[str]) -> pa.Table:
        batches = []
        unique = sorted(set(sids))
        for start in range(0, len(unique), EVENTS_CHUNK):
            keys, rows = self.read(cypher.EVENTS_OF, sids=unique[start : start + EVENTS_CHUNK])
            if rows:
                batches.append(to_batch(keys, rows, EVENTS.schema))
        return pa.Table.from_batches(batches, schema=EVENTS.schema)

    def queries(self, as_of: date | None = None) -> Neo4jQueries:
        """Investigator queries (``GraphQueries``) over the graph in force on ``as_of`` (today)."""
        return Neo4jQueries(Neo4jSource(self, as_of or date.today()), settings=self.settings)
