"""Vectorised normalisers: raw source strings → canonical values, with the rows they reject.

Each parser takes a *cleaned* string array (``textops.clean``: half-width, trimmed, blanks and
placeholders as null) and returns a ``Parsed``: the canonical Arrow array and a list of
(mask, reason) problems for the present values it could not accept. Missing values are null and
never a problem here (``validate`` decides what is required).

Canonical formats take a numpy/Arrow fast path; other spellings ("2021年3月5日", "100万元") go
through a small Python function once per *distinct* value of the batch, never once per row.

Rules
-----
- percentages: "35%" and "35.5％" are divided by 100. Plain numbers are decided per *column*,
  never per value: a header unit "(%)" or any plain number above 1 makes the whole column percent
  ("1" then means 1 %), otherwise it holds fractions ("0.35"; "1" is 100 %). A file's loader
  decides over all its rows (``shares.decide_scale``) and passes ``percent``; without it the
  values given decide. Above 100 % or negative is rejected.
- dates: ISO "2021-03-05", "2021/3/5", "2021.03.05", "2021年3月5日", "20210305", a time after the
  date is ignored, a 5-digit Excel serial number (1900 date system: 44260 = 2021-03-05) is
  converted; years outside 1900–2100 are rejected; "长期"/"永久"/9999-12-31 mean "no date" (null).
- amounts: "1,234.5", "100元", "100万元"/"100万" (×10⁴), "1.5亿元" (×10⁸), "5千元"; a plain number
  is multiplied by the header's unit ("注册资本(万元)"); negative amounts are rejected; yuan only.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from linkrisk.errors import InputError
from linkrisk.loaders.identifiers import CODE_SEPARATORS
from linkrisk.loaders.scrub import NEAR_DIGITS, scrub_text
from linkrisk.loaders.textops import (
    all_null,
    as_string_array,
    byte_matrix,
    clean,
    collapse_whitespace,
    patch,
    present,
    to_bool,
)

# 1970-01-01 is serial 25569 in Excel's 1900 date system (which counts a fictitious 1900-02-29)
EXCEL_EPOCH_SERIAL = 25569
YEAR_MIN, YEAR_MAX = 1900, 2100  # anything outside is a typo in registration or sanction data
OPEN_ENDED = frozenset({"长期", "永久", "长期有效", "无固定期限", "不约定期限"})

#: amount units (a value's suffix or a header's "(万元)") → multiplier to yuan
UNIT_MULTIPLIERS: dict[str, float] = {
    "元": 1.0,
    "人民币元": 1.0,
    "千元": 1e3,
    "万": 1e4,
    "万元": 1e4,
    "万元人民币": 1e4,
    "亿": 1e8,
    "亿元": 1e8,
}
PERCENT_UNITS = frozenset({"%", "百分比"})

DATE_REASON = "not a date in 1900–2100 (expected e.g. 2021-03-05, 2021/3/5, 2021年3月5日, 20210305)"
NUMBER_REASON = "not a number"


@dataclass(slots=True)
class Parsed:
    """A parsed column: canonical values and the problems of the present values it rejected."""

    values: pa.Array
    problems: list[tuple[np.ndarray, str]] = field(default_factory=list)

    @property
    def bad(self) -> np.ndarray:
        out = np.zeros(len(self.values), dtype=bool)
        for mask, _reason in self.problems:
            out |= mask
        return out


def map_distinct(
    values: pa.StringArray, fn: Callable[[str], object], type_: pa.DataType
) -> pa.Array:
    """Apply ``fn`` once per distinct present value (None results become null)."""
    encoded = pc.dictionary_encode(values)
    assert isinstance(encoded, pa.DictionaryArray)
    mapped = pa.array([fn(v) for v in encoded.dictionary.to_pylist()], type=type_)
    return mapped.take(encoded.indices)


# -- text -------------------------------------------------------------------------------------


def free_text(values: pa.StringArray) -> pa.StringArray:
    """Any text field: whatever may be an ID number inside it is masked (``scrub_text``)."""
    long_enough = np.flatnonzero(to_bool(pc.greater_equal(pc.binary_length(values), 15)))
    if long_enough.size == 0:
        return values
    found = pc.match_substring_regex(values.take(pa.array(long_enough)), NEAR_DIGITS)
    rows = long_enough[to_bool(found)]  # the scrubber's own first test, vectorised
    if rows.size == 0:
        return values
    masked = pa.array([scrub_text(v) for v in values.take(pa.array(rows)).to_pylist()], pa.string())
    return as_string_array(patch(values, rows, masked))


def names(values: pa.StringArray) -> pa.StringArray:
    """Names: ``clean`` (half-width, "（）" → "()", whitespace collapsed, trimmed), IDs masked."""
    return free_text(values)


def addresses(values: pa.StringArray) -> pa.StringArray:
    """Addresses: half-width and every whitespace removed."""
    return free_text(collapse_whitespace(values, replacement=""))


def codes(values: pa.StringArray) -> pa.StringArray:
    """Identifier codes (USCC, ID numbers): upper-case, spaces and dashes of every kind removed
    (``identifiers.compact_code`` of each value)."""
    if all_null(values):
        return values
    upper = pc.ascii_upper(values)
    if pc.any(pc.match_substring(upper, "-")).as_py():
        upper = pc.replace_substring(upper, "-", "")
    if not pc.all(pc.string_is_ascii(upper)).as_py():  # "‐", "—", "−", "\u2003"…
        upper = pc.replace_substring_regex(upper, CODE_SEPARATORS, "")
    return collapse_whitespace(as_string_array(upper), replacement="")


def phones(values: pa.StringArray) -> Parsed:
    """The first phone number, digits only, without +86/0086; fewer than 7 digits is a problem."""
    if all_null(values):
        return Parsed(values)
    first = pc.replace_substring_regex(values, r"[;,/、|]+.*$", "")
    first = pc.replace_substring_regex(first, r"^\s*(\+\s*86|0086)[\s-]*", "")
    digits = pc.replace_substring_regex(first, r"[^0-9]", "")
    short = pc.less(pc.binary_length(digits), 7)
    bad = to_bool(short)
    return Parsed(
        pc.if_else(short, pa.scalar(None, pa.string()), digits), [(bad, "not a phone number")]
    )


_EMAIL = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"


def emails(values: pa.StringArray) -> Parsed:
    """Lower-case trimmed e-mail addresses; anything without user@domain.tld is a problem."""
    if all_null(values):
        return Parsed(values)
    lower = pc.utf8_lower(pc.replace_substring(values, " ", ""))
    ok = pc.match_substring_regex(lower, _EMAIL)
    bad = present(values) & ~to_bool(ok)
    return Parsed(
        pc.if_else(ok, lower, pa.scalar(None, pa.string())), [(bad, "not an e-mail address")]
    )


# -- numbers ----------------------------------------------------------------------------------

_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def _floats(values: pa.StringArray) -> tuple[np.ndarray, np.ndarray]:
    """Plain decimal numbers as float64 (NaN elsewhere) and the mask of those that parsed."""
    try:
        numbers = pc.cast(values, pa.float64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        plain = pc.match_substring_regex(values, r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
        numbers = pc.cast(pc.if_else(plain, values, pa.scalar(None, pa.string())), pa.float64())
    out = np.asarray(pc.fill_null(numbers, np.nan).to_numpy(zero_copy_only=False), dtype=np.float64)
    return out, present(numbers) & np.isfinite(out)


def _strip_thousands(values: pa.StringArray) -> pa.StringArray:
    if pc.any(pc.match_substring(values, ",")).as_py():
        return as_string_array(pc.replace_substring(values, ",", ""))
    return values


def percentages(
    values: pa.StringArray, unit: str | None = None, *, percent: bool | None = None
) -> Parsed:
    """Shares as fractions in [0, 1] (see the module docstring for the rule).

    ``percent``: whether the column's plain numbers are percents (decided over the whole file);
    None decides from ``unit`` and ``values`` alone.
    """
    if all_null(values):
        return Parsed(pa.nulls(len(values), pa.float64()))
    has_pct, numbers, ok = _share_numbers(values)
    if percent is None:
        percent = unit in PERCENT_UNITS or bool((numbers[ok & ~has_pct] > 1).any())
    fraction = np.where(has_pct | percent, numbers / 100, numbers)
    given = present(values)
    not_number = given & ~ok
    too_big = ok & (fraction > 1 + 1e-9)
    negative = ok & (fraction < 0)
    good = ok & ~too_big & ~negative
    out = pa.array(np.minimum(fraction, 1.0), mask=~good, type=pa.float64())
    return Parsed(
        out,
        [
            (not_number, "not a percentage"),
            (too_big, "more than 100%"),
            (negative, "negative share"),
        ],
    )


def _share_numbers(values: pa.StringArray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(written with %, the number, parsed) per value of a share column."""
    has_pct = pc.ends_with(values, "%")
    body = pc.utf8_trim_whitespace(
        pc.if_else(has_pct, pc.utf8_slice_codeunits(values, 0, -1), values)
    )
    numbers, ok = _floats(as_string_array(body))
    return to_bool(has_pct), numbers, ok


