"""Deliberately bad rows, as users' files have them, for testing rejects.

With ``dirty_rate`` > 0 that fraction of the rows of orgs.csv, holdings.parquet and events.csv
is spoiled in one realistic way each: a USCC or ID number with a wrong check character, a date
that does not exist, a share of 135%, an empty required field. The manifest records how many rows
of each file got which defect.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from linkrisk.loaders.identifiers import ID_CHECK, USCC_ALPHABET

DEFECTS: dict[str, tuple[tuple[str, str], ...]] = {
    # file: ((defect, column), …)
    "orgs.csv": (
        ("bad_check_char", "统一社会信用代码"),
        ("impossible_date", "成立日期"),
        ("missing_required", "企业名称"),
    ),
    "holdings.parquet": (
        ("bad_check_char", "org_uscc"),
        ("share_over_100", "share"),
        ("missing_required", "holder_name"),
        ("impossible_date", "start_date"),
    ),
    "events.csv": (
        ("bad_check_char", "统一社会信用代码"),
        ("impossible_date", "决定日期"),
        ("missing_required", "类别"),
    ),
}
_BAD_DATES = ("{y}-02-30", "{y}年2月30日", "{y}0230", "{y}-13-01", "{y}-04-31")


@dataclass(slots=True)
class DirtyPlan:
    rows: dict[str, np.ndarray] = field(default_factory=dict)  # sorted row numbers per file
    defect: dict[str, np.ndarray] = field(default_factory=dict)  # defect index per chosen row

    def counts(self) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = {}
        for name, defects in DEFECTS.items():
            if name in self.rows:
                got = np.bincount(self.defect[name], minlength=len(defects))
                out[name] = {"rows": len(self.rows[name])} | {
                    d: int(k) for (d, _c), k in zip(defects, got, strict=True)
                }
        return out


def plan(rng: np.random.Generator, rows: dict[str, int], rate: float) -> DirtyPlan:
    out = DirtyPlan()
    if rate <= 0:
        return out
    for name, n in rows.items():
        k = min(n, round(rate * n))
        out.rows[name] = np.sort(rng.choice(n, k, replace=False))
        out.defect[name] = rng.integers(0, len(DEFECTS[name]), k)
    return out


def _wrong_check(code: str, seed: int, is_id: bool) -> str:
    """The same code with a different check character from its own alphabet."""
    alphabet = ID_CHECK if is_id else USCC_ALPHABET
    i = alphabet.find(code[-1]) if code else 0
    return code[:-1] + alphabet[(max(i, 0) + 1 + seed % (len(alphabet) - 1)) % len(alphabet)]


def apply(
    dp: DirtyPlan, name: str, table: pa.Table, offset: int, is_id: np.ndarray | None = None
) -> pa.Table:
    """Spoil the planned rows that fall into this slice of the file (``is_id``: rows whose code
    is a resident ID number rather than a USCC)."""
    if name not in dp.rows:
        return table
    rows = dp.rows[name]
    lo, hi = np.searchsorted(rows, [offset, offset + table.num_rows])
    if lo == hi:
        return table
    local = rows[lo:hi] - offset
    defect = dp.defect[name][lo:hi]
    for d, (kind, column) in enumerate(DEFECTS[name]):
        at = local[defect == d]
        if not len(at):
            continue
        col = table.column(column).combine_chunks()
        old = col.take(pa.array(at)).to_pylist()
        new: list[str | None]
        if kind == "bad_check_char":
            ids = np.zeros(len(at), bool) if is_id is None else is_id[at]
            new = [
                _wrong_check(v or "", int(r), bool(i)) for v, r, i in zip(old, at, ids, strict=True)
            ]
        elif kind == "impossible_date":
            new = [_BAD_DATES[int(r) % len(_BAD_DATES)].format(y=2018 + int(r) % 8) for r in at]
        elif kind == "share_over_100":
            new = ["135%" if r % 2 else "135" for r in at]
        else:
            new = [None] * len(at)
        mask = np.zeros(table.num_rows, bool)
        mask[at] = True
        col = pc.replace_with_mask(col, pa.array(mask), pa.array(new, pa.string()))
        table = table.set_column(table.schema.get_field_index(column), column, col)
    return table
