"""Every statement in ``linkrisk.graph.neo4j.cypher`` passes Neo4j's parser and semantic analysis.

``tools/cypherlint/lint.mjs`` wraps ``lintCypherQuery`` of ``@neo4j-cypher/language-support``
(the linter of Neo4j Browser and the VS Code extension). One node process serves the module.
Statements are discovered from the module, so a new one is linted without touching this file.
Without a live server this is the evidence that the Cypher is right; the contract suite runs
the same statements against a real Neo4j wherever LINKRISK_NEO4J_URI is set.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from linkrisk.graph.neo4j import cypher
from linkrisk.graph.relations import RelType

ROOT = Path(__file__).resolve().parents[3]
LINTER = ROOT / "tools" / "cypherlint"
PACKAGE = LINTER / "node_modules" / "@neo4j-cypher" / "language-support"
#: the Cypher of the deployment's Neo4j 5 server; Neo4j 2025+ may also run Cypher 25
DEPLOYED, NEXT = "CYPHER 5", "CYPHER 25"

SCHEMA = {
    "labels": [label.value for label in cypher.Label],
    "relationshipTypes": [t.value for t in RelType if t is not RelType.SAME_CONTACT]
    + [t.value for t in cypher.LinkType],
    "propertyKeys": cypher.property_keys(),
}


class Linter:
    """A client of the long-lived lint process: one JSON line out, one JSON line back."""

    def __init__(self, node: str) -> None:
        self.proc = subprocess.Popen(
            [node, "lint.mjs"],
            cwd=LINTER,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )

    def ask(self, request: dict[str, Any]) -> dict[str, Any]:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(json.dumps(request, ensure_ascii=False) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"the lint process exited with code {self.proc.wait()}")
        reply: dict[str, Any] = json.loads(line)
        if "failure" in reply:
            raise RuntimeError(f"the linter failed on {request.get('name')}: {reply['failure']}")
        return reply

    def lint(
        self, query: str, name: str = "query", version: str = "CYPHER 5"
    ) -> list[dict[str, Any]]:
        diagnostics: list[dict[str, Any]] = self.ask(
            {"name": name, "query": query, "version": version}
        )["diagnostics"]
        return diagnostics

    def close(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        self.proc.wait(timeout=10)


def _unavailable(reason: str) -> None:
    """In CI a missing linter fails the run (``make test`` installs it); elsewhere it skips."""
    message = f"the Cypher linter cannot run, {reason}"
    if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="module")
def linter() -> Iterator[Linter]:
    node = shutil.which("node")
    if node is None:
        _unavailable("node is not on PATH: install Node.js (20 or later), then run `make test`")
    if not PACKAGE.is_dir():
        _unavailable(
            f"{PACKAGE.relative_to(ROOT)} is missing: run `make test`"
            " (or `cd tools/cypherlint && npm ci`)"
        )
    assert node is not None
    client = Linter(node)
    try:
        assert client.ask({"schema": SCHEMA}) == {"ok": True}
        yield client
    finally:
        client.close()


STATEMENTS = cypher.statements()


def test_statements_are_discovered() -> None:
    assert len(STATEMENTS) >= 40
    assert "MERGE_HOLDINGS" in STATEMENTS and "COUNT_TABLES" in STATEMENTS


@pytest.mark.parametrize("name", sorted(STATEMENTS))
def test_statement_passes_neo4j_linter(linter: Linter, name: str) -> None:
    diagnostics = linter.lint(STATEMENTS[name], name, DEPLOYED)
    # zero errors, and zero warnings of any kind (unknown label, type, property, deprecation)
    assert diagnostics == [], f"{name} ({DEPLOYED}):\n{STATEMENTS[name]}\n{diagnostics}"


@pytest.mark.slow
def test_statements_also_pass_as_cypher_25(linter: Linter) -> None:
    # Neo4j 2025+ servers may run Cypher 25: the statements must need no change there either
    failures = {
        name: found
        for name, query in sorted(STATEMENTS.items())
        if (found := linter.lint(query, name, NEXT))
    }
    assert failures == {}


BROKEN = {
    "syntax": ("MATCH (s:Subject RETURN s", "error", "Invalid input"),
    "unknown label": ("MATCH (s:Subjekt) RETURN s.sid", "warning", "Label Subjekt"),
    "unknown type": ("MATCH (a)-[:HOLD]->(b) RETURN b.sid", "warning", "Relationship type HOLD"),
    "unknown property": ("MATCH (s:Subject) RETURN s.nmae", "warning", "nmae is not present"),
    "unknown function": ("RETURN coalesc($a, 1)", "error", "Function coalesc"),
    "type error": ("MATCH (s:Subject) RETURN type(s)", "error", "Type mismatch"),
    "undefined variable": ("MATCH (s:Subject) RETURN t.sid", "error", "Variable `t` not defined"),
    "plugin procedure": ("CALL apoc.help($x)", "error", "Procedure apoc.help"),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_linter_catches_a_broken_statement(linter: Linter, case: str) -> None:
    query, severity, fragment = BROKEN[case]
    diagnostics = linter.lint(query, case)
    assert any(d["severity"] == severity and fragment in d["message"] for d in diagnostics), (
        diagnostics
    )


def test_every_statement_has_a_docstring() -> None:
    docs = cypher.documentation()
    assert set(STATEMENTS) - set(docs) == set()
    assert all(len(doc) > 10 for doc in docs.values())


def test_docs_show_the_browser_examples_verbatim() -> None:
    text = (ROOT / "docs" / "neo4j.md").read_text(encoding="utf-8")
    for name, query in cypher.EXAMPLES.items():
        assert query.strip() in text, f"docs/neo4j.md lacks {name} as written in the code"


@pytest.mark.parametrize("name", sorted(STATEMENTS))
def test_values_are_parameters_not_literals(name: str) -> None:
    # a quote would mean a value was formatted into the text instead of passed as a $param
    assert not re.search(r"['\"]", STATEMENTS[name]), STATEMENTS[name]


def test_statement_names_resolve() -> None:
    assert cypher.name_of(cypher.MERGE_EVENTS) == "MERGE_EVENTS"
    with pytest.raises(ValueError):
        cypher.name_of("MATCH (n) RETURN n")