def first_plain_above_one(values: pa.StringArray) -> str | None:
    """The first value of a share column written without % and above 1 (None: there is none)."""
    if all_null(values):
        return None
    has_pct, numbers, ok = _share_numbers(values)
    hits = np.flatnonzero(ok & ~has_pct & (numbers > 1))
    return None if not hits.size else str(values[int(hits[0])].as_py())


_AMOUNT = re.compile(r"(?:人民币|RMB|CNY|¥|￥)?([+-]?(?:\d+(?:\.\d*)?|\.\d+))(.*)", re.IGNORECASE)


def _amount_text(text: str) -> float | None:
    """A spelled-out amount ("1.5亿元", "人民币100万元") in yuan, or None."""
    match = _AMOUNT.fullmatch(text.replace(" ", ""))
    if match is None:
        return None
    unit = match.group(2).removesuffix("人民币").removeprefix("人民币") or "元"
    multiplier = UNIT_MULTIPLIERS.get(unit)
    return None if multiplier is None else float(match.group(1)) * multiplier


def amounts(values: pa.StringArray, unit: str | None = None) -> Parsed:
    """Amounts in yuan; plain numbers are multiplied by the header unit (e.g. "万元" → 10⁴)."""
    if all_null(values):
        return Parsed(pa.nulls(len(values), pa.float64()))
    values = _strip_thousands(values)
    numbers, ok = _floats(values)
    header = UNIT_MULTIPLIERS.get(unit or "元", 1.0)
    numbers = numbers * header
    given = present(values)
    other = np.flatnonzero(given & ~ok)
    if other.size:
        spelled = map_distinct(
            as_string_array(values.take(pa.array(other))), _amount_text, pa.float64()
        )
        numbers[other] = pc.fill_null(spelled, np.nan).to_numpy(zero_copy_only=False)
        ok[other] = present(spelled)
    ok &= np.isfinite(numbers)
    not_number = given & ~ok
    negative = ok & (numbers < 0)
    out = pa.array(numbers, mask=~(ok & ~negative), type=pa.float64())
    return Parsed(out, [(not_number, "not an amount in yuan"), (negative, "negative amount")])


