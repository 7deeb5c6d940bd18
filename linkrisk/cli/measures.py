"""信易+ / 联合奖惩 measures: ``linkrisk measures list|check|batch``.

``check`` takes a USCC or a person's resident ID number (hashed at once; only its masked form is
ever printed) and answers per scenario with the measures that apply, the facts each rule used
and the legal basis — what the API's window role sees. ``batch`` checks a file of codes (one per
line, or the first column of a CSV) against the scenarios and writes one CSV row per code.
"""

from __future__ import annotations

import csv
import sys
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer

from linkrisk.cli import app
from linkrisk.cli.output import console, print_json, print_table
from linkrisk.config import get_settings
from linkrisk.errors import InputError, NotReady
from linkrisk.incentives import OUTCOMES, Catalogue, SubjectFacts, batch_outcomes, load_catalogue
from linkrisk.incentives.check import EFFECT_WORDS, scenarios_of

measures_app = typer.Typer(
    help="信易+ incentives and 联合奖惩 measures: list the catalogue, check subjects.",
    no_args_is_help=True,
)
app.add_typer(measures_app, name="measures")

CatalogueOption = Annotated[
    Path | None,
    typer.Option(help="a TOML catalogue (default: settings, else the illustrative one)"),
]
ScenarioOption = Annotated[
    str | None, typer.Option(help="one scenario (e.g. 信易贷); all when omitted")
]


def catalogue_of(path: Path | None) -> Catalogue:
    return load_catalogue(path or get_settings().measures_catalogue)


def published_facts() -> SubjectFacts:
    """The facts of the published snapshot and its scores (``NotReady`` when they differ)."""
    from linkrisk.graph.snapshot.arrays import load_current
    from linkrisk.models.scores import load_scores

    settings = get_settings()
    snapshot = load_current(settings.snapshot_dir)
    scores = load_scores(settings)
    if scores.snapshot_version != snapshot.version:
        raise NotReady(
            f"the published scores are for snapshot {scores.snapshot_version}, not"
            f" {snapshot.version}: run linkrisk score"
        )
    from linkrisk.graph.open import open_embedded
    from linkrisk.incentives.commitment_book import CommitmentBook

    records = open_embedded(settings)
    try:
        commitments = CommitmentBook(records).facts(snapshot)
    finally:
        records.close()
    return SubjectFacts(snapshot, scores.tier, commitments)


@measures_app.command("list")
def list_measures(
    scenario: ScenarioOption = None,
    catalogue: CatalogueOption = None,
    json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
) -> None:
    """The measures of the catalogue: scenario, effect, name, authority and legal basis."""
    cat = catalogue_of(catalogue)
    names = scenarios_of(cat, scenario)
    chosen = [m for m in cat.measures if m.scenario in names]
    if json:
        print_json(
            {"catalogue": cat.name, "version": cat.version, "illustrative": cat.illustrative,
             "measures": [m.public() for m in chosen]}
        )  # fmt: skip
        return
    flag = " — 示例目录 (illustrative)" if cat.illustrative else ""
    print_table(
        f"措施目录 {cat.name} {cat.version}{flag}",
        ["id", "场景", "类型", "措施", "依据文号"],
        [(m.id, m.scenario, EFFECT_WORDS[m.effect], m.name, m.basis_number) for m in chosen],
    )


@measures_app.command("check")
def check(
    code: Annotated[str, typer.Argument(help="a USCC, or a person's resident ID number")],
    scenario: ScenarioOption = None,
    catalogue: CatalogueOption = None,
    json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
) -> None:
    """Which measures apply to a subject, with the facts each rule used and the legal basis."""
    from linkrisk.api.measures import window_subject
    from linkrisk.incentives import check_subject
    from linkrisk.loaders.identifiers import IdentifierKind, identifier_kind

    cat = catalogue_of(catalogue)
    kind = identifier_kind(code)
    if kind is None:
        raise InputError("not a valid USCC or resident ID number (the code is not repeated)")
    key = get_settings().id_hash_key.get_secret_value().encode()
    person = kind is IdentifierKind.PERSON
    subject = window_subject(None if person else code, code if person else None, key)
    result = check_subject(cat, published_facts(), subject.sid, scenario, date.today())
    result["query"], result["subject"] = subject.query, None if person else subject.sid
    if json:
        print_json(result)
        return
    print_answer(result)


def print_answer(result: dict[str, Any]) -> None:
    head = f"{result['query']}  快照 {result['snapshot']} ({result['as_of']})"
    if result["illustrative"]:
        head += "  示例目录 (illustrative)"
    console.print(head)
    if not result["found"]:
        console.print("未查到该主体的信用记录 / no record of this subject")
    for s in result["scenarios"]:
        console.print(f"\n[bold]{s['scenario']}[/bold]: {s['outcome_label']} ({s['outcome']})")
        for m in s["measures"]:
            mark = "✔" if m["applies"] else "·"
            console.print(f"  {mark} {m['effect_label']} {m['name']}  [{m['id']}]")
            console.print(f"      依据: {m['basis']} {m['basis_number']}  ({m['authority']})")
            for f in m["facts"]:
                console.print(f"      {'✔' if f['held'] else '✘'} {f['text']}")


