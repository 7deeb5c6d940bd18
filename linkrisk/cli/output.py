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
from rich.progress import (
    BarColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table
from rich.text import Text

from linkrisk.loaders.scrub import scrub_data, scrub_text

console = Console()
err_console = Console(stderr=True)


def print_json(value: Any) -> None:
    """Write JSON to stdout (dates and other objects through ``str``)."""
    print(json.dumps(scrub_data(value), ensure_ascii=False, indent=2, default=str))


def print_table(title: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """A titled table; the title on its own line (never squeezed to the table's width), and
    only the title, with "none", when there are no rows."""
    table = Table()
    for name in columns:
        table.add_column(name, overflow="fold")  # keys, names and paths whole, never cut
    for row in rows:
        table.add_row(*("" if v is None else scrub_text(str(v)) for v in row))
    title = scrub_text(title)
    heading = Text(title if table.row_count else f"{title}: —", style="italic")
    console.print(heading, soft_wrap=True)
    if table.row_count:
        console.print(table)


class CountColumn(ProgressColumn):
    """``12,000/48,000``, or ``12,000`` while the total is not known yet (a pulsing bar)."""

    def render(self, task: Task) -> Text:
        done = f"{task.completed:,.0f}"
        return Text(done if task.total is None else f"{done}/{task.total:,.0f}")


class Bar:
    """What ``progress_bar`` yields: ``bar(n)`` advances, ``bar.describe(text)`` renames the
    task, ``bar.note(line)`` prints a line above the bar (or to stderr without one)."""

    def __init__(self, progress: Progress, task: Any) -> None:
        self._progress, self._task = progress, task

    def __call__(self, n: float = 1, total: float | None = None) -> None:
        if total is not None:
            self._progress.update(self._task, total=total)
        self._progress.advance(self._task, n)

    def describe(self, text: str, completed: float | None = None) -> None:
        self._progress.update(self._task, description=text, completed=completed)

    def note(self, line: str) -> None:
        self._progress.console.print(line, markup=False, highlight=False, soft_wrap=True)


@contextmanager
def progress_bar(description: str, total: float | None = None) -> Iterator[Bar]:
    """A progress bar on stderr. Hidden when stderr is not a terminal (notes still print)."""
    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        CountColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
        disable=not err_console.is_terminal,
    )
    with progress:
        yield Bar(progress, progress.add_task(description, total=total))