# -- dates ------------------------------------------------------------------------------------

_DATE_TEXT = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})(?:\s*日)?")
_TIME = re.compile(r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?")


def _date_text(text: str) -> tuple[int, int, int] | None:
    """(year, month, day) from a non-ISO spelling; (0, 0, 0) for "no date"; None if unreadable."""
    if text in OPEN_ENDED:
        return (0, 0, 0)
    serial = re.fullmatch(r"(\d{5})(?:\.0+)?", text)
    if serial:
        day = np.datetime64("1970-01-01") + np.timedelta64(
            int(serial.group(1)) - EXCEL_EPOCH_SERIAL, "D"
        )
        y, m, d = (int(p) for p in str(day).split("-"))
        return (y, m, d)
    match = re.match(r"(\d{4})(\d{2})(\d{2})", text) or _DATE_TEXT.match(text)
    if match is None or not _TIME.fullmatch(text[match.end() :]):
        return None
    return (int(match.group(1)), int(match.group(2)), int(match.group(3)))


def _ymd_to_days(year: np.ndarray, month: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Days since 1970-01-01 for real dates, -2**31 where (year, month, day) is not a date."""
    out = np.full(len(year), np.iinfo(np.int32).min, dtype=np.int64)
    ok = (year >= YEAR_MIN) & (year <= YEAR_MAX) & (month >= 1) & (month <= 12) & (day >= 1)
    idx = np.flatnonzero(ok)
    first = (year[idx] - 1970).astype("datetime64[Y]") + (month[idx] - 1).astype("timedelta64[M]")
    dates = first.astype("datetime64[D]") + (day[idx] - 1).astype("timedelta64[D]")
    real = dates.astype("datetime64[M]") == first
    out[idx[real]] = dates[real].astype(np.int64)
    return out


def _number(digits: np.ndarray, ok: np.ndarray, cols: slice) -> tuple[np.ndarray, np.ndarray]:
    part = digits[:, cols]
    value = np.asarray(part @ (10 ** np.arange(part.shape[1] - 1, -1, -1)))
    return value, np.asarray(ok[:, cols].all(axis=1), dtype=bool)


def dates(values: pa.StringArray) -> Parsed:
    """Dates as date32 (see the module docstring for the accepted spellings)."""
    if all_null(values):
        return Parsed(pa.nulls(len(values), pa.date32()))
    m, lengths = byte_matrix(values, 10)
    digits = m.astype(np.int32) - 48
    is_digit = (digits >= 0) & (digits <= 9)
    y, y_ok = _number(digits, is_digit, slice(0, 4))
    iso_m, iso_m_ok = _number(digits, is_digit, slice(5, 7))
    iso_d, iso_d_ok = _number(digits, is_digit, slice(8, 10))
    iso = (lengths == 10) & (m[:, 4] == 45) & (m[:, 7] == 45) & y_ok & iso_m_ok & iso_d_ok
    c_m, c_m_ok = _number(digits, is_digit, slice(4, 6))
    c_d, c_d_ok = _number(digits, is_digit, slice(6, 8))
    compact = (lengths == 8) & y_ok & c_m_ok & c_d_ok
    year = np.where(iso | compact, y, 0)
    month = np.where(iso, iso_m, np.where(compact, c_m, 0))
    day = np.where(iso, iso_d, np.where(compact, c_d, 0))
    given = present(values)
    other = np.flatnonzero(given & ~iso & ~compact)
    if other.size:
        subset = as_string_array(values.take(pa.array(other)))
        parts = map_distinct(subset, _date_text, pa.list_(pa.int64(), 3))
        flat = pc.list_flatten(
            pc.fill_null(parts, pa.scalar([-1, -1, -1], pa.list_(pa.int64(), 3)))
        )
        ymd = np.asarray(flat.to_numpy(zero_copy_only=False)).reshape(-1, 3)
        year[other], month[other], day[other] = ymd[:, 0], ymd[:, 1], ymd[:, 2]
    no_date = given & (((year == 0) & (month == 0) & (day == 0)) | (year == 9999))
    days = _ymd_to_days(year, month, day)
    ok = days != np.iinfo(np.int32).min
    bad = given & ~ok & ~no_date
    out = pa.array(days.astype(np.int32), mask=~ok, type=pa.int32()).cast(pa.date32())
    return Parsed(out, [(bad, DATE_REASON)])


def parse_date(text: str, what: str = "date") -> date:
    """One date typed by a person (an option, a cell of a results file), by the loaders' rules.

    The same spellings as :func:`dates` ("2026-11-01", "2026/11/01", "2026.11.01", "20261101",
    "2026年11月1日"); anything else, an open end ("长期") included, is an ``InputError`` naming
    ``what`` and the value.
    """
    parsed = dates(clean(pa.array([text], pa.string()))).values[0].as_py()
    if not isinstance(parsed, date):
        raise InputError(f"{what}: {text!r} is {DATE_REASON}", field=what, value=text)
    return parsed
