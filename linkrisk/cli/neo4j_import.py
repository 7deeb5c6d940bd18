"""``linkrisk neo4j import``: a first load into an empty Neo4j database with Neo4j's bulk importer.

The same loaders and validation as ``linkrisk load`` fill a staging embedded store; its tables
become the importer's CSV files (``linkrisk.graph.neo4j.bulk_import``); the importer writes the
database; then the launcher starts on it once to create the constraints and indexes and record
the load history, and stops. Later loads go through ``linkrisk load --store neo4j`` (MERGE).
"""

from __future__ import annotations

import re
import shutil
import tempfile
import time
from pathlib import Path
from typing import Annotated

import typer

from linkrisk.cli.neo4j import JsonFlag, neo4j_app
from linkrisk.cli.output import console, print_json, print_table
from linkrisk.config import get_settings
from linkrisk.errors import Conflict, StoreUnavailable

IMPORTED = re.compile(r"Imported:\s+(\d+) nodes\s+(\d+) relationships\s+(\d+) properties")


@neo4j_app.command("import")
def import_files(
    source: Annotated[Path, typer.Argument(help="a directory of source files (as for `load`)")],
    home: Annotated[
        Path, typer.Option("--home", help="the Neo4j data directory to create (must be empty)")
    ],
    emit_only: Annotated[
        bool,
        typer.Option(
            "--emit-only", help="write the importer's CSV files and print the neo4j-admin command"
        ),
    ] = False,
    json: JsonFlag = False,
) -> None:
    """First load of an empty Neo4j database with Neo4j's bulk importer (much faster than MERGE)."""
    from linkrisk.graph.embedded.store import EmbeddedStore
    from linkrisk.graph.neo4j.bulk_import import write_import_files
    from linkrisk.graph.neo4j.launcher import NeoServer, ServerFailed, bulk_import
    from linkrisk.graph.neo4j.store import Neo4jStore
    from linkrisk.loaders.pipeline import load_directory

    settings = get_settings()
    database = home / "data" / "databases" / settings.neo4j_database
    if database.exists() and any(database.iterdir()):
        raise Conflict(f"{database} already holds a database: the importer only fills an empty one")
    figures: dict[str, float | int | str] = {}
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="linkrisk-import-") as tmp:
        staging = EmbeddedStore(Path(tmp) / "staging.db", mirror=True)
        staging.migrate()
        reports = load_directory(source, staging, settings=settings)
        figures["rows_loaded"] = sum(r.rows_ok for r in reports)
        figures["rows_rejected"] = sum(r.rows_rejected for r in reports)
        figures["load_seconds"] = round(time.perf_counter() - started, 2)
        out = home / "import"
        shutil.rmtree(out, ignore_errors=True)
        files = write_import_files(staging, out)
        history = staging.load_history()
        staging.close()
    figures.update(nodes=files.nodes, relationships=files.relationships)
    figures["files_seconds"] = round(
        time.perf_counter() - started - float(figures["load_seconds"]), 2
    )
    if emit_only:
        figures["command"] = files.neo4j_admin(settings.neo4j_database)
        _report(figures, json)
        return
    try:
        seconds, output = bulk_import(home, files.arguments)
    except ServerFailed as exc:
        raise StoreUnavailable(str(exc)) from exc
    figures["import_seconds"] = round(seconds, 2)
    figures["records_per_second"] = round((files.nodes + files.relationships) / seconds)
    if match := IMPORTED.search(output):
        figures["properties"] = int(match.group(3))
    password = settings.neo4j_password.get_secret_value()
    server = NeoServer(home, password=password)
    try:
        server.start()
    except ServerFailed as exc:
        raise StoreUnavailable(str(exc)) from exc
    try:
        live = settings.model_copy(update={"neo4j_uri": server.uri, "neo4j_user": "neo4j"})
        store = Neo4jStore.from_settings(live)
        schema_started = time.perf_counter()
        store.migrate()  # constraints and indexes, online before the server stops
        figures["schema_seconds"] = round(time.perf_counter() - schema_started, 2)
        for record in reversed(history):  # oldest first, as they were loaded
            record.load_id = None
            store.start_load(record)
            store.finish_load(record)
        store.close()
    finally:
        server.stop()
    figures["total_seconds"] = round(time.perf_counter() - started, 2)
    _report(figures, json)
    if not json:
        console.print(
            f"start it with: NEO4J_PASSWORD=… tools/neo4j-server/run --data-dir {home}",
            soft_wrap=True,
        )


def _report(figures: dict[str, float | int | str], json: bool) -> None:
    if json:
        print_json(figures)
    else:
        print_table("neo4j import", ["measure", "value"], list(figures.items()))
