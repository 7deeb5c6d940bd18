"""Who a row is about: subject keys (sid) from USCCs, resident ID numbers or weak identities.

- a valid USCC is an organisation's sid (kind from its first two characters);
- a valid resident ID number becomes ``"P"`` + a keyed hash, shown only masked;
- no identifier: a weak identity ``"W"`` + keyed hash of (name, the firm it was seen with),
  a person or — when the type or the name says so — an organisation without a USCC.
The keyed hash is computed once per distinct value of a batch; nothing else loops over rows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from linkrisk.loaders.enums import enum_key, kind_from_uscc
from linkrisk.loaders.identifiers import (
    IdProblem,
    check_resident_id,
    check_uscc,
    compact_code,
    decide_identifiers,
    keyed_digests,
    known_region_codes,
    resident_id_valid_matrix,
    uscc_valid_matrix,
)
from linkrisk.loaders.normalise import map_distinct
from linkrisk.loaders.records import SubjectKind
from linkrisk.loaders.textops import as_string_array, byte_matrix, present, to_bool

ID_MASK = "*" * 10  # 18 characters: the first 4 and last 4 stay visible
REGION_WARNING = "resident ID region code unknown (loaded; please check the number)"
# names that end like this are organisations (a person's name never does)
ORG_NAME = (
    r"(公司|企业|合伙|中心|集团|厂|商店|商行|事务所|合作社|研究所|研究院|设计院|协会|商会|学会|基金会"
    r"|委员会|银行|分行|支行|医院|学校|大学|学院|政府|局|办公室|经营部|门市部|工作室|农场|联社)\)?$"
)
ORG_TYPES = (
    "企业",
    "公司",
    "法人",
    "机构",
    "合伙",
    "组织",
    "单位",
    "政府",
    "国资",
    "org",
    "company",
)
PERSON_TYPES = ("自然人", "个人", "person", "natural")


def validity(codes: pa.StringArray) -> tuple[np.ndarray, np.ndarray]:
    """(valid USCC, valid resident ID number) masks of upper-case compacted codes."""
    matrix, lengths = byte_matrix(codes, 18)
    return uscc_valid_matrix(matrix, lengths), resident_id_valid_matrix(matrix, lengths)


def uscc_validity(codes: pa.StringArray) -> np.ndarray:
    """Valid-USCC mask of upper-case compacted codes."""
    return uscc_valid_matrix(*byte_matrix(codes, 18))


def keyed_column(
    texts: pa.StringArray, rows: np.ndarray, prefix: str, key: bytes
) -> pa.StringArray:
    """``keyed_sids`` of ``texts`` at ``rows`` (null elsewhere), hashing each distinct text once."""
    out = pa.nulls(len(texts), pa.string())
    if rows.size == 0:
        return as_string_array(out)
    encoded = pc.dictionary_encode(texts.take(pa.array(rows)))
    sids = _sid_array(prefix, encoded.dictionary, key).take(encoded.indices)
    mask = np.zeros(len(texts), dtype=bool)
    mask[rows] = True
    return as_string_array(pc.replace_with_mask(out, pa.array(mask), sids))


def _sid_array(prefix: str, texts: pa.Array, key: bytes) -> pa.StringArray:
    """``keyed_sids`` as an Arrow array, assembled from the digests without a str per value."""
    n = len(texts)
    digests = keyed_digests(pc.cast(texts, pa.binary()).to_pylist(), key)
    hexes = np.frombuffer(digests.hex().encode(), dtype=np.uint8).reshape(n, 64)
    out = np.empty((n, 33), dtype=np.uint8)
    out[:, 0] = ord(prefix)
    out[:, 1:] = hexes[:, :32]
    offsets = np.arange(0, 33 * (n + 1), 33, dtype=np.int32)
    return pa.StringArray.from_buffers(
        n, pa.py_buffer(offsets.tobytes()), pa.py_buffer(out.tobytes())
    )


def masked_ids(codes: pa.StringArray, rows: np.ndarray) -> pa.StringArray:
    """``mask_id`` of the (18-character) numbers at ``rows``, null elsewhere."""
    keep = np.zeros(len(codes), dtype=bool)
    keep[rows] = True
    masked = pc.utf8_replace_slice(codes, 4, 14, ID_MASK)
    return as_string_array(pc.if_else(pa.array(keep), masked, pa.scalar(None, pa.string())))


def unknown_regions(codes: pa.StringArray, rows: np.ndarray) -> int:
    """How many of the ID numbers at ``rows`` have a region prefix unknown to GB/T 2260."""
    if rows.size == 0:
        return 0
    prefixes = pc.utf8_slice_codeunits(codes.take(pa.array(rows)), 0, 6)
    known = pc.is_in(prefixes, value_set=_known_regions())
    return int(rows.size - (pc.sum(known).as_py() or 0))


@lru_cache(maxsize=1)
def _known_regions() -> pa.StringArray:
    return pa.array(sorted(known_region_codes()), pa.string())


_PERSON_KINDS = pa.array([SubjectKind.PERSON, SubjectKind.UNKNOWN_ORG], pa.string())


def org_like_names(names: pa.StringArray) -> np.ndarray:
    return to_bool(pc.match_substring_regex(names, ORG_NAME))


def _type_hint(text: str) -> str | None:
    key = enum_key(text)
    if any(t in key for t in PERSON_TYPES):
        return "person"
    return "org" if any(t in key for t in ORG_TYPES) else None


def type_hints(types: pa.StringArray) -> tuple[np.ndarray, np.ndarray]:
    """(says organisation, says person) masks from a holder-type column (股东类型)."""
    hint = map_distinct(types, _type_hint, pa.string())
    return to_bool(pc.equal(hint, "org")), to_bool(pc.equal(hint, "person"))


def id_reason(value: str) -> str:
    """Why a code is neither a valid USCC nor a valid resident ID number."""
    value = compact_code(value)  # what was checked, not the cell as written ("１１０ １０１…")
    as_uscc = check_uscc(value)
    as_id = check_resident_id(value)
    if as_id is None or as_uscc is None:
        return "not accepted here"
    if as_uscc is IdProblem.LENGTH and as_id is IdProblem.LENGTH:
        return "neither a USCC nor a resident ID number: wrong length (18 characters expected)"
    return f"neither a valid USCC ({as_uscc.value}) nor a valid resident ID number ({as_id.value})"


def person_id_reason(value: str) -> str:
    value = compact_code(value)
    problem = check_resident_id(value)
    if problem is None:
        return "not accepted here"
    extra = " (it is a USCC: an organisation)" if check_uscc(value) is None else ""
    return f"not a valid resident ID number: {problem.value}{extra}"


def uscc_reason(value: str) -> str:
    value = compact_code(value)
    problem = check_uscc(value)
    return "not accepted here" if problem is None else f"not a valid USCC: {problem.value}"


@dataclass(slots=True)
class Resolved:
    """The subject identity of every row (null sid where the row has no usable identifier)."""

    sid: pa.StringArray
    kind: pa.StringArray
    id_masked: pa.StringArray
    weak: np.ndarray
    bad: np.ndarray  # an identifier is present but invalid
    reason: Callable[[str], str]
    persons: np.ndarray  # rows identified by a resident ID number (for region warnings)


def resolve(
    codes: pa.StringArray,
    names: pa.StringArray,
    seen_with: pa.StringArray | None,
    key: bytes,
    *,
    allow_org: bool = True,
    org_hint: np.ndarray | None = None,
    person_hint: np.ndarray | None = None,
) -> Resolved:
    """Resolve identifiers; ``seen_with`` (the firm's USCC) enables weak identities."""
    n = len(codes)
    uscc_ok, rid_ok = validity(codes)
    org_hint = np.zeros(n, bool) if org_hint is None else org_hint
    person_hint = np.zeros(n, bool) if person_hint is None else person_hint
    given = present(codes)
    weak = ~given & present(names) & (present(seen_with) if seen_with is not None else False)
    # the name is only looked at where it decides something: weak rows and USCC-or-ID numbers
    org_named = np.zeros(n, bool)
    undecided = np.flatnonzero(weak | (uscc_ok & rid_ok))
    if allow_org and undecided.size:
        org_named[undecided] = org_like_names(as_string_array(names.take(pa.array(undecided))))
    says_org = org_hint | (org_named & ~person_hint)
    # an 18-digit number can pass both checks; the resident ID wins unless the row says "org"
    as_person, as_org = decide_identifiers(uscc_ok, rid_ok, says_org & allow_org)
    as_org = as_org if allow_org else np.zeros(n, bool)
    person_rows, weak_rows = np.flatnonzero(as_person), np.flatnonzero(weak)

    sid = keyed_column(codes, person_rows, "P", key)
    if weak_rows.size and seen_with is not None:
        joined = pc.binary_join_element_wise(names, seen_with, "|")
        sid = as_string_array(
            pc.coalesce(sid, keyed_column(as_string_array(joined), weak_rows, "W", key))
        )
    sid = as_string_array(pc.if_else(pa.array(as_org), codes, sid))

    kind = _PERSON_KINDS.take(pa.array((weak & says_org).astype(np.int8)))
    if as_org.any():
        kind = pc.if_else(pa.array(as_org), kind_from_uscc(codes), kind)
    kind = pc.if_else(pc.is_valid(sid), kind, pa.scalar(None, pa.string()))
    return Resolved(
        sid=sid,
        kind=as_string_array(kind),
        id_masked=masked_ids(codes, person_rows),
        weak=weak,
        bad=given & ~as_person & ~as_org,
        reason=id_reason if allow_org else person_id_reason,
        persons=as_person,
    )