@measures_app.command("batch")
def batch(
    source: Annotated[Path, typer.Argument(help="codes, one per line (or a CSV's first column)")],
    out: Annotated[Path | None, typer.Option(help="CSV to write (default: stdout)")] = None,
    scenario: Annotated[
        list[str] | None, typer.Option(help="a scenario (repeat); default all")
    ] = None,
    catalogue: CatalogueOption = None,
) -> None:
    """Check a list of subjects against the scenarios (统查); ID numbers are hashed and masked."""
    from linkrisk.api.checks import organisation_entries, person_entries
    from linkrisk.loaders.identifiers import IdentifierKind, identifier_kind
    from linkrisk.loaders.spreadsheet import SafeCsvWriter

    cat = catalogue_of(catalogue)
    names = [n for s in scenario for n in scenarios_of(cat, s)] if scenario else []
    names = list(dict.fromkeys(names)) or scenarios_of(cat, None)
    try:
        with source.open(encoding="utf-8-sig", newline="") as handle:
            codes = [row[0].strip() for row in csv.reader(handle) if row and row[0].strip()]
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the list {source}: {exc}", field="source") from None
    key = get_settings().id_hash_key.get_secret_value().encode()
    people = {i for i, c in enumerate(codes) if identifier_kind(c) is IdentifierKind.PERSON}
    persons = iter(person_entries([codes[i] for i in sorted(people)], key))
    firms = iter(organisation_entries([c for i, c in enumerate(codes) if i not in people]))
    entries = [next(persons) if i in people else next(firms) for i in range(len(codes))]
    del codes  # the raw numbers go no further
    facts = published_facts()
    valid = [e.sid for e in entries if e.sid is not None]
    nodes = facts.snapshot.indices(valid)
    outcomes = batch_outcomes(cat, facts, nodes, names, date.today())
    counts: Counter[tuple[str, str]] = Counter()
    try:
        handle_out = out.open("w", encoding="utf-8", newline="") if out else sys.stdout
    except OSError as exc:
        raise InputError(f"cannot write {out}: {exc.strerror}", field="out") from None
    try:
        writer = SafeCsvWriter(handle_out)
        writer.writerow(["line", "kind", "query", "problem", *names])
        at = 0
        for line, entry in enumerate(entries, 1):
            cells = [""] * len(names)
            if entry.sid is not None:
                cells = [OUTCOMES[int(outcomes[n][at])] for n in names]
                at += 1
                counts.update(zip(names, cells, strict=True))
            writer.writerow([line, entry.kind, entry.query, entry.problem or "", *cells])
    finally:
        if out:
            handle_out.close()
    if out:
        print_table(
            f"{len(entries)} 个主体 → {out}",
            ["场景", *OUTCOMES],
            [(n, *(counts[(n, o)] for o in OUTCOMES)) for n in names],
        )


@measures_app.command("effect")
def effect(
    since: Annotated[str | None, typer.Option(help="first day (default: 30 days ago)")] = None,
    until: Annotated[str | None, typer.Option(help="last day (default: today)")] = None,
    scenario: ScenarioOption = None,
    json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
) -> None:
    """The measures' effect (守信激励报告): window checks per scenario and outcome, feedback,
    overrides and their reasons."""
    from datetime import timedelta

    from linkrisk.api.window_log import effect_report
    from linkrisk.graph.open import open_embedded
    from linkrisk.loaders.normalise import parse_date

    if scenario is not None:
        scenarios_of(catalogue_of(None), scenario)  # a scenario of the deployment's catalogue
    last = parse_date(until, "until") if until else date.today()
    first = parse_date(since, "since") if since else last - timedelta(days=30)
    store = open_embedded()
    try:
        report = effect_report(store, first, last, scenario)
    finally:
        store.close()
    if json:
        print_json(report)
        return
    print_table(
        f"措施实施效果 {first} – {last}",
        ["场景", "核查", *OUTCOMES, "已执行", "不予执行", "主要理由"],
        [
            (
                r["scenario"],
                r["checks"],
                *(r["outcomes"].get(o, {}).get("checks", 0) for o in OUTCOMES),
                r["feedback"].get("applied", 0),
                r["feedback"].get("overridden", 0),
                "; ".join(f"{x['reason']} ×{x['count']}" for x in r["override_reasons"][:3]),
            )
            for r in report["scenarios"]
        ],
    )
