"""Personal data at the API edge: masked person names, and no raw ID number in logs or audit.

Persons are shown with a masked name (张三 → 张*) and the masked ID kept by the loaders
(``3201**********123X``) unless the caller's key has the ``pii`` scope; the raw ID number is
never stored, so not even ``pii`` keys can see it. Anything a caller types that looks like a
resident ID number (in a path, a subject key) is masked before it is written anywhere.
"""

from __future__ import annotations

import re

from linkrisk.loaders.identifiers import check_uscc, mask_id

_ID_LIKE = re.compile(r"\d{17}[\dXx]|\d{15}")  # 18-digit (GB 11643) or old 15-digit numbers
_ID_RUN = re.compile(r"\d{14,}[\dXx]")
MAX_KEY = 64  # longer "subject keys" are not keys: keep the audit row bounded


def mask_name(name: str | None) -> str | None:
    """A person's name with all but the first character starred: 张三 → 张*, 欧阳娜娜 → 欧***."""
    if not name:
        return name
    return name[0] + "*" * (len(name) - 1)


def looks_like_id_number(value: str) -> bool:
    """True for anything shaped like a resident ID number that is not a valid USCC."""
    return bool(_ID_LIKE.fullmatch(value)) and check_uscc(value.upper()) is not None


def safe_subject_key(value: str) -> str:
    """A subject key fit for the audit log: ID-number-like input is masked, length is bounded."""
    value = value.strip()
    if looks_like_id_number(value):
        return mask_id(value.upper())
    return value[:MAX_KEY]


def mask_path(path: str) -> str:
    """A request path with any ID-number-like run of digits masked."""
    return _ID_RUN.sub(lambda m: mask_id(m.group(0)), path)
