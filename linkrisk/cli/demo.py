"""``linkrisk demo``: generate a city, load it, snapshot, train and score, draw a 双随机 plan,
create demo keys, then serve the API and web page (or exit with ``--no-serve``)."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer

from linkrisk.cli import app
from linkrisk.cli.monitor import evaluate_after
from linkrisk.cli.output import console, print_json, print_table
from linkrisk.cli.store_location import export_line
from linkrisk.config import Settings, get_settings
from linkrisk.errors import InputError

DEMO_AS_OF = date(2026, 10, 31)  # the generated city's "today": five years of history end here
STORES = ("embedded", "neo4j")
DIRTY_RATE = 0.001  # a few realistic bad rows, so the demo shows the reject files at work


@contextmanager
def _step(title: str, summary: dict[str, Any]) -> Iterator[dict[str, Any]]:
    console.rule(f"[bold]{title}")
    started = time.perf_counter()
    info: dict[str, Any] = {}
    yield info
    info["seconds"] = round(time.perf_counter() - started, 1)
    summary[title] = info
    console.print(f"[green]done[/] in {info['seconds']} s")


def _settings_for(directory: Path, store: str | None, neo4j_uri: str | None) -> Settings:
    """Point every component (including the server we start) at the demo's data directory and,
    when given, at the graph store and Neo4j server (``--neo4j-uri`` alone means Neo4j). Both
    are checked before anything is changed: the environment outlives a refused command."""
    from linkrisk.graph.neo4j.store import BOLT_SCHEMES

    if neo4j_uri and store is None:
        store = "neo4j"
    if store is not None and store not in STORES:
        raise InputError(f"unknown store {store!r}: use 'embedded' or 'neo4j'")
    if neo4j_uri is not None and neo4j_uri.split("://", 1)[0] not in BOLT_SCHEMES:
        raise InputError("--neo4j-uri takes bolt://host:port or neo4j://host:port (+s / +ssc: TLS)")
    os.environ["LINKRISK_DATA_DIR"] = str((directory / "data").resolve())
    if store:
        os.environ["LINKRISK_STORE"] = store
    if neo4j_uri:
        os.environ["LINKRISK_NEO4J_URI"] = neo4j_uri
    get_settings.cache_clear()
    return get_settings()


def _generate(files: Path, subjects: int, seed: int) -> dict[str, Any]:
    from linkrisk.demo.city import generate_city

    manifest_path = files / "manifest.json"
    if manifest_path.exists():
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        if manifest.get("subjects") == subjects and manifest.get("seed") == seed:
            return {"files": str(files), "reused": True}
    manifest = generate_city(
        files, subjects=subjects, seed=seed, as_of=DEMO_AS_OF, dirty_rate=DIRTY_RATE
    ).to_dict()
    return {"files": str(files), "rows": {f["name"]: f["rows"] for f in manifest["files"]}}


def plain(line: str = "") -> None:
    """A line as it is: never wrapped or cut, so commands and paths survive copy-paste."""
    print(line, flush=True)


def _closing(
    keys: dict[str, str], curls: str, plan: dict[str, Any], data_dir: Path, base: str
) -> None:
    """What to do next: the keys, the plan and its files, the store, curl, the web page."""
    console.rule("[bold]try it")
    plain("demo API keys (shown once; role, then the X-API-Key value):")
    for role, key in sorted(keys.items()):
        plain(f"  {role:<13} {key}")
    plain()
    plain(f"双随机 plan {plan['plan_id']}: {plan['selected']:,} of {plan['frame']:,} drawn")
    publication = dict(plan.get("publication") or {})
    due = publication.pop("due_date", None)
    for name, path in sorted(publication.items()):
        plain(f"  published {name}: {Path(path).resolve()}")
    if due:
        plain(f"  公示 due by {due}")
    plain()
    plain(f"the demo's store is {data_dir}; for the commands in the README, set:")
    plain(f"  {export_line(data_dir)}")
    plain()
    plain(curls)
    plain()
    plain(f"web page: {base}/  (enter the investigator or regulator key)")


@app.command()
def demo(
    directory: Annotated[Path, typer.Option("--dir", help="where the demo city lives")] = Path(
        "demo-city"
    ),
    subjects: Annotated[int, typer.Option(help="organisations in the generated city")] = 20_000,
    seed: Annotated[int, typer.Option(help="generator seed")] = 7,
    serve: Annotated[bool, typer.Option(help="serve the API and web page at the end")] = True,
    port: Annotated[
        int | None,
        typer.Option(help="port to serve on (default: LINKRISK_API_PORT, 8000)", min=1, max=65535),
    ] = None,
    json_out: Annotated[bool, typer.Option("--json", help="print the summary as JSON")] = False,
    store_name: Annotated[
        str | None,
        typer.Option(
            "--store", help="embedded | neo4j: where the graph is kept (default: settings)"
        ),
    ] = None,
    neo4j_uri: Annotated[
        str | None,
        typer.Option(
            "--neo4j-uri",
            help="bolt://host:port of the Neo4j server (--store neo4j; password:"
            " LINKRISK_NEO4J_PASSWORD)",
        ),
    ] = None,
) -> None:
    """The whole pipeline on a generated city, on the embedded store (or --store neo4j)."""
    from linkrisk.api.demo import create_demo_keys, curl_examples
    from linkrisk.graph.embedded.store import EmbeddedStore
    from linkrisk.graph.open import open_embedded, open_store
    from linkrisk.graph.snapshot.arrays import load_current
    from linkrisk.graph.snapshot.build import build_snapshot
    from linkrisk.loaders.pipeline import load_directory
    from linkrisk.models.city_training import train_city
    from linkrisk.models.pipeline import score_city
    from linkrisk.models.scores import load_scores
    from linkrisk.sampling.demo import demo_plan

    settings = _settings_for(directory, store_name, neo4j_uri)
    data_dir = settings.data_dir.resolve()
    summary: dict[str, Any] = {}
    files = directory / "files"

    with _step(f"1. generate a city of {subjects:,} subjects", summary) as info:
        info.update(_generate(files, subjects, seed))

    store = open_store(settings)  # the graph: embedded, or Neo4j with --store neo4j
    # keys, consents, plans and the audit log always live in the embedded store
    ops = store if isinstance(store, EmbeddedStore) else open_embedded(settings)
    with _step(f"2. load, validate and store ({store.backend})", summary) as info:
        reports = load_directory(files, store, settings=settings)
        print_table(
            "load summary",
            ["file", "kind", "read", "loaded", "rejected"],
            [
                (Path(r.file).name, r.kind, f"{r.rows_read:,}", f"{r.rows_ok:,}", r.rows_rejected)
                for r in reports
            ],
        )
        for r in reports:  # whole paths, on lines of their own (a table would cut them)
            if r.rejects_path:
                plain(f"  rejected rows of {Path(r.file).name}: {r.rejects_path}")
        info["rows_loaded"] = sum(r.rows_ok for r in reports)
        info["rows_rejected"] = sum(r.rows_rejected for r in reports)
        commitments = files / "commitments" / "承诺.csv"  # 信用承诺 (demo/commitments.py)
        if commitments.exists():
            info["commitments"] = _load_commitments(commitments, ops, store, settings)

    with _step("3. snapshot (point-in-time CSR arrays)", summary) as info:
        path = build_snapshot(
            store, settings.snapshot_dir, as_of=DEMO_AS_OF, supernode_cap=settings.supernode_cap
        )
        snapshot = load_current(settings.snapshot_dir)
        info.update(version=snapshot.version, path=str(path), **snapshot.meta["stats"])

    with _step("4. train the classifier on earlier windows", summary) as info:
        card = train_city(store, settings, DEMO_AS_OF, progress=lambda m: console.print(f"  {m}"))
        card_dict = card.to_dict()
        info.update(model_version=card_dict["model_version"], metrics=card_dict.get("metrics"))

    with _step("5. score and tier every subject", summary) as info:
        report = score_city(store, settings, snapshot)
        evaluate_after(settings, quiet=True)  # monitoring's baseline: later snapshots alert
        info.update(model_version=report.model_version, tiers=report.tier_counts)
        print_table("tiers", ["tier", "subjects"], sorted(report.tier_counts.items()))

    with _step("6. draw a 双随机 plan, assign inspectors, publish, verify", summary) as info:
        plan = demo_plan(settings, store, snapshot, load_scores(settings))
        info.update(plan)

    with _step("7. API keys for each role", summary) as info:
        keys = create_demo_keys(settings, ops)
        info["roles"] = sorted(keys)

    base = f"http://{settings.api_host}:{port or settings.api_port}"
    if json_out:
        print_json({**summary, "keys": keys, "url": base + "/", "data_dir": str(data_dir)})
    else:
        _closing(keys, curl_examples(keys, ops, base), plan, data_dir, base)
    store.close()
    if ops is not store:
        ops.close()
    if serve:
        from linkrisk.cli.api import serve as serve_api

        serve_api(host=None, port=port, workers=1)


def _load_commitments(path: Path, ops: Any, graph: Any, settings: Settings) -> dict[str, int]:
    """Record the city's commitments and write their breaches as events (before the snapshot,
    so that risk and the measures see them)."""
    from linkrisk.incentives.commitment_book import CommitmentBook
    from linkrisk.incentives.commitments import read_commitments

    found, rejected = read_commitments(path, settings.id_hash_key.get_secret_value().encode())
    book = CommitmentBook(ops)
    book.save(found)
    breaches = book.scan(graph, date.today())
    plain(f"  {len(found)} commitments, {len(breaches)} broken (违诺), {len(rejected)} refused")
    return {"commitments": len(found), "breaches": len(breaches), "refused": len(rejected)}
