"""The live Neo4j server of the tests (``linkrisk.graph.neo4j.launcher``), and a recorder of the
catalogue statements that reached it."""

from __future__ import annotations

import contextlib

from linkrisk.graph.neo4j.launcher import NeoServer, ServerFailed, launcher_missing, wait_until

__all__ = [
    "EXECUTED",
    "NeoServer",
    "ServerFailed",
    "launcher_missing",
    "record_statements",
    "wait_until",
]


# -- which catalogue statements reached the server ------------------------------------------
EXECUTED: set[str] = set()


def record_statements() -> None:
    """Note the catalogue name of every statement sent through the driver (transaction
    functions, ``execute_query`` and auto-commit runs all end in one of the two ``run`` methods),
    so a test can assert that each statement of ``linkrisk.graph.neo4j.cypher`` ran for real."""
    from neo4j._sync.work.session import Session
    from neo4j._sync.work.transaction import TransactionBase

    from linkrisk.graph.neo4j import cypher

    def note(query: object) -> None:
        text = getattr(query, "text", query)
        if isinstance(text, str):
            with contextlib.suppress(ValueError):  # not a catalogue statement: a test's probe
                EXECUTED.add(cypher.name_of(text.removeprefix("EXPLAIN ")))

    for cls in (TransactionBase, Session):
        run = cls.run
        if getattr(run, "recorded", False):
            continue

        def recorded(self: object, query: object, *args: object, _run=run, **kw: object) -> object:  # type: ignore[no-untyped-def]
            note(query)
            return _run(self, query, *args, **kw)

        recorded.recorded = True  # type: ignore[attr-defined]
        cls.run = recorded  # type: ignore[method-assign]
