"""Shared output helpers: readable tables for people, JSON for machines, progress bars.

Tables and JSON go through the one scrubber (``scrub_text``): an ID number a user typed as a
subject key, or found anywhere in what is printed, appears masked.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from linkrisk.loaders.scrub import scrub_data, scrub_text

console = Console()
err_console = Console(stderr=True)


def print_json(value: Any) -> None:
    """Write JSON to stdout (dates and other objects through ``str``)."""
    print(json.dumps(scrub_data(value), ensure_ascii=False, indent=2, default=str))


def print_table(title: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    table = Table(title=scrub_text(title), title_justify="left")
    for name in columns:
        table.add_column(name)
    for row in rows:
        table.add_row(*("" if v is None else scrub_text(str(v)) for v in row))
    console.print(table)


@contextmanager
def progress_bar(description: str, total: float | None = None) -> Iterator[Any]:
    """A progress bar on stderr; yields ``advance(n)``. Hidden when stderr is not a terminal."""
    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed:,.0f}/{task.total:,.0f}"),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
        disable=not err_console.is_terminal,
    )
    with progress:
        task = progress.add_task(description, total=total)

        def advance(n: float = 1, total: float | None = None) -> None:
            if total is not None:
                progress.update(task, total=total)
            progress.advance(task, n)

        yield advance
