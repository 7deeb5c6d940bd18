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
import re
import string
from collections.abc import Iterable
from datetime import date
from enum import StrEnum
from functools import lru_cache
from typing import Any

import numpy as np
from stdnum import numdb
from stdnum.cn import ric, uscc
from stdnum.exceptions import ValidationError

try:  # CPython's own SHA-256: ~4x less per-call overhead than OpenSSL's for short messages
    from _sha256 import sha256 as _sha256
except ImportError:  # pragma: no cover - other interpreters
    _sha256 = hashlib.sha256

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # GB 32100: no I, O, Z, S, V
USCC_WEIGHTS = np.array([1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28])
ORG_CODE_WEIGHTS = np.array([3, 7, 9, 10, 5, 8, 4, 2])  # GB 11714-1997
ID_WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2])  # GB 11643-1999
ID_CHECK = "10X98765432"


class IdentifierKind(StrEnum):
    """What an identifier names: a market subject by USCC or a person by resident ID number."""

    ORGANISATION = "organisation"
    PERSON = "person"


class IdProblem(StrEnum):
    LENGTH = "wrong length"
    FORMAT = "invalid characters"
    CHECKSUM = "check character does not match"
    ORG_CODE = "embedded organisation code (GB 11714) check digit does not match"
    BIRTH_DATE = "birth date is not a real date"


#: full-width ASCII forms (U+FF01–U+FF5E) → ASCII, ideographic space → space, a-z → A-Z: the
#: same folding as ``textops.to_halfwidth`` and ``normalise.codes`` apply to a column
_FOLD = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
_FOLD |= str.maketrans(string.ascii_lowercase, string.ascii_uppercase)
_FOLD |= {ord(c) + 0xFEE0: ord(c.upper()) for c in string.ascii_lowercase}
#: what people put between the groups of an identifier: spaces and every kind of dash, in RE2
#: syntax for ``normalise.codes`` (Arrow); ``_SEPARATORS`` is the same class for Python
CODE_SEPARATORS = r"[\s\p{Z}\x{2010}-\x{2015}\x{2212}\x{FE63}-]"
_SEPARATORS = re.compile(r"[\s\u2010-\u2015\u2212\uFE63-]+")


def compact_code(text: str) -> str:
    """An identifier as the checks read it: half-width, upper case, without spaces or dashes
    ("１１０１０１-19900307 123x" → "11010119900307123X"); ``normalise.codes`` does the same to
    a column."""
    return _SEPARATORS.sub("", text.translate(_FOLD))


def decide_identifiers(
    uscc_ok: np.ndarray, id_ok: np.ndarray, says_org: np.ndarray | bool = False
) -> tuple[np.ndarray, np.ndarray]:
    """(person, organisation) masks of codes that pass the USCC and/or the resident ID checks.

    About 0.3 % of valid resident ID numbers also pass the USCC checks (one check character in
    31, the embedded GB 11714 one in 11). Such a number names a person unless the row itself
    says "organisation" (a holder type, a firm-like name): a person taken for a firm would be
    stored, logged and shown with the raw number. The loaders (per column) and the API (per
    value, ``identifier_kind``) decide with this one rule.
    """
    uscc_ok, id_ok = np.asarray(uscc_ok, dtype=bool), np.asarray(id_ok, dtype=bool)
    person = id_ok & ~(uscc_ok & np.asarray(says_org, dtype=bool))
    return person, uscc_ok & ~person


def identifier_kind(text: str, *, says_org: bool = False) -> IdentifierKind | None:
    """Whether ``text`` (compacted first) names a person or an organisation; None if neither."""
    code = compact_code(text)
    person, org = decide_identifiers(
        np.array([check_uscc(code) is None]), np.array([check_resident_id(code) is None]), says_org
    )
    if person[0]:
        return IdentifierKind.PERSON
    return IdentifierKind.ORGANISATION if org[0] else None


