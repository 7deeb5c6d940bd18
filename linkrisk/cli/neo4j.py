"""Neo4j commands: check the server and its schema, create the schema, list the statements.

Loading and snapshots take ``--store neo4j`` on the ordinary commands (``linkrisk load``,
``linkrisk snapshot``, ``linkrisk status``); these are for setting a server up and checking it.
"""

from __future__ import annotations

from typing import Annotated

import typer

from linkrisk.cli import app
from linkrisk.cli.output import console, print_json, print_table
from linkrisk.config import get_settings

JsonFlag = Annotated[bool, typer.Option("--json", help="machine-readable output")]

neo4j_app = typer.Typer(
    help="The Neo4j store: check the server and schema, create the schema, list statements.",
    no_args_is_help=True,
)
app.add_typer(neo4j_app, name="neo4j")


@neo4j_app.command("check")
def check(json: JsonFlag = False) -> None:
    """Connect (LINKRISK_NEO4J_URI …), show the server, the schema's state and the row counts.

    Exits 1 when a constraint or index is missing or not online (run ``linkrisk neo4j migrate``).
    """
    from linkrisk.graph.neo4j.store import Neo4jStore

    store = Neo4jStore.from_settings(get_settings())
    try:
        server, schema, counts = store.server(), store.schema_status(), store.counts()
    finally:
        store.close()
    not_ready = [name for name, _, state in schema if state != "ONLINE"]
    if json:
        print_json(
            {
                "server": server,
                "schema": [{"name": n, "kind": k, "state": s} for n, k, s in schema],
                "counts": counts,
                "ready": not not_ready,
            }
        )
    else:
        print_table("Neo4j server", ["item", "value"], sorted(server.items()))
        print_table("schema", ["name", "kind", "state"], schema)
        print_table("rows", ["table", "rows"], sorted(counts.items()))
        if not_ready:
            console.print(
                f"[red]not ready:[/] {', '.join(not_ready)} (run `linkrisk neo4j migrate`)"
            )
    if not_ready:
        raise typer.Exit(1)


@neo4j_app.command("migrate")
def migrate() -> None:
    """Create the constraints and indexes (idempotent) and wait until they are online."""
    from linkrisk.graph.neo4j import cypher
    from linkrisk.graph.neo4j.store import Neo4jStore

    store = Neo4jStore.from_settings(get_settings())
    try:
        store.migrate()
    finally:
        store.close()
    console.print(f"schema ready: {len(cypher.SCHEMA)} constraints and indexes online")


@neo4j_app.command("statements")
def statements(
    json: JsonFlag = False,
    show: Annotated[str | None, typer.Option(help="print one statement's Cypher")] = None,
) -> None:
    """Every Cypher statement linkrisk sends (the names in SHOW TRANSACTIONS metadata)."""
    from linkrisk.graph.neo4j import cypher

    found = cypher.statements()
    if show is not None:
        if show not in found:
            raise typer.BadParameter(f"no statement {show!r}; see `linkrisk neo4j statements`")
        print(found[show].strip())
        return
    docs = cypher.documentation()
    rows = [(name, docs.get(name, "")) for name in sorted(found)]
    if json:
        print_json(dict(rows))
    else:
        print_table(
            "Cypher statements (linkrisk/graph/neo4j/cypher/)", ["name", "what it does"], rows
        )
