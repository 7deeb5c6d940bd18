"""The one scrubber: resident ID numbers in any text are replaced by their masked form.

Everything linkrisk writes for people goes through ``scrub_text`` (or ``scrub_data`` for JSON-like
values) before it leaves: reject files and their reasons, problem responses of the API, the
audit log's subject keys and paths, check-job results, CLI output and error lines, log messages.
The raw number is replaced *first*; only then may a text be cut short.

What is masked (as ``mask_id``: ``1101**********1233``):

- every valid resident ID number (GB 11643 check digit and birth date), wherever it stands:
  in full-width digits, with spaces or dashes between its groups (``110101 19900307 1233``), or
  inside a longer run of characters;
- anything else shaped like one: 18 characters with a birth date where an ID number has it,
  separators allowed; and any run of 15 or more digits (or 14 digits and an X).

Kept: a valid USCC that is not also a valid ID number (an organisation is not personal data),
and the keys and digests linkrisk itself prints (``P``/``W`` subject keys, SHA-256 digests, job
and consent ids: lower-case hex with at least one letter) — except for a valid ID number inside
one, which is masked all the same.
"""

from __future__ import annotations

import re
from typing import Any

from linkrisk.loaders.identifiers import (
    IdentifierKind,
    check_resident_id,
    identifier_kind,
    mask_id,
    mask_value,
)

_D = r"\d"  # any Unicode digit: full-width ０-９ included
_S = r"[\s\-\u2010-\u2015\u2212\uFE63\uFF0D_./\u00B7]"  # spaces, dashes, . _ / ·
#: 18 characters with up to 3 separators between any two; a lookahead, to see every window
_WINDOW = re.compile(rf"(?=({_D}(?:{_S}{{0,3}}{_D}){{16}}{_S}{{0,3}}[\dXxＸｘ]))")
#: contiguous runs that may hold an ID number (15-digit numbers of the 1980s included)
_RUN = re.compile(r"\d{14,}[XxＸｘ]|\d{15,}")
#: region, birth date (18xx–20xx), sequence, check: the shape of an 18-digit ID number
_SHAPE = re.compile(r"\d{6}(?:18|19|20)\d\d(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dX]")
#: linkrisk's own keys and digests: lower-case hex, 16–64 long, with a letter, maybe a prefix
_OWN = re.compile(
    r"(?<![0-9A-Za-z])(?:[A-Za-z]{1,2}_?)?(?=[0-9]*[a-f])[0-9a-f]{16,64}(?![0-9A-Za-z])"
)
#: 15 digits near each other: less, and there is nothing to mask (RE2 reads it alike, for Arrow)
NEAR_DIGITS = r"(?:\d\D{0,3}){14}\d"
_FAST = re.compile(NEAR_DIGITS)


def _digits(text: str) -> str:
    """The digits (as ASCII) and X of a matched span."""
    out = []
    for ch in text:
        if ch.isdecimal():
            out.append(str(int(ch)))
        elif ch in "XxＸｘ":
            out.append("X")
    return "".join(out)


def _spans(text: str) -> list[tuple[int, int]]:
    """Sorted, merged (start, end) spans of ``text`` to mask."""
    own = [m.span() for m in _OWN.finditer(text)]

    def inside_own(start: int, end: int) -> bool:
        return any(a <= start and end <= b for a, b in own)

    found: list[tuple[int, int]] = []
    for m in _WINDOW.finditer(text):
        start, end = m.start(1), m.end(1)
        code = _digits(m.group(1))
        if check_resident_id(code) is None:
            found.append((start, end))  # a real ID number: masked even inside a key
        elif not inside_own(start, end) and _SHAPE.fullmatch(code):
            found.append((start, end))
    for m in _RUN.finditer(text):
        start, end = m.span()
        if inside_own(start, end):
            continue
        code = _digits(m.group(0))
        if len(code) == 18 and identifier_kind(code) is IdentifierKind.ORGANISATION:
            continue  # an all-digit USCC that is not an ID number
        found.append((start, end))
    found.sort()
    merged: list[tuple[int, int]] = []
    for start, end in found:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def scrub_text(text: str) -> str:
    """``text`` with every ID-number-like part masked (see the module docstring)."""
    if not _FAST.search(text):
        return text
    out, at = [], 0
    for start, end in _spans(text):
        code = _digits(text[start:end])
        out += [text[at:start], mask_id(code) if len(code) == 18 else mask_value(code)]
        at = end
    out.append(text[at:])
    return "".join(out)


def scrub_data(value: Any) -> Any:
    """``scrub_text`` over every string of a JSON-like value (dict keys included)."""
    if isinstance(value, str):
        return scrub_text(value)
    if isinstance(value, dict):
        return {scrub_data(k): scrub_data(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [scrub_data(v) for v in value]
    return value


def shorten(text: str, limit: int = 200) -> str:
    """Scrubbed, then cut to ``limit`` characters (with "…"): never the other way round, or
    the cut could leave the start of an ID number unmasked."""
    # past ``limit`` nothing is shown; an ID number (with separators) starting before it ends
    # within 100 characters, so only that much more needs scrubbing (cells may be megabytes)
    clean = scrub_text(text[: limit + 100])
    return clean if len(text) <= limit else clean[: limit - 1] + "…"
