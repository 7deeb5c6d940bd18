"""Subject keys as a person types them: one normaliser and one check for the CLI and the API.

A key is a USCC (统一社会信用代码), a person key (``P`` + 32 hex digits of the keyed ID hash), a
weak identity (``W`` + 32 hex) or another registry's key (``hk-cr:01234567``: scheme in lower
case, the rest upper case). What is typed or pasted is made
half-width and loses its spaces (``9161 0000 …`` from a printed licence); a USCC-shaped key is
upper-cased and checked per GB 32100, so that a wrong check character or a missing character
is reported as such instead of "not found".
"""

from __future__ import annotations

import re
import unicodedata

from linkrisk.errors import InputError
from linkrisk.loaders.identifiers import check_uscc, mask_id
from linkrisk.loaders.schemes import SCHEMES

_HASHED = re.compile(r"[PW][0-9a-f]{32}")  # person and weak-identity keys (lower-case hex)
# 17–20 letters and digits starting with a digit or registration authority letter: meant as a
# USCC (a shorter string may be a key prefix, see ``linkrisk.graph.queries.resolve``)
_USCC_SHAPED = re.compile(r"[0-9A-Y][0-9A-Z]{16,19}")
_ID_LIKE = re.compile(r"\d{17}[\dX]")  # shaped like a resident ID number: masked in messages
#: an organisation keyed by a typed registry number: ``hk-cr:01234567``, ``foreign-reg:SG:…``
_SCHEMED = re.compile(r"([A-Za-z-]+):(.+)")
_CUT = ("…", "...")  # tables shorten long keys with an ellipsis; a pasted one is a prefix


def normalise_key(text: str) -> str:
    """Half-width, no whitespace, no trailing ellipsis; USCC-shaped keys upper-cased."""
    key = "".join(unicodedata.normalize("NFKC", text).split())
    for cut in _CUT:
        key = key.removesuffix(cut)
    schemed = _SCHEMED.fullmatch(key)
    if schemed and schemed.group(1).lower() in SCHEMES:
        return f"{schemed.group(1).lower()}:{schemed.group(2).upper()}"
    if not _HASHED.fullmatch(key) and _USCC_SHAPED.fullmatch(key.upper()):
        key = key.upper()
    return key


def key_problem(key: str) -> str | None:
    """Why a normalised key cannot be a subject's ("… is not a valid USCC: …"), or None."""
    if _HASHED.fullmatch(key) or not _USCC_SHAPED.fullmatch(key):
        return None
    problem = check_uscc(key)
    if problem is None:
        return None
    if _ID_LIKE.fullmatch(key):  # an ID number typed where a key is expected: never echo it
        return (
            f"{mask_id(key)!r} is not a valid USCC: {problem.value} (a resident ID number is"
            " not a subject key: persons are keyed P…, the keyed hash of their number)"
        )
    return f"{key!r} is not a valid USCC: {problem.value}"


def subject_key(text: str) -> str:
    """The normalised key; ``InputError`` when it is a USCC that does not check."""
    key = normalise_key(text)
    problem = key_problem(key)
    if problem is not None:
        raise InputError(problem, field="sid")
    return key


def uscc_key(text: str) -> str:
    """A key that must be a USCC (a lender's consent names an organisation): normalised and
    checked; ``InputError`` "… is not a valid USCC: …" otherwise."""
    key = normalise_key(text).upper()
    problem = check_uscc(key)
    if problem is not None:
        shown = mask_id(key) if _ID_LIKE.fullmatch(key) else key
        raise InputError(f"{shown!r} is not a valid USCC: {problem.value}", field="uscc")
    return key
