"""A holdings file's share column: percent or fraction, decided once per column; totals per firm.

A plain number in a share column is ambiguous: "1" is 100 % in a column of fractions and 1 % in
a column of percents. Guessing per value read "1" beside "51" and "75" as 100 %. The column is
decided as a whole instead, before its first row is parsed: a header unit "(%)" or any plain
value above 1 anywhere in the file makes it percent, otherwise it holds fractions. Values written
with "%" are percents either way. The load summary says which was chosen and why.

``ShareTotals`` adds up the current shares (no end date, or one still ahead) each firm's file
records and names the firms whose holders own more than 100 % beyond rounding.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from linkrisk.loaders.normalise import PERCENT_UNITS, first_plain_above_one

#: shares rounded to two decimals of a percent drift by up to 0.005 pp each: half a percentage
#: point over 100 % (a firm's 3 × 33.34 %) is rounding, more is a recording error
OVER_TOLERANCE = 0.005
#: firms named in the over-100 % warning (the count covers all of them)
EXAMPLES = 3


@dataclass(frozen=True, slots=True)
class ShareScale:
    """How a file's plain share numbers are read, and why."""

    percent: bool
    reason: str

    def describe(self) -> str:
        return f"{'percent' if self.percent else 'fraction'} ({self.reason})"


def decide_scale(columns: Iterable[pa.StringArray], unit: str | None = None) -> ShareScale:
    """The scale of a share column given as batches of cleaned text (stops at the first value
    that decides it)."""
    if unit in PERCENT_UNITS:
        return ShareScale(True, f"the header says {unit}")
    for values in columns:
        example = first_plain_above_one(values)
        if example is not None:
            return ShareScale(True, f"a value above 1: {example!r}")
    return ShareScale(False, 'no value above 1: "1" is 100 %')


@dataclass(slots=True)
class ShareTotals:
    """Current shares per held firm over the accepted rows of a holdings file."""

    today: date = field(default_factory=date.today)
    firms: list[pa.Array] = field(default_factory=list)
    shares: list[np.ndarray] = field(default_factory=list)

    def add(self, holdings: pa.Table) -> None:
        """Remember the current, known shares of a batch of canonical holdings rows."""
        end = holdings.column("end_date")
        current = pc.or_kleene(pc.is_null(end), pc.greater_equal(end, self.today))
        known = pc.and_(current, pc.is_valid(holdings.column("share")))
        rows = holdings.filter(known)
        if rows.num_rows:
            self.firms.append(rows.column("dst").combine_chunks())
            self.shares.append(rows.column("share").to_numpy())

    def over_allocated(self) -> list[str]:
        """Firms (sorted) whose current shares add up to more than 100 % beyond rounding."""
        if not self.firms:
            return []
        firms = pa.concat_arrays(self.firms)
        encoded = pc.dictionary_encode(firms)
        codes = encoded.indices.to_numpy(zero_copy_only=False)
        totals = np.bincount(codes, weights=np.concatenate(self.shares))
        over = np.flatnonzero(totals > 1 + OVER_TOLERANCE)
        return sorted(encoded.dictionary.take(pa.array(over)).to_pylist())

    def warning(self) -> tuple[str, int] | None:
        """The load summary's warning (with a few of the firms) and its count, if any."""
        over = self.over_allocated()
        if not over:
            return None
        shown = ", ".join(over[:EXAMPLES]) + (" …" if len(over) > EXAMPLES else "")
        return f"share: a firm's current holders add up to more than 100% ({shown})", len(over)
