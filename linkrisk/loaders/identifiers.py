"""Identifiers: USCC (GB 32100-2015 with the embedded GB 11714 code) and resident ID (GB 11643).

Scalar functions use python-stdnum; the ``*_array`` functions do the same checks vectorised over
numpy arrays of fixed-width byte strings, for loading millions of rows. Tests run both over the
same examples so that they cannot drift apart.

Privacy: a resident ID number is turned into a keyed hash (``person_sid``) and a masked form
(``mask_id``) as soon as it is validated; the raw number is never stored, logged or printed.
"""

from __future__ import annotations

import hashlib
import hmac
from enum import StrEnum

import numpy as np
from stdnum.cn import ric, uscc
from stdnum.exceptions import ValidationError

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # GB 32100: no I, O, Z, S, V
USCC_WEIGHTS = np.array([1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28])
ORG_CODE_WEIGHTS = np.array([3, 7, 9, 10, 5, 8, 4, 2])  # GB 11714-1997
ID_WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2])  # GB 11643-1999
ID_CHECK = "10X98765432"


class IdProblem(StrEnum):
    LENGTH = "wrong length"
    FORMAT = "invalid characters"
    CHECKSUM = "check character does not match"
    ORG_CODE = "embedded organisation code (GB 11714) check digit does not match"
    BIRTH_DATE = "birth date is not a real date"


def _value_table(alphabet: str) -> np.ndarray:
    table = np.full(256, -1, dtype=np.int16)
    for i, ch in enumerate(alphabet):
        table[ord(ch)] = i
    return table


_USCC_VALUE = _value_table(USCC_ALPHABET)
_ORG_VALUE = _value_table("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")  # letters count 10..35


def org_code_check_digit(body: str) -> str:
    """GB 11714 check character for the 8-character body of an organisation code."""
    total = sum(int(_ORG_VALUE[ord(c)]) * w for c, w in zip(body, ORG_CODE_WEIGHTS, strict=True))
    value = 11 - total % 11
    return "X" if value == 10 else "0" if value == 11 else str(value)


def uscc_check_char(first17: str) -> str:
    """GB 32100 check character for the first 17 characters of a USCC."""
    return uscc.calc_check_digit(first17)


def is_individual_business(code: str) -> bool:
    """个体工商户 (registration authority 9, type 2): their GB 11714 part is often not checkable."""
    return code[:2] == "92"


def check_uscc(code: str) -> IdProblem | None:
    """Return the first problem with a (compacted, upper-case) USCC, or None when it is valid."""
    if len(code) != 18:
        return IdProblem.LENGTH
    try:
        uscc.validate(code)
    except ValidationError as exc:
        return IdProblem.CHECKSUM if "checksum" in type(exc).__name__.lower() else IdProblem.FORMAT
    if not is_individual_business(code) and org_code_check_digit(code[8:16]) != code[16]:
        return IdProblem.ORG_CODE
    return None


def check_resident_id(number: str) -> IdProblem | None:
    """Check length, digits, GB 11643 check digit and birth date (region is not checked here)."""
    if len(number) != 18:
        return IdProblem.LENGTH
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        return IdProblem.FORMAT
    if ric.calc_check_digit(number) != number[17]:
        return IdProblem.CHECKSUM
    try:
        ric.get_birth_date(number)
    except ValidationError:
        return IdProblem.BIRTH_DATE
    return None


def resident_id_region_known(number: str) -> bool:
    """Whether the first six digits name a known county at the birth year (a warning if not)."""
    try:
        ric.get_birth_place(number)
    except ValidationError:
        return False
    return True


def _as_bytes(codes: np.ndarray, width: int) -> np.ndarray:
    """View an array of str/bytes as an (n, width) uint8 matrix (short codes padded with 0)."""
    fixed = np.asarray(codes).astype(f"S{width}")
    return fixed.view(np.uint8).reshape(len(fixed), width)


def uscc_valid_array(codes: np.ndarray) -> np.ndarray:
    """Vectorised ``check_uscc(code) is None`` over an array of upper-case strings."""
    codes = np.asarray(codes)
    lengths = np.char.str_len(codes.astype(str)) if codes.size else np.zeros(0, int)
    m = _as_bytes(codes, 18)
    values = _USCC_VALUE[m]
    ok = (lengths == 18) & (values >= 0).all(axis=1) & (m[:, :8] <= ord("9")).all(axis=1)
    check = (31 - (values[:, :17] * USCC_WEIGHTS).sum(axis=1) % 31) % 31
    ok &= check == values[:, 17]
    org = _ORG_VALUE[m[:, 8:16]]
    org_check = 11 - (org * ORG_CODE_WEIGHTS).sum(axis=1) % 11
    org_char = np.where(org_check == 10, ord("X"), np.where(org_check == 11, ord("0"), org_check + 48))
    individual = (m[:, 0] == ord("9")) & (m[:, 1] == ord("2"))
    ok &= (org_char == m[:, 16]) | individual
    return np.asarray(ok)


def resident_id_valid_array(numbers: np.ndarray) -> np.ndarray:
    """Vectorised ``check_resident_id(n) is None`` (length, digits, check digit, birth date)."""
    numbers = np.asarray(numbers)
    lengths = np.char.str_len(numbers.astype(str)) if numbers.size else np.zeros(0, int)
    m = _as_bytes(numbers, 18).astype(np.int64)
    digits = m[:, :17] - ord("0")
    ok = (lengths == 18) & ((digits >= 0) & (digits <= 9)).all(axis=1)
    last = m[:, 17]
    ok &= ((last >= ord("0")) & (last <= ord("9"))) | (last == ord("X"))
    expected = np.frombuffer(ID_CHECK.encode(), dtype=np.uint8)[(digits * ID_WEIGHTS).sum(axis=1) % 11]
    ok &= expected == last
    year = digits[:, 6:10] @ np.array([1000, 100, 10, 1])
    month = digits[:, 10:12] @ np.array([10, 1])
    day = digits[:, 12:14] @ np.array([10, 1])
    safe = ok & (month >= 1) & (month <= 12) & (day >= 1) & (year >= 1800)
    dates = np.full(len(m), np.datetime64("NaT"), dtype="datetime64[D]")
    idx = np.flatnonzero(safe)
    first = (year[idx] - 1970).astype("datetime64[Y]") + (month[idx] - 1).astype("timedelta64[M]")
    dates[idx] = first.astype("datetime64[D]") + (day[idx] - 1).astype("timedelta64[D]")
    real = np.zeros(len(m), bool)
    real[idx] = (dates[idx].astype("datetime64[M]") == first) & (dates[idx] <= np.datetime64("today"))
    return np.asarray(ok & real)


def person_sid(id_number: str, key: bytes) -> str:
    """The person's subject key: "P" + 32 hex digits of HMAC-SHA256(key, normalised ID)."""
    return "P" + hmac.new(key, id_number.encode(), hashlib.sha256).hexdigest()[:32]


def weak_sid(name: str, seen_with: str, key: bytes) -> str:
    """A weak identity for a subject without identifier: keyed hash of name and the firm."""
    return "W" + hmac.new(key, f"{name}|{seen_with}".encode(), hashlib.sha256).hexdigest()[:32]


def mask_id(id_number: str) -> str:
    """Masked form for display: the first 4 and last 4 characters, e.g. ``3201**********123X``."""
    return id_number[:4] + "*" * (len(id_number) - 8) + id_number[-4:]
