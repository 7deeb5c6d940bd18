"""A recording stand-in for the neo4j driver, for unit tests of query *shaping* only.

It never interprets Cypher: it records which statement was sent with which parameters, in which
transaction, routed how, and answers reads from a function the test supplies. Whether the Cypher
is right is checked by Neo4j's own linter (test_cypher_lint.py) and by the contract suite on a
live server (LINKRISK_NEO4J_URI).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from neo4j.exceptions import TransientError

Answer = Callable[[str, dict[str, Any]], tuple[list[str], list[list[Any]]]]


def no_rows(_query: str, _params: dict[str, Any]) -> tuple[list[str], list[list[Any]]]:
    return [], []


@dataclass
class Sent:
    """One statement as sent: text, parameters, and the transaction it ran in."""

    query: str
    params: dict[str, Any]
    transaction: int
    routing: str = "w"
    metadata: dict[str, Any] | None = None
    timeout: float | None = None
    database: str | None = None


class FakeResult:
    def __init__(self, keys: list[str], rows: list[list[Any]]) -> None:
        self._keys, self._rows = keys, rows

    def keys(self) -> list[str]:
        return self._keys

    def values(self) -> list[list[Any]]:
        return self._rows

    def consume(self) -> None:
        return None


class FakeTx:
    def __init__(self, driver: FakeDriver, number: int) -> None:
        self.driver, self.number = driver, number

    def run(self, query: str, parameters: dict[str, Any] | None = None, **kw: Any) -> FakeResult:
        params = {**(parameters or {}), **kw}
        self.driver.sent.append(Sent(query, params, self.number))
        return FakeResult(*self.driver.answer(query, params))


class FakeSession:
    def __init__(self, driver: FakeDriver, database: str | None) -> None:
        self.driver, self.database = driver, database

    def __enter__(self) -> FakeSession:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def execute_read(self, work: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Like the driver: a transaction function that raises a transient driver error runs
        again in a new transaction (three attempts here; the driver retries for a time)."""
        for attempt in range(3):
            self.driver.transactions.append(
                {"metadata": getattr(work, "metadata", None), "database": self.database}
            )
            try:
                return work(FakeTx(self.driver, len(self.driver.transactions)), *args, **kwargs)
            except TransientError:
                if attempt == 2:
                    raise
        return None

    def execute_write(self, work: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        result = None
        for _ in range(self.driver.attempts):  # a retried transaction function runs again
            self.driver.transactions.append(
                {"metadata": getattr(work, "metadata", None), "database": self.database}
            )
            result = work(FakeTx(self.driver, len(self.driver.transactions)), *args, **kwargs)
        return result


@dataclass
class FakeDriver:
    """Records statements; ``attempts`` > 1 replays each write transaction (a driver retry)."""

    answer: Answer = no_rows
    attempts: int = 1
    sent: list[Sent] = field(default_factory=list)
    transactions: list[dict[str, Any]] = field(default_factory=list)
    closed: bool = False

    def session(self, database: str | None = None, **_config: Any) -> FakeSession:
        return FakeSession(self, database)

    def execute_query(
        self,
        query: Any,
        parameters_: dict[str, Any] | None = None,
        routing_: str = "w",
        database_: str | None = None,
        result_transformer_: Callable[[FakeResult], Any] | None = None,
        **_kwargs: Any,
    ) -> Any:
        params = dict(parameters_ or {})
        self.transactions.append({"metadata": query.metadata, "database": database_})
        self.sent.append(
            Sent(
                query.text,
                params,
                len(self.transactions),
                str(routing_.value if hasattr(routing_, "value") else routing_),
                query.metadata,
                query.timeout,
                database_,
            )
        )
        result = FakeResult(*self.answer(query.text, params))
        assert result_transformer_ is not None
        return result_transformer_(result)

    def close(self) -> None:
        self.closed = True
