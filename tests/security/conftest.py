"""Attack tests (issue 17): each replays an attack run from loopback against the real app, the
store and the command line. The API fixtures are shared with ``tests/api``."""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

import pytest

from tests.api.conftest import city, client, keys, make_client  # noqa: F401  (fixtures)


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    """Run ``linkrisk ARGS`` as a user does (through ``main``): the exit code and the output.

    A traceback is not an outcome: an exception other than ``SystemExit`` fails the test."""
    from linkrisk.cli import main

    argv = sys.argv
    sys.argv = ["linkrisk", *args]
    try:
        main()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    finally:
        sys.argv = argv
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def sql(db: Path, *statements: str, params: tuple[object, ...] = ()) -> None:
    """What an attacker with write access to the database file does."""
    conn = sqlite3.connect(db, isolation_level=None)
    for statement in statements:
        conn.execute(statement, params if statement == statements[-1] else ())
    conn.close()