def organisation_problem(text: str) -> str | None:
    """Why ``text`` is not an organisation's USCC (None when it is one); never shows the text."""
    code = compact_code(text)
    kind = identifier_kind(code)
    if kind is IdentifierKind.ORGANISATION:
        return None
    if kind is IdentifierKind.PERSON:
        return "a resident ID number (a person), not an organisation's USCC"
    problem = check_uscc(code)
    return None if problem is None else str(problem)


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
    # stdnum would compact and upper-case first; the vectorised check (and the store) does not
    if not (code[:8].isascii() and code[:8].isdigit()) or any(c not in USCC_ALPHABET for c in code):
        return IdProblem.FORMAT
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
    # isascii: str.isdigit() also accepts e.g. "²" or full-width digits, which int() rejects
    if not number.isascii() or not number[:17].isdigit() or number[17] not in "0123456789X":
        return IdProblem.FORMAT
    if ric.calc_check_digit(number) != number[17]:
        return IdProblem.CHECKSUM
    try:
        born = ric.get_birth_date(number)
    except ValidationError:
        return IdProblem.BIRTH_DATE
    # same bounds as resident_id_valid_array: no birth before 1800 or in the future
    if born.year < 1800 or born > date.today():
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
    try:
        fixed = np.asarray(codes).astype(f"S{width}")
    except UnicodeEncodeError:
        # non-ASCII characters: encode them as UTF-8; their bytes (>= 0x80) are never valid
        fixed = np.char.encode(np.asarray(codes).astype(str), "utf-8").astype(f"S{width}")
    return fixed.view(np.uint8).reshape(len(fixed), width)


def uscc_valid_array(codes: np.ndarray) -> np.ndarray:
    """Vectorised ``check_uscc(code) is None`` over an array of upper-case strings."""
    codes = np.asarray(codes)
    lengths = np.char.str_len(codes.astype(str)) if codes.size else np.zeros(0, int)
    return uscc_valid_matrix(_as_bytes(codes, 18), lengths)


