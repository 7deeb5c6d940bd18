"""The pieces every kind's validation shares: its fields, its problems, what it builds.

A ``Problems`` collects (field, mask, reason) for a batch; a row with any problem is rejected
and every problem of it is reported. Reasons are fixed sentences, or computed per rejected value
(e.g. which USCC check failed); values of identifier fields are masked in the reject.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from linkrisk.loaders.normalise import Parsed, dates
from linkrisk.loaders.records import SUBJECTS, Table
from linkrisk.loaders.rejects import Reject, mask_identifier
from linkrisk.loaders.scrub import scrub_text
from linkrisk.loaders.textops import as_string_array, present, to_bool

Reason = str | Callable[[str], str]
MISSING = "missing required value"


def _tomorrow() -> date:
    return date.today() + timedelta(days=1)


@dataclass(slots=True)
class Context:
    """What validation needs besides the data: the ID hash key, the header units, the
    latest date something that has happened may carry (tomorrow: a file dated in China is a
    day ahead of a server on UTC for eight hours a day), and whether the file's plain share
    numbers are percents (``shares.decide_scale``; None: each batch decides for itself)."""

    key: bytes
    units: Mapping[str, str] = field(default_factory=dict)
    latest: date = field(default_factory=_tomorrow)
    share_percent: bool | None = None


class Fields:
    """The cleaned source fields of a batch; a field the file lacks reads as all null."""

    def __init__(self, data: Mapping[str, pa.StringArray], n: int) -> None:
        self.data = dict(data)
        self.n = n

    def __getitem__(self, name: str) -> pa.StringArray:
        found = self.data.get(name)
        return found if found is not None else as_string_array(pa.nulls(self.n, pa.string()))

    def given(self, name: str) -> np.ndarray:
        return present(self[name]) if name in self.data else np.zeros(self.n, dtype=bool)


@dataclass(slots=True)
class Problem:
    field: str
    mask: np.ndarray
    reason: Reason
    secret: bool


class Problems:
    """Problems found in a batch, turned into ``Reject`` records only for the rejected rows."""

    def __init__(self, fields: Fields, rows: np.ndarray) -> None:
        self.fields = fields
        self.rows = rows
        self.items: list[Problem] = []

    def add(self, name: str, mask: np.ndarray, reason: Reason, *, secret: bool = False) -> None:
        if mask.any():
            self.items.append(Problem(name, mask, reason, secret))

    def require(self, *names: str) -> None:
        for name in names:
            self.add(name, ~self.fields.given(name), MISSING)

    def parsed(self, name: str, parsed: Parsed) -> pa.Array:
        for mask, reason in parsed.problems:
            self.add(name, mask, reason)
        return parsed.values

    @property
    def bad(self) -> np.ndarray:
        out = np.zeros(self.fields.n, dtype=bool)
        for item in self.items:
            out |= item.mask
        return out

    def rejects(self) -> list[Reject]:
        out: list[Reject] = []
        for item in self.items:
            idx = np.flatnonzero(item.mask)
            values = self.fields[item.field].take(pa.array(idx)).to_pylist()
            for i, value in zip(idx, values, strict=True):
                text = "" if value is None else str(value)
                reason = item.reason if isinstance(item.reason, str) else item.reason(text)
                shown = mask_identifier(text) if item.secret and text else scrub_text(text)
                out.append(Reject(int(self.rows[i]), item.field, shown, reason))
        return out


def after(values: pa.Array, ctx: Context) -> np.ndarray:
    """Rows whose date lies after ``ctx.latest``."""
    return to_bool(pc.greater(values, pa.scalar(ctx.latest, pa.date32())))


def happened(p: Problems, name: str, values: pa.Array, ctx: Context) -> pa.Array:
    """A date of something that has happened: rejected when it lies in the future."""
    p.add(name, after(values, ctx), f"{name} is in the future (after {ctx.latest}): a typo?")
    return values


FUTURE_START = "start_date: in the future (loaded as given)"


def period(
    f: Fields, p: Problems, ctx: Context, start: str = "start_date", end: str = "end_date"
) -> tuple[pa.Array, pa.Array, list[tuple[str, np.ndarray]]]:
    """Start and end dates, and a warning for start dates after today."""
    first = p.parsed(start, dates(f[start]))
    last = p.parsed(end, dates(f[end]))
    p.add(end, to_bool(pc.less(last, first)), f"{end} is before {start}")
    return first, last, [(FUTURE_START, after(first, ctx))]


@dataclass(slots=True)
class Built:
    """What a kind's validation builds for every row of a batch (before rows are dropped).

    ``primary`` may have several rows per source row (``parent`` says which); ``subjects`` are
    aligned with the source rows, earlier tables winning when two give the same sid.
    """

    table: Table
    primary: pa.Table
    parent: np.ndarray
    subjects: list[pa.Table] = field(default_factory=list)
    warnings: list[tuple[str, np.ndarray]] = field(default_factory=list)
    id_numbers: list[tuple[pa.StringArray, np.ndarray]] = field(default_factory=list)


def canonical(table: Table, n: int, **columns: pa.Array | np.ndarray | None) -> pa.Table:
    """A table with ``table``'s columns and types (nullable while rows may still be dropped)."""
    arrays = []
    for col in table.columns:
        value = columns.get(col.name)
        if value is None:
            arrays.append(pa.nulls(n, col.type))
        elif isinstance(value, np.ndarray):
            arrays.append(pa.array(value, type=col.type))
        else:
            arrays.append(value.cast(col.type))
    return pa.Table.from_arrays(arrays, names=table.column_names)


def subjects(n: int, **columns: pa.Array | np.ndarray | None) -> pa.Table:
    return canonical(SUBJECTS, n, **columns)
