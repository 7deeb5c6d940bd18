"""Neo4j commands: statements listed and shown; a server that is down is one readable line."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

import linkrisk.cli.neo4j  # noqa: F401  (registers the commands)
from linkrisk.cli import app
from linkrisk.graph.neo4j import cypher

runner = CliRunner()


def test_statements_lists_every_statement_with_what_it_does() -> None:
    result = runner.invoke(app, ["neo4j", "statements", "--json"])
    assert result.exit_code == 0, result.output
    listed = json.loads(result.output)
    assert set(listed) == set(cypher.statements())
    assert listed["MERGE_HOLDINGS"].startswith("Upsert shareholdings")


def test_statements_shows_one_statement() -> None:
    result = runner.invoke(app, ["neo4j", "statements", "--show", "DELETE_ALL"])
    assert result.exit_code == 0 and result.output.strip() == cypher.DELETE_ALL
    assert runner.invoke(app, ["neo4j", "statements", "--show", "NOPE"]).exit_code != 0


def test_check_against_a_server_that_is_down(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LINKRISK_NEO4J_URI", "bolt://127.0.0.1:9")
    from linkrisk.config import get_settings

    get_settings.cache_clear()
    result = runner.invoke(app, ["neo4j", "check"])
    assert result.exit_code == 2 and "error:" in result.output
    # through the real entry point: one line on stderr, exit code 2, no traceback
    done = subprocess.run(
        [sys.executable, "-c", "from linkrisk.cli import main; main()", "neo4j", "check"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert done.stderr.startswith("error: cannot reach Neo4j at bolt://127.0.0.1:9")
    assert "Traceback" not in done.stderr
