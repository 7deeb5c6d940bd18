"""No command prints a traceback for bad input: every command of the tree, with garbage.

The tree is walked (``linkrisk.cli.command()``), so a command added later is covered without
touching this file. Each command is run with an unexpected extra argument, with garbage in all
its arguments and required options, and with garbage in each of its options in turn (flags
followed by a value, as in ``--json true``). Every run must end with a readable message and
exit code 2 (click's usage error; ``LinkriskError``s are mapped to it), never another exception.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from typer.core import TyperArgument, TyperGroup, TyperOption
from typer.testing import CliRunner

from linkrisk.cli import app, command

GARBAGE = "%%garbage%%"
#: options where any text is a legitimate value: garbage there runs the command for real
#: (``demo --dir X`` builds a city in X), so they get no variant of their own
FREE_TEXT = {
    ("demo", "--dir"),
    ("generate", "--out"),
    ("keys examples", "--base-url"),
    ("consents list", "--org"),
    ("alerts", "--org"),  # an organisation's name: any text (with no alerts, an empty list)
    ("watch list", "--org"),
    ("webhooks list", "--org"),
    ("inspectors list", "--department"),  # a department's name: a filter (none: an empty list)
    ("inspectors add", "--name"),  # names, departments and qualifications are free text
    ("inspectors add", "--department"),
    ("inspectors add", "--qualification"),
}
#: a value of the right shape that is still refused
TYPED_GARBAGE = {int: "lots", float: "lots", date: "2026-13-01", Path: GARBAGE}

Variant = tuple[str, list[str]]


def _leaves(group: TyperGroup, prefix: list[str]) -> Iterator[tuple[list[str], object]]:
    ctx = group.make_context("linkrisk", [], resilient_parsing=True)
    for name in group.list_commands(ctx):
        sub = group.get_command(ctx, name)
        if isinstance(sub, TyperGroup):
            yield from _leaves(sub, [*prefix, name])
        elif sub is not None:
            yield [*prefix, name], sub


def _garbage_for(param: TyperOption | TyperArgument) -> str:
    if param.name in {"as_of", "start", "end", "valid_from", "valid_until", "when"}:
        return TYPED_GARBAGE[date]
    if param.bare_type() in {"int", "float", "int | None", "float | None"}:
        return "lots"
    return GARBAGE


def _variants() -> Iterator[Variant]:
    root = command()
    assert isinstance(root, TyperGroup)
    for path, cmd in _leaves(root, []):
        name = " ".join(path)
        params = [p for p in cmd.params if p.name != "help"]  # type: ignore[attr-defined]
        arguments = [p for p in params if isinstance(p, TyperArgument)]
        options = [p for p in params if isinstance(p, TyperOption)]
        base: list[str] = []
        for a in arguments:
            base += [_garbage_for(a)] * (a.nargs if a.nargs > 0 else 1)
        required = []
        for o in options:
            if o.required:
                required += [o.opts[0], _garbage_for(o)]
        yield f"{name} (extra argument)", [*path, *base, GARBAGE, GARBAGE]
        free = all((name, o.opts[0]) in FREE_TEXT for o in options if o.required)
        if base or (required and not free):
            yield f"{name} (garbage arguments)", [*path, *base, *required]
        for o in options:
            if (name, o.opts[0]) in FREE_TEXT or o.required:
                continue
            value = ["true"] if o.is_flag else [_garbage_for(o)]
            rest = [x for x in required]
            yield f"{name} {o.opts[0]}", [*path, *base, *rest, o.opts[0], *value]


VARIANTS = list(_variants())


def test_the_walk_covers_every_command() -> None:
    names = {v[0].split(" (")[0].split(" --")[0] for v in VARIANTS}
    assert {"show", "search", "snapshot", "load", "sampling create", "consents create"} <= names
    assert {"sampling record", "keys create", "audit verify", "neo4j check", "demo"} <= names


@pytest.mark.parametrize(("what", "args"), VARIANTS, ids=[v[0] for v in VARIANTS])
def test_garbage_is_refused_in_one_message(
    what: str, args: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # whatever a command might write stays in the test's directory
    result = CliRunner().invoke(app, args)
    output = result.output
    assert result.exit_code == 2, f"{args}: exit {result.exit_code}\n{output}{result.exception!r}"
    assert "Traceback" not in output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Error" in output or "error:" in output, output


def test_a_refused_demo_leaves_the_environment_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    """The demo points the environment at its store for the server it starts; a refused
    ``--store`` or ``--neo4j-uri`` must not leave that behind for the next command."""
    monkeypatch.delenv("LINKRISK_STORE", raising=False)
    monkeypatch.delenv("LINKRISK_NEO4J_URI", raising=False)
    before = os.environ.get("LINKRISK_DATA_DIR")
    for bad in (["--store", "nope"], ["--neo4j-uri", "http://127.0.0.1:7474"]):
        result = CliRunner().invoke(app, ["demo", "--no-serve", *bad])
        assert result.exit_code == 2
        assert "LINKRISK_STORE" not in os.environ and "LINKRISK_NEO4J_URI" not in os.environ
        assert os.environ.get("LINKRISK_DATA_DIR") == before
