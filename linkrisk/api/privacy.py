"""Personal data at the API edge: masked person names, and no raw ID number in logs or audit.

Persons are shown with a masked name (张三 → 张*) and the masked ID kept by the loaders
(``3201**********123X``) unless the caller's key has the ``pii`` scope; the raw ID number is
never stored, so not even ``pii`` keys can see it. Anything a caller types that looks like a
resident ID number (in a path, a subject key) is masked before it is written anywhere.
"""

from __future__ import annotations

from linkrisk.loaders.identifiers import IdentifierKind, compact_code, identifier_kind, mask_id
from linkrisk.loaders.scrub import scrub_text

MAX_KEY = 64  # longer "subject keys" are not keys: keep the audit row bounded


def mask_name(name: str | None) -> str | None:
    """A person's name with all but the first character starred: 张三 → 张*, 欧阳娜娜 → 欧***."""
    if not name:
        return name
    return name[0] + "*" * (len(name) - 1)


def looks_like_id_number(value: str) -> bool:
    """True for anything that names a person by resident ID number (``identifier_kind``: also
    when it passes the USCC checks too) or that the scrubber would mask."""
    if identifier_kind(value) is IdentifierKind.PERSON:
        return True
    return identifier_kind(value) is None and scrub_text(value) != value


def safe_subject_key(value: str) -> str:
    """A subject key fit for the audit log: ID-number-like input is masked, length is bounded."""
    value = value.strip()
    if identifier_kind(value) is IdentifierKind.PERSON:
        return mask_id(compact_code(value))
    return scrub_text(value)[:MAX_KEY]


def mask_path(path: str) -> str:
    """A request path with anything that may be an ID number masked (``scrub_text``)."""
    return scrub_text(path)