def _weighted_sums(columns: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """weights · column for a (k, n) character-major matrix (float32 is exact below 2**24)."""
    return np.rint(weights.astype(np.float32) @ columns.astype(np.float32)).astype(np.int64)


def _screen(t: np.ndarray, lengths: np.ndarray, digits_upto: int) -> np.ndarray:
    """Indices of the codes 18 long whose first ``digits_upto`` characters are digits."""
    head = t[:digits_upto]
    return np.flatnonzero((lengths == 18) & (head.min(axis=0) >= 48) & (head.max(axis=0) <= 57))


def uscc_valid_matrix(m: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """``uscc_valid_array`` over an (n, 18) uint8 matrix of bytes and the strings' lengths."""
    # character-major, so that per-code reductions run along the long axis; the checksums
    # are computed only for the codes that pass the cheap screen
    t = np.ascontiguousarray(m.T)
    idx = _screen(t, lengths, 8)
    sub = t if len(idx) == len(m) else t[:, idx]
    values = _USCC_VALUE.take(sub)
    good = values.min(axis=0) >= 0
    good &= (31 - _weighted_sums(values[:17], USCC_WEIGHTS) % 31) % 31 == values[17]
    org_check = 11 - _weighted_sums(_ORG_VALUE.take(sub[8:16]), ORG_CODE_WEIGHTS) % 11
    org_char = np.where(
        org_check == 10, ord("X"), np.where(org_check == 11, ord("0"), org_check + 48)
    )
    individual = (sub[0] == ord("9")) & (sub[1] == ord("2"))
    good &= (org_char == sub[16]) | individual
    ok = np.zeros(len(m), dtype=bool)
    ok[idx] = good
    return ok


def resident_id_valid_array(numbers: np.ndarray) -> np.ndarray:
    """Vectorised ``check_resident_id(n) is None`` (length, digits, check digit, birth date)."""
    numbers = np.asarray(numbers)
    lengths = np.char.str_len(numbers.astype(str)) if numbers.size else np.zeros(0, int)
    return resident_id_valid_matrix(_as_bytes(numbers, 18), lengths)


def resident_id_valid_matrix(matrix: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """``resident_id_valid_array`` over an (n, 18) uint8 matrix of bytes and the lengths."""
    t = np.ascontiguousarray(matrix.T)  # character-major (see uscc_valid_matrix)
    last = t[17]
    idx = _screen(t, lengths, 17)
    idx = idx[((last[idx] >= ord("0")) & (last[idx] <= ord("9"))) | (last[idx] == ord("X"))]
    digits = (t[:17] if len(idx) == len(matrix) else t[:17, idx]).astype(np.int64) - ord("0")
    check_chars = np.frombuffer(ID_CHECK.encode(), dtype=np.uint8)
    good = check_chars[_weighted_sums(digits, ID_WEIGHTS) % 11] == last[idx]
    year = np.array([1000, 100, 10, 1]) @ digits[6:10]
    month = np.array([10, 1]) @ digits[10:12]
    day = np.array([10, 1]) @ digits[12:14]
    good &= (month >= 1) & (month <= 12) & (day >= 1) & (year >= 1800)
    at = np.flatnonzero(good)
    first = (year[at] - 1970).astype("datetime64[Y]") + (month[at] - 1).astype("timedelta64[M]")
    dates = first.astype("datetime64[D]") + (day[at] - 1).astype("timedelta64[D]")
    real = (dates.astype("datetime64[M]") == first) & (dates <= np.datetime64("today"))
    good[at[~real]] = False
    ok = np.zeros(len(matrix), dtype=bool)
    ok[idx] = good
    return ok


def person_sid(id_number: str, key: bytes) -> str:
    """The person's subject key: "P" + 32 hex digits of HMAC-SHA256(key, normalised ID)."""
    return "P" + hmac.new(key, id_number.encode(), hashlib.sha256).hexdigest()[:32]


def weak_sid(name: str, seen_with: str, key: bytes) -> str:
    """A weak identity for a subject without identifier: keyed hash of name and the firm."""
    return "W" + hmac.new(key, f"{name}|{seen_with}".encode(), hashlib.sha256).hexdigest()[:32]


def mask_id(id_number: str) -> str:
    """Masked form for display: the first 4 and last 4 characters, e.g. ``3201**********123X``."""
    return id_number[:4] + "*" * (len(id_number) - 8) + id_number[-4:]


def _code_range(low: str, high: str) -> list[str]:
    return [f"{i:0{len(low)}d}" for i in range(int(low), int(high) + 1)]


@lru_cache(maxsize=1)
def known_region_codes() -> frozenset[str]:
    """Every 6-digit 行政区划 code GB/T 2260 has had at any date (python-stdnum's ``cn/loc``):
    a province's two digits and a county entry's four. Built once (~0.15 s); looking prefixes
    up one by one in ``numdb`` cost ~0.2 ms each, a sixth of the parse time of a file of
    persons from many regions."""
    codes: set[str] = set()
    for _, low, high, _props, counties in numdb.get("cn/loc").prefixes:
        for province in _code_range(low, high):
            for _, county_low, county_high, props, _children in counties:
                if props:
                    codes.update(province + c for c in _code_range(county_low, county_high))
    return frozenset(codes)


def resident_id_prefix_known(prefix: str) -> bool:
    """Whether a 6-digit 行政区划 prefix is known at any date (the whole code: a known province
    with an unknown county is unknown)."""
    return prefix in known_region_codes()


def hmac_pads(key: bytes) -> tuple[Any, Any]:
    """SHA-256 states after the HMAC inner and outer key blocks (RFC 2104)."""
    block = (hashlib.sha256(key).digest() if len(key) > 64 else key).ljust(64, b"\0")
    inner = _sha256(bytes(b ^ 0x36 for b in block))
    outer = _sha256(bytes(b ^ 0x5C for b in block))
    return inner, outer


def keyed_digests(texts: Iterable[bytes], key: bytes) -> bytes:
    """HMAC-SHA256(key, text) of many texts, the 32-byte digests concatenated.

    The key blocks are hashed once and their states copied per text, with CPython's built-in
    SHA-256 where available (far less overhead per short message than OpenSSL's).
    """
    inner, outer = hmac_pads(key)
    out = bytearray()
    append = out.extend
    for text in texts:
        i = inner.copy()
        i.update(text)
        o = outer.copy()
        o.update(i.digest())
        append(o.digest())
    return bytes(out)


def keyed_sids(prefix: str, texts: Iterable[str], key: bytes) -> list[str]:
    """``prefix`` + 32 hex digits of HMAC-SHA256(key, text) for many texts at once.

    ``keyed_sids("P", numbers, key)`` equals ``[person_sid(n, key) for n in numbers]`` and
    ``keyed_sids("W", [f"{name}|{firm}"], key)`` equals ``[weak_sid(name, firm, key)]``.
    """
    digests = keyed_digests((t.encode() for t in texts), key)
    return [prefix + digests[i : i + 16].hex() for i in range(0, len(digests), 32)]


def mask_value(value: str) -> str:
    """Mask anything that may be an ID number: ``mask_id`` when long enough, else all stars."""
    return mask_id(value) if len(value) >= 12 else "*" * len(value)
